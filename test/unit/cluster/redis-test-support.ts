// Test helpers for the real Redis on 127.0.0.1:6379: a unique key prefix per test and a
// cleanup that deletes exactly that prefix, so tests never see each other's keys.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.ONAIR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(label: string): string {
  return `onair-test:${label}:${process.pid}:${randomUUID().slice(0, 8)}:`;
}

/** A plain connection for a test's own checks. */
export function testRedis(url = REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
}

/** Deletes every key under `prefix`. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/** Resolves with the arguments of the next `event` from a TypedEmitter-like source. */
export function nextEvent<T extends unknown[]>(
  source: { once(event: string, listener: (...args: any[]) => void): unknown },
  event: string,
): Promise<T> {
  return new Promise((resolve) => source.once(event, (...args: unknown[]) => resolve(args as T)));
}
