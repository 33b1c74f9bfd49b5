// What the broadcast engine is built from, and its tunables with their defaults.
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { BroadcastStore } from './broadcast-store.js';
import type { Destination, EncoderFactory, ScheduleReader } from './ports.js';

/** Lead times and limits, in milliseconds (config `engine.*`). */
export interface EngineTiming {
  /** Prepare destinations this long before air. @defaultValue 10 minutes */
  prepareLead: number;
  /** Start the encoder (pushing the slate) this long before air. @defaultValue 60 s */
  ffmpegLead: number;
  /**
   * Cue the programme this long before the scheduled second. The encoder itself switches
   * ahead of its cue by the latency it measures (Encoder.cue, config engine.preroll), so
   * this is only for a latency it cannot see (a relay between onair and the viewers); an
   * encoder without cue() is switched by show('programme') at this moment.
   * @defaultValue 0 (the programme's first frame at the scheduled second)
   */
  switchLead: number;
  /** A start missed by less than this (onair was down) still happens; later ones are missed. @defaultValue 15 minutes */
  lateStartGrace: number;
  /** How far ahead occurrences get a record and timers. @defaultValue 48 hours */
  planAhead: number;
  /** Longest wait for the encoder to stop; also bounds each destination call at the end. @defaultValue 5 s */
  stopTimeout: number;
}

export interface EngineDeps {
  schedule: ScheduleReader;
  store: BroadcastStore;
  /** Builds (or returns) the destination configured under `name`; throws for an unknown name. */
  destinations: (name: string) => Destination;
  encoders: EncoderFactory;
  clock: Clock;
  timing: EngineTiming;
  logger: Logger;
  /**
   * How often to re-plan (new occurrences entering the planAhead window), on the injected
   * clock. 0: no periodic re-planning (tests call plan()). @defaultValue 60000 (every minute)
   */
  replanEvery?: number;
  /** How often housekeeping prunes old records, on the injected clock; 0: never. @defaultValue 86400000 (daily) */
  housekeepingEvery?: number;
  /** Final records older than this are pruned by housekeeping. @defaultValue 400 days */
  retention?: number;
  /** Encoder health is written to the store at most this often (it is emitted every time). @defaultValue 5 s */
  healthSaveInterval?: number;
  /** Longest a single destination call (prepare, update, end, teardown) may take. @defaultValue 60 s */
  destinationTimeout?: number;
  /**
   * Rewrites a message before it enters a record (lastError, reason, a destination's error),
   * which the public API, the control room and the viewers' feed show as is. The composition
   * root passes one that names the media and data folders instead of spelling their absolute
   * paths (src/shared/public-paths.ts). @defaultValue the text unchanged
   */
  publicText?: (text: string) => string;
}

export const DEFAULT_TIMING: EngineTiming = {
  prepareLead: 10 * 60_000,
  ffmpegLead: 60_000,
  switchLead: 0,
  lateStartGrace: 15 * 60_000,
  planAhead: 48 * 3_600_000,
  stopTimeout: 5_000,
};
