// Turns the engine's events and the schedule's changes into the viewers' programme events.
// It has no timers of its own: "live" is sent when the engine says a broadcast is live and
// one of its destinations has gone live (so there is somewhere to watch it),
// reminders when the engine reaches a reminder offset, changes when the schedule reloads.
import type { Clock } from '../shared/clock.js';
import type { TypedEmitter } from '../shared/typed-emitter.js';
import type { BroadcastRecord, BroadcastState, EngineEvents, ScheduleReader } from '../scheduler/ports.js';
import { diffOccurrence } from '../scheduler/index.js';
import type { Occurrence } from '../schedule/types.js';
import type {
  CancelledPayload,
  ChangedPayload,
  EndedPayload,
  LivePayload,
  ProgrammeInfo,
  ProgrammeStatus,
  ReminderPayload,
  ScheduleSnapshotPayload,
  WatchLink,
  WatchPayload,
} from './events.js';

/** Where the feed's events go; the realtime server implements it over Socket.IO rooms. */
export interface FeedOutput {
  toAll(event: 'programme:live', payload: LivePayload): void;
  toAll(event: 'programme:watch', payload: WatchPayload): void;
  toAll(event: 'programme:ended', payload: EndedPayload): void;
  toAll(event: 'programme:changed', payload: ChangedPayload): void;
  toAll(event: 'programme:cancelled', payload: CancelledPayload): void;
  toAll(event: 'schedule', payload: ScheduleSnapshotPayload): void;
  toRooms(rooms: string[], event: 'programme:reminder', payload: ReminderPayload): void;
}

export interface ProgrammeFeedDeps {
  engineEvents: Pick<TypedEmitter<EngineEvents>, 'on'>;
  schedule: ScheduleReader;
  clock: Clock;
  output: FeedOutput;
  /** Chat window, so pages know when a programme's chat opens. */
  chatOpensBeforeMs: number;
  chatClosesAfterMs: number;
  /** Records known at start (from the broadcast store), so a restart knows what is live. */
  initialRecords?: readonly BroadcastRecord[];
  /** How far ahead the snapshot's "next" looks. @defaultValue 14 days */
  horizonMs?: number;
  /** Most upcoming programmes in a snapshot. @defaultValue 30 */
  maxNext?: number;
}

/** Where a feed re-reads broadcast records after missing events (the shared store in cluster mode). */
export interface BroadcastRecordReader {
  listUnfinished(): Promise<BroadcastRecord[]>;
  get(occurrenceId: string): Promise<BroadcastRecord | undefined>;
}

/** Socket.IO room names for subscriptions. */
export const roomOf = {
  programme: (id: string) => `p:${id}`,
  category: (c: string) => `c:${c}`,
  audience: (a: string) => `a:${a}`,
  chat: (occurrenceId: string) => `chat:${occurrenceId}`,
};

const LIVE_STATES: ReadonlySet<BroadcastState> = new Set(['live', 'ending']);

/** How long one built snapshot is handed out while nothing changes. */
const SNAPSHOT_REUSE_MS = 1000;

function signature(o: Occurrence): string {
  return JSON.stringify([o.start.getTime(), o.end.getTime(), o.title, o.description, o.destinations, o.cancelled, o.chat]);
}

export function watchLinks(record: BroadcastRecord | undefined): WatchLink[] {
  if (!record) return [];
  return record.destinations
    .filter((d) => d.status === 'live' && typeof d.watchUrl === 'string' && d.watchUrl !== '')
    .map((d) => ({ destination: d.name, kind: d.kind, url: d.watchUrl as string }));
}

export class ProgrammeFeed {
  readonly #deps: ProgrammeFeedDeps;
  readonly #records = new Map<string, BroadcastRecord>();
  readonly #cancelledSent = new Set<string>();
  /** The watch links last sent for each live broadcast, so only real changes are announced. */
  readonly #watchSent = new Map<string, string>();
  #known = new Map<string, { sig: string; endMs: number; title: ProgrammeInfo['title']; start: string; listed: boolean }>();
  #unsubscribe: Array<() => void> = [];
  #cached: { snapshot: ScheduleSnapshotPayload; builtAt: number } | undefined;

  constructor(deps: ProgrammeFeedDeps) {
    this.#deps = deps;
    for (const r of deps.initialRecords ?? []) this.#records.set(r.occurrenceId, r);
  }

  start(): void {
    this.#known = this.#upcomingSignatures();
    this.#unsubscribe = [
      this.#deps.engineEvents.on('transition', (record, from, occurrence) => this.#onTransition(record, from, occurrence)),
      this.#deps.engineEvents.on('destination', (record) => this.#onDestination(record)),
      this.#deps.engineEvents.on('changed', (record) => this.#onRecordChanged(record)),
      this.#deps.engineEvents.on('reminder', (occurrence, offsetMs) => this.#onReminder(occurrence, offsetMs)),
      this.#deps.schedule.onChange(() => this.#onScheduleChange()),
    ];
  }

  stop(): void {
    for (const u of this.#unsubscribe) u();
    this.#unsubscribe = [];
  }

  /**
   * Catches up after missed engine events (cluster mode: the relay was cut off from Redis).
   * Re-reads the records that are unfinished now and those this feed last saw live, sends
   * the events of every state that changed meanwhile, then a fresh `schedule` snapshot —
   * all through `output` (a web node passes one that reaches its own viewers).
   * Returns the ids whose state changed.
   */
  async resync(reader: BroadcastRecordReader, output: FeedOutput = this.#deps.output): Promise<string[]> {
    const fresh = new Map((await reader.listUnfinished()).map((r) => [r.occurrenceId, r]));
    for (const r of this.#records.values()) {
      if (fresh.has(r.occurrenceId) || !LIVE_STATES.has(r.state)) continue;
      const now = await reader.get(r.occurrenceId);
      if (now) fresh.set(now.occurrenceId, now);
    }
    const changed: string[] = [];
    for (const record of fresh.values()) {
      const before = this.#records.get(record.occurrenceId);
      if (before && before.state === record.state && before.updatedAt === record.updatedAt) continue;
      changed.push(record.occurrenceId);
      this.#onTransition(record, before?.state, undefined, output);
    }
    output.toAll('schedule', this.snapshot());
    return changed;
  }

  info(occ: Occurrence, record = this.#records.get(occ.id)): ProgrammeInfo {
    let status: ProgrammeStatus = 'upcoming';
    if (occ.cancelled || record?.state === 'cancelled' || record?.state === 'missed') status = 'cancelled';
    else if (record && LIVE_STATES.has(record.state)) status = 'live';
    else if (record && (record.state === 'complete' || record.state === 'failed')) status = 'ended';
    const endMs = record?.endedAt ? Date.parse(record.endedAt) : occ.end.getTime();
    // What aired, once it has: staff may have started it early or ended it early. Before
    // that, the record's times (which hold staff actions) — unless the schedule has since
    // moved them, which the engine is about to apply: this feed hears the edit first, and a
    // viewer told "changed" must get the new time, not the one the record still holds.
    const moved = record ? diffOccurrence(record, occ).patch : {};
    const start = record?.liveAt ?? (record ? (moved.scheduledStart ?? record.scheduledStart) : occ.start.toISOString());
    const end = record?.endedAt ?? (record ? (moved.scheduledEnd ?? record.scheduledEnd) : occ.end.toISOString());
    return {
      occurrenceId: occ.id,
      programmeId: occ.programmeId,
      title: occ.title,
      description: occ.description,
      category: occ.category,
      audience: [...occ.audience],
      start,
      end,
      timezone: occ.timezone,
      status,
      watch: status === 'live' ? watchLinks(record) : [],
      chat: {
        enabled: occ.chat.enabled,
        opensAt: new Date(occ.start.getTime() - this.#deps.chatOpensBeforeMs).toISOString(),
        closesAt: new Date(endMs + this.#deps.chatClosesAfterMs).toISOString(),
      },
      listed: occ.listed !== false,
    };
  }

  /** Info from the record alone, for a live broadcast the schedule no longer lists. */
  #infoFromRecord(record: BroadcastRecord): ProgrammeInfo {
    const occ = this.#deps.schedule.find(record.occurrenceId);
    if (occ) return this.info(occ, record);
    return {
      occurrenceId: record.occurrenceId,
      programmeId: record.programmeId,
      title: record.title,
      description: { tr: '', en: '' },
      category: 'other',
      audience: [],
      start: record.scheduledStart,
      end: record.scheduledEnd,
      timezone: 'UTC',
      status: LIVE_STATES.has(record.state) ? 'live' : 'ended',
      watch: LIVE_STATES.has(record.state) ? watchLinks(record) : [],
      chat: { enabled: false, opensAt: record.scheduledStart, closesAt: record.scheduledEnd },
      listed: true,
    };
  }

  /**
   * What is live and what is next. Built at most once a second and shared, until anything
   * changes: every viewer gets one on connect, and with connection state recovery the
   * adapter keeps each sent packet for minutes — one shared object instead of thousands of
   * copies in a connect storm. Callers must not modify it.
   */
  snapshot(): ScheduleSnapshotPayload {
    const nowMs = this.#deps.clock.now().getTime();
    const c = this.#cached;
    if (c && nowMs >= c.builtAt && nowMs - c.builtAt < SNAPSHOT_REUSE_MS) return c.snapshot;
    const snapshot = this.#buildSnapshot();
    this.#cached = { snapshot, builtAt: nowMs };
    return snapshot;
  }

  #buildSnapshot(): ScheduleSnapshotPayload {
    const now = this.#deps.clock.now();
    const live = [...this.#records.values()].filter((r) => LIVE_STATES.has(r.state)).map((r) => this.#infoFromRecord(r));
    const liveIds = new Set(live.map((l) => l.occurrenceId));
    const horizon = new Date(now.getTime() + (this.#deps.horizonMs ?? 14 * 86_400_000));
    const next = this.#deps.schedule
      .occurrences(now, horizon)
      // Unlisted programmes (the demo) show only while live; one that already aired (started
      // early and ended before its planned start) is not "coming up" any more.
      .filter((o) => !o.cancelled && o.listed !== false && !liveIds.has(o.id) && o.start.getTime() > now.getTime() && !this.#aired(o.id))
      .slice(0, this.#deps.maxNext ?? 30)
      .map((o) => this.info(o));
    return { at: now.toISOString(), live, next };
  }

  #aired(occurrenceId: string): boolean {
    const state = this.#records.get(occurrenceId)?.state;
    return state === 'complete' || state === 'failed' || state === 'ending' || state === 'live';
  }

  #onTransition(record: BroadcastRecord, from: BroadcastState | undefined, occurrence: Occurrence | undefined, output = this.#deps.output): void {
    this.#records.set(record.occurrenceId, record);
    this.#cached = undefined;
    const occ = occurrence ?? this.#deps.schedule.find(record.occurrenceId);
    const programme = occ ? this.info(occ, record) : this.#infoFromRecord(record);
    const wasLive = from !== undefined && LIVE_STATES.has(from);
    switch (record.state) {
      case 'live':
        if (this.#watchSent.has(record.occurrenceId)) this.#announceWatch(record, output);
        else this.#announceLive(record, programme, output);
        break;
      case 'ending':
        this.#announceWatch(record, output);
        break;
      case 'complete':
      case 'failed':
        this.#watchSent.delete(record.occurrenceId);
        if (wasLive || record.liveAt) {
          output.toAll('programme:ended', {
            occurrenceId: record.occurrenceId,
            programmeId: record.programmeId,
            title: record.title,
            endedAt: record.endedAt ?? record.updatedAt,
            outcome: record.state,
          });
        } else {
          this.#sendCancelled(record.occurrenceId, record.programmeId, programme, record.reason, output);
        }
        break;
      case 'cancelled':
      case 'missed':
        this.#sendCancelled(record.occurrenceId, record.programmeId, programme, record.reason, output);
        break;
      default:
        break;
    }
  }

  /**
   * A destination of a broadcast changed. Destinations go live a moment after the broadcast
   * does (each once it has the stream): the first one makes the programme watchable, and
   * `programme:live` goes out then, with its link; later ones are `programme:watch`.
   */
  #onDestination(record: BroadcastRecord, output = this.#deps.output): void {
    this.#records.set(record.occurrenceId, record);
    this.#cached = undefined;
    if (this.#watchSent.has(record.occurrenceId)) {
      if (LIVE_STATES.has(record.state)) this.#announceWatch(record, output);
    } else if (record.state === 'live') {
      const occ = this.#deps.schedule.find(record.occurrenceId);
      this.#announceLive(record, occ ? this.info(occ, record) : this.#infoFromRecord(record), output);
    }
  }

  /**
   * Sends `programme:live` once the live broadcast can be watched somewhere: a viewer told
   * "live" with nowhere to watch (the record turns live at the scheduled second, before any
   * destination has its stream) could do nothing with it, nor could a client that reads
   * `watch` from this event alone.
   */
  #announceLive(record: BroadcastRecord, programme: ProgrammeInfo, output: FeedOutput): void {
    if (programme.watch.length === 0) return;
    this.#watchSent.set(record.occurrenceId, JSON.stringify(programme.watch));
    output.toAll('programme:live', { programme, liveAt: record.liveAt ?? record.updatedAt, watch: programme.watch });
  }

  /**
   * Staff moved a broadcast's end (extend): pages showing it — live, or coming up — get its
   * new times. An unlisted one is told only while live (it is on no list before).
   */
  #onRecordChanged(record: BroadcastRecord, output = this.#deps.output): void {
    this.#records.set(record.occurrenceId, record);
    this.#cached = undefined;
    const occ = this.#deps.schedule.find(record.occurrenceId);
    const programme = occ ? this.info(occ, record) : this.#infoFromRecord(record);
    if (programme.status !== 'live' && (programme.status !== 'upcoming' || !programme.listed)) return;
    output.toAll('programme:changed', { programme, change: 'time' });
  }

  /** Sends `programme:watch` when an announced live broadcast's watch links differ from those last sent. */
  #announceWatch(record: BroadcastRecord, output: FeedOutput): void {
    if (!this.#watchSent.has(record.occurrenceId)) return;
    const watch = watchLinks(record);
    const key = JSON.stringify(watch);
    if (this.#watchSent.get(record.occurrenceId) === key) return;
    this.#watchSent.set(record.occurrenceId, key);
    output.toAll('programme:watch', { occurrenceId: record.occurrenceId, programmeId: record.programmeId, watch });
  }

  #sendCancelled(occurrenceId: string, programmeId: string, programme: ProgrammeInfo, reason: string | undefined, output = this.#deps.output): void {
    if (this.#cancelledSent.has(occurrenceId)) return;
    this.#cancelledSent.add(occurrenceId);
    output.toAll('programme:cancelled', {
      occurrenceId,
      programmeId,
      title: programme.title,
      start: programme.start,
      ...(reason ? { reason } : {}),
    });
  }

  #onReminder(occurrence: Occurrence, offsetMs: number): void {
    const rooms = [
      roomOf.programme(occurrence.programmeId),
      roomOf.category(occurrence.category),
      ...occurrence.audience.map((a) => roomOf.audience(a)),
    ];
    this.#deps.output.toRooms(rooms, 'programme:reminder', { programme: this.info(occurrence), offsetMs });
  }

  #upcomingSignatures(): Map<string, { sig: string; endMs: number; title: ProgrammeInfo['title']; start: string; listed: boolean }> {
    const now = this.#deps.clock.now();
    const horizon = new Date(now.getTime() + (this.#deps.horizonMs ?? 14 * 86_400_000));
    const map = new Map<string, { sig: string; endMs: number; title: ProgrammeInfo['title']; start: string; listed: boolean }>();
    for (const o of this.#deps.schedule.occurrences(now, horizon)) {
      map.set(o.id, { sig: signature(o), endMs: o.end.getTime(), title: o.title, start: o.start.toISOString(), listed: o.listed !== false });
    }
    return map;
  }

  #onScheduleChange(): void {
    this.#cached = undefined;
    const before = this.#known;
    const after = this.#upcomingSignatures();
    this.#known = after;
    const now = this.#deps.clock.now();
    for (const [id, { sig, start, endMs }] of after) {
      const was = before.get(id);
      if (was?.sig === sig) continue;
      const occ = this.#deps.schedule.find(id);
      // Unlisted programmes stay off viewers' feeds.
      if (!occ || occ.listed === false) continue;
      if (occ.cancelled) this.#sendCancelled(id, occ.programmeId, this.info(occ), undefined);
      else {
        this.#cancelledSent.delete(id);
        const change = !was ? 'added' : was.start !== start || was.endMs !== endMs ? 'time' : 'details';
        this.#deps.output.toAll('programme:changed', { programme: this.info(occ), change });
      }
    }
    for (const [id, was] of before) {
      // Gone from the schedule while still ahead: the series or date was removed. (An
      // unlisted one was never announced, so its removal is not either.)
      if (after.has(id) || was.endMs <= now.getTime() || !was.listed) continue;
      const record = this.#records.get(id);
      if (record && LIVE_STATES.has(record.state)) continue;
      const [programmeId = id] = id.split('@');
      this.#sendCancelled(id, programmeId, { ...this.#placeholder(id, programmeId, now), title: was.title, start: was.start }, 'removed from the schedule');
    }
    this.#deps.output.toAll('schedule', this.snapshot());
  }

  #placeholder(id: string, programmeId: string, now: Date): ProgrammeInfo {
    return {
      occurrenceId: id,
      programmeId,
      title: { tr: programmeId, en: programmeId },
      description: { tr: '', en: '' },
      category: 'other',
      audience: [],
      start: now.toISOString(),
      end: now.toISOString(),
      timezone: 'UTC',
      status: 'cancelled',
      watch: [],
      chat: { enabled: false, opensAt: now.toISOString(), closesAt: now.toISOString() },
      listed: true,
    };
  }
}
