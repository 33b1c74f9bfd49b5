// Composition root: builds every service from the config, starts them in order, and
// stops them in reverse. Services never build each other; they get what they need here.
// The builders for each part are in src/compose/ (shared with main-cluster.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/index.js';
import { createLogger, type Logger } from './shared/logger.js';
import { systemClock, type Clock } from './shared/clock.js';
import { createHttpApp } from './http/app.js';
import { TypedEmitter } from './shared/typed-emitter.js';
import { openDatabase } from './store/sqlite/database.js';
import type { EngineEvents, ScheduleReader } from './scheduler/ports.js';
import { createYoutubeServices } from './destinations/youtube/index.js';
import { lockDataDir } from './store/data-dir-lock.js';
import { LocalArchive } from './destinations/index.js';
import { hlsRoot } from './destinations/local/index.js';
import type { EncoderOptions } from './media/index.js';
import { buildEngine, destinationFactory, startSchedule, buildRealtimeParts, buildOps } from './compose/index.js';

export interface Onair {
  logger: Logger;
  server: http.Server;
  /** The port actually bound (useful with PORT=0 in tests). */
  port: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Overrides the schedule the realtime layer and chat read (tests). */
  schedule?: ScheduleReader;
  /** Overrides the engine events the realtime layer and chat follow (tests). */
  engineEvents?: Pick<TypedEmitter<EngineEvents>, 'on'>;
  /** Encoder options over the config's (journey tests: a small picture). */
  encoder?: Partial<EncoderOptions>;
}

export async function startOnair(config: Readonly<Config>, options: StartOptions = {}): Promise<Onair> {
  const logger = options.logger ?? createLogger(config.log.level);
  const clock = options.clock ?? systemClock;
  void clock;

  // One embedded onair per data folder: a second would take the first one's ffmpeg for leftovers.
  const releaseDataDir = lockDataDir(config.dirs.data);
  const db = openDatabase(config.dirs.data);
  const scheduleService = await startSchedule(config, logger, clock);
  // YouTube (API client, quota ledger, destination factory, chat client), when a destination
  // of type youtube is configured. The engine's destination factory uses youtube.destination(name).
  const youtube = Object.values(config.destinations).some((d) => d.type === 'youtube')
    ? createYoutubeServices({ config, clock, logger: logger.child({ module: 'youtube' }), db })
    : undefined;
  const broadcasts = buildEngine({
    config,
    logger,
    clock,
    db,
    schedule: scheduleService,
    destinations: destinationFactory(config, youtube, logger),
    ...(options.encoder ? { encoder: options.encoder } : {}),
  });
  const realtimeParts = buildRealtimeParts({
    config,
    logger,
    clock,
    db,
    schedule: options.schedule ?? scheduleService,
    engineEvents: options.engineEvents ?? broadcasts.engine,
    initialRecords: await broadcasts.store.listUnfinished(),
    youtubeChat: youtube?.chatPort,
  });
  await realtimeParts.start();
  const ops = buildOps({ config, clock, db, schedule: scheduleService, engine: broadcasts.engine, youtube, chat: realtimeParts.chat });

  const app = createHttpApp({
    ...ops.http,
    config,
    logger,
    clock,
    moderation: realtimeParts.http,
    schedule: scheduleService,
    broadcasts: broadcasts.engine,
    media: { hlsDir: hlsRoot(config.dirs.data), archive: new LocalArchive(config.dirs.data) },
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'onair listening');
  ops.viewers(realtimeParts.attach(server));
  // Last, so every subscriber hears the transitions of broadcasts resumed or started late.
  await broadcasts.engine.start();

  return {
    logger,
    server,
    port,
    async stop() {
      ops.draining();
      // Encoders first (SIGINT, then SIGKILL after engine.stopTimeout); records stay as
      // they are, so the next start resumes what was prepared or live.
      await broadcasts.engine.stop();
      await realtimeParts.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await scheduleService.stop();
      db.close();
      releaseDataDir();
    },
  };
}
