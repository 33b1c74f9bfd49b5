// A Clock for rehearsals: starts at a chosen instant and runs `speed` times faster than
// the wall clock (the speed may change while it runs, e.g. slower while a broadcast is on
// air), so staff can watch a whole day in an hour. Timers re-check on wake-up and are
// re-armed when the speed changes, so they never fire early and never sleep too long.
import type { Cancel, Clock } from '../shared/clock.js';

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class ScaledClock implements Clock {
  #origin: number;
  #wallOrigin: number;
  #speed: number;
  readonly #armed = new Set<() => void>();

  constructor(start: Date, speed: number) {
    if (!(speed > 0)) throw new RangeError('speed must be a positive number');
    this.#origin = start.getTime();
    this.#wallOrigin = Date.now();
    this.#speed = speed;
  }

  get speed(): number {
    return this.#speed;
  }

  /** Changes the speed from now on; pending timers are re-armed for it. */
  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new RangeError('speed must be a positive number');
    if (speed === this.#speed) return;
    this.#origin = this.now().getTime();
    this.#wallOrigin = Date.now();
    this.#speed = speed;
    for (const rearm of [...this.#armed]) rearm();
  }

  now(): Date {
    return new Date(this.#origin + (Date.now() - this.#wallOrigin) * this.#speed);
  }

  at(when: Date, fn: () => void): Cancel {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (): void => {
      if (handle) clearTimeout(handle);
      handle = undefined;
      if (cancelled) return;
      const wait = (when.getTime() - this.now().getTime()) / this.#speed;
      if (wait <= 0) {
        this.#armed.delete(arm);
        fn();
        return;
      }
      handle = setTimeout(arm, Math.min(Math.ceil(wait), MAX_TIMEOUT_MS));
      handle.unref?.();
    };
    this.#armed.add(arm);
    handle = setTimeout(arm, 0);
    handle.unref?.();
    return () => {
      cancelled = true;
      this.#armed.delete(arm);
      if (handle) clearTimeout(handle);
    };
  }
}
