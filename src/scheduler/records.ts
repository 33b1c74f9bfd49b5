// Small pure helpers between occurrences, broadcast records and error infos.
import type { Occurrence } from '../schedule/types.js';
import { DESTINATION_HISTORY_SIZE, DestinationError } from './ports.js';
import type { BroadcastRecord, BroadcastState, Destination, DestinationEvent, DestinationState, ErrorInfo } from './ports.js';

/** A fresh record for an occurrence; destinations start `pending` (or `failed` if unknown). */
export function newRecord(
  occ: Occurrence,
  state: BroadcastState,
  destination: (name: string) => Destination,
  now: Date,
): BroadcastRecord {
  return {
    occurrenceId: occ.id,
    programmeId: occ.programmeId,
    title: occ.title,
    state,
    scheduledStart: occ.start.toISOString(),
    scheduledEnd: occ.end.toISOString(),
    planned: { start: occ.start.toISOString(), end: occ.end.toISOString() },
    destinations: initialDestinations(occ.destinations, destination, now),
    updatedAt: now.toISOString(),
  };
}

export function initialDestinations(
  names: readonly string[],
  destination: (name: string) => Destination,
  now: Date,
): DestinationState[] {
  return names.map((name): DestinationState => {
    try {
      const d = destination(name);
      return { name, kind: d.kind, status: 'pending', remote: {} };
    } catch (err) {
      return {
        name,
        kind: 'local',
        status: 'failed',
        remote: {},
        error: {
          code: 'destination-unknown',
          message: `no destination named "${name}" in the configuration (${(err as Error).message}); add it under destinations: in config, or fix the schedule`,
          retryable: false,
          at: now.toISOString(),
        },
      };
    }
  });
}

/** The occurrence as the engine acts on it: with staff changes to times and the current title. */
export function effectiveOccurrence(occ: Occurrence, record: BroadcastRecord): Occurrence {
  return { ...occ, title: record.title, start: new Date(record.scheduledStart), end: new Date(record.scheduledEnd) };
}

/**
 * A stand-in occurrence for a record whose occurrence left the schedule, so destinations
 * can still be ended or torn down (they only need the ids, title and times). Whatever it
 * cannot know it states as restrictively as possible — private, made for kids — so no path
 * that reaches a destination with it can make an unlisted children's event public.
 */
export function occurrenceFromRecord(record: BroadcastRecord): Occurrence {
  return {
    id: record.occurrenceId,
    programmeId: record.programmeId,
    title: record.title,
    description: { tr: '', en: '' },
    category: 'other',
    audience: [],
    timezone: 'UTC',
    start: new Date(record.scheduledStart),
    end: new Date(record.scheduledEnd),
    localStart: record.scheduledStart,
    localEnd: record.scheduledEnd,
    source: { kind: 'testPattern', pattern: 'testsrc2', toneHz: 1000 },
    destinations: record.destinations.map((d) => d.name),
    youtube: { privacy: 'private', madeForKids: true },
    chat: { enabled: false, slowModeMs: 0 },
    remindersMs: [],
    cancelled: true,
  };
}

export function errorInfo(err: unknown, now: Date, code = 'error'): ErrorInfo {
  if (err instanceof DestinationError) {
    return { code: err.code, message: err.message, retryable: err.retryable, at: now.toISOString() };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code, message, retryable: true, at: now.toISOString() };
}

/** "local: quota exceeded; rtmp: connection refused" — for reasons staff read. */
export function describeDestinationErrors(states: readonly DestinationState[]): string {
  const parts = states.filter((d) => d.error).map((d) => `${d.name}: ${d.error!.message}`);
  return parts.length ? parts.join('; ') : 'no destination reported an error';
}

/** `d` failed with `e`, its failure added to its history. */
export function failedWith(d: DestinationState, e: ErrorInfo): DestinationState {
  return withEvent({ ...d, status: 'failed', error: e }, { at: e.at, event: 'failed', code: e.code, message: e.message });
}

/** `d` with `event` added to its history; the oldest entries beyond DESTINATION_HISTORY_SIZE go. */
export function withEvent(d: DestinationState, event: DestinationEvent): DestinationState {
  return { ...d, history: [...(d.history ?? []), event].slice(-DESTINATION_HISTORY_SIZE) };
}

/**
 * Failures of an RTMP destination that mean only "its receiver was not taking the stream"
 * (unreachable, no handshake, went away, froze): ffmpeg goes on trying it, so once its
 * receiver takes the stream again the destination is live again. Any other failure (a
 * stream key missing, a destination unknown) is not cured by delivery.
 */
const DELIVERY_FAILURES: ReadonlySet<string> = new Set(['rtmp-unreachable', 'rtmp-handshake', 'output-failed', 'output-stalled']);

/** Whether `d` failed for want of delivery only, so that delivery makes it live again. */
export function recoversByDelivery(d: DestinationState): boolean {
  return d.kind === 'rtmp' && d.status === 'failed' && d.error !== undefined && DELIVERY_FAILURES.has(d.error.code);
}
