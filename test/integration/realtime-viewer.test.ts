// Viewer namespace of the composed server (startRealtime → startJourney) over a real
// socket.io-client: every programme event, subscriptions, connection state recovery, and
// every kind of refused input. What the engine would announce is emitted on the server's own
// engine; schedule edits are saved to its schedule folder.
import { expect } from 'chai';
import { io as connect } from 'socket.io-client';
import type { Clock } from '../../src/shared/clock.js';
import { ManualClock } from '../support/manual-clock.js';
import {
  identityOf,
  makeOccurrence,
  makeRecord,
  nextEvent,
  request,
  startRealtime,
  type Realtime,
  type ViewerClient,
} from '../support/realtime-harness.js';
import type {
  Ack,
  CancelledPayload,
  ChangedPayload,
  EndedPayload,
  LivePayload,
  ReminderPayload,
  ScheduleSnapshotPayload,
} from '../../src/realtime/events.js';

const NOW = new Date('2026-12-05T08:00:00Z');

describe('realtime: viewers (socket.io)', function () {
  this.timeout(30_000);
  let h: Realtime<Clock>;
  const fairy = makeOccurrence({ programmeId: 'fairy-tales', start: new Date('2026-12-05T08:15:00Z') });
  const chess = makeOccurrence({ programmeId: 'chess', start: new Date('2026-12-05T10:00:00Z'), category: 'class', audience: ['adults'] });
  /** A destination that has the stream: "live" goes out once there is somewhere to watch. */
  const onLocal = [{ name: 'local', kind: 'local' as const, status: 'live' as const, watchUrl: '/hls/fairy/index.m3u8', remote: {} }];

  // These change what is live or scheduled: each starts a server of its own, on a clock that
  // runs from NOW (the schedule's reload waits on it).
  describe('programme events', () => {
    beforeEach(async () => {
      h = await startRealtime({ start: NOW, occurrences: [fairy, chess] });
    });
    afterEach(async () => {
      await h.stop();
    });

    it('sends a schedule snapshot on connect: nothing live, the next programmes in order', async () => {
      const socket = connect(h.url, { transports: ['websocket'], forceNew: true, autoConnect: false });
      const snap = nextEvent<ScheduleSnapshotPayload>(socket, 'schedule');
      socket.connect();
      const s = await snap;
      socket.disconnect();
      expect(s.live).to.deep.equal([]);
      expect(s.next.map((p) => p.occurrenceId)).to.deep.equal([fairy.id, chess.id]);
      expect(s.next[0]).to.include({ status: 'upcoming', start: '2026-12-05T08:15:00.000Z' });
      expect(s.next[0]!.chat.opensAt).to.equal('2026-12-05T08:00:00.000Z');
    });

    it('tells everyone "live" with the watch URL of each destination that made it, and the snapshot shows it', async () => {
      const a = await h.viewer();
      const b = await h.viewer();
      const gotA = nextEvent<LivePayload>(a, 'programme:live');
      const gotB = nextEvent<LivePayload>(b, 'programme:live');
      h.engine.emit(
        'transition',
        makeRecord(fairy, 'live', [
          { name: 'youtube', kind: 'youtube', status: 'live', watchUrl: 'https://www.youtube.com/watch?v=abc123', remote: {} },
          { name: 'local', kind: 'local', status: 'live', watchUrl: '/hls/fairy/index.m3u8', remote: {} },
          { name: 'municipal', kind: 'rtmp', status: 'failed', remote: {} },
        ], { liveAt: '2026-12-05T08:15:00.000Z' }),
        'ready',
        fairy,
      );
      const [live, liveB] = await Promise.all([gotA, gotB]);
      expect(live.programme.occurrenceId).to.equal(fairy.id);
      expect(live.liveAt).to.equal('2026-12-05T08:15:00.000Z');
      expect(live.watch).to.deep.equal([
        { destination: 'youtube', kind: 'youtube', url: 'https://www.youtube.com/watch?v=abc123' },
        { destination: 'local', kind: 'local', url: '/hls/fairy/index.m3u8' },
      ]);
      expect(liveB.watch).to.have.length(2);
      const ack = await request<Ack<{ snapshot: ScheduleSnapshotPayload }>>(a, 'schedule:get');
      expect(ack.ok).to.equal(true);
      if (ack.ok) {
        expect(ack.snapshot.live.map((p) => p.occurrenceId)).to.deep.equal([fairy.id]);
        expect(ack.snapshot.next.map((p) => p.occurrenceId)).to.deep.equal([chess.id]);
      }
    });

    it('sends reminders only to subscribers of the programme, category or audience', async () => {
      const byProgramme = await h.viewer();
      const byAudience = await h.viewer();
      const nobody = await h.viewer();
      const subs = await request<Ack<{ rooms: string[] }>>(byProgramme, 'subscribe', { programmes: ['fairy-tales'] });
      expect(subs).to.deep.equal({ ok: true, rooms: ['p:fairy-tales'] });
      await request(byAudience, 'subscribe', { audiences: ['children'], categories: ['class'] });
      const reminders: ReminderPayload[] = [];
      nobody.on('programme:reminder', (r) => reminders.push(r));
      const r1 = nextEvent<ReminderPayload>(byProgramme, 'programme:reminder');
      const r2 = nextEvent<ReminderPayload>(byAudience, 'programme:reminder');
      h.engine.emit('reminder', fairy, 900_000);
      expect((await r1).offsetMs).to.equal(900_000);
      expect((await r2).programme.occurrenceId).to.equal(fairy.id);
      // "live" goes to everyone; reaching `nobody` after the reminder proves it got no reminder.
      const live = nextEvent(nobody, 'programme:live');
      h.engine.emit('transition', makeRecord(fairy, 'live', onLocal), 'ready', fairy);
      await live;
      expect(reminders).to.deep.equal([]);
      // Unsubscribing stops them.
      await request(byProgramme, 'unsubscribe', { programmes: ['fairy-tales'] });
      const after: ReminderPayload[] = [];
      byProgramme.on('programme:reminder', (r) => after.push(r));
      const ended = nextEvent(byProgramme, 'programme:ended');
      h.engine.emit('reminder', fairy, 60_000);
      h.engine.emit('transition', makeRecord(fairy, 'complete', [], { liveAt: 'x', endedAt: '2026-12-05T09:15:00.000Z' }), 'ending', fairy);
      await ended;
      expect(after).to.deep.equal([]);
    });

    it('sends "ended" after a live broadcast and "cancelled" for a cancelled or missed one', async () => {
      const v = await h.viewer();
      const ended = nextEvent<EndedPayload>(v, 'programme:ended');
      h.engine.emit('transition', makeRecord(fairy, 'complete', [], { liveAt: '2026-12-05T08:15:00.000Z', endedAt: '2026-12-05T09:15:00.000Z' }), 'ending', fairy);
      expect(await ended).to.include({ occurrenceId: fairy.id, outcome: 'complete', endedAt: '2026-12-05T09:15:00.000Z' });
      const cancelled = nextEvent<CancelledPayload>(v, 'programme:cancelled');
      h.engine.emit('transition', makeRecord(chess, 'cancelled', [], { reason: 'the teacher is ill' }), 'scheduled', chess);
      expect(await cancelled).to.deep.include({ occurrenceId: chess.id, reason: 'the teacher is ill', start: '2026-12-05T10:00:00.000Z' });
    });

    it('sends "changed" and "cancelled" when the schedule is edited, and a fresh snapshot', async () => {
      const v = await h.viewer();
      const changed = nextEvent<ChangedPayload>(v, 'programme:changed');
      const cancelled = nextEvent<CancelledPayload>(v, 'programme:cancelled');
      const snapshot = nextEvent<ScheduleSnapshotPayload>(v, 'schedule');
      const moved = { ...fairy, start: new Date('2026-12-05T08:30:00Z'), end: new Date('2026-12-05T09:30:00Z') };
      h.replaceSchedule([moved, { ...chess, cancelled: true }]);
      expect((await changed).programme).to.include({ occurrenceId: fairy.id, start: '2026-12-05T08:30:00.000Z' });
      expect((await cancelled).occurrenceId).to.equal(chess.id);
      expect((await snapshot).next.map((p) => p.occurrenceId)).to.deep.equal([fairy.id]);
      // A series deleted from the schedule is cancelled too.
      const gone = nextEvent<CancelledPayload>(v, 'programme:cancelled');
      h.replaceSchedule([]);
      expect(await gone).to.include({ occurrenceId: fairy.id, reason: 'removed from the schedule' });
    });

    /** Subscribes `v`, drops its network (not a clean disconnect), sends a reminder and "live" meanwhile: both arrive, recovered. */
    async function dropThenCatchUp(v: Awaited<ReturnType<typeof h.viewer>>): Promise<void> {
      await request(v, 'subscribe', { programmes: ['fairy-tales'] });
      const down = nextEvent(v, 'disconnect');
      v.io.engine.close();
      await down;
      const live = nextEvent<LivePayload>(v, 'programme:live');
      const reminder = nextEvent<ReminderPayload>(v, 'programme:reminder');
      h.engine.emit('reminder', fairy, 900_000);
      h.engine.emit('transition', makeRecord(fairy, 'live', onLocal), 'ready', fairy);
      const [got, rem] = await Promise.all([live, reminder]);
      expect(got.programme.occurrenceId).to.equal(fairy.id);
      expect(rem.offsetMs).to.equal(900_000);
      expect(v.recovered).to.equal(true);
    }

    it('recovers a dropped connection: an event sent while it was away arrives after reconnecting', async () => {
      await dropThenCatchUp(await h.viewer());
    });

    it('sends a recovered viewer its identity again when it does not present it (it dropped before keeping it)', async () => {
      const v = await h.viewer();
      const token = await identityOf(v);
      // This client never keeps its token (its auth stays empty), like a page that dropped
      // before the identity arrived.
      const again = nextEvent<{ token: string }>(v, 'viewer:identity');
      await dropThenCatchUp(v);
      expect((await again).token).to.equal(token);
    });

    it('recovers a viewer that connected right after another (its snapshot lends the newest buffered offset)', async () => {
      // The first viewer's snapshot is stored in the recovery buffer; the second one's
      // carries that packet's offset instead of a copy of its own (src/realtime/welcome-emit.ts).
      const first = await h.viewer();
      await dropThenCatchUp(await h.viewer());
      first.disconnect();
    });
  });

  // Nothing here changes the programmes: one server for all of them.
  describe('refusals', () => {
    let v: ViewerClient;
    let clock: ManualClock;
    before(async () => {
      // Stands still, for the throttle's window.
      clock = new ManualClock(NOW);
      h = await startRealtime({ clock, occurrences: [fairy, chess] });
    });
    after(async () => {
      await h.stop();
    });
    beforeEach(async () => {
      v = await h.viewer();
    });
    afterEach(() => h.disconnectClients());

    it('answers an unknown event with an error ack', async () => {
      const ack = await request<Ack>(v, 'programme:launch', { x: 1 });
      expect(ack).to.deep.include({ ok: false });
      if (!ack.ok) expect(ack.error.code).to.equal('unknown-event');
    });

    it('refuses a moderator action sent on the viewer namespace', async () => {
      const ack = await request<Ack>(v, 'mod:action', { action: 'close', occurrenceId: fairy.id });
      expect(ack.ok).to.equal(false);
      if (!ack.ok) expect(ack.error.code).to.equal('unknown-event');
    });

    for (const [name, payload] of [
      ['a string', 'garbage'],
      ['a number', 42],
      ['null', null],
      ['wrong types', { programmes: 'fairy-tales' }],
      ['unknown keys', { programmes: [], admin: true }],
      ['a bad id', { programmes: ['<script>'] }],
      ['too many ids', { programmes: Array.from({ length: 51 }, (_, i) => `p${i}`) }],
    ] as const) {
      it(`answers a subscribe with ${name} with an "invalid" ack`, async () => {
        const ack = await request<Ack>(v, 'subscribe', payload);
        expect(ack.ok).to.equal(false);
        if (!ack.ok) {
          expect(ack.error.code).to.equal('invalid');
          expect(ack.error.message).to.be.a('string').and.not.equal('');
        }
      });
    }

    it('closes a connection that sends an oversized frame, and keeps serving everyone else', async () => {
      const other = await h.viewer();
      const gone = nextEvent<string>(v, 'disconnect');
      v.emit('chat:send', { occurrenceId: fairy.id, text: 'x'.repeat(100_000) }, () => {});
      expect(await gone).to.be.a('string');
      const ack = await request<Ack<{ snapshot: ScheduleSnapshotPayload }>>(other, 'schedule:get');
      expect(ack.ok).to.equal(true);
    });

    it('throttles a socket that floods events', async () => {
      const acks = await Promise.all(Array.from({ length: 40 }, () => request<Ack>(v, 'subscribe', { programmes: [] })));
      const codes = acks.map((a) => (a.ok ? 'ok' : a.error.code));
      expect(codes.filter((c) => c === 'ok')).to.have.length(30);
      expect(codes.filter((c) => c === 'rate-limited')).to.have.length(10);
      await clock.advance(10_000);
      expect((await request<Ack>(v, 'subscribe', { programmes: [] })).ok).to.equal(true);
    });

    it('survives a raw garbage frame on the websocket', async () => {
      const { WebSocket } = await import('ws');
      const ws = new WebSocket(`${h.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
      await new Promise((resolve) => ws.once('open', resolve));
      const closed = new Promise((resolve) => ws.once('close', resolve));
      ws.send('40');
      ws.send('42["subscribe",{"programmes":[1,2');
      ws.send(Buffer.from([0xff, 0x00, 0x13]));
      await closed;
      const ack = await request<Ack>(v, 'schedule:get');
      expect(ack.ok).to.equal(true);
    });
  });
});
