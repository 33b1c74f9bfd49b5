// Redis connections for cluster mode. One place decides the client options, so every
// connection behaves the same when Redis goes away: reconnect forever with a capped
// back-off, and fail commands fast instead of queueing them without limit (a lease renewal
// that waits for a reconnect is worse than useless).
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../shared/logger.js';
import { maskUrl } from '../shared/logger.js';

export interface RedisConnectOptions {
  /** Name shown by CLIENT LIST, for people debugging a cluster. */
  name: string;
  logger?: Logger;
  /**
   * Queue commands while disconnected (they run on reconnect) instead of failing them.
   * @defaultValue false
   */
  offlineQueue?: boolean;
}

/** Hides the password of a redis:// URL for logs. */
export function maskRedisUrl(url: string): string {
  return maskUrl(url).replace(/^(rediss?:\/\/)([^@/]*)@/i, (_m, scheme: string, auth: string) =>
    `${scheme}${auth.includes(':') ? `${auth.split(':')[0]}:****` : '****'}@`,
  );
}

/** Opens a Redis connection (lazily: the first command connects). */
export function connectRedis(url: string, options: RedisConnectOptions): Redis {
  const redisOptions: RedisOptions = {
    connectionName: options.name,
    lazyConnect: false,
    enableOfflineQueue: options.offlineQueue ?? false,
    maxRetriesPerRequest: options.offlineQueue ? null : 1,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    reconnectOnError: () => true,
  };
  const redis = new Redis(url, redisOptions);
  const logger = options.logger;
  let down = false;
  redis.on('error', (err: Error) => {
    // ioredis emits an error on every failed reconnect; log the first of a run only.
    if (!down) logger?.warn({ redis: maskRedisUrl(url), connection: options.name, err: err.message }, 'redis connection problem');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger?.info({ redis: maskRedisUrl(url), connection: options.name }, 'redis connection back');
    down = false;
  });
  return redis;
}

/** Resolves once the connection is ready (or rejects after `timeoutMs`). */
export async function waitForRedis(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

/** Closes a connection, waiting for pending replies; never throws. */
export async function closeRedis(redis: Redis): Promise<void> {
  try {
    if (redis.status === 'end') return;
    if (redis.status === 'ready') await redis.quit();
    else redis.disconnect();
  } catch {
    redis.disconnect();
  }
}

/** A readiness check (see http/routes/health.ts) that PINGs Redis. */
export function redisReadiness(redis: Redis, name = 'redis'): { name: string; check(): Promise<void> } {
  return {
    name,
    async check() {
      if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`);
      const pong = await redis.ping();
      if (pong !== 'PONG') throw new Error(`Redis answered ${pong} to PING`);
    },
  };
}
