// When a crashed ffmpeg is restarted, and when the encoder gives up: backoff grows with
// each crash in a row (a streak ends after 10 s of steady progress), and more than
// `maxRestarts` within `restartWindowMs` is fatal.
import type { EncoderOptions } from './encoder-options.js';

/** Steady progress for this long ends a crash streak (the backoff starts over). */
const STEADY_MS = 10_000;

export type RestartDecision = { giveUp: true; crashes: number } | { giveUp: false; delayMs: number; /** Crashes in a row before this one. */ streak: number };

export class RestartPolicy {
  #restartTimes: number[] = [];
  #consecutiveCrashes = 0;

  constructor(private readonly options: Pick<EncoderOptions, 'backoffMs' | 'maxRestarts' | 'restartWindowMs'>) {}

  /** A run made progress at `now`; it started at `runStartedAt`. */
  progressed(now: number, runStartedAt: number): void {
    if (now - runStartedAt > STEADY_MS) this.#consecutiveCrashes = 0;
  }

  /** ffmpeg crashed at `now`: restart after delayMs, or give up. */
  crashed(now: number): RestartDecision {
    const o = this.options;
    this.#restartTimes = this.#restartTimes.filter((t) => now - t < o.restartWindowMs);
    this.#restartTimes.push(now);
    if (this.#restartTimes.length > o.maxRestarts) return { giveUp: true, crashes: this.#restartTimes.length };
    const streak = this.#consecutiveCrashes;
    const delayMs = o.backoffMs[Math.min(streak, o.backoffMs.length - 1)] ?? 1000;
    this.#consecutiveCrashes++;
    return { giveUp: false, delayMs, streak };
  }
}
