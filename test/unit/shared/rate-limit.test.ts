// The one rate limiter (src/shared/rate-limit.ts): the same contract in memory and in the
// real Redis, windows cut on the injected clock, and — in Redis — one count for every node:
// two nodes (two connections, two limiter sets, as two web processes have) share a limit.
import { expect } from 'chai';
import { memoryRateLimits, redisRateLimits, type RateLimits } from '../../../src/shared/rate-limit.js';
import { ManualClock } from '../../support/manual-clock.js';
import { deletePrefix, testRedis, uniquePrefix } from '../cluster/redis-test-support.js';

describe('the rate limiter', () => {
  const backends: Array<[string, (clock: ManualClock) => { nodes: [RateLimits, RateLimits]; shared: boolean; close(): Promise<void> }]> = [
    ['in memory', (clock) => ({ nodes: [memoryRateLimits(clock), memoryRateLimits(clock)], shared: false, close: async () => {} })],
    [
      'in Redis',
      (clock) => {
        const a = testRedis();
        const b = testRedis();
        const prefix = uniquePrefix('ratelimit');
        return {
          nodes: [redisRateLimits(clock, a, prefix), redisRateLimits(clock, b, prefix)],
          shared: true,
          async close() {
            await deletePrefix(a, prefix);
            a.disconnect();
            b.disconnect();
          },
        };
      },
    ],
  ];

  for (const [label, make] of backends) {
    it(`allows the limit per key and window, then frees up when the clock's window turns (${label})`, async () => {
      const clock = new ManualClock('2026-12-05T08:00:00Z');
      const { nodes, close } = make(clock);
      try {
        const api = nodes[0].limiter('api', { points: 3, windowMs: 60_000 });
        const got = [];
        for (let i = 0; i < 4; i++) got.push((await api.consume('203.0.113.7')).allowed);
        expect(got).to.deep.equal([true, true, true, false]);
        const refused = await api.consume('203.0.113.7');
        expect(refused.retryAfterMs).to.equal(60_000);
        expect((await api.consume('198.51.100.1')).allowed).to.equal(true);
        expect((await api.peek('203.0.113.7')).allowed).to.equal(false);
        await clock.advance(59_999);
        expect((await api.consume('203.0.113.7')).allowed).to.equal(false);
        await clock.advance(1);
        expect((await api.consume('203.0.113.7')).allowed).to.equal(true);
        expect((await api.peek('203.0.113.7')).remaining).to.equal(2);
        await api.reset('203.0.113.7');
        expect((await api.peek('203.0.113.7')).remaining).to.equal(3);
      } finally {
        await close();
      }
    });

    it(`holds one limit across two nodes when shared, and keeps a local limit per node (${label})`, async () => {
      const clock = new ManualClock('2026-12-05T08:00:00Z');
      const { nodes, shared, close } = make(clock);
      try {
        const [one, two] = nodes.map((n) => n.limiter('login-address', { points: 4, windowMs: 60_000 }));
        const got = [];
        for (let i = 0; i < 3; i++) got.push((await one!.consume('203.0.113.7')).allowed, (await two!.consume('203.0.113.7')).allowed);
        // Shared: 4 in all, whichever node counts; per process: 4 on each.
        expect(got).to.deep.equal(shared ? [true, true, true, true, false, false] : [true, true, true, true, true, true]);
        const [l1, l2] = nodes.map((n) => n.limiter('socket-events', { points: 2, windowMs: 10_000 }, { local: true }));
        const local = [];
        for (let i = 0; i < 3; i++) local.push((await l1!.consume('socket-1')).allowed, (await l2!.consume('socket-1')).allowed);
        expect(local).to.deep.equal([true, true, true, true, false, false]);
      } finally {
        await close();
      }
    });
  }
});
