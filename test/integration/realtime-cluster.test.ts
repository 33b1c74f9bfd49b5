// Two web nodes (two real servers) joined by the Redis Streams adapter on the real Redis and
// sharing one chat store: a moderator on node A bans a viewer connected to node B — B's
// viewer is told at once and B refuses its messages; a chat closed on A is closed on B.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { SqliteChatStore } from '../../src/chat/index.js';
import { clusterAdapter } from '../../src/cluster/socket-adapter.js';
import type { Ack, ChatMessagePayload, ChatSanctionPayload } from '../../src/realtime/events.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { ManualClock } from '../support/manual-clock.js';
import { makeOccurrence, nextEvent, request, startHarness, type Harness } from '../support/realtime-harness.js';
import { REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../unit/cluster/redis-test-support.js';

type SendAck = Ack<{ message: ChatMessagePayload }>;
const code = (a: Ack): string => (a.ok ? 'ok' : a.error.code);

describe('realtime: chat across two web nodes (Redis Streams adapter, real Redis)', function () {
  this.timeout(30_000);
  const fairy = makeOccurrence({ programmeId: 'fairy-tales', start: new Date('2026-12-05T08:15:00Z') });
  let dir: string;
  let redis: Redis;
  let prefix: string;
  const nodes: Harness[] = [];
  const dbs: Array<{ close(): void }> = [];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-rt-cluster-'));
    redis = testRedis(REDIS_URL);
    prefix = uniquePrefix('realtime');
  });
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.stop();
    for (const d of dbs.splice(0)) d.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a ban or a closed chat made on one node holds on the other', async () => {
    const clock = new ManualClock('2026-12-05T08:10:00Z');
    const node = async (): Promise<Harness> => {
      const db = openDatabase(dir, 'shared-chat.db');
      dbs.push(db);
      const h = await startHarness({ clock, occurrences: [fairy], chatStore: new SqliteChatStore(db), overrides: { 'server.trustProxy': true } });
      h.realtime.io.adapter(clusterAdapter(redis.duplicate(), { prefix }));
      nodes.push(h);
      return h;
    };
    const a = await node();
    const b = await node();
    const mod = await a.moderator();
    const viewer = await b.viewer({ headers: { 'x-forwarded-for': '203.0.113.7' } });
    await request(viewer, 'chat:join', { occurrenceId: fairy.id, nickname: 'Troll' });
    const sent = await request<SendAck>(viewer, 'chat:send', { occurrenceId: fairy.id, text: 'spam' });
    if (!sent.ok) throw new Error('send failed');

    const told = nextEvent<ChatSanctionPayload>(viewer, 'chat:sanction');
    expect(code(await request(mod, 'mod:action', { action: 'ban', messageId: sent.message.id, scope: 'all', minutes: null }))).to.equal('ok');
    expect((await told).kind).to.equal('ban');
    await clock.advance(1_001); // node B trusts what it read for up to a second
    expect(code(await request(viewer, 'chat:join', { occurrenceId: fairy.id, nickname: 'Troll' }))).to.equal('banned');

    const other = await b.viewer({ headers: { 'x-forwarded-for': '198.51.100.4' } });
    await request(other, 'chat:join', { occurrenceId: fairy.id, nickname: 'Kid' });
    expect(code(await request<SendAck>(other, 'chat:send', { occurrenceId: fairy.id, text: 'hello' }))).to.equal('ok');
    expect(code(await request(mod, 'mod:action', { action: 'close', occurrenceId: fairy.id }))).to.equal('ok');
    await clock.advance(1_001);
    expect(code(await request<SendAck>(other, 'chat:send', { occurrenceId: fairy.id, text: 'still?' }))).to.equal('chat-closed');
  });
});
