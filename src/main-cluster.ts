// Composition root of cluster mode (ONAIR_REDIS_URL): builds one node — `web` (HTTP +
// Socket.IO, any number of them), `worker` (scheduler + ffmpeg while it holds the leader
// lease) or `all` (both in one process) — from the same builders as the embedded default
// (src/main.ts), with the shared state in Redis (src/cluster). The embedded default never
// loads this file, so it stays Redis-free.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClusterNode, waitForRedis, type LeaderEngine, type NodeRole } from './cluster/index.js';
import type { Config } from './config/index.js';
import { createYoutubeServices } from './destinations/youtube/index.js';
import { createHttpApp } from './http/app.js';
import { HealthHistory, scheduleErrorsOf } from './http/routes/control-room.js';
import { executableCheck, type ReadinessCheck } from './http/routes/health.js';
import type { ChatStore, ExternalModerator, YoutubeChatPort } from './chat/index.js';
import { buildEngine, buildRealtimeParts, type RealtimePartsDeps, destinationFactory, quotaView, startSchedule, watchSources } from './compose/index.js';
import type { Onair } from './main.js';
import { resolveBinaries } from './media/index.js';
import { createMetrics } from './metrics/index.js';
import { ProgrammeFeed } from './realtime/index.js';
import { systemClock, type Clock } from './shared/clock.js';
import { ConfigError } from './shared/errors.js';
import { createLogger, type Logger } from './shared/logger.js';
import { openDatabase } from './store/sqlite/database.js';

export interface ClusterStartOptions {
  role: NodeRole;
  clock?: Clock;
  logger?: Logger;
  /** Leader lease lifetime (failover takes about this long). @defaultValue config cluster.leaseTtl */
  leaseTtlMs?: number;
}

export interface ClusterOnair extends Onair {
  node: ClusterNode;
}

export async function startClusterNode(config: Readonly<Config>, options: ClusterStartOptions): Promise<ClusterOnair> {
  const role = options.role;
  const logger = (options.logger ?? createLogger(config.log.level)).child({ role });
  const clock = options.clock ?? systemClock;
  if (!config.cluster.redisUrl) {
    throw new ConfigError('cluster.redisUrl', `"onair ${role}" runs one node of a cluster and needs Redis: set ONAIR_REDIS_URL (e.g. redis://127.0.0.1:6379)`);
  }
  const node = new ClusterNode({
    redisUrl: config.cluster.redisUrl,
    role,
    clock,
    logger,
    prefix: config.cluster.keyPrefix,
    leaseTtlMs: options.leaseTtlMs ?? config.cluster.leaseTtl,
    requireAppendOnly: config.cluster.requireAppendOnly,
    onDataLost: () => metrics.redisDataLost(),
  });
  // Built before connecting: the node reports a Redis that lost its data through it.
  const metrics = createMetrics({ nodeId: node.nodeId });
  await node.connect();

  // The data dir still holds what is per machine: HLS segments, the archive, YouTube tokens
  // and quota ledger. Nodes on one machine share it (SQLite in WAL mode copes).
  const db = openDatabase(config.dirs.data);
  const schedule = await startSchedule(config, logger, clock);
  const health = new HealthHistory();
  const youtubeNames = new Set(Object.entries(config.destinations).filter(([, d]) => d.type === 'youtube').map(([n]) => n));
  const youtube = youtubeNames.size > 0 ? createYoutubeServices({ config, clock, logger: logger.child({ module: 'youtube' }), db }) : undefined;

  if (role !== 'web') {
    node.runLeader(async (term): Promise<LeaderEngine> => {
      const { engine } = buildEngine({
        config,
        logger: logger.child({ fencingToken: term.fencingToken }),
        clock,
        db,
        schedule,
        destinations: destinationFactory(config, youtube, logger),
        store: term.store,
      });
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
      // YouTube live chat is polled here only (one poller per broadcast for the whole
      // cluster, one quota); its messages and figures reach moderators on every web node.
      const ytChat = youtube?.chatPort
        ? await startLeaderYoutubeChat({ config, logger, clock, db, schedule, engineEvents: engine, chatStore: node.chatStore(), port: youtube.chatPort, io: term.io })
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
    }, (leading) => metrics.leader(leading));
  } else {
    metrics.leader(false);
  }

  const engineEvents = await node.engineEvents();
  metrics.watchEngine(engineEvents);
  // YouTube usage is counted where the calls are made: the worker's ledger.
  watchSources(metrics, { schedule, ...(youtube && role !== 'web' ? { youtube } : {}) });
  engineEvents.on('health', (id, h) => health.record(id, h, clock.now()));

  let draining = false;
  const readiness: ReadinessCheck[] = [node.readiness(), { name: 'schedules', check: () => void schedule.snapshot() }];
  if (role !== 'web') {
    const { ffmpeg } = resolveBinaries({ ffmpegPath: config.ffmpeg.path || undefined, probePath: config.ffmpeg.probePath || undefined });
    readiness.push(executableCheck('ffmpeg', ffmpeg));
  }

  const realtimeParts =
    role === 'worker'
      ? undefined
      : buildRealtimeParts({
          config,
          logger,
          clock,
          db,
          schedule,
          engineEvents,
          initialRecords: await node.broadcastStore().listUnfinished(),
          chatStore: node.chatStore(),
          sessions: node.sessionStore(),
        });
  await realtimeParts?.start();
  if (realtimeParts) {
    // Delete/ban of YouTube messages go to the leader, whose bridge holds the live chats.
    if (youtube) realtimeParts.chat.attachExternal((await node.remoteBroadcasts()).youtubeChat());
    realtimeParts.chat.events.on('message', () => metrics.chatMessage('accepted'));
    realtimeParts.chat.events.on('audit', (entry) => metrics.moderationAction(entry.action));
  }
  const app = createHttpApp({
    config,
    logger,
    clock,
    metrics,
    readiness,
    draining: () => draining,
    ...(realtimeParts
      ? {
          moderation: realtimeParts.http,
          schedule,
          broadcasts: await node.remoteBroadcasts(),
          controlRoom: {
            health,
            audit: node.staffAudit(),
            scheduleErrors: () => scheduleErrorsOf(schedule.snapshot()),
            ...(youtube ? { quota: () => quotaView(youtube.ledger, schedule, youtubeNames, clock) } : {}),
          },
        }
      : {}),
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (realtimeParts) {
    const realtime = realtimeParts.attach(server);
    // Replaces the in-memory adapter of every namespace before any viewer is connected.
    realtime.io.adapter(node.socketAdapter());
    metrics.setViewerSource(() => realtime.io.of('/').sockets.size);
    // Engine events published while this node was cut off from Redis are lost (Pub/Sub):
    // re-read the shared broadcasts and bring this node's viewers up to date.
    const store = node.broadcastStore();
    engineEvents.on('resync', () => {
      // The relay's connection may be back before the one the store reads through.
      waitForRedis(node.redis, 30_000)
        .then(() => realtime.resync(store))
        .then(
        (changed) => logger.info({ changed }, 'back in touch with Redis: programme feed re-read'),
        (err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not re-read broadcasts after a Redis outage; the next engine event will catch up'),
      );
    });
  }
  logger.info({ port, node: node.nodeId }, `onair ${role} node listening`);

  return {
    logger,
    server,
    port,
    node,
    async stop() {
      // Readiness fails first so a balancer stops sending new viewers here; then the
      // scheduler and ffmpeg stop while this node still holds the lease, then the lease goes.
      draining = true;
      await node.stop();
      await realtimeParts?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await schedule.stop();
      db.close();
    },
  };
}

/**
 * The leader's YouTube live chat: a chat service on the shared store with the bridge polling
 * each live YouTube broadcast. Moderators sit on web nodes: the messages (marked "youtube")
 * and the bridge's figures go to every node's /moderation namespace through `io` (the
 * leader's emit-only server on the cluster adapter); their delete/ban come back through the
 * staff-action queue to `moderator`.
 */
export async function startLeaderYoutubeChat(
  deps: Pick<RealtimePartsDeps, 'config' | 'logger' | 'clock' | 'db' | 'schedule' | 'engineEvents'> & {
    chatStore: ChatStore;
    port: YoutubeChatPort;
    io: { of(nsp: string): { emit(event: string, ...args: unknown[]): boolean } };
  },
): Promise<{ moderator: ExternalModerator; stop(): Promise<void> }> {
  const parts = buildRealtimeParts({
    config: deps.config,
    logger: deps.logger,
    clock: deps.clock,
    db: deps.db,
    schedule: deps.schedule,
    engineEvents: deps.engineEvents,
    chatStore: deps.chatStore,
    youtubeChat: deps.port,
  });
  const bridge = parts.youtubeChat;
  if (!bridge) throw new Error('startLeaderYoutubeChat: no YouTube chat bridge was built');
  const moderators = deps.io.of('/moderation');
  const offMessages = parts.chat.events.on('external', (message) => void moderators.emit('chat:messages', [message]));
  const offStatus = bridge.onStatus((status) => void moderators.emit('youtube:status', status));
  await parts.start();
  return {
    moderator: bridge,
    async stop() {
      offMessages();
      offStatus();
      await parts.stop();
    },
  };
}
