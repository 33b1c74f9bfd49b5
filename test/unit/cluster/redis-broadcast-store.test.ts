// The Redis BroadcastStore against the real Redis: the port's contract, and fencing with a
// real lease (a stale leader's transition is refused and writes nothing).
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { LeaderLease } from '../../../src/cluster/leader-lease.js';
import { RedisBroadcastStore } from '../../../src/store/redis/broadcast-store.js';
import { StaleLeaderError } from '../../../src/store/redis/fencing.js';
import { closeRedis, connectRedis, waitForRedis } from '../../../src/cluster/redis.js';
import { StaleStateError, type BroadcastStore } from '../../../src/scheduler/broadcast-store.js';
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
  let token: number | undefined;
  let store: BroadcastStore;

  beforeEach(async () => {
    prefix = uniquePrefix('store');
    admin = testRedis();
    redis = connectRedis(REDIS_URL, { name: 'store-test' });
    await waitForRedis(redis);
    token = Number(await admin.incr(`${prefix}leader:fence`));
    store = new RedisBroadcastStore({ redis, prefix, fenceKey: `${prefix}leader:fence`, fencingToken: () => token }) satisfies BroadcastStore;
  });

  afterEach(async () => {
    await deletePrefix(admin, prefix);
    await admin.quit();
    await closeRedis(redis);
  });

  it('inserts, transitions by compare-and-set, saves without touching state, and logs every transition', async () => {
    const r = rec('story@2026-12-05T11:00', '2026-12-05T08:00:00.000Z', '2026-12-05T09:00:00.000Z');
    await store.transition(r, undefined, { at: new Date('2026-12-05T07:50:00Z') });
    expect(await rejection(store.transition(r, undefined, { at: new Date('2026-12-05T07:51:00Z') }))).to.be.instanceOf(StaleStateError);

    await store.transition({ ...r, state: 'preparing' }, 'scheduled', { at: new Date('2026-12-05T07:55:00Z'), reason: 'prepare lead' });
    const stale = await rejection(store.transition({ ...r, state: 'live' }, 'ready', { at: new Date('2026-12-05T08:00:00Z') }));
    expect(stale).to.be.instanceOf(StaleStateError);
    expect((stale as StaleStateError).actual).to.equal('preparing');

    // save() carries a state field but must not change the stored state.
    const watch = { ...r, state: 'live' as const, destinations: [{ name: 'local', kind: 'local' as const, status: 'ready' as const, remote: { id: 'x' } }] };
    await store.save(watch, new Date('2026-12-05T07:56:00Z'));
    const got = await store.get(r.occurrenceId);
    expect(got?.state).to.equal('preparing');
    expect(got?.destinations[0]?.remote).to.deep.equal({ id: 'x' });
    expect(got?.updatedAt).to.equal('2026-12-05T07:56:00.000Z');

    // save() of an unknown record creates nothing.
    await store.save(rec('ghost@x', '2026-12-05T08:00:00.000Z', '2026-12-05T09:00:00.000Z'), new Date());
    expect(await store.get('ghost@x')).to.equal(undefined);

    expect(await store.transitions(r.occurrenceId)).to.deep.equal([
      { occurrenceId: r.occurrenceId, from: undefined, to: 'scheduled', at: '2026-12-05T07:50:00.000Z' },
      { occurrenceId: r.occurrenceId, from: 'scheduled', to: 'preparing', at: '2026-12-05T07:55:00.000Z', reason: 'prepare lead' },
    ]);
  });

  it('lists by time window in start order, lists unfinished, and prunes old final records', async () => {
    const a = rec('a@1', '2026-12-05T08:00:00.000Z', '2026-12-05T09:00:00.000Z');
    const b = rec('b@1', '2026-12-05T10:00:00.000Z', '2026-12-05T11:00:00.000Z');
    const c = rec('c@1', '2026-12-04T10:00:00.000Z', '2026-12-04T11:00:00.000Z');
    for (const r of [b, a, c]) await store.transition(r, undefined, { at: new Date('2026-12-04T00:00:00Z') });
    await store.transition({ ...c, state: 'complete', endedAt: '2026-12-04T11:00:00.000Z' }, 'scheduled', { at: new Date('2026-12-04T11:00:00Z') });

    const day = await store.list(new Date('2026-12-05T00:00:00Z'), new Date('2026-12-06T00:00:00Z'));
    expect(day.map((r) => r.occurrenceId)).to.deep.equal(['a@1', 'b@1']);
    // [start, end) semantics: a window ending at a's start excludes it; one starting at its end too.
    expect(await store.list(new Date('2026-12-05T07:00:00Z'), new Date('2026-12-05T08:00:00Z'))).to.deep.equal([]);
    expect((await store.list(new Date('2026-12-05T09:00:00Z'), new Date('2026-12-05T10:00:00Z'))).map((r) => r.occurrenceId)).to.deep.equal([]);
    expect((await store.list(new Date('2026-12-05T08:59:00Z'), new Date('2026-12-05T10:01:00Z'))).map((r) => r.occurrenceId)).to.deep.equal(['a@1', 'b@1']);

    expect((await store.listUnfinished()).map((r) => r.occurrenceId)).to.deep.equal(['a@1', 'b@1']);
    expect(await store.prune(new Date('2026-12-05T00:00:00Z'))).to.equal(1);
    expect(await store.get('c@1')).to.equal(undefined);
    expect(await store.transitions('c@1')).to.deep.equal([]);
    expect(await store.get('a@1')).to.not.equal(undefined);
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
