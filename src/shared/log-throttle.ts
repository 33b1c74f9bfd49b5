// Keeps a repeated error from flooding the log: for each cause, at most one line per window,
// and the line that does go out says how many were held back since the last one. Under load
// (a failing disk behind every HLS request, say) the log stays readable and cheap; the
// full count is in /metrics. This is not src/shared/rate-limit.ts: that limiter answers
// clients (async, shared across nodes through Redis); this one is per process and
// synchronous, and it reports what it suppressed.
import type { Logger } from 'pino';
import type { Clock } from './clock.js';

export interface LogThrottleOptions {
  logger: Logger;
  clock: Clock;
  /** One line per cause per window. @defaultValue 60_000 (a minute) */
  windowMs?: number;
}

export class LogThrottle {
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #windowMs: number;
  /** Per cause: when its last line went out and how many were held back since. */
  readonly #causes = new Map<string, { at: number; suppressed: number }>();

  constructor(options: LogThrottleOptions) {
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#windowMs = options.windowMs ?? 60_000;
  }

  /** Logs `msg` at error level unless `cause` already logged within the window. */
  error(cause: string, fields: Record<string, unknown>, msg: string): void {
    const now = this.#clock.now().getTime();
    const seen = this.#causes.get(cause);
    if (seen && now - seen.at < this.#windowMs) {
      seen.suppressed += 1;
      // Kept at debug level (free when debug is off), so a ref quoted by a client can still be found.
      this.#logger.debug(fields, msg);
      return;
    }
    const suppressed = seen?.suppressed ?? 0;
    this.#causes.set(cause, { at: now, suppressed: 0 });
    // Causes that went quiet are forgotten, so the map holds only recent ones.
    if (this.#causes.size > 1000) this.#forgetBefore(now - this.#windowMs);
    this.#logger.error(suppressed > 0 ? { ...fields, suppressed } : fields, msg);
  }

  #forgetBefore(time: number): void {
    for (const [cause, seen] of this.#causes) if (seen.at < time && seen.suppressed === 0) this.#causes.delete(cause);
  }
}
