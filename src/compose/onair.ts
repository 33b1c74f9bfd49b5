// The one composition of onair. `npm start` / `onair run` (embedded, or a cluster node doing
// both jobs when ONAIR_REDIS_URL is set), `onair web`, `onair worker` and the journey tests
// all build the server here; what differs between them comes in as options (the clock, the
// logger, the role, small encoder settings, and for a test that needs one a fake port).
// Parts are built in dependency order; each registers its release as it is built, so a stop
// and a start that fails halfway release exactly what exists, in reverse.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/index.js';
import { ClusterNode, waitForRedis, type LeaderEngine, type LeaderTerm, type NodeRole } from '../cluster/index.js';
import { createYoutubeServices } from '../destinations/youtube/index.js';
import { LocalArchive } from '../destinations/index.js';
import { hlsRoot } from '../destinations/local/index.js';
import { createHttpApp } from '../http/app.js';
import { dataFolderCheck } from '../http/routes/health.js';
import { SqliteStaffAudit } from '../store/sqlite/staff-audit.js';
import { resolveBinaries, type Binaries } from '../media/index.js';
import { createMetrics } from '../metrics/index.js';
import { ProgrammeFeed, type RealtimeServer } from '../realtime/index.js';
import type { BroadcastEngine, Destination, EngineEvents } from '../scheduler/index.js';
import type { ScheduleService } from '../schedule/index.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { ConfigError } from '../shared/errors.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { redisRateLimits } from '../shared/rate-limit.js';
import type { TypedEmitter } from '../shared/typed-emitter.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import { openDatabase, type SqliteDatabase } from '../store/sqlite/database.js';
import { buildEngine, destinationFactory, type EncodersOption } from './engine.js';
import { buildOps, type Ops } from './ops.js';
import { buildChat, buildRealtimeParts, buildYoutubeChatBridge, type RealtimeParts, type RealtimePartsDeps } from './realtime.js';
import type { ChatService, ChatStore, ExternalModerator, YoutubeChatPort } from '../chat/index.js';
import { startSchedule } from './schedule.js';
import { Teardown } from './teardown.js';

export interface ComposeOptions {
  /**
   * What this process does: `all` = HTTP, Socket.IO, scheduler and ffmpeg (embedded without
   * Redis; with cluster.redisUrl a node doing both jobs), `web` = pages, API and Socket.IO of
   * a cluster, `worker` = the scheduler and ffmpeg of a cluster while it holds the lease.
   * @defaultValue 'all'
   */
  role?: NodeRole;
  /** @defaultValue systemClock */
  clock?: Clock;
  /** @defaultValue a pino logger at config log.level */
  logger?: Logger;
  /** Encoder settings over the config's (tests: a 320x180 picture), or a fake encoder factory. */
  encoders?: EncodersOption;
  /** The engine's destinations by name. @defaultValue built from config.destinations */
  destinations?: (name: string) => Destination;
  /** Cluster: leader lease lifetime (failover takes about this long). @defaultValue config cluster.leaseTtl */
  leaseTtlMs?: number;
  /** Cluster: this node's name in Redis and in the metrics. @defaultValue host:pid:random */
  nodeId?: string;
}

export interface Onair {
  logger: Logger;
  server: http.Server;
  /** The port actually bound (useful with PORT=0 in tests). */
  port: number;
  /** The cluster membership, in cluster mode. */
  node?: ClusterNode;
  /**
   * The broadcast engine, when this process runs it embedded (a cluster's engine lives on its
   * leader, one term at a time): its events are what the feed, chat and metrics hear.
   */
  engine?: BroadcastEngine;
  /** The chat service of this node's Socket.IO layer (absent on a cluster worker). */
  chat?: ChatService;
  /**
   * From now on /readyz answers 503 ("shutting down") so a balancer stops sending new viewers
   * here, while everything still serves; stop() begins with it.
   */
  drain(): void;
  /** Readiness fails first, then the engine (ffmpeg), Socket.IO, HTTP, schedules, stores. */
  stop(): Promise<void>;
}

export async function composeOnair(config: Readonly<Config>, options: ComposeOptions = {}): Promise<Onair> {
  const role = options.role ?? 'all';
  const clustered = Boolean(config.cluster.redisUrl);
  if (!clustered && role !== 'all') {
    throw new ConfigError('cluster.redisUrl', `"onair ${role}" runs one node of a cluster and needs Redis: set ONAIR_REDIS_URL (e.g. redis://127.0.0.1:6379)`);
  }
  const baseLogger = options.logger ?? createLogger(config.log.level);
  const logger = clustered ? baseLogger.child({ role }) : baseLogger;
  const clock = options.clock ?? systemClock;
  const runsEngine = role !== 'web';
  const teardown = new Teardown(logger);
  try {
    // Resolved once: the encoders, the RTMP destination's probe and /readyz use the same ffmpeg.
    const binaries = runsEngine
      ? resolveBinaries({ ffmpegPath: config.ffmpeg.path || undefined, probePath: config.ffmpeg.probePath || undefined })
      : undefined;
    let node: ClusterNode | undefined;
    // Before connecting: the node reports through it a Redis that lost its data.
    const nodeId = options.nodeId ?? `${os.hostname()}:${process.pid}${clustered ? `:${randomUUID().slice(0, 6)}` : ''}`;
    const metrics = createMetrics({ nodeId });
    if (clustered) {
      node = new ClusterNode({
        redisUrl: config.cluster.redisUrl!,
        role,
        clock,
        logger,
        prefix: config.cluster.keyPrefix,
        leaseTtlMs: options.leaseTtlMs ?? config.cluster.leaseTtl,
        nodeId,
        requireAppendOnly: config.cluster.requireAppendOnly,
        onDataLost: () => metrics.redisDataLost(),
      });
      const joined = node;
      teardown.defer('cluster connections', () => joined.stop());
      await node.connect();
    } else {
      // One embedded onair per data folder: a second would take the first one's ffmpeg for leftovers.
      teardown.defer('data folder lock', lockDataDir(config.dirs.data));
    }
    // In a cluster the data folder still holds what is per machine: HLS segments, the archive,
    // YouTube tokens and quota ledger. Nodes on one machine share it (SQLite in WAL mode copes).
    const db = openDatabase(config.dirs.data);
    teardown.defer('database', () => void db.close());
    const schedule = await startSchedule(config, logger, clock);
    teardown.defer('schedules', () => schedule.stop());
    const youtube = Object.values(config.destinations).some((d) => d.type === 'youtube')
      ? createYoutubeServices({ config, clock, logger: logger.child({ module: 'youtube' }), db, onCall: (method, outcome, units) => metrics.youtubeCall(method, outcome, units) })
      : undefined;
    const shared: Shared = { config, logger, clock, db, schedule, youtube, binaries, options };

    // The engine: built here when embedded; in a cluster built by whichever worker leads, and
    // heard by every node through the relay.
    const embedded = node ? undefined : buildEngine({ ...shared, binaries: binaries!, destinations: destinations(shared), ...encoders(shared) });
    const engineEvents: Pick<TypedEmitter<EngineEvents>, 'on'> = embedded?.engine ?? (await node!.engineEvents());
    const ops = buildOps({
      config,
      clock,
      metrics,
      schedule,
      engineEvents,
      audit: node ? node.staffAudit() : new SqliteStaffAudit(db),
      readiness: [
        ...(node ? [node.readiness()] : [{ name: 'store', check: () => void db.prepare('SELECT 1').get() }]),
        // Where the engine writes the live stream and recordings.
        ...(runsEngine ? [dataFolderCheck(config.dirs.data, config.engine.minFreeBytes)] : []),
      ],
      ...(binaries ? { ffmpeg: binaries.ffmpeg } : {}),
      ...(youtube ? { youtubeLedger: youtube.ledger } : {}),
      countsYoutube: runsEngine,
    });
    if (embedded) ops.metrics.leader(true);
    else if (!runsEngine) ops.metrics.leader(false);

    const realtimeParts =
      role === 'worker'
        ? undefined
        : buildRealtimeParts({
            config,
            logger,
            clock,
            db,
            schedule,
            scheduleStatus: schedule,
            engineEvents,
            initialRecords: await (embedded?.store ?? node!.broadcastStore()).listUnfinished(),
            ...(node ? { chatStore: node.chatStore(), sessions: node.sessionStore() } : { youtubeChat: youtube?.chatPort }),
            // In a cluster, limits count in Redis: a client cannot multiply them by the web nodes.
            ...(node ? { rateLimits: redisRateLimits(clock, node.redis, node.prefix) } : {}),
          });
    if (realtimeParts) {
      teardown.defer('chat', () => realtimeParts.stop());
      await realtimeParts.start();
      ops.chat(realtimeParts.chat);
      // In a cluster, delete/ban of YouTube messages go to the leader, whose bridge holds the live chats.
      if (node && youtube) realtimeParts.chat.attachExternal((await node.remoteBroadcasts()).youtubeChat());
    }

    const app = createHttpApp({
      ...ops.http,
      config,
      logger,
      clock,
      ...(realtimeParts
        ? {
            moderation: realtimeParts.http,
            rateLimits: realtimeParts.rateLimits,
            schedule,
            broadcasts: embedded?.engine ?? (await node!.remoteBroadcasts()),
            media: { hlsDir: hlsRoot(config.dirs.data), archive: new LocalArchive(config.dirs.data) },
          }
        : {}),
    });
    const server = http.createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.server.port, config.server.host, () => resolve());
    });
    teardown.defer('HTTP server', async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    });
    const port = (server.address() as AddressInfo).port;
    if (realtimeParts) attachRealtime(realtimeParts, server, ops, node, logger, teardown);
    logger.info({ port, ...(node ? { node: node.nodeId } : {}) }, node ? `onair ${role} node listening` : 'onair listening');

    // Last, so every subscriber hears the transitions of broadcasts resumed or started late.
    if (embedded) {
      teardown.defer('broadcast engine', () => embedded.engine.stop());
      await embedded.engine.start();
    } else if (runsEngine) {
      const leadership = node!.runLeader((term) => leaderEngine(shared, term, node!), (leading) => ops.metrics.leader(leading));
      // The scheduler and ffmpeg stop while this node still holds the lease, then the lease goes.
      teardown.defer('leadership', () => leadership.stop());
    }

    return {
      logger,
      server,
      port,
      ...(node ? { node } : {}),
      ...(embedded ? { engine: embedded.engine } : {}),
      ...(realtimeParts ? { chat: realtimeParts.chat } : {}),
      drain: () => ops.draining(),
      async stop() {
        // Readiness fails first so a balancer stops sending new viewers here.
        ops.draining();
        await teardown.run();
      },
    };
  } catch (err) {
    await teardown.run();
    throw err;
  }
}

/** What the parts built once per process hand to the per-term leader. */
interface Shared {
  config: Readonly<Config>;
  logger: Logger;
  clock: Clock;
  db: SqliteDatabase;
  schedule: ScheduleService;
  youtube: ReturnType<typeof createYoutubeServices> | undefined;
  binaries: Binaries | undefined;
  options: ComposeOptions;
}

function destinations(shared: Shared): (name: string) => Destination {
  return shared.options.destinations ?? destinationFactory(shared.config, shared.youtube, shared.logger, shared.binaries!.ffmpeg);
}

function encoders(shared: Shared): { encoders?: EncodersOption } {
  return shared.options.encoders ? { encoders: shared.options.encoders } : {};
}

function attachRealtime(parts: RealtimeParts, server: http.Server, ops: Ops, node: ClusterNode | undefined, logger: Logger, teardown: Teardown): void {
  const realtime: RealtimeServer = parts.attach(server);
  // Before the HTTP server closes: its stop tells viewers to reconnect and ends their transports.
  teardown.defer('Socket.IO', () => parts.detach());
  ops.viewers(realtime);
  if (!node) return;
  // Replaces the in-memory adapter of every namespace before any viewer is connected.
  realtime.io.adapter(node.socketAdapter());
  // Engine events published while this node was cut off from Redis are lost (Pub/Sub):
  // re-read the shared broadcasts and bring this node's viewers up to date.
  const store = node.broadcastStore();
  void node.engineEvents().then((events) =>
    events.on('resync', () => {
      // The relay's connection may be back before the one the store reads through.
      waitForRedis(node.redis, 30_000)
        .then(() => realtime.resync(store))
        .then(
          (changed) => logger.info({ changed }, 'back in touch with Redis: programme feed re-read'),
          (err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not re-read broadcasts after a Redis outage; the next engine event will catch up'),
        );
    }),
  );
}

/** One leader term of a cluster worker: the engine on the fenced store, the programme feed and the YouTube chat poller. */
async function leaderEngine(shared: Shared, term: LeaderTerm, node: ClusterNode): Promise<LeaderEngine> {
  const { config, clock, schedule, youtube } = shared;
  const logger = shared.logger.child({ fencingToken: term.fencingToken });
  const { engine } = buildEngine({ ...shared, logger, binaries: shared.binaries!, destinations: destinations(shared), ...encoders(shared), store: term.store });
  // The leader's programme feed is the one that tells viewers (through the stream, so a
  // viewer who reconnects elsewhere still gets it); web nodes drop their own copies.
  const feed = new ProgrammeFeed({
    engineEvents: engine,
    schedule,
    clock,
    chatOpensBeforeMs: config.chat.opensBefore,
    chatClosesAfterMs: config.chat.closesAfter,
    initialRecords: await term.store.listUnfinished(),
    output: {
      toAll: (event: string, payload: unknown) => void term.io.emit(event, payload),
      toRooms: (rooms: string[], event: string, payload: unknown) => void term.io.to(rooms).emit(event, payload),
    },
  });
  feed.start();
  const ytChat = youtube?.chatPort
    ? await startLeaderYoutubeChat({ ...shared, engineEvents: engine, chatStore: node.chatStore(), port: youtube.chatPort, io: term.io })
    : undefined;
  await engine.start();
  return {
    ...(ytChat ? { youtubeChat: ytChat.moderator } : {}),
    on: engine.on.bind(engine),
    startNow: (id) => engine.startNow(id),
    extend: (id, ms) => engine.extend(id, ms),
    endNow: (id) => engine.endNow(id),
    show: (id, phase) => engine.show(id, phase),
    async stop() {
      // ffmpeg first: nothing else may delay it once the lease is gone.
      await engine.stop();
      feed.stop();
      await ytChat?.stop();
    },
    knownAtStop: () => engine.knownAtStop(),
  };
}

/**
 * The leader's YouTube live chat: the bridge polls each live YouTube broadcast (one poller
 * for the whole cluster, one quota) into a chat service on the shared store; no Socket.IO
 * layer of its own. Moderators sit on web nodes: the messages (marked "youtube") and the
 * bridge's figures go to every node's /moderation namespace through `io` (the leader's
 * emit-only server on the cluster adapter); their delete/ban come back through the
 * staff-action queue to `moderator`.
 */
export async function startLeaderYoutubeChat(
  deps: Pick<RealtimePartsDeps, 'config' | 'logger' | 'clock' | 'schedule' | 'engineEvents'> & {
    chatStore: ChatStore;
    port: YoutubeChatPort;
    io: { of(nsp: string): { emit(event: string, ...args: unknown[]): boolean } };
  },
): Promise<{ moderator: ExternalModerator; stop(): Promise<void> }> {
  const chat = buildChat(deps);
  const bridge = buildYoutubeChatBridge({ ...deps, chat });
  const moderators = deps.io.of('/moderation');
  const offMessages = chat.events.on('external', (message) => void moderators.emit('chat:messages', [message]));
  const offStatus = bridge.onStatus((status) => void moderators.emit('youtube:status', status));
  await chat.start();
  bridge.start();
  return {
    moderator: bridge,
    async stop() {
      offMessages();
      offStatus();
      bridge.stop();
      await chat.stop();
    },
  };
}
