// A sliding-window counter per key ("conn:<id>", "ip:<addr>"), on the injected clock.
// In memory: a limit is about the next ten seconds, not worth surviving a restart.

export interface RateLimiterOptions {
  /** Events allowed per window. */
  limit: number;
  windowMs: number;
  now: () => number;
}

export class RateLimiter {
  readonly #hits = new Map<string, number[]>();
  readonly #opts: RateLimiterOptions;

  constructor(options: RateLimiterOptions) {
    this.#opts = options;
  }

  /** Records a hit for `key` and says whether it is within the limit. */
  hit(key: string): boolean {
    const now = this.#opts.now();
    const since = now - this.#opts.windowMs;
    let hits = this.#hits.get(key);
    if (!hits) {
      hits = [];
      this.#hits.set(key, hits);
    }
    // Hits are in time order: drop the expired ones from the front (cheap, no new array).
    let expired = 0;
    while (expired < hits.length && hits[expired]! <= since) expired++;
    if (expired > 0) hits.splice(0, expired);
    if (hits.length >= this.#opts.limit) return false;
    hits.push(now);
    return true;
  }

  /** Drops keys with no hit in the window (called now and then so the map stays small). */
  prune(): void {
    const since = this.#opts.now() - this.#opts.windowMs;
    for (const [key, hits] of this.#hits) if (!hits.some((t) => t > since)) this.#hits.delete(key);
  }

  get size(): number {
    return this.#hits.size;
  }
}
