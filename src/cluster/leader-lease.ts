// The leader lease: exactly one node of a cluster runs the scheduler and ffmpeg.
//
// This is the standard single-instance Redis lock (https://redis.io/docs/latest/develop/use/patterns/distributed-locks/):
// SET key token NX PX ttl to acquire, a check-and-PEXPIRE by token to renew while held,
// a compare-and-DEL by token to release. A time-limited lock alone lets two leaders overlap
// (a paused process wakes up still believing it leads), so every acquisition also INCRs a
// separate counter: the fencing token. Shared state accepts a write only with the newest
// token (see src/store/redis/fencing.ts), which makes the overlap harmless.
//
// Timing follows the injected Clock. The node gives up leadership on its own when it has
// not renewed for `ttlMs - safetyMarginMs` counted from when the last successful command
// was *sent*, so it stops acting before Redis could hand the lease to someone else.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Cancel, Clock } from '../shared/clock.js';
import { TypedEmitter } from '../shared/typed-emitter.js';

/**
 * Acquire: SET NX PX, and on success INCR the fencing counter in the same atomic step. A Redis
 * restarted without its data starts the counter again from 1, below the tokens of terms
 * before the restart, whose holders would then pass the fence: so the token is also lifted to
 * the Redis server's clock in milliseconds (TIME), which only grows across such restarts.
 */
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local token = redis.call('INCR', KEYS[2])
  local t = redis.call('TIME')
  local floor = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if token < floor then
    token = floor
    redis.call('SET', KEYS[2], string.format('%.0f', floor))
  end
  return token
end
return 0`;

/** Renew: extend only if we still hold it (same token). */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** Release: delete only if we still hold it, so we never drop a successor's lease. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export type LeaseLossReason = 'taken' | 'expired' | 'stopped';

export interface LeaseEvents {
  [event: string]: (...args: any[]) => void;
  /** This node now leads; every side effect until 'lost' carries `fencingToken`. */
  acquired: (fencingToken: number) => void;
  /** This node no longer leads: stop ffmpeg and every other side effect now. */
  lost: (reason: LeaseLossReason) => void;
  /** A Redis command failed; the lease keeps trying (and expires on time if it must). */
  error: (err: Error) => void;
  /** One acquire or renew attempt finished; `leading` is the state after it (for metrics and tests). */
  checked: (leading: boolean) => void;
}

export interface LeaderLeaseDeps {
  redis: Redis;
  clock: Clock;
  /** Key of the lease. The fencing counter is `${key}:fence`. */
  key: string;
  /** Who holds it, for people reading Redis (stored in the lease value). @defaultValue a random id */
  owner?: string;
  /** Lease lifetime. @defaultValue 10000 (so a dead leader is replaced within ~10 s) */
  ttlMs?: number;
  /** How often the holder renews. @defaultValue ttlMs / 3 */
  renewEveryMs?: number;
  /** How often a follower tries to acquire. @defaultValue ttlMs / 5 */
  retryEveryMs?: number;
  /** Gives up locally this long before the lease could expire in Redis (clock drift, GC). @defaultValue ttlMs / 10 */
  safetyMarginMs?: number;
}

/** The key of the fencing counter that goes with a lease key. */
export function fenceKeyOf(leaseKey: string): string {
  return `${leaseKey}:fence`;
}

export class LeaderLease extends TypedEmitter<LeaseEvents> {
  readonly #deps: LeaderLeaseDeps;
  readonly #ttl: number;
  readonly #renewEvery: number;
  readonly #retryEvery: number;
  readonly #margin: number;
  readonly #owner: string;
  #running = false;
  /** Incremented on every acquisition and loss, so a late reply from an old term is ignored. */
  #term = 0;
  #token: string | undefined;
  #fencingToken: number | undefined;
  #tickTimer: Cancel | undefined;
  #deadline: Cancel | undefined;
  #inflight: Promise<void> = Promise.resolve();

  constructor(deps: LeaderLeaseDeps) {
    super();
    this.#deps = deps;
    this.#ttl = deps.ttlMs ?? 10_000;
    this.#renewEvery = deps.renewEveryMs ?? Math.floor(this.#ttl / 3);
    this.#retryEvery = deps.retryEveryMs ?? Math.floor(this.#ttl / 5);
    this.#margin = deps.safetyMarginMs ?? Math.floor(this.#ttl / 10);
    this.#owner = deps.owner ?? randomUUID();
    if (this.#renewEvery + this.#margin >= this.#ttl) {
      throw new RangeError(`lease renewEveryMs (${this.#renewEvery}) + safetyMarginMs (${this.#margin}) must be below ttlMs (${this.#ttl})`);
    }
  }

  get isLeader(): boolean {
    return this.#token !== undefined;
  }

  /** The fencing token of the current term, or undefined when not leading. */
  get fencingToken(): number | undefined {
    return this.#fencingToken;
  }

  get key(): string {
    return this.#deps.key;
  }

  get fenceKey(): string {
    return fenceKeyOf(this.#deps.key);
  }

  get ttlMs(): number {
    return this.#ttl;
  }

  /** Starts contending for the lease at once. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops contending; releases the lease if held (emitting 'lost' with 'stopped'). */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#tickTimer?.();
    this.#tickTimer = undefined;
    await this.#inflight;
    const token = this.#token;
    if (token !== undefined) {
      this.#lose('stopped');
      await this.#release(token);
    }
  }

  #schedule(inMs: number): void {
    if (!this.#running) return;
    this.#tickTimer?.();
    const when = new Date(this.#deps.clock.now().getTime() + inMs);
    this.#tickTimer = this.#deps.clock.at(when, () => {
      this.#tickTimer = undefined;
      this.#inflight = this.#tick().catch((err: unknown) => this.#emitError(err));
    });
  }

  async #tick(): Promise<void> {
    if (!this.#running) return;
    const sentAt = this.#deps.clock.now().getTime();
    const term = this.#term;
    try {
      if (this.#token === undefined) {
        const token = `${this.#owner}:${randomUUID()}`;
        const fencing = Number(await this.#deps.redis.eval(ACQUIRE, 2, this.#deps.key, this.fenceKey, token, String(this.#ttl)));
        if (fencing > 0) {
          if (!this.#running || term !== this.#term) {
            // Stopped while the command was in flight: hand it straight back.
            await this.#release(token);
            return;
          }
          this.#term++;
          this.#token = token;
          this.#fencingToken = fencing;
          this.#armDeadline(sentAt);
          this.emit('acquired', fencing);
        }
      } else {
        const token = this.#token;
        const renewed = Number(await this.#deps.redis.eval(RENEW, 1, this.#deps.key, token, String(this.#ttl)));
        if (term !== this.#term) {
          // We already gave it up locally (deadline passed) while this was in flight.
          if (renewed === 1) await this.#release(token);
        } else if (renewed === 1) {
          this.#armDeadline(sentAt);
        } else {
          this.#lose('taken');
        }
      }
    } catch (err) {
      this.#emitError(err);
    } finally {
      this.#schedule(this.#token === undefined ? this.#retryEvery : this.#renewEvery);
      if (this.#running) this.emit('checked', this.#token !== undefined);
    }
  }

  #armDeadline(sentAt: number): void {
    this.#deadline?.();
    const until = new Date(sentAt + this.#ttl - this.#margin);
    const term = this.#term;
    this.#deadline = this.#deps.clock.at(until, () => {
      if (term === this.#term && this.#token !== undefined) this.#lose('expired');
    });
  }

  #lose(reason: LeaseLossReason): void {
    this.#deadline?.();
    this.#deadline = undefined;
    this.#term++;
    this.#token = undefined;
    this.#fencingToken = undefined;
    this.emit('lost', reason);
  }

  async #release(token: string): Promise<void> {
    try {
      await this.#deps.redis.eval(RELEASE, 1, this.#deps.key, token);
    } catch (err) {
      // The lease then simply expires after ttl; nothing else to do.
      this.#emitError(err);
    }
  }

  #emitError(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    // An EventEmitter throws on an unheard 'error'; a lease must never crash the process.
    try {
      this.emit('error', error);
    } catch {
      /* no listener */
    }
  }
}
