// Chat and moderation on the composed server (startRealtime → startJourney, on a clock that
// stands still until a test moves it), real socket.io-clients and real HTTP: every chat
// refusal, every moderator action reaching every viewer at once, the audit log surviving a
// restart, transcript export, and authentication of the /moderation namespace.
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ManualClock } from '../support/manual-clock.js';
import {
  identityOf,
  makeOccurrence,
  makeRecord,
  nextEvent,
  request,
  startRealtime,
  TEST_TOKEN,
  type Realtime,
  type ViewerClient,
} from '../support/realtime-harness.js';
import type {
  Ack,
  AuditEntryPayload,
  ChatDeletedPayload,
  ChatMessagePayload,
  ChatRoomState,
  ChatRoomSummary,
  ChatSanctionPayload,
  SanctionPayload,
} from '../../src/realtime/events.js';
import { hashPassword } from '../../src/chat/index.js';

const NOW = new Date('2026-12-05T08:10:00Z');
type SendAck = Ack<{ message: ChatMessagePayload }>;

function code(ack: Ack): string {
  return ack.ok ? 'ok' : ack.error.code;
}

describe('realtime: chat and moderation (socket.io + HTTP)', function () {
  this.timeout(30_000);
  let clock: ManualClock;
  let h: Realtime<ManualClock>;
  const fairy = makeOccurrence({ programmeId: 'fairy-tales', start: new Date('2026-12-05T08:15:00Z') });
  const later = makeOccurrence({ programmeId: 'chess', start: new Date('2026-12-05T12:00:00Z') });
  let passwordHash: string;

  before(async () => {
    passwordHash = await hashPassword('correct horse');
  });

  beforeEach(async () => {
    clock = new ManualClock(NOW);
    h = await startRealtime({
      clock,
      occurrences: [fairy, later],
      overrides: { 'chat.maxLength': 40, 'moderation.accounts': [{ name: 'ayse', passwordHash }], 'moderation.sessionTtl': '1h' },
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  async function joined(nickname: string, identity?: string): Promise<ViewerClient> {
    const v = await h.viewer(identity ? { identity } : {});
    const ack = await request<Ack<{ state: ChatRoomState }>>(v, 'chat:join', { occurrenceId: fairy.id, nickname });
    expect(code(ack)).to.equal('ok');
    return v;
  }

  it('delivers a message to everyone in the room and to moderators, as plain text with a clean nickname', async () => {
    const mod = await h.moderator();
    const a = await joined('\u202EAli\u200B');
    const b = await joined('Zeynep');
    const atB = nextEvent<ChatMessagePayload[]>(b, 'chat:messages').then((batch) => batch[0]!);
    const atMod = nextEvent<ChatMessagePayload[]>(mod, 'chat:messages').then((batch) => batch[0]!);
    const ack = await request<SendAck>(a, 'chat:send', { occurrenceId: fairy.id, text: '  <b>Merhaba</b> \u202Edlrow  ' });
    expect(code(ack)).to.equal('ok');
    const m = await atB;
    expect(m).to.include({ nickname: 'Ali', text: '<b>Merhaba</b> dlrow', origin: 'onair' });
    expect((await atMod).id).to.equal(m.id);
    // A late joiner gets the history.
    const c = await h.viewer();
    const join = await request<Ack<{ history: ChatMessagePayload[] }>>(c, 'chat:join', { occurrenceId: fairy.id, nickname: 'Can' });
    expect(join.ok && join.history.map((x) => x.id)).to.deep.equal([m.id]);
  });

  it('refuses: not joined, closed window, too long, links, banned words (TR and EN), bad nickname', async () => {
    const v = await h.viewer();
    expect(code(await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text: 'hi' }))).to.equal('not-joined');
    expect(code(await request(v, 'chat:join', { occurrenceId: fairy.id, nickname: '\u200B\u200B ' }))).to.equal('nickname');
    expect(code(await request(v, 'chat:join', { occurrenceId: 'nope@2026-01-01T00:00', nickname: 'Ali' }))).to.equal('no-chat');
    await request(v, 'chat:join', { occurrenceId: later.id, nickname: 'Ali' });
    expect(code(await request<SendAck>(v, 'chat:send', { occurrenceId: later.id, text: 'early' }))).to.equal('chat-closed');
    await request(v, 'chat:join', { occurrenceId: fairy.id, nickname: 'Ali' });
    const send = async (text: string): Promise<string> => code(await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text }));
    expect(await send('x'.repeat(41))).to.equal('too-long');
    expect(await send('bak www.example.com')).to.equal('link');
    expect(await send('javascript:alert(1)')).to.equal('link');
    expect(await send('evil . com/x')).to.equal('link');
    await clock.advance(10_000);
    expect(await send('sen salaksın')).to.equal('banned-word');
    expect(await send('you are an IDIOT')).to.equal('banned-word');
    expect(await send('ş1kt1r')).to.equal('banned-word');
    expect(await send('   ')).to.equal('empty');
    expect(await send('The cockpit of a plane')).to.equal('ok');
  });

  it('limits the rate per connection and per IP address, and applies slow mode', async () => {
    const v = await joined('Ali');
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) codes.push(code(await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text: `m${i}` })));
    expect(codes).to.deep.equal(['ok', 'ok', 'ok', 'ok', 'ok', 'rate-limited', 'rate-limited']);
    await clock.advance(10_001);
    // Per IP: 20 per 10 s across connections from the same address (all loopback here).
    const others = await Promise.all([1, 2, 3, 4, 5].map((i) => joined(`Kid${i}`)));
    const all: string[] = [];
    for (const o of others) for (let i = 0; i < 5; i++) all.push(code(await request<SendAck>(o, 'chat:send', { occurrenceId: fairy.id, text: `x${i}` })));
    expect(all.filter((c) => c === 'ok')).to.have.length(20);
    expect(all.filter((c) => c === 'rate-limited')).to.have.length(5);
    await clock.advance(30_000);
    const mod = await h.moderator();
    const state = nextEvent<ChatRoomState>(v, 'chat:state');
    expect(code(await request(mod, 'mod:action', { action: 'slow', occurrenceId: fairy.id, seconds: 30 }))).to.equal('ok');
    expect((await state).slowModeMs).to.equal(30_000);
    expect(code(await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text: 'one' }))).to.equal('ok');
    expect(code(await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text: 'two' }))).to.equal('slow-mode');
    await clock.advance(30_000);
    expect(code(await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text: 'three' }))).to.equal('ok');
  });

  it('deletes a message for every viewer at once, times out and bans its author, and logs each action', async () => {
    const mod = await h.moderator();
    const author = await joined('Troll');
    const other = await joined('Kid');
    const sent = await request<SendAck>(author, 'chat:send', { occurrenceId: fairy.id, text: 'spam spam' });
    if (!sent.ok) throw new Error('send failed');
    const goneA = nextEvent<ChatDeletedPayload>(author, 'chat:deleted');
    const goneB = nextEvent<ChatDeletedPayload>(other, 'chat:deleted');
    const audit = nextEvent<AuditEntryPayload>(mod, 'audit:entry');
    const del = await request<Ack<{ entry: AuditEntryPayload }>>(mod, 'mod:action', { action: 'delete', messageId: sent.message.id });
    expect(code(del)).to.equal('ok');
    expect((await goneA).messageIds).to.deep.equal([sent.message.id]);
    expect((await goneB).messageIds).to.deep.equal([sent.message.id]);
    expect(await audit).to.include({ moderator: 'token', action: 'delete', messageId: sent.message.id, target: 'Troll' });

    const sanction = nextEvent<ChatSanctionPayload>(author, 'chat:sanction');
    expect(code(await request(mod, 'mod:action', { action: 'timeout', messageId: sent.message.id, minutes: 5 }))).to.equal('ok');
    expect(await sanction).to.deep.equal({ kind: 'timeout', occurrenceId: fairy.id, until: '2026-12-05T08:15:00.000Z' });
    expect(code(await request<SendAck>(author, 'chat:send', { occurrenceId: fairy.id, text: 'again' }))).to.equal('timed-out');
    expect(code(await request<SendAck>(other, 'chat:send', { occurrenceId: fairy.id, text: 'still here' }))).to.equal('ok');
    await clock.advance(5 * 60_000);
    const back = await request<SendAck>(author, 'chat:send', { occurrenceId: fairy.id, text: 'sorry' });
    expect(code(back)).to.equal('ok');

    if (!back.ok) return;
    const banned = nextEvent<ChatSanctionPayload>(author, 'chat:sanction');
    expect(code(await request(mod, 'mod:action', { action: 'ban', messageId: back.message.id, scope: 'all', minutes: null }))).to.equal('ok');
    expect((await banned).kind).to.equal('ban');
    // Banned by signed identity: a new connection of the same browser cannot chat either.
    const again = await h.viewer({ identity: await identityOf(author) });
    expect(code(await request(again, 'chat:join', { occurrenceId: fairy.id, nickname: 'Troll2' }))).to.equal('banned');

    const log = await request<Ack<{ entries: AuditEntryPayload[] }>>(mod, 'mod:audit', {});
    expect(log.ok && log.entries.map((e) => [e.action, e.detail])).to.deep.equal([
      ['ban', 'banned from every chat until lifted'],
      ['timeout', 'timed out for 5 minutes in this chat'],
      ['delete', 'message deleted'],
    ]);
  });

  it('pins, closes and reopens the chat for everyone; the state reaches viewers and moderators', async () => {
    const mod = await h.moderator();
    const v = await joined('Ali');
    const sent = await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text: 'Welcome all' });
    if (!sent.ok) throw new Error('send failed');
    const pinned = nextEvent<ChatRoomState>(v, 'chat:state');
    expect(code(await request(mod, 'mod:action', { action: 'pin', occurrenceId: fairy.id, messageId: sent.message.id }))).to.equal('ok');
    expect((await pinned).pinned?.text).to.equal('Welcome all');
    const closed = nextEvent<ChatRoomState>(v, 'chat:state');
    const closedMod = nextEvent<ChatRoomState>(mod, 'chat:state');
    expect(code(await request(mod, 'mod:action', { action: 'close', occurrenceId: fairy.id }))).to.equal('ok');
    expect(await closed).to.include({ open: false, closedByModerator: true });
    expect((await closedMod).open).to.equal(false);
    expect(code(await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text: 'hello?' }))).to.equal('chat-closed');
    expect(code(await request(mod, 'mod:action', { action: 'open', occurrenceId: fairy.id }))).to.equal('ok');
    expect(code(await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text: 'hello!' }))).to.equal('ok');
    const rooms = await request<Ack<{ rooms: ChatRoomSummary[] }>>(mod, 'mod:rooms');
    expect(rooms.ok && rooms.rooms.map((r) => r.state.occurrenceId)).to.include(fairy.id);
    expect(code(await request(mod, 'mod:action', { action: 'timeout', messageId: sent.message.id, minutes: 0 }))).to.equal('invalid');
    expect(code(await request(mod, 'mod:action', { action: 'explode' }))).to.equal('invalid');
    expect(code(await request(mod, 'mod:action', { action: 'delete', messageId: 'no-such-message' }))).to.equal('not-found');
  });

  it('closes the chat closesAfter after the real end the engine reports', async () => {
    const v = await joined('Ali');
    h.engine.emit('transition', makeRecord(fairy, 'complete', [], { liveAt: '2026-12-05T08:15:00.000Z', endedAt: '2026-12-05T08:20:00.000Z' }), 'ending', fairy);
    const state = await nextEvent<ChatRoomState>(v, 'chat:state');
    expect(state.closesAt).to.equal('2026-12-05T08:35:00.000Z');
    await clock.set(new Date('2026-12-05T08:35:00Z'));
    expect(code(await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text: 'late' }))).to.equal('chat-closed');
  });

  it('keeps the audit log and the transcript across a restart; exports JSON and CSV to moderators only', async () => {
    const fs = await import('node:fs');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-rt-restart-'));
    await h.stop();
    h = await startRealtime({ clock, occurrences: [fairy, later], dataDir: dir });
    const mod = await h.moderator();
    const v = await joined('Ali');
    const s1 = await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text: '=HYPERLINK("x")' });
    const s2 = await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text: 'a, "quoted"\nline' });
    if (!s1.ok || !s2.ok) throw new Error('send failed');
    expect(code(await request(mod, 'mod:action', { action: 'delete', messageId: s1.message.id }))).to.equal('ok');
    await h.stop();
    h = await startRealtime({ clock, occurrences: [fairy, later], dataDir: dir });
    try {
      const mod2 = await h.moderator();
      const log = await request<Ack<{ entries: AuditEntryPayload[] }>>(mod2, 'mod:audit', { limit: 10 });
      expect(log.ok && log.entries.map((e) => e.messageId)).to.deep.equal([s1.message.id]);
      const url = `${h.url}/api/chat/${encodeURIComponent(fairy.id)}/transcript`;
      expect((await fetch(`${url}.json`)).status).to.equal(401);
      const json = (await (await fetch(`${url}.json`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).json()) as {
        timeZone: string;
        messages: Array<Record<string, unknown>>;
      };
      expect(json.timeZone).to.equal('UTC');
      expect(json.messages.map((m) => [m['text'], m['deleted']])).to.deep.equal([
        ['=HYPERLINK("x")', true],
        ['a, "quoted"\nline', false],
      ]);
      expect(Object.keys(json.messages[0]!)).to.not.include.members(['ip', 'fingerprint']);
      const csvRes = await fetch(`${url}.csv`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
      expect(csvRes.headers.get('content-type')).to.match(/^text\/csv/);
      const csv = await csvRes.text();
      expect(csv).to.contain(`'=HYPERLINK(""x"")`);
      expect(csv.replace(/^\uFEFF/, '').split('\r\n')[0]).to.equal('id,at (UTC),origin,nickname,authorId,text,deleted,deletedAt (UTC),deletedBy');
      expect(csv).to.contain('"a, ""quoted""\nline"');
    } finally {
      // The restarted server reused the first one's data folder: remove it here.
      await h.stop(); // afterEach's stop is then a no-op
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers the remaining requests and refusals: leave, history, too many subscriptions, unknown moderator events, YouTube absent', async () => {
    const mod = await h.moderator();
    const v = await joined('Ali');
    const sent = await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text: 'first' });
    if (!sent.ok) throw new Error('send failed');
    const history = await request<Ack<{ messages: ChatMessagePayload[] }>>(mod, 'mod:history', { occurrenceId: fairy.id });
    expect(history.ok && history.messages.map((m) => m.text)).to.deep.equal(['first']);
    expect(code(await request(mod, 'mod:history', { occurrenceId: 42 }))).to.equal('invalid');
    expect(code(await request(mod, 'subscribe', { programmes: ['x'] }))).to.equal('unknown-event');
    // Leaving the room stops its messages.
    expect(code(await request(v, 'chat:leave', { occurrenceId: fairy.id }))).to.equal('ok');
    expect(code(await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text: 'gone' }))).to.equal('not-joined');
    // At most 100 subscriptions per socket.
    const many = (prefix: string): string[] => Array.from({ length: 50 }, (_, i) => `${prefix}${i}`);
    expect(code(await request(v, 'subscribe', { programmes: many('a') }))).to.equal('ok');
    expect(code(await request(v, 'subscribe', { programmes: many('b') }))).to.equal('ok');
    expect(code(await request(v, 'subscribe', { programmes: ['c'] }))).to.equal('too-many');
    // A YouTube message cannot be acted on when YouTube chat is not connected.
    await h.chat.ingestExternal({
      id: 'yt_1', occurrenceId: fairy.id, origin: 'youtube', nickname: 'YT', authorId: 'a', text: 'hi', at: NOW.toISOString(),
      fingerprint: 'yt:UC1', ip: '', externalId: '1', deletedAt: null, deletedBy: null,
    });
    expect(code(await request(mod, 'mod:action', { action: 'delete', messageId: 'yt_1' }))).to.equal('youtube-unavailable');
  });

  it('a ban hits the identity, not others behind its address; an address ban is explicit, timed, and hits the address the proxy saw', async () => {
    await h.stop();
    h = await startRealtime({ clock, occurrences: [fairy], overrides: { 'server.trustProxy': true } });
    const mod = await h.moderator();
    const at = async (nickname: string, forwarded: string): Promise<ViewerClient> => {
      const v = await h.viewer({ headers: { 'x-forwarded-for': forwarded } });
      await request(v, 'chat:join', { occurrenceId: fairy.id, nickname });
      return v;
    };
    // The first entry is whatever the client claimed; the last is what our proxy saw.
    const troll = await at('Troll', '10.9.9.9, 203.0.113.7');
    const sameHome = await at('Sibling', '203.0.113.7');
    const elsewhere = await at('Other', '198.51.100.4');
    const send = async (v: ViewerClient, text: string): Promise<SendAck> => request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text });
    const first = await send(troll, 'spam');
    if (!first.ok) throw new Error('send failed');
    expect(code(await request(mod, 'mod:action', { action: 'ban', messageId: first.message.id, scope: 'room', minutes: 30 }))).to.equal('ok');
    expect(code(await send(troll, 'again'))).to.equal('not-joined');
    expect(code(await request(troll, 'chat:join', { occurrenceId: fairy.id, nickname: 'Troll' }))).to.equal('banned');
    // Same address, another browser: untouched by an identity ban.
    expect(code(await send(sameHome, 'hi'))).to.equal('ok');

    // Unban through the ban list; then an explicit address ban for 10 minutes.
    const list = await request<Ack<{ sanctions: SanctionPayload[] }>>(mod, 'mod:sanctions');
    if (!list.ok) throw new Error('no ban list');
    expect(list.sanctions.map((b) => [b.kind, b.target, b.nickname, b.occurrenceId])).to.deep.equal([['ban', 'identity', 'Troll', fairy.id]]);
    expect(JSON.stringify(list.sanctions)).to.not.include('203.0.113.7');
    const lifted = nextEvent<{ kind: string }>(troll, 'chat:sanction-lifted');
    expect(code(await request(mod, 'mod:action', { action: 'unban', sanctionId: list.sanctions[0]!.id }))).to.equal('ok');
    expect((await lifted).kind).to.equal('ban');
    await request(troll, 'chat:join', { occurrenceId: fairy.id, nickname: 'Troll' });
    const second = await send(troll, 'spam again');
    if (!second.ok) throw new Error('send failed after unban');
    expect(code(await request(mod, 'mod:action', { action: 'ban', messageId: second.message.id, scope: 'all', minutes: null, addressMinutes: 10 }))).to.equal('ok');
    expect(code(await send(sameHome, 'hi'))).to.equal('not-joined');
    expect(code(await request(sameHome, 'chat:join', { occurrenceId: fairy.id, nickname: 'Sibling' }))).to.equal('banned');
    expect(code(await send(elsewhere, 'hi'))).to.equal('ok');
    // The address ban ends by itself; the identity ban stays until lifted.
    await clock.advance(10 * 60_000 + 1);
    expect(code(await request(sameHome, 'chat:join', { occurrenceId: fairy.id, nickname: 'Sibling' }))).to.equal('ok');
    expect(code(await send(sameHome, 'back'))).to.equal('ok');
    expect(code(await request(troll, 'chat:join', { occurrenceId: fairy.id, nickname: 'Troll' }))).to.equal('banned');
    const log = await request<Ack<{ entries: AuditEntryPayload[] }>>(mod, 'mod:audit', {});
    expect(log.ok && log.entries.map((e) => [e.action, e.target, e.detail])).to.deep.equal([
      ['ban', 'Troll', 'banned from every chat until lifted; their address too (everyone behind it) for 10 minutes'],
      ['unban', 'Troll', 'lifted the ban in this chat'],
      ['ban', 'Troll', 'banned from this chat for 30 minutes'],
    ]);
  });

  it('a time-out holds on the signed identity: a client-chosen fingerprint or a forged token does not evade it', async () => {
    const mod = await h.moderator();
    const author = await joined('Troll');
    const sent = await request<SendAck>(author, 'chat:send', { occurrenceId: fairy.id, text: 'spam' });
    if (!sent.ok) throw new Error('send failed');
    expect(code(await request(mod, 'mod:action', { action: 'timeout', messageId: sent.message.id, minutes: 5 }))).to.equal('ok');
    const token = await identityOf(author);
    // Reconnecting as the same browser: still timed out.
    const again = await joined('Troll', token);
    expect(code(await request<SendAck>(again, 'chat:send', { occurrenceId: fairy.id, text: 'x' }))).to.equal('timed-out');
    // A forged token (another id, signature copied) is not accepted: the server issues a new identity.
    const [id, sig] = token.split('.') as [string, string];
    const forgedId = (id[0] === 'A' ? 'B' : 'A') + id.slice(1);
    const forged = await h.viewer({ identity: `${forgedId}.${sig}` });
    expect((await identityOf(forged)).split('.')[0]).to.not.equal(forgedId);
  });

  describe('moderator authentication', () => {
    it('refuses a socket opened by a page of another site, even with the right credentials', async () => {
      const { io: connectRaw } = await import('socket.io-client');
      for (const path of ['/moderation', '/']) {
        const socket = connectRaw(`${h.url}${path}`, {
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          auth: { token: TEST_TOKEN },
          extraHeaders: { origin: 'https://evil.example' },
        });
        const err = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
        socket.close();
        expect(err.message).to.be.a('string');
      }
      const same = await h.moderator({ token: TEST_TOKEN });
      expect(same.connected).to.equal(true);
    });

    it('refuses /moderation without credentials or with a wrong token', async () => {
      for (const auth of [{}, { token: 'wrong' }]) {
        const err = await h.moderator(auth).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(err?.message).to.equal('unauthorized');
      }
    });

    it('logs in over HTTP with an httpOnly SameSite=Strict cookie that opens /moderation; sessions expire', async () => {
      const bad = await fetch(`${h.url}/api/moderation/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'ayse', password: 'wrong' }),
      });
      expect(bad.status).to.equal(401);
      const res = await fetch(`${h.url}/api/moderation/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'ayse', password: 'correct horse' }),
      });
      expect(res.status).to.equal(200);
      const setCookie = res.headers.get('set-cookie') ?? '';
      expect(setCookie).to.match(/^onair_mod=[^;]+;/).and.match(/HttpOnly/).and.match(/SameSite=Strict/);
      const cookie = setCookie.split(';')[0]!;
      const me = await fetch(`${h.url}/api/moderation/me`, { headers: { cookie } });
      expect(await me.json()).to.deep.include({ moderator: 'ayse' });
      const mod = await h.moderator({ cookie });
      const v = await joined('Ali');
      const sent = await request<SendAck>(v, 'chat:send', { occurrenceId: fairy.id, text: 'hi' });
      if (!sent.ok) throw new Error('send failed');
      const entry = await request<Ack<{ entry: AuditEntryPayload }>>(mod, 'mod:action', { action: 'delete', messageId: sent.message.id });
      expect(entry.ok && entry.entry.moderator).to.equal('ayse');
      // An hour later the session is over: the console is told and disconnected.
      const expired = nextEvent(mod, 'session:expired');
      await clock.advance(3600_000);
      await expired;
      expect((await fetch(`${h.url}/api/moderation/me`, { headers: { cookie } })).status).to.equal(401);
      const err = await h.moderator({ cookie }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).to.equal('unauthorized');
    });
  });
});
