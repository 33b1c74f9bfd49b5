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

/**
 * Runs `task` every `everyMs` on `clock` (the first run `everyMs` from now), never two at
 * once: the next run is armed when the last one has settled. A task that fails is reported
 * to `onError` and the rhythm goes on. The engine's periodic jobs use this instead of a cron
 * library, so they follow the injected clock (a test clock moves them; a cron would not).
 */
export function every(clock: Clock, everyMs: number, task: () => Promise<unknown>, onError: (err: unknown) => void): Cancel {
  let cancel: Cancel | undefined;
  let stopped = false;
  const arm = (): void => {
    if (stopped) return;
    cancel = clock.at(new Date(clock.now().getTime() + everyMs), () => {
      task().catch(onError).finally(arm);
    });
  };
  arm();
  return () => {
    stopped = true;
    cancel?.();
  };
}
