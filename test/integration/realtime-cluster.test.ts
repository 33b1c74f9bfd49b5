// Two web nodes of a cluster (`onair web`, the composed server with role web) on the real
// Redis: the Redis Streams adapter joins their Socket.IO and the chat store is the cluster's
// own in Redis. A moderator on node A bans a viewer connected to node B — B's viewer is told
// at once and B refuses its messages; a chat closed on A is closed on B.
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { Ack, ChatMessagePayload, ChatSanctionPayload } from '../../src/realtime/events.js';
import { ManualClock } from '../support/manual-clock.js';
import { makeOccurrence, nextEvent, request, startRealtime, type Realtime } from '../support/realtime-harness.js';
import { REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../unit/cluster/redis-test-support.js';

type SendAck = Ack<{ message: ChatMessagePayload }>;
const code = (a: Ack): string => (a.ok ? 'ok' : a.error.code);

describe('realtime: chat across two web nodes (Redis Streams adapter, real Redis)', function () {
  this.timeout(30_000);
  const fairy = makeOccurrence({ programmeId: 'fairy-tales', start: new Date('2026-12-05T08:15:00Z') });
  let redis: Redis;
  let prefix: string;
  const nodes: Array<Realtime<ManualClock>> = [];

  beforeEach(() => {
    redis = testRedis(REDIS_URL);
    prefix = uniquePrefix('realtime');
  });
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.stop();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('a ban or a closed chat made on one node holds on the other', async () => {
    const clock = new ManualClock('2026-12-05T08:10:00Z');
    const node = async (): Promise<Realtime<ManualClock>> => {
      const h = await startRealtime({
        clock,
        role: 'web',
        occurrences: [fairy],
        overrides: { 'server.trustProxy': true },
        env: { ONAIR_REDIS_URL: REDIS_URL, ONAIR_REDIS_PREFIX: prefix },
      });
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
