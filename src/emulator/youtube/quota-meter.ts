// The emulator's quota counter: charges Google's cost per call (the shared table) against
// the day's budget, which turns at midnight Pacific on the injected clock.
import type { Clock } from '../../shared/clock.js';
import { youtubeQuotaCost, youtubeQuotaDay } from '../../shared/youtube-quota.js';

export class QuotaMeter {
  #day = '';
  #used = 0;
  #exhausted = false;

  constructor(
    readonly clock: Clock,
    readonly dailyLimit: number,
  ) {}

  #roll(): void {
    const day = youtubeQuotaDay(this.clock.now());
    if (day !== this.#day) {
      this.#day = day;
      this.#used = 0;
      this.#exhausted = false;
    }
  }

  /** Whether a call of this method would exceed today's budget. */
  wouldExceed(method: string): boolean {
    this.#roll();
    return this.#exhausted || this.#used + youtubeQuotaCost(method) > this.dailyLimit;
  }

  /** Charges a call; returns its cost. */
  charge(method: string): number {
    this.#roll();
    const cost = youtubeQuotaCost(method);
    this.#used += cost;
    return cost;
  }

  /** Fault: today's budget is gone (until the next Pacific midnight). */
  exhaust(): void {
    this.#roll();
    this.#exhausted = true;
  }

  get used(): number {
    this.#roll();
    return this.#used;
  }

  get day(): string {
    this.#roll();
    return this.#day;
  }
}
