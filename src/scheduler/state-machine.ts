// The broadcast state machine: which state may follow which, in one table, so the engine,
// the store and the API agree on what a legal change is.
import type { BroadcastState } from './ports.js';

/**
 * Legal transitions. `scheduled → preparing → ready → live → ending → complete` is the
 * normal path; `failed`, `missed` and `cancelled` are the ways out. A late start (onair
 * was down at air time, still within the grace) walks the normal path, only faster. A failed
 * broadcast goes back to `scheduled` only when staff start it again before its end.
 */
export const TRANSITIONS: Readonly<Record<BroadcastState, readonly BroadcastState[]>> = {
  scheduled: ['preparing', 'missed', 'cancelled', 'failed'],
  preparing: ['ready', 'missed', 'cancelled', 'failed'],
  ready: ['live', 'missed', 'cancelled', 'failed'],
  // A cancellation or "end now" while live goes through `ending`, so destinations are ended.
  live: ['ending', 'failed'],
  ending: ['complete', 'failed'],
  complete: [],
  // Staff may start a failed broadcast again while its time has not passed (engine.startNow).
  failed: ['scheduled'],
  missed: [],
  cancelled: [],
};

/** States a new record may start in (from nothing). */
export const INITIAL_STATES: ReadonlySet<BroadcastState> = new Set(['scheduled', 'cancelled', 'missed']);

export function canTransition(from: BroadcastState | undefined, to: BroadcastState): boolean {
  if (from === undefined) return INITIAL_STATES.has(to);
  return TRANSITIONS[from].includes(to);
}

/**
 * Before air: the start may still move with the schedule, staff may start it now, its
 * reminders stay armed, and at each step it may leave for cancelled, missed or failed. (What
 * a destination needs on the way out — ended or torn down — is decided per destination by
 * its own status: `finishing` in broadcast-run.ts.)
 */
export const PRE_AIR_STATES: ReadonlySet<BroadcastState> = new Set(['scheduled', 'preparing', 'ready']);
