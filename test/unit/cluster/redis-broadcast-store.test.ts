// The Redis BroadcastStore against the real Redis, beyond the port's contract (which
// test/unit/store/broadcast-stores.test.ts checks): fencing with a real lease (a stale
// leader's transition is refused and writes nothing).
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { LeaderLease } from '../../../src/cluster/leader-lease.js';
import { RedisBroadcastStore } from '../../../src/store/redis/broadcast-store.js';
import { StaleLeaderError } from '../../../src/store/redis/fencing.js';
import { closeRedis, connectRedis, waitForRedis } from '../../../src/cluster/redis.js';
import type { BroadcastRecord } from '../../../src/scheduler/ports.js';
import { systemClock } from '../../../src/shared/clock.js';
import { REDIS_URL, deletePrefix, nextEvent, testRedis, uniquePrefix } from './redis-test-support.js';

function rec(id: string, start: string, end: string, over: Partial<BroadcastRecord> = {}): BroadcastRecord {
  return {
    occurrenceId: id,
    programmeId: id.split('@')[0]!,
    title: { tr: 'Masal Saati', en: 'Story Hour' },
    state: 'scheduled',
    scheduledStart: start,
    scheduledEnd: end,
    destinations: [{ name: 'local', kind: 'local', status: 'pending', remote: {} }],
    updatedAt: start,
    ...over,
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('cluster/redis-broadcast-store (real Redis)', function () {
  this.timeout(20_000);
  let admin: Redis;
  let redis: Redis;
  let prefix: string;

  beforeEach(async () => {
    prefix = uniquePrefix('store');
    admin = testRedis();
    redis = connectRedis(REDIS_URL, { name: 'store-test' });
    await waitForRedis(redis);
  });

  afterEach(async () => {
    await deletePrefix(admin, prefix);
    await admin.quit();
    await closeRedis(redis);
  });

  it("refuses a stale leader's writes (real lease handover) and writes nothing", async () => {
    const leaseKey = `${prefix}lease`;
    const connA = connectRedis(REDIS_URL, { name: 'a' });
    const connB = connectRedis(REDIS_URL, { name: 'b' });
    await Promise.all([waitForRedis(connA), waitForRedis(connB)]);
    const a = new LeaderLease({ redis: connA, clock: systemClock, key: leaseKey, ttlMs: 1200, safetyMarginMs: 300 });
    const b = new LeaderLease({ redis: connB, clock: systemClock, key: leaseKey, ttlMs: 1200, safetyMarginMs: 300 });
    a.on('error', () => {});
    b.on('error', () => {});
    try {
      const aUp = nextEvent<[number]>(a, 'acquired');
      a.start();
      const [tokenA] = await aUp;
      const storeA = new RedisBroadcastStore({ redis, prefix, fenceKey: a.fenceKey, fencingToken: () => tokenA });
      const storeB = new RedisBroadcastStore({ redis, prefix, fenceKey: b.fenceKey, fencingToken: () => b.fencingToken });
      const r = rec('final@2026-12-12T14:00', '2026-12-12T11:00:00.000Z', '2026-12-12T13:00:00.000Z');
      await storeA.transition(r, undefined, { at: new Date('2026-12-12T10:00:00Z') });
      await storeA.transition({ ...r, state: 'live', liveAt: '2026-12-12T11:00:00.000Z' }, 'scheduled', { at: new Date('2026-12-12T11:00:00Z') });

      // Not leading: the store refuses to write at all.
      expect(await rejection(storeB.transition({ ...r, state: 'ending' }, 'live', { at: new Date() }))).to.be.instanceOf(StaleLeaderError);

      b.start();
      connA.disconnect(false); // A pauses / is partitioned; B takes over.
      await nextEvent<[number]>(b, 'acquired');

      // The new leader reattaches from shared state: it sees the live broadcast.
      const unfinished = await storeB.listUnfinished();
      expect(unfinished.map((x) => [x.occurrenceId, x.state])).to.deep.equal([[r.occurrenceId, 'live']]);

      const err = await rejection(storeA.transition({ ...r, state: 'failed', reason: 'stale' }, 'live', { at: new Date() }));
      expect(err).to.be.instanceOf(StaleLeaderError);
      expect(await rejection(storeA.save({ ...r, reason: 'stale save' }, new Date()))).to.be.instanceOf(StaleLeaderError);
      const after = await storeB.get(r.occurrenceId);
      expect(after?.state).to.equal('live');
      expect(after?.reason).to.equal(undefined);
      expect((await storeB.transitions(r.occurrenceId)).map((e) => e.to)).to.deep.equal(['scheduled', 'live']);

      await storeB.transition({ ...r, state: 'ending' }, 'live', { at: new Date('2026-12-12T13:00:00Z') });
      expect((await storeB.get(r.occurrenceId))?.state).to.equal('ending');
    } finally {
      await a.stop();
      await b.stop();
      await closeRedis(connA);
      await closeRedis(connB);
    }
  });
});
