// Builds the broadcast engine: its store, the supervised ffmpeg encoders and the destinations
// by config name. Used by the embedded node and by a cluster's leader (compose/onair.ts).
import type { Config } from '../config/index.js';
import type { Logger } from '../shared/logger.js';
import type { Clock } from '../shared/clock.js';
import type { SqliteDatabase } from '../store/sqlite/database.js';
import type { EncoderFactory, ScheduleReader } from '../scheduler/ports.js';
import type { createYoutubeServices } from '../destinations/youtube/index.js';
import path from 'node:path';
import { folderNamer } from '../shared/public-paths.js';
import { BroadcastEngine, type BroadcastStore, type Destination } from '../scheduler/index.js';
import { SqliteBroadcastStore } from '../store/index.js';
import { createEncoderFactory, findSlateFont, killLeftovers, type Binaries, type EncoderOptions } from '../media/index.js';
import { createDestinationFactory } from '../destinations/index.js';

export interface EngineParts {
  engine: BroadcastEngine;
  store: BroadcastStore;
}

/**
 * The encoders: supervised ffmpeg with the config's stop timeout and `options` over it
 * (tests: a small picture), or a whole factory given in their place (a test fake).
 */
export type EncodersOption = Partial<EncoderOptions> | EncoderFactory;

export function buildEngine(deps: {
  config: Readonly<Config>;
  logger: Logger;
  clock: Clock;
  db: SqliteDatabase;
  schedule: ScheduleReader;
  destinations: (name: string) => Destination;
  /** The ffmpeg and ffprobe resolved once by the composition. */
  binaries: Binaries;
  /** @defaultValue supervised ffmpeg with the config's settings */
  encoders?: EncodersOption;
  /** Where records go. @defaultValue the SQLite store in `db` (cluster mode passes the fenced Redis one) */
  store?: BroadcastStore;
}): EngineParts {
  const { config, logger, clock } = deps;
  const store = deps.store ?? new SqliteBroadcastStore(deps.db);
  const engine = new BroadcastEngine({
    schedule: deps.schedule,
    store,
    destinations: deps.destinations,
    encoders: isFactory(deps.encoders) ? deps.encoders : ffmpegEncoders(config, logger, clock, deps.binaries, deps.encoders),
    clock,
    timing: { ...config.engine },
    logger: logger.child({ module: 'engine' }),
    // Records are public (/api/broadcasts, the viewers' feed): they name folders, never spell them.
    publicText: folderNamer([
      { dir: config.dirs.media, name: 'media folder' },
      { dir: config.dirs.data, name: 'data folder' },
    ]),
  });
  return { engine, store };
}

function isFactory(option: EncodersOption | undefined): option is EncoderFactory {
  return typeof (option as Partial<EncoderFactory> | undefined)?.create === 'function';
}

function ffmpegEncoders(config: Readonly<Config>, logger: Logger, clock: Clock, binaries: Binaries, options: Partial<EncoderOptions> = {}): EncoderFactory {
  // ffmpeg of a previous run that was killed (SIGKILL, power cut) before its guard could act.
  const runDir = path.join(config.dirs.data, 'run');
  const killed = killLeftovers(runDir);
  if (killed.length) logger.warn({ pids: killed }, 'stopped ffmpeg left over from a previous run');
  return createEncoderFactory({
    ...binaries,
    runDir,
    fontFile: findSlateFont(),
    mediaRoot: config.dirs.media,
    clock,
    logger: logger.child({ module: 'media' }),
    options: { stopTimeoutMs: config.engine.stopTimeout, preroll: config.engine.preroll, outputRetryBudgetMs: config.engine.outputRetryBudget, minFreeBytes: config.engine.minFreeBytes, defaultFormat: config.engine.picture, ...options },
  });
}

/** The engine's destinations by config name, built once each (src/destinations). */
export function destinationFactory(
  config: Readonly<Config>,
  youtube: ReturnType<typeof createYoutubeServices> | undefined,
  logger: Logger,
  ffmpeg: string,
): (name: string) => Destination {
  return createDestinationFactory({ config, logger: logger.child({ module: 'destinations' }), ffmpeg, youtube });
}
