// Graceful shutdown in cluster mode (real Redis, worker processes): SIGTERM to the leading
// worker stops its encoders first, then releases the lease (not left to expire), so the
// standby takes over and resumes the live broadcast; a worker that was never leading stops
// without touching anything.
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { RedisBroadcastStore } from '../../src/store/redis/broadcast-store.js';
import { occurrence } from '../unit/scheduler/fakes.js';
import { REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../unit/cluster/redis-test-support.js';
import { startWorkerChild, type WorkerProcess } from '../unit/cluster/worker-process.js';

describe('cluster: worker shutdown and lost leases (real Redis)', function () {
  this.timeout(60_000);
  let prefix: string;
  let admin: Redis;
  const workers: WorkerProcess[] = [];

  beforeEach(() => {
    prefix = uniquePrefix('shutdown');
    admin = testRedis();
  });

  afterEach(async () => {
    for (const w of workers.splice(0)) await w.kill();
    await deletePrefix(admin, prefix);
    await admin.quit();
  });

  it('SIGTERM on the leader: its encoders stop, the lease is released, the standby resumes the broadcast', async () => {
    const occ = occurrence('story-hour@2026-12-05T11:00', new Date(Date.now() - 60_000).toISOString(), 30, { destinations: ['local'] });
    // A long lease: if it were left to expire, the standby would wait 20 s for it.
    const a = startWorkerChild(REDIS_URL, prefix, 20_000, JSON.stringify(occ));
    workers.push(a);
    const tokenA = Number((await a.waitFor((l) => l.event === 'acquired')).token);
    await a.waitFor((l) => l.event === 'transition' && l.to === 'live');
    await a.waitFor((l) => l.event === 'calls' && l.running === 1);

    const b = startWorkerChild(REDIS_URL, prefix, 20_000, JSON.stringify(occ));
    workers.push(b);
    // The standby is up and contending (its first 'calls' line comes after its start).
    await b.waitFor((l) => l.event === 'calls');
    expect(b.logs.some((l) => l.event === 'acquired')).to.equal(false);

    a.child.kill('SIGTERM');
    const stopped = await a.waitFor((l) => l.event === 'engine-stopped');
    expect(stopped.encodersRunning, 'encoders stopped before the lease went').to.equal(0);
    const lost = await a.waitFor((l) => l.event === 'lost');
    expect(lost.reason).to.equal('stopped');
    expect(a.logs.findIndex((l) => l.event === 'engine-stopped')).to.be.lessThan(a.logs.findIndex((l) => l.event === 'lost'));
    await a.waitFor((l) => l.event === 'stopped');

    // Released, not left to expire: once A is done the lease key is gone (or already B's).
    const holder = await admin.get(`${prefix}leader`);
    expect(holder === null || holder.includes(`:${b.child.pid}:`), `lease still held: ${holder}`).to.equal(true);
    const tokenB = Number((await b.waitFor((l) => l.event === 'acquired')).token);
    expect(tokenB).to.be.greaterThan(tokenA);
    const calls = await b.waitFor((l) => l.event === 'calls' && l.running === 1);
    expect(calls).to.include({ prepare: 0, goLive: 0 });
    const store = new RedisBroadcastStore({ redis: admin, prefix, fenceKey: `${prefix}leader:fence`, fencingToken: () => undefined });
    expect((await store.get(occ.id))?.state).to.equal('live');
    expect((await store.transitions(occ.id)).filter((t) => t.to === 'live')).to.have.length(1);

    // The standby-turned-leader's own SIGTERM stops everything too.
    b.child.kill('SIGTERM');
    expect((await b.waitFor((l) => l.event === 'engine-stopped')).encodersRunning).to.equal(0);
    await b.waitFor((l) => l.event === 'stopped');
    expect(await admin.exists(`${prefix}leader`)).to.equal(0);
  });

  it('a leader paused past its lease (SIGSTOP) finds it lost on waking, stops its encoders, and its writes are refused', async () => {
    const occ = occurrence('story-hour@2026-12-05T11:00', new Date(Date.now() - 60_000).toISOString(), 30, { destinations: ['local'] });
    const a = startWorkerChild(REDIS_URL, prefix, 2000, JSON.stringify(occ));
    workers.push(a);
    const tokenA = Number((await a.waitFor((l) => l.event === 'acquired')).token);
    await a.waitFor((l) => l.event === 'calls' && l.running === 1);
    const b = startWorkerChild(REDIS_URL, prefix, 2000, JSON.stringify(occ));
    workers.push(b);
    await b.waitFor((l) => l.event === 'calls');

    a.child.kill('SIGSTOP'); // a long GC pause, a frozen VM
    const tokenB = Number((await b.waitFor((l) => l.event === 'acquired')).token);
    expect(tokenB).to.be.greaterThan(tokenA);
    await b.waitFor((l) => l.event === 'calls' && l.running === 1);

    const store = new RedisBroadcastStore({ redis: admin, prefix, fenceKey: `${prefix}leader:fence`, fencingToken: () => tokenA });
    // What A would write with its old token on waking is refused.
    let refused: unknown;
    try {
      await store.save({ ...(await store.get(occ.id))!, reason: 'stale leader wrote this' }, new Date());
    } catch (err) {
      refused = err;
    }
    expect(refused).to.be.instanceOf(Error);
    expect((refused as Error).name).to.equal('StaleLeaderError');

    a.child.kill('SIGCONT');
    const lost = await a.waitFor((l) => l.event === 'lost');
    expect(['expired', 'taken']).to.include(lost.reason);
    expect((await a.waitFor((l) => l.event === 'engine-stopped')).encodersRunning).to.equal(0);
    expect((await store.get(occ.id))?.reason).to.equal(undefined);
    expect((await store.get(occ.id))?.state).to.equal('live');
    expect((await store.transitions(occ.id)).filter((t) => t.to === 'live')).to.have.length(1);
  });
});
