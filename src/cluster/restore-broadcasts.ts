// What a new term of leadership puts back before its engine starts: the broadcasts this node
// was running when it lost the lease, where Redis no longer has them or has an older state
// (Redis restarted without its data, or an append-only file that lost its last second).
// Without this an empty Redis makes a live broadcast a new `scheduled` one — a second
// go-live, or `missed` past the late-start grace — and its stored copy of the occurrence is
// gone too. The schedule files fill in the rest (the engine plans from them as always).
import type { BroadcastStore } from '../scheduler/broadcast-store.js';
import type { KnownBroadcast } from '../scheduler/engine.js';
import { FINAL_STATES, type BroadcastState } from '../scheduler/ports.js';
import { PRE_AIR_STATES } from '../scheduler/state-machine.js';

/** How far along a broadcast is: before air, live, ending, over. */
function stage(state: BroadcastState): number {
  if (PRE_AIR_STATES.has(state)) return 0;
  if (state === 'live') return 1;
  if (state === 'ending') return 2;
  if (FINAL_STATES.has(state)) return 3;
  return 0;
}

/**
 * Writes each known broadcast that the store lacks or holds at an earlier stage (with the
 * current fencing token, through `store`), and its occurrence copy. Returns the ids put back.
 */
export async function restoreBroadcasts(store: BroadcastStore, known: readonly KnownBroadcast[], now: Date): Promise<string[]> {
  const restored: string[] = [];
  for (const { record, occurrence } of known) {
    const stored = await store.get(record.occurrenceId);
    if (stored && stage(stored.state) >= stage(record.state)) continue;
    await store.transition({ ...record, updatedAt: now.toISOString() }, stored?.state, {
      at: now,
      reason: `put back by the worker that ran it: Redis had ${stored ? `it as ${stored.state}` : 'no record of it'} (restarted without its data?)`,
    });
    if (occurrence) await store.rememberOccurrence(occurrence, now);
    restored.push(record.occurrenceId);
  }
  return restored;
}
