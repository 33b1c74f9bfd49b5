// The BroadcastStore port: where the engine persists its records, their transition log and
// the last valid occurrence of each broadcast (so one whose schedule file turns invalid carries
// on, docs/broadcast-states.md). Implemented by SQLite for the embedded server
// (src/store/sqlite/broadcast-store.ts) and by Redis, fenced by the leader's token, in a
// cluster (src/store/redis/broadcast-store.ts); one contract test runs against both.
import { OnairError } from '../shared/errors.js';
import type { Occurrence } from '../schedule/types.js';
import type { BroadcastRecord, BroadcastState } from './ports.js';

/** One line of the append-only transition log. */
export interface TransitionEntry {
  occurrenceId: string;
  /** Undefined for the record's first state. */
  from: BroadcastState | undefined;
  to: BroadcastState;
  /** ISO 8601 UTC. */
  at: string;
  reason?: string;
}

/** A transition was refused because the stored state is not the one the caller expected. */
export class StaleStateError extends OnairError {
  constructor(
    readonly occurrenceId: string,
    readonly expected: BroadcastState | undefined,
    readonly actual: BroadcastState | undefined,
  ) {
    super(`broadcast ${occurrenceId} is ${actual ?? 'absent'}, expected ${expected ?? 'absent'}`);
  }
}

/**
 * Persistent broadcast records, one per occurrence id, plus an append-only log of their
 * transitions.
 *
 * Contract:
 * - Times are ISO 8601 UTC strings; the caller passes `now` (the store never reads a clock).
 * - `transition` is atomic: it checks that the stored state equals `from` (compare-and-set),
 *   writes the record with its new state and appends the log entry, all or nothing; it
 *   throws StaleStateError otherwise. With `from` undefined it inserts a new record.
 *   Once it resolves, the change survives a kill of the process (the engine writes each
 *   transition before the side effect it announces and relies on this).
 * - `save` writes every field but `state` (destinations, health, errors, times); it never
 *   changes the state and never creates a record.
 * - `list` returns records whose [scheduledStart, scheduledEnd) intersects [from, to), in
 *   start order; `listUnfinished` returns every record not in a final state.
 * - Methods may be called concurrently; each call is applied whole.
 *
 * Leaves out: locking between several engine processes (cluster mode adds a lease).
 */
export interface BroadcastStore {
  get(occurrenceId: string): Promise<BroadcastRecord | undefined>;
  list(from: Date, to: Date): Promise<BroadcastRecord[]>;
  listUnfinished(): Promise<BroadcastRecord[]>;
  transition(
    record: BroadcastRecord,
    from: BroadcastState | undefined,
    entry: { at: Date; reason?: string },
  ): Promise<void>;
  save(record: BroadcastRecord, now: Date): Promise<void>;
  transitions(occurrenceId: string): Promise<TransitionEntry[]>;
  /** Deletes final records (and their log and occurrence copy) that ended before `before`; returns how many. */
  prune(before: Date): Promise<number>;
  /**
   * Keeps a copy of the occurrence a record was made from (source, destinations, times), so
   * a restart — or a new cluster leader — can carry on a prepared or live broadcast even when
   * its schedule file cannot be read at that moment (docs/broadcast-states.md). Replaces an
   * earlier copy; `prune` deletes it with its record.
   */
  rememberOccurrence(occ: Occurrence, now: Date): Promise<void>;
  /** The copy kept by rememberOccurrence, with its dates revived; undefined when none. */
  recallOccurrence(occurrenceId: string): Promise<Occurrence | undefined>;
  close(): Promise<void>;
}
