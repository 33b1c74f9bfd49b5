// ProgrammeFeed alone: engine and schedule events in, viewer events out, through its
// FeedOutput port (recorded here) — and the handshake origin rule.
import { expect } from 'chai';
import { ProgrammeFeed, type FeedOutput } from '../../../src/realtime/programme-feed.js';
import { originAllowed } from '../../../src/shared/credentials.js';
import type { EngineEvents } from '../../../src/scheduler/ports.js';
import type { LivePayload } from '../../../src/realtime/events.js';
import { TypedEmitter } from '../../../src/shared/typed-emitter.js';
import { ManualClock } from '../../support/manual-clock.js';
import { FakeSchedule, makeOccurrence, makeRecord } from '../../support/realtime-harness.js';

class RecordingOutput implements FeedOutput {
  readonly sent: Array<{ to: string[] | 'all'; event: string; payload: unknown }> = [];
  toAll(event: string, payload: unknown): void {
    this.sent.push({ to: 'all', event, payload });
  }
  toRooms(rooms: string[], event: string, payload: unknown): void {
    this.sent.push({ to: rooms, event, payload });
  }
}

describe('realtime: programme feed', () => {
  const clock = new ManualClock('2026-12-05T08:00:00Z');
  const occ = makeOccurrence({ programmeId: 'fairy-tales', start: new Date('2026-12-05T09:00:00Z'), audience: ['children', 'parents'] });

  function feed(occs = [occ]): { engine: TypedEmitter<EngineEvents>; schedule: FakeSchedule; out: RecordingOutput; feed: ProgrammeFeed } {
    const engine = new TypedEmitter<EngineEvents>();
    const schedule = new FakeSchedule(occs);
    const out = new RecordingOutput();
    const f = new ProgrammeFeed({ engineEvents: engine, schedule, clock, output: out, chatOpensBeforeMs: 900_000, chatClosesAfterMs: 900_000 });
    f.start();
    return { engine, schedule, out, feed: f };
  }

  it('sends reminders to the programme, category and audience rooms, and nothing else', () => {
    const { engine, out } = feed();
    engine.emit('reminder', occ, 900_000);
    expect(out.sent.map((s) => [s.to, s.event])).to.deep.equal([[['p:fairy-tales', 'c:reading', 'a:children', 'a:parents'], 'programme:reminder']]);
  });

  it('sends live once per broadcast, ended after live, cancelled once, and nothing for steps in between', () => {
    const { engine, out, feed: f } = feed();
    for (const state of ['preparing', 'ready'] as const) engine.emit('transition', makeRecord(occ, state), undefined, occ);
    expect(out.sent).to.deep.equal([]);
    engine.emit('transition', makeRecord(occ, 'live', [{ name: 'local', kind: 'local', status: 'live', watchUrl: '/hls/x.m3u8', remote: {} }]), 'ready', occ);
    engine.emit('transition', makeRecord(occ, 'live'), 'live', occ);
    expect(f.snapshot().live.map((p) => p.status)).to.deep.equal(['live']);
    engine.emit('transition', makeRecord(occ, 'failed', [], { liveAt: 'x', endedAt: '2026-12-05T09:30:00.000Z' }), 'live', occ);
    engine.emit('transition', makeRecord(occ, 'cancelled'), 'scheduled', occ);
    engine.emit('transition', makeRecord(occ, 'cancelled'), 'scheduled', occ);
    // The second "live" record has lost its destination: pages hear the watch list changed.
    expect(out.sent.map((s) => s.event)).to.deep.equal(['programme:live', 'programme:watch', 'programme:ended', 'programme:cancelled']);
    expect((out.sent[2]!.payload as { outcome: string }).outcome).to.equal('failed');
  });

  it('says "live" once the first destination has the stream, with its link, and announces the ones that follow', () => {
    const { engine, out, feed: f } = feed();
    const pending = { name: 'local', kind: 'local' as const, status: 'ready' as const, watchUrl: '/hls/x/index.m3u8', remote: {} };
    const youtube = { name: 'youtube', kind: 'youtube' as const, status: 'ready' as const, remote: {} };
    engine.emit('transition', makeRecord(occ, 'live', [pending, youtube]), 'ready', occ);
    // Live at its second, but nowhere to watch yet: listed as live, not announced.
    expect(out.sent).to.deep.equal([]);
    expect(f.snapshot().live.map((p) => [p.occurrenceId, p.watch])).to.deep.equal([[occ.id, []]]);
    const local = makeRecord(occ, 'live', [{ ...pending, status: 'live' }, youtube], { liveAt: '2026-12-05T09:00:00.000Z' });
    engine.emit('destination', local);
    engine.emit('destination', local);
    const both = makeRecord(occ, 'live', [{ ...pending, status: 'live' }, { ...youtube, status: 'live', watchUrl: 'https://www.youtube.com/watch?v=abc123' }]);
    engine.emit('destination', both);
    const link = { destination: 'local', kind: 'local', url: '/hls/x/index.m3u8' };
    const yt = { destination: 'youtube', kind: 'youtube', url: 'https://www.youtube.com/watch?v=abc123' };
    expect(out.sent.map((s) => s.event)).to.deep.equal(['programme:live', 'programme:watch']);
    const live = out.sent[0]!.payload as LivePayload;
    expect([live.liveAt, live.watch, live.programme.watch]).to.deep.equal(['2026-12-05T09:00:00.000Z', [link], [link]]);
    expect(out.sent[1]!.payload).to.deep.equal({ occurrenceId: occ.id, programmeId: 'fairy-tales', watch: [link, yt] });
    expect(f.snapshot().live[0]!.watch).to.deep.equal([link, yt]);
  });

  it('never says "live" for a broadcast no destination carried: it ends without a watch list change', () => {
    const { engine, out } = feed();
    const failed = { name: 'local', kind: 'local' as const, status: 'failed' as const, remote: {} };
    engine.emit('transition', makeRecord(occ, 'live', [failed]), 'ready', occ);
    engine.emit('destination', makeRecord(occ, 'live', [failed]));
    engine.emit('transition', makeRecord(occ, 'ending', [failed]), 'live', occ);
    expect(out.sent).to.deep.equal([]);
  });

  it('tells pages the new end of a live broadcast staff extended, and of a listed one to come, never of an unlisted one to come', () => {
    const later = makeOccurrence({ programmeId: 'chess', start: new Date('2026-12-05T12:00:00Z') });
    const hidden = makeOccurrence({ programmeId: 'demo', start: new Date('2026-12-05T12:00:00Z'), listed: false });
    const { engine, out, feed: f } = feed([occ, later, hidden]);
    const local = [{ name: 'local', kind: 'local' as const, status: 'live' as const, watchUrl: '/hls/x.m3u8', remote: {} }];
    engine.emit('transition', makeRecord(occ, 'live', local), 'ready', occ);
    // As the engine keeps it: staff moved scheduledEnd; `planned` still holds the schedule's times.
    const planned = (o: typeof occ) => ({ planned: { start: o.start.toISOString(), end: o.end.toISOString() } });
    engine.emit('changed', makeRecord(occ, 'live', local, { scheduledEnd: '2026-12-05T09:45:00.000Z', ...planned(occ) }));
    expect(out.sent.map((s) => s.event)).to.deep.equal(['programme:live', 'programme:changed']);
    expect(out.sent[1]!.payload).to.deep.include({ change: 'time' });
    expect((out.sent[1]!.payload as { programme: { end: string; status: string } }).programme).to.deep.include({ end: '2026-12-05T09:45:00.000Z', status: 'live' });
    expect(f.snapshot().live[0]!.end).to.equal('2026-12-05T09:45:00.000Z');

    engine.emit('changed', makeRecord(later, 'scheduled', [], { scheduledEnd: '2026-12-05T13:15:00.000Z', ...planned(later) }));
    engine.emit('changed', makeRecord(hidden, 'scheduled', [], { scheduledEnd: '2026-12-05T13:15:00.000Z', ...planned(hidden) }));
    expect(out.sent.map((s) => s.event)).to.deep.equal(['programme:live', 'programme:changed', 'programme:changed']);
  });

  it('shares one snapshot among viewers within a second, and builds a new one after any change or a second', async () => {
    const { engine, feed: f } = feed();
    const first = f.snapshot();
    expect(f.snapshot()).to.equal(first);
    engine.emit('transition', makeRecord(occ, 'live'), 'ready', occ);
    const afterLive = f.snapshot();
    expect(afterLive).to.not.equal(first);
    expect(afterLive.live.map((l) => l.occurrenceId)).to.deep.equal([occ.id]);
    await clock.advance(1000);
    expect(f.snapshot()).to.not.equal(afterLive);
  });

  it('resync: re-reads the records, sends what changed through the given output, then a snapshot', async () => {
    const { out, feed: f } = feed();
    const local = new RecordingOutput();
    const live = makeRecord(occ, 'live', [{ name: 'local', kind: 'local', status: 'live', watchUrl: '/hls/x.m3u8', remote: {} }]);
    const reader = { listUnfinished: async () => [live], get: async () => undefined };
    expect(await f.resync(reader, local)).to.deep.equal([occ.id]);
    expect(local.sent.map((m) => m.event)).to.deep.equal(['programme:live', 'schedule']);
    expect(out.sent).to.deep.equal([]);
    // Nothing changed since: only the snapshot again. Then it ended while we were away.
    expect(await f.resync(reader, local)).to.deep.equal([]);
    const ended = makeRecord(occ, 'complete', [], { liveAt: live.liveAt ?? 'x', endedAt: '2026-12-05T09:30:00.000Z' });
    expect(await f.resync({ listUnfinished: async () => [], get: async () => ended }, local)).to.deep.equal([occ.id]);
    expect(local.sent.map((m) => m.event)).to.deep.equal(['programme:live', 'schedule', 'schedule', 'programme:ended', 'schedule']);
  });

  it('stops listening when stopped', () => {
    const { engine, out, feed: f } = feed();
    f.stop();
    engine.emit('reminder', occ, 1);
    expect(out.sent).to.deep.equal([]);
  });

  it('lets a handshake in without Origin, from the same host or a configured origin only', () => {
    expect(originAllowed(undefined, 'onair.example', [])).to.equal(true);
    expect(originAllowed('https://onair.example', 'onair.example', [])).to.equal(true);
    expect(originAllowed('https://evil.example', 'onair.example', [])).to.equal(false);
    expect(originAllowed('https://kutuphane.example', 'localhost:3000', ['https://kutuphane.example/'])).to.equal(true);
    expect(originAllowed('null', 'onair.example', [])).to.equal(false);
  });
});
