// One node of a cluster: the Redis connections and the shared pieces main.ts plugs into the
// services it builds when cluster mode is on (ONAIR_REDIS_URL / cluster.redisUrl).
//
// Roles: a `web` node serves HTTP and Socket.IO (scales horizontally); a `worker` node runs
// the scheduler and ffmpeg while it holds the leader lease; `all` does both in one process.
// What moves to Redis: broadcast records (fenced), chat transcripts/sanctions/audit, the
// staff audit log, Socket.IO fan-out and session recovery (Streams adapter), the engine's
// events (so web nodes' feeds stay current) and staff actions (forwarded to the leader).
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Redis } from 'ioredis';
import type { ServerOptions } from 'socket.io';
import type { ExternalModerator } from '../chat/index.js';
import type { KnownBroadcast } from '../scheduler/engine.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { EngineEventsRelay, publishEngineEvents, type EngineEventSource } from './engine-relay.js';
import { LeaderLease } from './leader-lease.js';
import { Leadership, type LeaderWork } from './leadership.js';
import { RedisBroadcastStore } from '../store/redis/broadcast-store.js';
import { RedisChatStore } from '../store/redis/chat-store.js';
import { checkPersistence, RedisDataWatch } from './redis-data-watch.js';
import { RedisSessionStore } from '../store/redis/session-store.js';
import { RedisStaffAudit } from '../store/redis/staff-audit.js';
import { closeRedis, connectRedis, maskRedisUrl, redisReadiness, waitForRedis } from './redis.js';
import { CommandServer, RemoteBroadcasts, type BroadcastActions } from './remote-broadcasts.js';
import { restoreBroadcasts } from './restore-broadcasts.js';
import { settleWithin } from './settle-within.js';
import { clusterAdapter, emitOnlyServer, type EmitOnlyServer } from './socket-adapter.js';

export type NodeRole = 'web' | 'worker' | 'all';

/** Events only the leader emits to viewers; a web node's own copies are dropped (see webAdapter). */
export const LEADER_ONLY_EVENTS: ReadonlySet<string> = new Set([
  'programme:live',
  'programme:ended',
  'programme:changed',
  'programme:cancelled',
  'programme:reminder',
  'schedule',
]);

type AdapterFactory = NonNullable<ServerOptions['adapter']>;
type AdapterInstance = {
  broadcast(packet: { data?: unknown[] }, opts: { rooms?: Set<string>; flags?: { local?: boolean } }): unknown;
};

/**
 * The adapter for a web node's Socket.IO server. Its programme feed (fed by the relayed engine
 * events, so snapshots on connect are current) would emit programme events too; only the
 * leader's copy goes out, through the stream, so each viewer gets one and can recover it.
 * Packets arriving from other nodes do not pass through here (the cluster adapter delivers
 * them with the base class's broadcast). Local packets (io.local) do pass: only this node
 * sends them, to its own viewers.
 */
/**
 * True for what only this node sends: local emits (a node catching its own viewers up after a
 * Redis outage) and emits to one socket of this node (the snapshot on connect: with
 * connection state recovery on, socket.emit goes through the adapter too).
 */
function ownViewersOnly(opts: { rooms?: Set<string>; flags?: { local?: boolean } }, sockets: Map<string, unknown> | undefined): boolean {
  if (opts.flags?.local) return true;
  if (opts.rooms?.size !== 1 || !sockets) return false;
  const [room] = opts.rooms;
  return room !== undefined && sockets.has(room);
}

export function webAdapter(inner: AdapterFactory, dropped: ReadonlySet<string> = LEADER_ONLY_EVENTS): AdapterFactory {
  const factory = inner as unknown as (nsp: unknown) => AdapterInstance;
  // A plain function, not an arrow: socket.io calls the factory with `new`.
  return function webNodeAdapter(nsp: unknown) {
    const adapter = factory(nsp);
    const sockets = (nsp as { sockets?: Map<string, unknown> }).sockets;
    const original = adapter.broadcast.bind(adapter);
    adapter.broadcast = (packet, opts) => {
      const event = Array.isArray(packet.data) ? packet.data[0] : undefined;
      if (typeof event === 'string' && dropped.has(event) && !ownViewersOnly(opts, sockets)) return;
      return original(packet, opts);
    };
    return adapter;
  } as unknown as AdapterFactory;
}

export interface ClusterNodeDeps {
  redisUrl: string;
  role: NodeRole;
  clock: Clock;
  logger: Logger;
  /** Prefix of every key. @defaultValue "onair:" */
  prefix?: string;
  /** Identifies this node in logs, metrics and Redis. @defaultValue hostname:pid:random */
  nodeId?: string;
  /** Leader lease lifetime; a dead leader is replaced within about this. @defaultValue 10000 */
  leaseTtlMs?: number;
  /** Refuse to start on a Redis without an append-only file (config cluster.requireAppendOnly). @defaultValue false */
  requireAppendOnly?: boolean;
  /** Told when Redis is found to have lost its data (metrics). */
  onDataLost?: () => void;
}

/**
 * Longest one step of stopping (a term's part, a node's connection) waits on Redis before
 * the next goes ahead: with Redis away such steps would otherwise wait for good.
 * @defaultValue 3 s
 */
const STOP_STEP_MS = 3_000;

/** What the leader's term gets to build its work with. */
export interface LeaderTerm {
  fencingToken: number;
  /** The fenced broadcast store for the engine. */
  store: RedisBroadcastStore;
  /** Emits to every viewer on every node (the programme feed's output). */
  io: EmitOnlyServer<Record<string, (...args: any[]) => void>>['io'];
}

/** What the leader runs: an engine (events + staff actions) and whatever else it needs to stop. */
export interface LeaderEngine extends EngineEventSource, Omit<BroadcastActions, 'list' | 'get' | 'transitions'> {
  /** The YouTube live chat bridge's delete/ban, which web nodes forward here. */
  youtubeChat?: ExternalModerator;
  /** Stops the engine: ffmpeg first, then the rest. Must not wait on Redis for long. */
  stop(): Promise<void>;
  /** The broadcasts the engine was running when it stopped (BroadcastEngine.knownAtStop). */
  knownAtStop?(): KnownBroadcast[];
}

export class ClusterNode {
  readonly nodeId: string;
  readonly prefix: string;
  readonly role: NodeRole;
  /** Commands and reads (fails fast while Redis is away). */
  readonly redis: Redis;
  readonly #deps: ClusterNodeDeps;
  readonly #conns: Redis[] = [];
  readonly lease: LeaderLease | undefined;
  #leadership: Leadership | undefined;
  #relay: EngineEventsRelay | undefined;
  #remote: RemoteBroadcasts | undefined;
  #dataWatch: RedisDataWatch | undefined;
  /** What the last term's engine was running, put back if Redis lost it (restore-broadcasts.ts). */
  #known: KnownBroadcast[] = [];

  constructor(deps: ClusterNodeDeps) {
    this.#deps = deps;
    this.role = deps.role;
    this.prefix = deps.prefix ?? 'onair:';
    this.nodeId = deps.nodeId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 6)}`;
    this.redis = this.#connect('data');
    if (deps.role !== 'web') {
      this.lease = new LeaderLease({
        redis: this.#connect('lease'),
        clock: deps.clock,
        key: `${this.prefix}leader`,
        owner: this.nodeId,
        ttlMs: deps.leaseTtlMs ?? 10_000,
      });
    }
  }

  #connect(purpose: string, offlineQueue = false): Redis {
    const conn = connectRedis(this.#deps.redisUrl, { name: `onair:${purpose}:${this.nodeId}`, logger: this.#deps.logger, offlineQueue });
    this.#conns.push(conn);
    return conn;
  }

  /**
   * Waits for Redis once at start, so a wrong URL is reported at once rather than in loops;
   * checks that Redis persists (refusing to start without it when required) and starts
   * watching for a Redis that comes back without its data.
   */
  async connect(timeoutMs = 15_000): Promise<void> {
    try {
      await waitForRedis(this.redis, timeoutMs);
    } catch (err) {
      throw new Error(`cannot reach Redis at ${maskRedisUrl(this.#deps.redisUrl)} (cluster.redisUrl / ONAIR_REDIS_URL): ${(err as Error).message}`, { cause: err });
    }
    this.#deps.logger.info({ node: this.nodeId, redis: maskRedisUrl(this.#deps.redisUrl) }, 'cluster mode: connected to Redis');
    await checkPersistence(this.redis, this.#deps.requireAppendOnly ?? false, this.#deps.logger);
    this.#dataWatch = new RedisDataWatch({
      redis: this.redis,
      key: `${this.prefix}data-epoch`,
      clock: this.#deps.clock,
      logger: this.#deps.logger,
      ...(this.#deps.onDataLost ? { onLost: this.#deps.onDataLost } : {}),
    });
    await this.#dataWatch.start();
  }

  /** The shared broadcast store; writes carry this node's fencing token (refused when not leading). */
  broadcastStore(): RedisBroadcastStore {
    const lease = this.lease;
    return new RedisBroadcastStore({
      redis: this.redis,
      prefix: this.prefix,
      fenceKey: `${this.prefix}leader:fence`,
      fencingToken: () => lease?.fencingToken,
    });
  }

  chatStore(): RedisChatStore {
    return new RedisChatStore({ redis: this.redis, prefix: this.prefix });
  }

  /** Moderator and staff sessions, shared by every web node (each key expires with its session). */
  sessionStore(): RedisSessionStore {
    const clock = this.#deps.clock;
    return new RedisSessionStore({ redis: this.redis, prefix: this.prefix, now: () => clock.now().getTime() });
  }

  staffAudit(): RedisStaffAudit {
    return new RedisStaffAudit({ redis: this.redis, prefix: this.prefix });
  }

  /**
   * The adapter of this node's listening server. Its own programme feed's events are dropped
   * (the leader's emit-only server sends them), also in role `all`, whose engine runs only
   * while it leads.
   */
  socketAdapter(): AdapterFactory {
    return webAdapter(clusterAdapter(this.#connect('socket.io', true), { prefix: this.prefix }));
  }

  /** The leader's engine events, relayed to this node (for the realtime feed, chat, metrics, control room). */
  async engineEvents(): Promise<EngineEventsRelay> {
    if (!this.#relay) {
      this.#relay = new EngineEventsRelay(this.#connect('relay', true), this.prefix);
      await this.#relay.start();
    }
    return this.#relay;
  }

  /** /api/broadcasts on a web node: reads from Redis, actions forwarded to the leader. */
  async remoteBroadcasts(): Promise<RemoteBroadcasts> {
    if (!this.#remote) {
      this.#remote = new RemoteBroadcasts({
        redis: this.redis,
        subscriber: this.#connect('replies', true),
        store: this.broadcastStore(),
        prefix: this.prefix,
        nodeId: this.nodeId,
        clock: this.#deps.clock,
      });
      await this.#remote.start();
    }
    return this.#remote;
  }

  /**
   * Contends for the lease and, while held, runs the engine `buildEngine` returns: its events
   * are published to the other nodes and it takes the staff actions they forward. On losing
   * the lease the engine is stopped (ffmpeg with it) before anything else happens; each
   * other part of the term gets STOP_STEP_MS, so a Redis that is away cannot hold the stop.
   * A new term first puts back the broadcasts the last one was running where Redis no
   * longer has them (an empty Redis after a restart is a normal case).
   */
  runLeader(buildEngine: (term: LeaderTerm) => Promise<LeaderEngine>, onChange?: (leading: boolean) => void): Leadership {
    const lease = this.lease;
    if (!lease) throw new Error('a web node does not run the scheduler; start a worker (onair worker)');
    const logger = this.#deps.logger;
    const leadership = new Leadership({
      lease,
      logger,
      ...(onChange ? { onChange } : {}),
      startWork: async (fencingToken): Promise<LeaderWork> => {
        const store = this.broadcastStore();
        const restored = await restoreBroadcasts(store, this.#known, this.#deps.clock.now());
        if (restored.length > 0) logger.warn({ restored }, 'put back broadcasts Redis no longer had, from what this node was running');
        const termConns: Redis[] = [];
        const termConn = (purpose: string, offlineQueue: boolean): Redis => {
          const conn = this.#connect(`${purpose}-${fencingToken}`, offlineQueue);
          termConns.push(conn);
          return conn;
        };
        const closeTerm = async (): Promise<void> => {
          for (const conn of termConns) {
            const i = this.#conns.indexOf(conn);
            if (i >= 0) this.#conns.splice(i, 1);
            await settleWithin(closeRedis(conn), STOP_STEP_MS);
          }
        };
        const emitter = emitOnlyServer(clusterAdapter(termConn('emit', true), { prefix: this.prefix }));
        let engine: LeaderEngine;
        try {
          engine = await buildEngine({ fencingToken, store, io: emitter.io });
        } catch (err) {
          await settleWithin(emitter.close(), STOP_STEP_MS);
          await closeTerm();
          throw err;
        }
        const unpublish = publishEngineEvents(engine, this.redis, this.prefix, (err) => logger.warn({ err: err.message }, 'could not relay an engine event'));
        const commands = new CommandServer({
          // Fails fast while Redis is away (the loop retries), so stopping never waits on it.
          blocking: termConn('commands', false),
          publisher: this.redis,
          prefix: this.prefix,
          engine,
          ...(engine.youtubeChat ? { youtubeChat: engine.youtubeChat } : {}),
          clock: this.#deps.clock,
          onError: (err) => logger.warn({ err: err.message }, 'staff action queue problem'),
        });
        commands.start();
        const step = async (what: string, p: Promise<unknown>): Promise<void> => {
          const outcome = await settleWithin(p, STOP_STEP_MS);
          if (!outcome.settled) logger.warn(`leader term: ${what} did not finish within ${STOP_STEP_MS / 1000} s (Redis away?); going on`);
          else if (outcome.error) logger.warn({ err: outcome.error.message }, `leader term: ${what} failed`);
        };
        return {
          stop: async () => {
            // No more staff actions; then ffmpeg, without waiting on anything Redis holds up.
            const commandsStopped = commands.stop();
            await engine.stop();
            this.#known = engine.knownAtStop?.() ?? [];
            await step('the staff action queue', commandsStopped);
            unpublish();
            await step('the Socket.IO emitter', emitter.close());
            await closeTerm();
          },
        };
      },
    });
    leadership.start();
    this.#leadership = leadership;
    return leadership;
  }

  readiness(): { name: string; check(): Promise<void> } {
    return redisReadiness(this.redis);
  }

  /**
   * Graceful stop: the leader's work first (ffmpeg), then the lease, then the connections.
   * Steps that wait on Redis are bounded, so a node whose Redis is away still exits promptly.
   */
  async stop(): Promise<void> {
    this.#dataWatch?.stop();
    await this.#leadership?.stop();
    await settleWithin(this.#remote?.stop() ?? Promise.resolve(), STOP_STEP_MS);
    await settleWithin(this.#relay?.stop() ?? Promise.resolve(), STOP_STEP_MS);
    await Promise.all(this.#conns.map((c) => settleWithin(closeRedis(c), STOP_STEP_MS)));
    for (const c of this.#conns) if (c.status !== 'end') c.disconnect();
  }
}
