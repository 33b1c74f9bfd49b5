// Builds the broadcast engine: its store, the supervised ffmpeg encoders and the destinations
// by config name. Used by the embedded default (main.ts) and by a cluster's leader.
import type { Config } from '../config/index.js';
import type { Logger } from '../shared/logger.js';
import type { Clock } from '../shared/clock.js';
import type { SqliteDatabase } from '../store/sqlite/database.js';
import type { ScheduleReader } from '../scheduler/ports.js';
import type { createYoutubeServices } from '../destinations/youtube/index.js';
import path from 'node:path';
import { BroadcastEngine, type BroadcastStore, type Destination } from '../scheduler/index.js';
import { SqliteBroadcastStore } from '../store/index.js';
import { createEncoderFactory, findSlateFont, killLeftovers, resolveBinaries, type EncoderOptions } from '../media/index.js';
import { createDestinationFactory } from '../destinations/index.js';

export interface EngineParts {
  engine: BroadcastEngine;
  store: BroadcastStore;
}

export function buildEngine(deps: {
  config: Readonly<Config>;
  logger: Logger;
  clock: Clock;
  db: SqliteDatabase;
  schedule: ScheduleReader;
  destinations: (name: string) => Destination;
  /** Where records go. @defaultValue the SQLite store in `db` (cluster mode passes the fenced Redis one) */
  store?: BroadcastStore;
  /** Encoder options over the config's (tests: a small picture). @defaultValue none */
  encoder?: Partial<EncoderOptions>;
}): EngineParts {
  const { config, logger, clock } = deps;
  // ffmpeg of a previous run that was killed (SIGKILL, power cut) before its guard could act.
  const runDir = path.join(config.dirs.data, 'run');
  const killed = killLeftovers(runDir);
  if (killed.length) logger.warn({ pids: killed }, 'stopped ffmpeg left over from a previous run');
  const encoders = createEncoderFactory({
    ...resolveBinaries({ ffmpegPath: config.ffmpeg.path || undefined, probePath: config.ffmpeg.probePath || undefined }),
    runDir,
    fontFile: findSlateFont(),
    clock,
    logger: logger.child({ module: 'media' }),
    options: { stopTimeoutMs: config.engine.stopTimeout, ...deps.encoder },
  });
  const store = deps.store ?? new SqliteBroadcastStore(deps.db);
  const engine = new BroadcastEngine({
    schedule: deps.schedule,
    store,
    destinations: deps.destinations,
    encoders,
    clock,
    timing: { ...config.engine },
    logger: logger.child({ module: 'engine' }),
  });
  return { engine, store };
}

/** The engine's destinations by config name, built once each (src/destinations). */
export function destinationFactory(
  config: Readonly<Config>,
  youtube: ReturnType<typeof createYoutubeServices> | undefined,
  logger: Logger,
): (name: string) => Destination {
  const { ffmpeg } = resolveBinaries({ ffmpegPath: config.ffmpeg.path || undefined, probePath: config.ffmpeg.probePath || undefined });
  return createDestinationFactory({ config, logger: logger.child({ module: 'destinations' }), ffmpeg, youtube });
}
