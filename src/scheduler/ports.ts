// The broadcast engine's ports: what it needs from the world, stated as interfaces.
// Adapters (media/, destinations/, store/) implement them; realtime/ and http/ read
// the engine's events and records. Nothing here does I/O.
import { OnairError } from '../shared/errors.js';
import type { Localized, Occurrence } from '../schedule/types.js';

// ---------------------------------------------------------------------------------------
// Broadcast records
// ---------------------------------------------------------------------------------------

export const BROADCAST_STATES = [
  'scheduled',
  'preparing',
  'ready',
  'live',
  'ending',
  'complete',
  'failed',
  'missed',
  'cancelled',
] as const;
export type BroadcastState = (typeof BROADCAST_STATES)[number];

/** States from which nothing more happens. */
export const FINAL_STATES: ReadonlySet<BroadcastState> = new Set(['complete', 'failed', 'missed', 'cancelled']);

export type DestinationKind = 'local' | 'rtmp' | 'youtube';

export type DestinationStatus = 'pending' | 'ready' | 'live' | 'complete' | 'failed' | 'cancelled';

/** Where ffmpeg pushes one destination's copy of the programme. */
export interface IngestTarget {
  /** rtmp://… for flv, or an absolute playlist path for hls. May contain a stream key: never log it. */
  url: string;
  format: 'flv' | 'hls';
  /**
   * hls only: a folder where the encoder also records the programme (not the slate), one
   * MPEG-TS part per ffmpeg run, which the local destination turns into the archive MP4.
   */
  record?: string;
  /**
   * hls only: heights of lower renditions (e.g. [720, 360]) for an adaptive ladder. The
   * output then writes a master playlist (`master.m3u8` beside `url`) listing the
   * broadcast's own picture (its media playlist stays at `url`), each height below it, and
   * an audio-only rendition (`audio.m3u8`). Absent = one media playlist at `url`.
   */
  ladder?: readonly number[];
  /**
   * flv only: the most this destination takes (config `profile`, resolved). The broadcast's
   * picture within it is sent as is; a larger one (or a higher frame rate) gets an encode of
   * its own, scaled down to fit. Absent = the broadcast's own picture.
   */
  profile?: { width: number; height: number; fps: number; videoKbps: number };
}

export interface ErrorInfo {
  /** Stable machine code, e.g. "quotaExceeded", "media-missing", "ffmpeg-exit". */
  code: string;
  /** What happened and what a staff member can do about it. */
  message: string;
  retryable: boolean;
  at: string;
}

/** One destination's part of a broadcast; persisted with the broadcast record. */
export interface DestinationState {
  name: string;
  kind: DestinationKind;
  status: DestinationStatus;
  ingest?: IngestTarget;
  /** Where viewers watch it (YouTube watch URL, or the local HLS playlist URL path). */
  watchUrl?: string;
  /** What the destination must remember across restarts (YouTube broadcast and stream ids). */
  remote: Record<string, string>;
  error?: ErrorInfo;
  /**
   * Something the destination did without, though it went on (a YouTube thumbnail refused):
   * kept across its later steps, unlike `error`, until the destination clears it.
   */
  warning?: ErrorInfo;
  /**
   * What befell it while the broadcast ran, oldest first (the last DESTINATION_HISTORY_SIZE):
   * each time it failed, with the error's code and words, and each time it came back (its
   * receiver took the stream again). `error` is the current failure only; a destination that
   * came back has none, and this keeps why it had been down. Absent = nothing befell it.
   */
  history?: DestinationEvent[];
}

/** One entry of DestinationState.history. */
export interface DestinationEvent {
  /** ISO UTC. */
  at: string;
  /** `failed`: it failed (`code`, `message` from its error); `recovered`: it was live again. */
  event: 'failed' | 'recovered';
  code: string;
  message: string;
}

/** How many entries DestinationState.history keeps (the oldest go first). */
export const DESTINATION_HISTORY_SIZE = 20;

/** Live encoder figures, parsed from ffmpeg's progress output. */
export interface EncoderHealth {
  phase: 'slate' | 'programme' | 'stopped';
  fps: number;
  bitrateKbps: number;
  /**
   * false when the output rate could not be measured (ffmpeg reports N/A through the tee
   * muxer, so it is measured on the local HLS output; a broadcast without one has none) and
   * `bitrateKbps` is the configured, nominal rate. Absent = measured.
   */
  bitrateMeasured?: boolean;
  speed: number;
  droppedFrames: number;
  restarts: number;
  /** ISO time of the last progress line. */
  lastProgressAt?: string;
  /**
   * How the broadcast is sent — `copy`: the source's own packets, nothing encoded; `encode`:
   * one encode for every destination — and why (media/send-path.ts). Absent until the source is probed.
   */
  mode?: 'copy' | 'encode';
  modeReason?: string;
}

/** The engine's record of one occurrence, as persisted and as served by the API. */
export interface BroadcastRecord {
  occurrenceId: string;
  programmeId: string;
  title: Localized;
  state: BroadcastState;
  /** ISO 8601 UTC. */
  scheduledStart: string;
  scheduledEnd: string;
  liveAt?: string;
  endedAt?: string;
  /** Why it is failed / missed / cancelled, in words staff can act on. */
  reason?: string;
  destinations: DestinationState[];
  health?: EncoderHealth;
  lastError?: ErrorInfo;
  /**
   * Start and end as the schedule last gave them (ISO UTC). `scheduledStart`/`scheduledEnd`
   * are what the engine acts on and differ from these when staff started early, extended
   * or ended a broadcast; a later schedule edit of the times wins over such an action.
   * Absent in records written before the engine kept them.
   */
  planned?: { start: string; end: string };
  updatedAt: string;
}

/** Events the engine emits; realtime/ and the control room subscribe. */
export interface EngineEvents {
  [event: string]: (...args: any[]) => void;
  /** A broadcast changed state (written to the store before this is emitted). */
  transition: (record: BroadcastRecord, from: BroadcastState | undefined, occurrence: Occurrence | undefined) => void;
  /**
   * A destination of a broadcast changed status or watch URL (written to the store before
   * this is emitted). Destinations go live a moment after the broadcast does (each awaits
   * its ingest first), so this is how listeners learn where a live programme can be watched.
   */
  destination: (record: BroadcastRecord) => void;
  /**
   * A broadcast's times changed without a change of state: staff extended it (written to
   * the store before this is emitted). Pages showing its end learn it from this.
   */
  changed: (record: BroadcastRecord) => void;
  /** Encoder figures for a broadcast, about once a second while ffmpeg runs. */
  health: (occurrenceId: string, health: EncoderHealth) => void;
  /** A reminder offset of an occurrence was reached (e.g. 15 minutes before). */
  reminder: (occurrence: Occurrence, offsetMs: number) => void;
}

// ---------------------------------------------------------------------------------------
// Destination port
// ---------------------------------------------------------------------------------------

/** A destination failed; `retryable` says whether trying again later may succeed. */
export class DestinationError extends OnairError {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface DestinationContext {
  /** Persist the state now; call before any side effect that uses a new remote id. */
  persist(state: DestinationState): Promise<void>;
  /** Aborted when the occurrence is cancelled or onair shuts down. */
  signal: AbortSignal;
  now(): Date;
}

/**
 * A place a broadcast goes: local HLS, an RTMP target, YouTube.
 *
 * Contract: every method takes the last persisted state and returns the new one; each is
 * idempotent given that state, so a restart can call it again. `prepare` creates the
 * remote event and fills `ingest`; `awaitIngest` resolves once data pushed to `ingest`
 * is seen by the far side (YouTube: stream `active`); `goLive` makes it public at the
 * scheduled second; `update` passes a changed title/description/end; `end` finishes a
 * live broadcast; `teardown` removes an event that never went live (a cancellation).
 * Errors are DestinationError. Leaves out: encoding (the engine's encoder does that).
 */
export interface Destination {
  readonly name: string;
  readonly kind: DestinationKind;
  prepare(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState>;
  awaitIngest(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState>;
  goLive(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState>;
  update(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState>;
  end(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState>;
  teardown(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState>;
}

/** One recorded broadcast in the local archive (served at GET /api/archive). */
export interface ArchiveEntry {
  occurrenceId: string;
  programmeId: string;
  title: Localized;
  /** Local start as staff know it, e.g. "2026-12-05T11:00:00.000+03:00". */
  localStart: string;
  /** ISO UTC of the scheduled start. */
  start: string;
  durationS: number;
  sizeBytes: number;
  /** Path under which the HTTP layer serves the MP4, e.g. "/archive/x.mp4". */
  url: string;
  createdAt: string;
}

/** Reads the local archive (implemented by destinations/local). */
export interface ArchiveReader {
  list(): Promise<ArchiveEntry[]>;
  /** Absolute folder holding the MP4 files, for the HTTP layer to serve. */
  readonly dir: string;
}

// ---------------------------------------------------------------------------------------
// Encoder port (implemented by media/)
// ---------------------------------------------------------------------------------------

export interface EncoderEvents {
  [event: string]: (...args: any[]) => void;
  health: (health: EncoderHealth) => void;
  /** A problem the engine should record (source missing, an output failing, restarts). */
  problem: (error: ErrorInfo) => void;
  /** The encoder gave up for good (e.g. restarts exhausted); the engine fails the broadcast. */
  fatal: (error: ErrorInfo) => void;
  /**
   * One destination's output has failed for the encoder's whole retry budget (its server
   * went away mid-stream and did not come back), or its receiver froze; the others go on.
   * The engine marks that destination failed. Emitted once per failure: again only after
   * `outputDelivering` said the output was back.
   */
  outputFailed: (destination: string, error: ErrorInfo) => void;
  /**
   * One destination's receiver takes the stream: it acknowledges more and more of what is
   * sent, past the RTMP handshake (the first time, or again after a failure). The engine
   * makes a destination that had failed for want of delivery live again.
   */
  outputDelivering: (destination: string) => void;
}

/**
 * One supervised ffmpeg pipeline for one occurrence, feeding all its destinations.
 * Contract: `start('slate')` begins pushing the slate to every output; `show('programme')`
 * switches to the programme's source (and `show('slate')` back) without the outputs seeing
 * silence; a failing output is retried on its own; `stop()` ends cleanly (SIGINT, a second
 * SIGINT if a receiver holds ffmpeg, SIGKILL after the stop timeout) and leaves no process behind.
 */
export interface Encoder {
  start(phase: 'slate' | 'programme'): void;
  show(phase: 'slate' | 'programme'): void;
  /**
   * The programme's first frame should reach the destinations at `at` (the scheduled
   * second, less engine.switchLead): the encoder opens the programme ahead and switches to
   * it early by its own measured latency; a later cue after that switch puts the slate back
   * until then; undefined drops the cue. Optional: an encoder without it is switched by
   * show('programme') at `at`, which the engine calls anyway.
   */
  cue?(at: Date | undefined): void;
  stop(): Promise<void>;
  /** The programme was retitled (a schedule edit) while the encoder runs: the slate shows the new title. Optional: an encoder without a slate ignores it. */
  retitle?(title: Localized): void;
  readonly health: EncoderHealth;
  on<K extends keyof EncoderEvents & string>(event: K, listener: EncoderEvents[K]): () => void;
}

export interface EncoderSpec {
  occurrence: Occurrence;
  outputs: Array<{ destination: string; target: IngestTarget }>;
}

export interface EncoderFactory {
  create(spec: EncoderSpec): Encoder;
}

// ---------------------------------------------------------------------------------------
// Schedule port (implemented by schedule/'s ScheduleService)
// ---------------------------------------------------------------------------------------

/**
 * What the engine reads of the schedule. Contract: `occurrences` returns, in start order,
 * every occurrence (cancelled ones included, flagged) whose [start, end] intersects
 * [from, to]; `find` looks one up by id in the same expansion; `onChange` fires after
 * the programmes in force changed (a hot reload), never for an invalid file whose last
 * good version stays in force. `standing` tells whether a programme is in force, or surely
 * gone (every file valid and none has it), or unknown (some file is invalid and may hold it).
 */
export interface ScheduleReader {
  occurrences(from: Date, to: Date): Occurrence[];
  find(occurrenceId: string): Occurrence | undefined;
  standing(programmeId: string): ProgrammeStanding;
  onChange(listener: () => void): () => void;
}

/** Whether the schedule holds a programme; see ScheduleReader.standing. */
export type ProgrammeStanding = 'in-force' | 'gone' | 'unknown';
