// What a schedule edit changes in a broadcast's record: compares the schedule's latest view of
// an occurrence with the persisted record and says which fields to write, without writing
// anything. Pure, so every rule (a start moved after air is ignored, staff's early start or
// extension holds until the schedule itself moves the time, prepared destinations are kept)
// is tested on its own; BroadcastRun applies the result.
import type { Occurrence } from '../schedule/types.js';
import type { BroadcastRecord } from './ports.js';
import { PRE_AIR_STATES } from './state-machine.js';

/** The difference between a record and its occurrence as the schedule now gives it. */
export interface OccurrenceDiff {
  /** Record fields to write (absent: unchanged). Empty when the record is up to date. */
  patch: Partial<Pick<BroadcastRecord, 'scheduledStart' | 'scheduledEnd' | 'planned' | 'title'>>;
  /**
   * The schedule names other destinations and nothing is prepared yet (state `scheduled`):
   * the record takes the schedule's destinations as they now are.
   */
  retakeDestinations: boolean;
  /**
   * The schedule names other destinations but preparation has begun: the broadcast keeps the
   * ones it prepared (the change applies to later broadcasts). Worth a warning, nothing to write.
   */
  destinationsKept: boolean;
  /** Something the destinations show changed (times, title or destinations): tell them. */
  changed: boolean;
}

export function diffOccurrence(record: BroadcastRecord, occ: Occurrence): OccurrenceDiff {
  const patch: OccurrenceDiff['patch'] = {};
  // Compared with what the schedule said last, not with scheduledStart/End: those may hold a
  // staff action (start now, extend, end now) that only a real schedule edit overrides.
  const planned = record.planned ?? { start: record.scheduledStart, end: record.scheduledEnd };
  const start = occ.start.toISOString();
  const end = occ.end.toISOString();
  // Once on air the start is history; only the end can still move.
  if (start !== planned.start && PRE_AIR_STATES.has(record.state) && start !== record.scheduledStart) {
    patch.scheduledStart = start;
  }
  if (end !== planned.end && end !== record.scheduledEnd) patch.scheduledEnd = end;
  if (start !== planned.start || end !== planned.end) patch.planned = { start, end };
  const timesChanged = patch.scheduledStart !== undefined || patch.scheduledEnd !== undefined;

  const titleChanged = JSON.stringify(occ.title) !== JSON.stringify(record.title);
  if (titleChanged) patch.title = occ.title;

  const differ = record.destinations.map((d) => d.name).join('\n') !== occ.destinations.join('\n');
  const retakeDestinations = differ && record.state === 'scheduled';
  return {
    patch,
    retakeDestinations,
    destinationsKept: differ && !retakeDestinations,
    changed: timesChanged || titleChanged || retakeDestinations,
  };
}
