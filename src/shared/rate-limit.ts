// The one rate limiter: every limit in onair (HTTP API and calendar, the login throttle,
// Socket.IO event floods, chat messages per connection and per address) is a named fixed
// window counted by rate-limiter-flexible, in memory (embedded) or in Redis (cluster mode,
// so a limit holds across web nodes). Windows are cut on the injected clock: the key of a
// count carries the window's number (clock time / window), so a test clock moves limits
// the way it moves everything else; the library keeps the counts, increments them atomically
// (a Lua script in Redis) and expires them (a key lives two windows), which also prunes the
// state of addresses that went quiet.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Clock } from './clock.js';

/** A limit: `points` per window of `windowMs`. */
export interface Limit {
  points: number;
  windowMs: number;
}

/** What a limiter answered. */
export interface Verdict {
  allowed: boolean;
  /** Points left in this window (0 when refused). */
  remaining: number;
  /** Until the window ends (when a refused caller may try again), in ms. */
  retryAfterMs: number;
}

/** One named limit, counted per key (an address, a connection…). */
export interface Limiter {
  readonly limit: Limit;
  /** Counts `points` (default 1) for `key` and says whether it stayed within the limit. */
  consume(key: string, points?: number): Promise<Verdict>;
  /** Says whether `key` is within the limit now, without counting. */
  peek(key: string): Promise<Verdict>;
  /** Forgets `key`'s count in this window (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

export interface LimiterOptions {
  /**
   * Count in this process only, even in cluster mode: for keys that live on one node (a
   * socket's id) a shared count would only add a Redis round trip. @defaultValue false
   */
  local?: boolean;
}

/** Makes the limiters; one per process, built by the composition (memory or Redis). */
export interface RateLimits {
  limiter(name: string, limit: Limit, options?: LimiterOptions): Limiter;
}

interface Backend {
  make(name: string, durationSec: number, points: number, local: boolean): RateLimiterAbstract;
}

function limits(clock: Clock, backend: Backend): RateLimits {
  return {
    limiter(name, limit, options = {}) {
      if (!(limit.points >= 1) || !(limit.windowMs >= 1)) throw new RangeError(`rate limit "${name}": points and windowMs must be at least 1`);
      // Two windows of life: a count outlives its window even when the clocks differ a little.
      const store = backend.make(name, Math.max(1, Math.ceil((2 * limit.windowMs) / 1000)), limit.points, options.local ?? false);
      // Counted on every chat message and Socket.IO event: plain numbers and strings, no
      // closures made per call.
      const windowNumber = (now: number): number => Math.floor(now / limit.windowMs);
      const leftMs = (now: number): number => (windowNumber(now) + 1) * limit.windowMs - now;
      return {
        limit,
        async consume(key, points = 1) {
          const now = clock.now().getTime();
          try {
            const res = await store.consume(`${key}@${windowNumber(now)}`, points);
            return { allowed: true, remaining: res.remainingPoints, retryAfterMs: 0 };
          } catch (err) {
            if (err instanceof RateLimiterRes) return { allowed: false, remaining: 0, retryAfterMs: leftMs(now) };
            throw err;
          }
        },
        async peek(key) {
          const now = clock.now().getTime();
          const res = await store.get(`${key}@${windowNumber(now)}`);
          const used = res?.consumedPoints ?? 0;
          return used < limit.points
            ? { allowed: true, remaining: limit.points - used, retryAfterMs: 0 }
            : { allowed: false, remaining: 0, retryAfterMs: leftMs(now) };
        },
        async reset(key) {
          await store.delete(`${key}@${windowNumber(clock.now().getTime())}`);
        },
      };
    },
  };
}

/** Counts in this process (the embedded default). */
export function memoryRateLimits(clock: Clock): RateLimits {
  return limits(clock, {
    make: (name, duration, points) => new RateLimiterMemory({ keyPrefix: name, points, duration }),
  });
}

/**
 * Counts in Redis under `prefix`, shared by every node. Should Redis fail, each node goes on
 * counting in its own memory (the library's insurance limiter) rather than refusing
 * everyone or letting everyone through.
 */
export function redisRateLimits(clock: Clock, redis: Redis, prefix: string): RateLimits {
  return limits(clock, {
    make: (name, duration, points, local) => {
      const memory = new RateLimiterMemory({ keyPrefix: name, points, duration });
      if (local) return memory;
      return new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}ratelimit:${name}`, points, duration, insuranceLimiter: memory });
    },
  });
}
