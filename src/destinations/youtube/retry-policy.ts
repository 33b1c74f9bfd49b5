// The one retry policy for YouTube calls. googleapis' own retries (gaxios) are turned off
// where the client is built (`retry: false` in youtube-api.ts), so every attempt is
// counted against the quota and paced here, and POSTs are treated like the rest.
import type { Clock } from '../../shared/clock.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. @defaultValue 5 */
  attempts: number;
  /** First pause; doubles each time. @defaultValue 500 ms */
  baseDelayMs: number;
  /** Longest pause. @defaultValue 8000 ms */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 8000 };

/** The pause before attempt `n + 1` (n ≥ 1): exponential with jitter in [50%, 100%]. */
export function backoffDelay(policy: RetryPolicy, n: number, random = Math.random): number {
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
  return Math.round(full * (0.5 + random() / 2));
}

/** Waits `ms` on the clock; rejects with the signal's reason when aborted. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason ?? new Error('aborted'));
    };
    const cancel = clock.at(new Date(clock.now().getTime() + ms), () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
