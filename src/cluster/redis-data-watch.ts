// Notices a Redis that came back without its data. Chat transcripts, sanctions, moderator
// sessions and both audit logs live only in Redis; run without `appendonly yes`, a Redis
// restart loses them silently. A marker key, written once, tells: when it is gone (or another)
// after a reconnection, the data before it went with it, and that is reported — logged as an
// error and counted — instead of passing unnoticed. (Broadcasts are put back by the leader:
// restore-broadcasts.ts.) At start it also says whether Redis persists at all.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../shared/clock.js';
import { ConfigError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

export interface RedisDataWatchDeps {
  redis: Redis;
  /** The marker's key, e.g. "onair:data-epoch". */
  key: string;
  clock: Clock;
  logger: Logger;
  /** Told each time a loss is found (metrics). */
  onLost?: () => void;
}

/** True when Redis writes an append-only file (INFO persistence: aof_enabled:1). */
export async function appendOnlyEnabled(redis: Redis): Promise<boolean> {
  const info = await redis.info('persistence');
  return /^aof_enabled:1\s*$/m.test(info);
}

/**
 * Refuses (ConfigError) or warns about a Redis that keeps nothing across a restart.
 * @param require cluster.requireAppendOnly
 */
export async function checkPersistence(redis: Redis, require: boolean, logger: Logger): Promise<void> {
  if (await appendOnlyEnabled(redis)) return;
  const what =
    'Redis does not write an append-only file (appendonly no): if it restarts, chat transcripts, bans, moderator sessions and the audit logs are lost';
  if (require) {
    throw new ConfigError(
      'cluster.requireAppendOnly',
      `${what}. Set "appendonly yes" in redis.conf (or run CONFIG SET appendonly yes; CONFIG REWRITE), or set cluster.requireAppendOnly: false to accept the loss`,
    );
  }
  logger.warn(`${what} (the loss would be reported). Set "appendonly yes" in redis.conf, and cluster.requireAppendOnly: true to refuse to start without it`);
}

export class RedisDataWatch {
  readonly #deps: RedisDataWatchDeps;
  /** The marker as this node last saw it: "<random> <ISO time written>". */
  #seen: string | undefined;
  #checking: Promise<void> = Promise.resolve();
  readonly #onReady = (): void => {
    this.#checking = this.#checking.then(() => this.check()).catch((err: unknown) =>
      this.#deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not check whether Redis kept its data'),
    );
  };

  constructor(deps: RedisDataWatchDeps) {
    this.#deps = deps;
  }

  /** Reads (or writes) the marker, then checks it again on every reconnection. */
  async start(): Promise<void> {
    await this.check();
    this.#deps.redis.on('ready', this.#onReady);
  }

  stop(): void {
    this.#deps.redis.off('ready', this.#onReady);
  }

  /** Compares the marker with what this node saw before; reports a loss. */
  async check(): Promise<void> {
    const { redis, key } = this.#deps;
    let value = await redis.get(key);
    if (value === null) {
      // The first node to find none writes it; the others take that one.
      await redis.set(key, `${randomUUID()} ${this.#deps.clock.now().toISOString()}`, 'NX');
      value = await redis.get(key);
    }
    const before = this.#seen;
    this.#seen = value ?? undefined;
    if (before === undefined || value === before) return;
    const since = before.split(' ')[1] ?? 'its start';
    this.#deps.logger.error(
      { since, marker: key },
      `Redis came back without its data (restarted without "appendonly yes"?): chat transcripts, bans and timeouts, moderator sessions (moderators must log in again) and the chat and staff audit entries written since ${since} are gone. Broadcasts carry on from the schedule and the worker's own records.`,
    );
    this.#deps.onLost?.();
  }
}
