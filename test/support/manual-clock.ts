// A Clock driven by hand: time moves only when a test calls advance()/set(), and due
// timers fire in time order. Lets engine tests cover hours in milliseconds, with no sleep.
import type { Cancel, Clock } from '../../src/shared/clock.js';

interface Timer {
  when: number;
  seq: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  #now: number;
  #timers: Timer[] = [];
  #seq = 0;

  constructor(start: Date | string) {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  at(when: Date, fn: () => void): Cancel {
    const timer: Timer = { when: when.getTime(), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Number of timers still armed. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    await this.set(new Date(this.#now + ms));
  }

  /** Moves time to `to`, firing due timers in order and letting their promises settle. */
  async set(to: Date): Promise<void> {
    const target = to.getTime();
    for (;;) {
      const due = this.#timers
        .filter((t) => t.when <= target)
        .sort((a, b) => a.when - b.when || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.when);
      due.fn();
      await new Promise((r) => setImmediate(r));
    }
    this.#now = Math.max(this.#now, target);
    await new Promise((r) => setImmediate(r));
  }
}


