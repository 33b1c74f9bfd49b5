// The Clock port: every service asks it for the time and for timers, so tests can
// drive time by hand (test/support/manual-clock.ts) and never race the wall clock.

/** Cancels a timer armed with {@link Clock.at}. Calling it twice is harmless. */
export type Cancel = () => void;

export interface Clock {
  /** Current instant. */
  now(): Date;
  /**
   * Calls `fn` once, at or soon after `when` (immediately when `when` is past).
   * Implementations must cope with delays longer than setTimeout's 24.8-day limit
   * and must re-check the time on wake-up, so a clock jump never fires early.
   */
  at(when: Date, fn: () => void): Cancel;
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The wall clock. Long waits are chunked so setTimeout never overflows. */
export const systemClock: Clock = {
  now: () => new Date(),
  at(when, fn) {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (): void => {
      const wait = when.getTime() - Date.now();
      if (wait <= 0) {
        if (!cancelled) fn();
        return;
      }
      handle = setTimeout(arm, Math.min(wait, MAX_TIMEOUT_MS));
      handle.unref?.();
    };
    // Fire asynchronously even when already due, so callers never re-enter.
    handle = setTimeout(arm, 0);
    handle.unref?.();
    return () => {
      cancelled = true;
      if (handle) clearTimeout(handle);
    };
  },
};
