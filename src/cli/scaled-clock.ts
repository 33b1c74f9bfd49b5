// A Clock for rehearsals: starts at a chosen instant and runs `speed` times faster than
// the wall clock, so staff can watch a whole day in an hour. Timers re-check on wake-up,
// so they never fire early (the Clock contract).
import type { Cancel, Clock } from '../shared/clock.js';

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class ScaledClock implements Clock {
  readonly #origin: number;
  readonly #wallOrigin: number;

  constructor(
    start: Date,
    readonly speed: number,
  ) {
    if (!(speed > 0)) throw new RangeError('speed must be a positive number');
    this.#origin = start.getTime();
    this.#wallOrigin = Date.now();
  }

  now(): Date {
    return new Date(this.#origin + (Date.now() - this.#wallOrigin) * this.speed);
  }

  at(when: Date, fn: () => void): Cancel {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (): void => {
      if (cancelled) return;
      const wait = (when.getTime() - this.now().getTime()) / this.speed;
      if (wait <= 0) {
        fn();
        return;
      }
      handle = setTimeout(arm, Math.min(Math.ceil(wait), MAX_TIMEOUT_MS));
      handle.unref?.();
    };
    handle = setTimeout(arm, 0);
    handle.unref?.();
    return () => {
      cancelled = true;
      if (handle) clearTimeout(handle);
    };
  }
}
