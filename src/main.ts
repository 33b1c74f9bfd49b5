// Composition root: builds every service from the config, starts them in order, and
// stops them in reverse. Services never build each other; they get what they need here.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/index.js';
import { createLogger, type Logger } from './shared/logger.js';
import { systemClock, type Clock } from './shared/clock.js';
import { createHttpApp, type HttpDeps } from './http/app.js';
import { HealthHistory, scheduleErrorsOf } from './http/routes/control-room.js';
import { executableCheck } from './http/routes/health.js';
import { SqliteStaffAudit } from './http/staff-audit.js';
import { createMetrics, type Metrics } from './metrics/index.js';
import { projectYoutubeQuota } from './destinations/youtube/quota-projection.js';
import type { QuotaView } from './http/routes/control-room.js';
import os from 'node:os';
import { ScheduleService, formatLocalRange, pick } from './schedule/index.js';
import { TypedEmitter } from './shared/typed-emitter.js';
import { openDatabase, type SqliteDatabase } from './store/sqlite.js';
import type { BroadcastRecord, EngineEvents, ScheduleReader } from './scheduler/ports.js';
import { ChatService, isPasswordHash, ModeratorAuth, SqliteChatStore, YoutubeChatBridge, type ChatStore, type SessionStore, type YoutubeChatPort } from './chat/index.js';
import { ConfigError } from './shared/errors.js';
import {
  attachRealtime,
  type ModeratorIdentityPort,
  type RealtimeChatPort,
  type RealtimeServer,
  type RealtimeSettings,
  type YoutubeStatusPort,
} from './realtime/index.js';
import { createYoutubeServices } from './destinations/youtube/index.js';
import path from 'node:path';
import { BroadcastEngine, type BroadcastStore, type Destination } from './scheduler/index.js';
import { SqliteBroadcastStore } from './store/index.js';
import { lockDataDir } from './store/data-dir-lock.js';
import { createEncoderFactory, findSlateFont, killLeftovers, resolveBinaries } from './media/index.js';
import { createDestinationFactory, LocalArchive } from './destinations/index.js';
import { hlsRoot } from './destinations/local/index.js';

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

// ---------------------------------------------------------------------------------------
// The broadcast engine: store, encoders (supervised ffmpeg), destinations, timeline
// ---------------------------------------------------------------------------------------

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
    options: { stopTimeoutMs: config.engine.stopTimeout },
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

// ---------------------------------------------------------------------------------------
// Schedules: load schedules/, watch it, and say what will air
// ---------------------------------------------------------------------------------------

export async function startSchedule(config: Readonly<Config>, logger: Logger, clock: Clock): Promise<ScheduleService> {
  const service = new ScheduleService({
    dir: config.dirs.schedules,
    mediaRoot: config.dirs.media,
    destinations: Object.keys(config.destinations),
    defaultTimezone: config.schedule.timezone,
    maxDurationMs: config.schedule.maxDuration,
    debounceMs: config.schedule.reloadDebounce,
    clock,
    logger: logger.child({ module: 'schedule' }),
  });
  await service.start();
  const snap = service.snapshot();
  const lang = config.schedule.language;
  logger.info(
    { dir: config.dirs.schedules, files: snap.files.map((f) => f.file), programmes: snap.programmes.map((p) => p.id) },
    `schedules loaded: ${snap.programmes.length} programme(s) from ${snap.files.length} file(s)`,
  );
  const next = service.next(5);
  logger.info(
    { next: next.map((o) => ({ id: o.id, title: pick(o.title, lang), start: o.localStart, destinations: o.destinations })) },
    next.length
      ? `next broadcasts:\n${next.map((o) => `  ${formatLocalRange(o, lang)}  ${pick(o.title, lang)} → ${o.destinations.join(', ')}`).join('\n')}`
      : 'no upcoming broadcasts',
  );
  return service;
}

// ---------------------------------------------------------------------------------------
// Chat, moderator login and the real-time layer (viewers and the moderator console)
// ---------------------------------------------------------------------------------------

export interface RealtimePartsDeps {
  config: Readonly<Config>;
  logger: Logger;
  clock: Clock;
  db: SqliteDatabase;
  schedule: ScheduleReader;
  engineEvents: Pick<TypedEmitter<EngineEvents>, 'on'>;
  /** Broadcast records at start (from the broadcast store), so a restart knows what is live. */
  initialRecords?: readonly BroadcastRecord[];
  /** Where chat keeps transcripts, sanctions and the audit log. @defaultValue SQLite in `db` (cluster mode: Redis) */
  chatStore?: ChatStore;
  /** YouTube live chat (over the destinations/youtube client), when YouTube is configured. */
  youtubeChat?: YoutubeChatPort;
  /** Where moderator/staff sessions live. @defaultValue in memory (cluster mode: Redis, shared by every web node) */
  sessions?: SessionStore;
  /** Socket.IO limits beyond the config (benchmarks raise the per-socket event limit). */
  realtimeLimits?: Pick<RealtimeSettings, 'eventsPer10s' | 'maxHttpBufferSize' | 'recoveryWindowMs'>;
}

export interface RealtimeParts {
  chat: ChatService;
  auth: ModeratorAuth;
  youtubeChat: YoutubeChatBridge | undefined;
  /** What createHttpApp needs for login and transcript export. */
  http: { auth: ModeratorAuth; transcripts: ChatService };
  start(): Promise<void>;
  /** Attaches Socket.IO to the HTTP server (after it listens). */
  attach(server: http.Server): RealtimeServer;
  stop(): Promise<void>;
}

/** Builds the chat service, moderator auth, YouTube chat bridge and realtime layer. */
export function buildRealtimeParts(deps: RealtimePartsDeps): RealtimeParts {
  const { config, logger, clock } = deps;
  const chat = new ChatService({
    store: deps.chatStore ?? new SqliteChatStore(deps.db),
    // A shared store (cluster) is also written by other nodes: re-read settings and sanctions.
    ...(deps.chatStore ? { cacheTtlMs: 1000 } : {}),
    schedule: deps.schedule,
    engineEvents: deps.engineEvents,
    clock,
    logger: logger.child({ module: 'chat' }),
    settings: {
      opensBeforeMs: config.chat.opensBefore,
      closesAfterMs: config.chat.closesAfter,
      maxLength: config.chat.maxLength,
      rateLimitPerConnection: config.chat.rateLimitPerConnection,
      rateLimitPerIp: config.chat.rateLimitPerIp,
      allowLinks: config.chat.allowLinks,
      bannedWords: config.chat.bannedWords,
    },
  });
  // A mistyped hash would make that moderator's login fail in silence: refuse to start instead.
  config.moderation.accounts.forEach((a, i) => {
    if (!isPasswordHash(a.passwordHash)) {
      throw new ConfigError(
        `moderation.accounts[${i}].passwordHash`,
        `the hash of "${a.name}" is not one made by \`onair hash-password\`; run \`onair hash-password --name ${a.name}\` and paste its output`,
      );
    }
  });
  const auth = new ModeratorAuth({
    accounts: config.moderation.accounts,
    token: config.secrets.moderatorToken,
    sessionTtlMs: config.moderation.sessionTtl,
    clock,
    ...(deps.sessions ? { sessions: deps.sessions } : {}),
  });
  const youtubeChat = deps.youtubeChat
    ? new YoutubeChatBridge({
        port: deps.youtubeChat,
        chat,
        engineEvents: deps.engineEvents,
        clock,
        logger: logger.child({ module: 'youtube-chat' }),
        dailyQuota: config.youtube.dailyQuota,
      })
    : undefined;
  let realtime: RealtimeServer | undefined;
  return {
    chat,
    auth,
    youtubeChat,
    http: { auth, transcripts: chat },
    async start() {
      await chat.start();
      youtubeChat?.start();
    },
    attach(server) {
      realtime = attachRealtime({
        server,
        engineEvents: deps.engineEvents,
        schedule: deps.schedule,
        chat: chat satisfies RealtimeChatPort,
        moderators: auth satisfies ModeratorIdentityPort,
        ...(youtubeChat ? { youtube: youtubeChat satisfies YoutubeStatusPort } : {}),
        ...(deps.initialRecords ? { initialRecords: deps.initialRecords } : {}),
        settings: {
          chatOpensBeforeMs: config.chat.opensBefore,
          chatClosesAfterMs: config.chat.closesAfter,
          corsOrigins: config.server.corsOrigins,
          trustProxy: config.server.trustProxy,
          publicUrl: config.server.publicUrl,
          ...deps.realtimeLimits,
        },
        logger: logger.child({ module: 'realtime' }),
        clock,
      });
      return realtime;
    },
    async stop() {
      await realtime?.stop();
      youtubeChat?.stop();
      await chat.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------
// Operations: /metrics, /readyz and the control room's sources (embedded default)
// ---------------------------------------------------------------------------------------

export function buildOps(deps: {
  config: Readonly<Config>;
  clock: Clock;
  db: SqliteDatabase;
  schedule: ScheduleService;
  engine: BroadcastEngine;
  youtube: ReturnType<typeof createYoutubeServices> | undefined;
  chat: Pick<ChatService, 'events'>;
}): { http: Pick<HttpDeps, 'metrics' | 'readiness' | 'draining' | 'controlRoom'>; viewers(realtime: RealtimeServer): void; draining(): void } {
  const { config, clock, db, schedule, engine, youtube } = deps;
  const metrics = createMetrics({ nodeId: `${os.hostname()}:${process.pid}` });
  metrics.leader(true);
  metrics.watchEngine(engine);
  watchSources(metrics, { schedule, chat: deps.chat, youtube });
  const health = new HealthHistory();
  engine.on('health', (id, h) => health.record(id, h, clock.now()));
  const youtubeNames = new Set(Object.entries(config.destinations).filter(([, d]) => d.type === 'youtube').map(([n]) => n));
  const { ffmpeg } = resolveBinaries({ ffmpegPath: config.ffmpeg.path || undefined, probePath: config.ffmpeg.probePath || undefined });
  let draining = false;
  return {
    http: {
      metrics,
      draining: () => draining,
      readiness: [
        { name: 'schedules', check: () => void schedule.snapshot() },
        { name: 'store', check: () => void db.prepare('SELECT 1').get() },
        executableCheck('ffmpeg', ffmpeg),
      ],
      controlRoom: {
        health,
        audit: new SqliteStaffAudit(db),
        scheduleErrors: () => scheduleErrorsOf(schedule.snapshot()),
        ...(youtube ? { quota: () => quotaView(youtube.ledger, schedule, youtubeNames, clock) } : {}),
      },
    },
    viewers: (realtime) => metrics.setViewerSource(() => realtime.io.of('/').sockets.size),
    draining: () => void (draining = true),
  };
}

/** Today's YouTube quota: what the ledger counted against what the schedule projects. */
export function quotaView(
  ledger: { usage(): { day: string; units: number }; dailyQuota: number },
  schedule: Pick<ScheduleService, 'occurrences'>,
  youtubeDestinations: ReadonlySet<string>,
  clock: Clock,
): QuotaView {
  const usage = ledger.usage();
  const now = clock.now().getTime();
  const days = projectYoutubeQuota(schedule.occurrences(new Date(now - 86_400_000), new Date(now + 2 * 86_400_000)), {
    youtubeDestinations,
    dailyQuota: ledger.dailyQuota,
  });
  const today = days.find((d) => d.day === usage.day);
  return { day: usage.day, usedUnits: usage.units, projectedUnits: today?.units ?? 0, dailyQuota: ledger.dailyQuota };
}

/** Feeds the metrics from the schedule's reloads, chat's events and YouTube's quota ledger. */
export function watchSources(
  metrics: Metrics,
  sources: { schedule: Pick<ScheduleService, 'on'>; chat?: Pick<ChatService, 'events'>; youtube?: { ledger: { usage(): { byMethod: Record<string, { calls: number; units: number }> } } } },
): void {
  sources.schedule.on('file', (status) => metrics.scheduleReload(status.diagnostics.filter((d) => d.severity === 'error').length));
  sources.chat?.events.on('message', () => metrics.chatMessage('accepted'));
  sources.chat?.events.on('audit', (entry) => metrics.moderationAction(entry.action));
  const ledger = sources.youtube?.ledger;
  if (ledger) metrics.setYoutubeUsageSource(() => ledger.usage());
}
