// The leader lease and fenced writes against the real Redis on 127.0.0.1:6379.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { LeaderLease, fenceKeyOf, type LeaseLossReason } from '../../../src/cluster/leader-lease.js';
import { StaleLeaderError, fencedWrite, newestFencingToken } from '../../../src/store/redis/fencing.js';
import { connectRedis, closeRedis, waitForRedis } from '../../../src/cluster/redis.js';
import { systemClock } from '../../../src/shared/clock.js';
import { REDIS_URL, deletePrefix, nextEvent, testRedis, uniquePrefix } from './redis-test-support.js';

describe('cluster/leader-lease (real Redis)', function () {
  this.timeout(30_000);
  let admin: Redis;
  let prefix: string;
  const leases: LeaderLease[] = [];
  const conns: Redis[] = [];

  function contender(opts: { ttlMs?: number; owner?: string } = {}): { lease: LeaderLease; redis: Redis } {
    const redis = connectRedis(REDIS_URL, { name: `test-${opts.owner ?? 'x'}` });
    conns.push(redis);
    const lease = new LeaderLease({ redis, clock: systemClock, key: `${prefix}leader`, ttlMs: opts.ttlMs ?? 1500, owner: opts.owner, safetyMarginMs: 400 });
    lease.on('error', () => {});
    leases.push(lease);
    return { lease, redis };
  }

  beforeEach(async () => {
    prefix = uniquePrefix('lease');
    admin = testRedis();
  });

  afterEach(async () => {
    await Promise.all(leases.splice(0).map((l) => l.stop()));
    await Promise.all(conns.splice(0).map((c) => closeRedis(c)));
    await deletePrefix(admin, prefix);
    await admin.quit();
  });

  it('lets exactly one of five contenders lead, and hands over on release with a higher fencing token', async () => {
    const all = ['a', 'b', 'c', 'd', 'e'].map((owner) => contender({ owner }));
    await Promise.all(all.map(({ redis }) => waitForRedis(redis)));
    const acquired: Array<{ owner: number; token: number }> = [];
    all.forEach(({ lease }, i) => lease.on('acquired', (token) => acquired.push({ owner: i, token })));
    // Every contender must have tried at least twice before we judge.
    const checkedTwice = Promise.all(
      all.map(
        ({ lease }) =>
          new Promise<void>((resolve) => {
            let n = 0;
            const off = lease.on('checked', () => {
              if (++n >= 2) {
                off();
                resolve();
              }
            });
          }),
      ),
    );
    all.forEach(({ lease }) => lease.start());
    await checkedTwice;
    expect(acquired).to.have.length(1);
    const first = acquired[0]!;
    expect(all.filter(({ lease }) => lease.isLeader)).to.have.length(1);
    expect(all[first.owner]!.lease.fencingToken).to.equal(first.token);
    expect(await admin.get(`${prefix}leader`)).to.match(new RegExp(`^${['a', 'b', 'c', 'd', 'e'][first.owner]}:`));

    // A clean stop releases at once: someone else leads with a higher token.
    const next = Promise.race(all.filter((_, i) => i !== first.owner).map(({ lease }) => nextEvent<[number]>(lease, 'acquired')));
    await all[first.owner]!.lease.stop();
    const [token2] = await next;
    expect(token2).to.be.greaterThan(first.token);
    expect(all.filter(({ lease }) => lease.isLeader)).to.have.length(1);
  });

  it('hands the lease to another node within the ttl when the leader stops renewing, and the old leader knows first', async () => {
    const a = contender({ owner: 'a' });
    await waitForRedis(a.redis);
    const aAcquired = nextEvent<[number]>(a.lease, 'acquired');
    a.lease.start();
    const [tokenA] = await aAcquired;

    const b = contender({ owner: 'b' });
    await waitForRedis(b.redis);
    b.lease.start();

    // Cut A off from Redis (a network partition): it can no longer renew.
    let lostAt = 0;
    let lostReason: LeaseLossReason | undefined;
    a.lease.on('lost', (reason) => {
      lostAt = Date.now();
      lostReason = reason;
    });
    const cutAt = Date.now();
    a.redis.disconnect(false);
    const [tokenB] = await nextEvent<[number]>(b.lease, 'acquired');
    const acquiredAt = Date.now();

    expect(tokenB).to.be.greaterThan(tokenA);
    expect(lostReason).to.equal('expired');
    expect(lostAt, 'A gave up before B took over').to.be.greaterThan(0).and.at.most(acquiredAt);
    expect(a.lease.isLeader).to.equal(false);
    // The bar is 15 s; with a 1.5 s ttl this is far inside it.
    expect(acquiredAt - cutAt).to.be.below(15_000);
  });

  it("refuses a stale leader's fenced write once a newer leader was elected", async () => {
    const a = contender({ owner: 'a' });
    await waitForRedis(a.redis);
    const aAcquired = nextEvent<[number]>(a.lease, 'acquired');
    a.lease.start();
    const [tokenA] = await aAcquired;
    const fenceKey = fenceKeyOf(`${prefix}leader`);
    const state = `${prefix}state`;

    await fencedWrite(admin, fenceKey, tokenA, [['HSET', state, 'occ-1', 'live-by-a']]);
    expect(await admin.hget(state, 'occ-1')).to.equal('live-by-a');

    const b = contender({ owner: 'b' });
    await waitForRedis(b.redis);
    b.lease.start();
    a.redis.disconnect(false);
    const [tokenB] = await nextEvent<[number]>(b.lease, 'acquired');
    expect(await newestFencingToken(admin, fenceKey)).to.equal(tokenB);

    // A wakes up after its pause and tries to write with its old token: refused, nothing written.
    let refused: unknown;
    try {
      await fencedWrite(admin, fenceKey, tokenA, [
        ['HSET', state, 'occ-1', 'stale-write'],
        ['RPUSH', `${prefix}log`, 'stale'],
      ]);
    } catch (err) {
      refused = err;
    }
    expect(refused).to.be.instanceOf(StaleLeaderError);
    expect((refused as StaleLeaderError).newest).to.equal(tokenB);
    expect(await admin.hget(state, 'occ-1')).to.equal('live-by-a');
    expect(await admin.llen(`${prefix}log`)).to.equal(0);

    // The new leader's write goes through.
    await fencedWrite(admin, fenceKey, tokenB, [['HSET', state, 'occ-1', 'live-by-b']]);
    expect(await admin.hget(state, 'occ-1')).to.equal('live-by-b');
  });

  it("keeps fencing a term from before a Redis that lost its data: the next token is still higher, so the old term's writes are refused", async () => {
    const a = contender({ owner: 'a' });
    await waitForRedis(a.redis);
    const first = nextEvent<[number]>(a.lease, 'acquired');
    a.lease.start();
    const [oldToken] = await first;
    await a.lease.stop();
    // What a Redis restarted without appendonly looks like to the keys: lease and counter gone.
    await admin.del(`${prefix}leader`, fenceKeyOf(`${prefix}leader`));
    const b = contender({ owner: 'b' });
    const second = nextEvent<[number]>(b.lease, 'acquired');
    b.lease.start();
    const [newToken] = await second;
    expect(newToken).to.be.greaterThan(oldToken);
    let refused: unknown;
    try {
      await fencedWrite(admin, fenceKeyOf(`${prefix}leader`), oldToken, [['SET', `${prefix}x`, 'stale']]);
    } catch (err) {
      refused = err;
    }
    expect(refused).to.be.instanceOf(StaleLeaderError);
    expect(await admin.get(`${prefix}x`)).to.equal(null);
  });

  it('refuses commands outside the fenced list without touching Redis', async () => {
    let error: unknown;
    try {
      await fencedWrite(admin, `${prefix}fence`, 1, [['FLUSHALL' as 'SET', `${prefix}x`]]);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(RangeError);
    expect(await admin.exists(`${prefix}fence`, `${prefix}x`)).to.equal(0);
  });

  it('takes over from a leader process that was killed (SIGKILL)', async () => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./lease-child.ts', import.meta.url)), REDIS_URL, `${prefix}leader`, '1500'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const lines = createInterface({ input: child.stdout! });
      const childToken = await new Promise<number>((resolve, reject) => {
        lines.on('line', (line) => {
          const msg = JSON.parse(line) as { event: string; fencingToken?: number };
          if (msg.event === 'acquired') resolve(msg.fencingToken!);
        });
        child.once('exit', (code) => reject(new Error(`lease child exited early (${code})`)));
      });
      const b = contender({ owner: 'b' });
      await waitForRedis(b.redis);
      b.lease.start();
      // B must not lead while the child is alive and renewing.
      await new Promise<void>((resolve) => {
        let n = 0;
        const off = b.lease.on('checked', (leading) => {
          expect(leading).to.equal(false);
          if (++n >= 3) {
            off();
            resolve();
          }
        });
      });
      const killedAt = Date.now();
      child.kill('SIGKILL');
      const [tokenB] = await nextEvent<[number]>(b.lease, 'acquired');
      expect(tokenB).to.be.greaterThan(childToken);
      expect(Date.now() - killedAt).to.be.below(15_000);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
  });

  it('survives a Redis it cannot reach: reports errors, never leads, stops cleanly', async () => {
    const redis = connectRedis('redis://127.0.0.1:1', { name: 'unreachable' });
    conns.push(redis);
    const lease = new LeaderLease({ redis, clock: systemClock, key: `${prefix}leader`, ttlMs: 1000 });
    leases.push(lease);
    const errored = nextEvent<[Error]>(lease, 'error');
    let acquired = false;
    lease.on('acquired', () => (acquired = true));
    lease.start();
    const [err] = await errored;
    expect(err).to.be.instanceOf(Error);
    await lease.stop();
    expect(acquired).to.equal(false);
    expect(lease.isLeader).to.equal(false);
  });
});
