// The Socket.IO server on the HTTP server express already uses: viewers on "/",
// moderators on "/moderation". It composes three parts, each in its own file: the gate
// (socket-gate.ts: Host, Origin, per-address cap, credentials, moderator authentication),
// the dispatchers (event-dispatcher.ts and event-handlers.ts: every incoming event checked
// against the known events, throttled per socket and parsed with zod before any service sees
// it) and the chat fan-out (chat-fan-out.ts: per-room batches).
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Server, type Namespace } from 'socket.io';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { memoryRateLimits, type RateLimits } from '../shared/rate-limit.js';
import type { TypedEmitter } from '../shared/typed-emitter.js';
import type { BroadcastRecord, EngineEvents, ScheduleReader } from '../scheduler/ports.js';
import { ChatFanOut } from './chat-fan-out.js';
import { directFanOut } from './direct-fan-out.js';
import { EventDispatcher } from './event-dispatcher.js';
import {
  moderatorHandlers,
  viewerHandlers,
  type ModeratorData,
  type ModeratorSocket,
  type ServerSideEvents,
  type ViewerData,
  type ViewerSocket,
} from './event-handlers.js';
import type {
  ClientToServerEvents,
  ModerationClientToServerEvents,
  ModerationServerToClientEvents,
  ServerToClientEvents,
  ShutdownNoticePayload,
} from './events.js';
import type { ModeratorIdentityPort, RealtimeChatPort, SanctionNotice, ScheduleStatusPort, ViewerIdentityPort, YoutubeStatusPort } from './ports.js';
import { scheduleStatusPayload } from './schedule-status.js';
import { ProgrammeFeed, roomOf, type BroadcastRecordReader } from './programme-feed.js';
import { forgetHandshake, SocketGate, type RawConnection } from './socket-gate.js';
import { emitWelcome } from './welcome-emit.js';

export interface RealtimeSettings {
  chatOpensBeforeMs: number;
  chatClosesAfterMs: number;
  /** Origins allowed besides the page's own (config server.corsOrigins). */
  corsOrigins: readonly string[];
  /** Largest frame a client may send; larger closes its connection. @defaultValue 16 KiB */
  maxHttpBufferSize?: number;
  /** How long a dropped viewer can come back and get what it missed. @defaultValue 2 minutes */
  recoveryWindowMs?: number;
  /** Events one viewer socket may send per 10 s before being refused (moderators: 4×). @defaultValue 30 */
  eventsPer10s?: number;
  /** Chat messages of a busy room are sent together at most this often. @defaultValue 100 */
  chatBatchMs?: number;
  /** config server.publicUrl: its origin may open sockets even when a proxy rewrites Host. */
  publicUrl?: string;
  /** Take the viewer's address from X-Forwarded-For (config server.trustProxy). @defaultValue false */
  trustProxy?: boolean;
  /** Host names besides publicUrl's, localhost and IP literals (config server.allowedHosts). @defaultValue [] */
  allowedHosts?: readonly string[];
  /**
   * Socket.IO connections one address may hold at once (viewers and moderators together);
   * a handshake beyond it is refused with 403. A school or library behind one NAT address
   * fits in the default; raise it for a carrier-grade NAT audience.
   * @defaultValue 256 (config server.maxSocketsPerAddress)
   */
  maxSocketsPerAddress?: number;
}

export interface RealtimeDeps {
  server: http.Server;
  engineEvents: Pick<TypedEmitter<EngineEvents>, 'on'>;
  schedule: ScheduleReader;
  chat?: RealtimeChatPort;
  moderators?: ModeratorIdentityPort;
  /** Signs viewers' chat identities; without it each connection is a new, unsigned identity. */
  viewers?: ViewerIdentityPort;
  youtube?: YoutubeStatusPort;
  /** The schedule files' problems, pushed to staff as `schedule:status`; without it none is sent. */
  scheduleStatus?: ScheduleStatusPort;
  /** Records known at start (from the broadcast store), so a restart knows what is live. */
  initialRecords?: readonly BroadcastRecord[];
  settings: RealtimeSettings;
  logger: Logger;
  clock: Clock;
  /** Where the event-flood guard counts (per socket, so always in this process). @defaultValue in memory, on `clock` */
  rateLimits?: RateLimits;
}

/**
 * True for a cluster adapter (Redis streams): those have a node `uid`; the in-memory adapter
 * has none and only warns on serverSideEmit.
 */
function clustered(adapter: object): boolean {
  return 'uid' in adapter;
}

type ModerationNamespace = Namespace<ModerationClientToServerEvents, ModerationServerToClientEvents, Record<string, never>, ModeratorData>;

/**
 * The moderator namespace, typed with its own event maps: socket.io types every namespace
 * of a server by the main one's maps, so this one place says what "/moderation" carries.
 */
function moderationNamespace(io: Server<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, ViewerData>): ModerationNamespace;
function moderationNamespace(io: Server): Namespace {
  return io.of('/moderation');
}

export class RealtimeServer {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, ViewerData>;
  readonly moderation: ModerationNamespace;
  readonly feed: ProgrammeFeed;
  readonly #deps: RealtimeDeps;
  /** The handshake: Host, Origin, per-address cap, credentials, moderator authentication. */
  readonly #gate: SocketGate;
  readonly #viewerEvents: EventDispatcher<ViewerSocket>;
  readonly #moderatorEvents: EventDispatcher<ModeratorSocket>;
  readonly #chat: ChatFanOut;
  readonly #unsubscribe: Array<() => void> = [];
  #prune: NodeJS.Timeout | undefined;

  constructor(deps: RealtimeDeps) {
    this.#deps = deps;
    const s = deps.settings;
    this.#gate = new SocketGate(s);
    this.io = new Server(deps.server, {
      // Compression multiplied memory per connection about 9x in measurements; text is small.
      perMessageDeflate: false,
      httpCompression: false,
      maxHttpBufferSize: s.maxHttpBufferSize ?? 16 * 1024,
      connectionStateRecovery: { maxDisconnectionDuration: s.recoveryWindowMs ?? 120_000, skipMiddlewares: false },
      cors: s.corsOrigins.length > 0 ? { origin: [...s.corsOrigins], credentials: true } : undefined,
      serveClient: true,
      allowRequest: (req, callback) => this.#gate.allowRequest(req, callback),
    });
    // Broadcasts to viewers go straight to each idle WebSocket (direct-fan-out.ts): engine.io's
    // per-connection write path cost the server twice bare ws's CPU per viewer. A cluster
    // replaces this adapter with its own (compose/onair.ts), which keeps socket.io's path.
    directFanOut(this.io.of('/').adapter);
    this.moderation = moderationNamespace(this.io);
    this.feed = new ProgrammeFeed({
      engineEvents: deps.engineEvents,
      schedule: deps.schedule,
      clock: deps.clock,
      chatOpensBeforeMs: s.chatOpensBeforeMs,
      chatClosesAfterMs: s.chatClosesAfterMs,
      ...(deps.initialRecords ? { initialRecords: deps.initialRecords } : {}),
      output: {
        toAll: (event: keyof ServerToClientEvents, payload: unknown) => {
          (this.io.emit as (e: string, p: unknown) => boolean)(event, payload);
        },
        toRooms: (rooms, event, payload) => {
          this.io.to(rooms).emit(event, payload);
        },
      },
    });
    // The flood guards: events per socket per 10 s, each namespace its own allowance.
    const limits = deps.rateLimits ?? memoryRateLimits(deps.clock);
    const perSocket = s.eventsPer10s ?? 30;
    this.#viewerEvents = new EventDispatcher({
      handlers: viewerHandlers({ chat: deps.chat, feed: this.feed }),
      flood: limits.limiter('socket-events', { points: perSocket, windowMs: 10_000 }, { local: true }),
      logger: deps.logger,
    });
    this.#moderatorEvents = new EventDispatcher({
      handlers: moderatorHandlers({
        chat: deps.chat,
        schedule: deps.schedule,
        youtube: deps.youtube,
        clock: deps.clock,
        endSession: (socket) => this.#endSession(socket),
      }),
      // Moderators clearing a spam wave click fast: they get four times a viewer's allowance.
      flood: limits.limiter('socket-events-moderator', { points: perSocket * 4, windowMs: 10_000 }, { local: true }),
      logger: deps.logger,
    });
    this.#chat = new ChatFanOut({
      toViewers: (occurrenceId, messages) => this.io.to(roomOf.chat(occurrenceId)).emit('chat:messages', messages),
      toModerators: (messages) => this.moderation.emit('chat:messages', messages),
      ...(s.chatBatchMs !== undefined ? { batchMs: s.chatBatchMs } : {}),
    });
  }

  start(): void {
    this.io.engine.use((req: http.IncomingMessage, res: object, next: (err?: unknown) => void) => this.#gate.noteResponse(req, res, next));
    this.io.engine.on('connection', (raw: RawConnection) => this.#gate.admit(raw));
    this.io.on('connection', (socket) => this.#onViewer(socket));
    this.io.on('chat:sanction', (s) => this.#applySanction(s));
    this.io.on('chat:sanction-lifted', (s) => this.#applyLift(s));
    this.moderation.use(
      this.#gate.moderatorAuth<ModeratorSocket>(this.#deps.moderators, this.#deps.logger, (socket, who) => {
        socket.data = who;
      }),
    );
    this.moderation.on('connection', (socket) => this.#onModerator(socket));
    this.feed.start();
    this.#wireChat();
    this.#wireScheduleStatus();
    this.#prune = setInterval(() => {
      this.#deps.chat?.prune();
      this.#chat.flushAll();
    }, 60_000);
    this.#prune.unref();
  }

  /**
   * After missed engine events (cluster mode: Redis was away), re-reads the broadcasts and
   * tells this node's own viewers what changed and the fresh schedule. Local emits: each web
   * node catches up its own viewers (a web node's non-local programme events are dropped in
   * favour of the leader's, see src/cluster webAdapter).
   */
  resync(reader: BroadcastRecordReader): Promise<string[]> {
    const local = this.io.local;
    return this.feed.resync(reader, {
      toAll: (event: keyof ServerToClientEvents, payload: unknown) => {
        (local.emit as (e: string, p: unknown) => boolean)(event, payload);
      },
      toRooms: (rooms, event, payload) => {
        local.to(rooms).emit(event, payload);
      },
    });
  }

  async stop(): Promise<void> {
    this.feed.stop();
    for (const u of this.#unsubscribe.splice(0)) u();
    this.#chat.stop();
    if (this.#prune) clearInterval(this.#prune);
    // Tell everyone first, then close the transports without a Socket.IO disconnect packet:
    // clients see a lost connection and reconnect by themselves (through the balancer, to a
    // node that is still ready) and recover their session there; after a server-side
    // disconnect they would stay away. engine.io flushes what is queued before closing.
    const notice: ShutdownNoticePayload = {
      message: {
        tr: 'Sunucu yeniden başlatılıyor; birkaç saniye içinde yeniden bağlanılacak.',
        en: 'The server is restarting; reconnecting in a few seconds.',
      },
      reconnectAfterMs: 1000,
    };
    this.io.local.emit('server:shutdown', notice);
    this.moderation.local.emit('server:shutdown', notice);
    const clients = this.#gate.open();
    // A graceful close waits for each client's queue to drain; slow ones get 2 s, then the
    // engine closes what is left. Discarded once drained: a polling client's transport would
    // otherwise hold its close packet for the client's next poll, which goes to another node,
    // and keep this process open on engine.io's 30 s close timer (the client sees its poll
    // refused and reconnects, as a websocket client sees its socket closed).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(clients.map((c) => new Promise<void>((resolve) => (c.once('close', resolve), c.close(true))))),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000))),
    ]);
    clearTimeout(timer);
    // Not io.close(): that would also close the HTTP server, which main.ts owns. Its other
    // half is closing each namespace's adapter: a cluster's Redis Streams adapter holds
    // connections of its own (a blocking stream reader, a subscriber) that stay open until then.
    this.io.engine.close();
    await Promise.allSettled([...this.io._nsps.values()].map(async (nsp) => nsp.adapter.close()));
  }

  // -------------------------------------------------------------------------------------
  // Connections
  // -------------------------------------------------------------------------------------

  #onViewer(socket: ViewerSocket): void {
    if (!socket.recovered) {
      // The chat identity is the one this server signed, or a new one: a client-chosen id
      // (the old handshake `fingerprint`) would let a timed-out viewer pick another.
      const viewers = this.#deps.viewers;
      const presented = viewers?.verify((socket.handshake.auth as { viewer?: unknown } | undefined)?.viewer);
      let viewerId = presented;
      if (viewerId === undefined) {
        const issued = viewers?.issue();
        viewerId = issued?.id ?? randomUUID();
        if (issued) emitWelcome(socket, 'viewer:identity', { token: issued.token });
      }
      const ip = this.#gate.factsOf(socket.conn)?.forwardedFor ?? socket.handshake.address;
      socket.data = { viewerId, ip, nickname: null };
    } else {
      // Recovered with its old identity; a viewer dropped before its `viewer:identity`
      // arrived does not present it, so it gets it again (else its next fresh connection
      // would be a new identity, and a sanction on this one would not follow it).
      const viewers = this.#deps.viewers;
      const presented = viewers?.verify((socket.handshake.auth as { viewer?: unknown } | undefined)?.viewer);
      if (viewers && presented !== socket.data.viewerId) emitWelcome(socket, 'viewer:identity', { token: viewers.tokenFor(socket.data.viewerId) });
    }
    forgetHandshake(socket);
    // Handled here and never passed on: no per-event listeners on the socket.
    socket.use((packet) => this.#viewerEvents.dispatch(socket, packet));
    // With connection state recovery this packet carries the
    // offset a dropped viewer needs to be recovered at all (socket.io recovers from the last
    // offset received); welcome-emit.ts lends it the newest buffered packet's offset, so a
    // connection storm does not keep a copy per viewer for the whole recovery window.
    emitWelcome(socket, 'schedule', this.feed.snapshot());
  }

  #onModerator(socket: ModeratorSocket): void {
    socket.use((packet) => this.#moderatorEvents.dispatch(socket, packet));
    const schedule = this.#deps.scheduleStatus;
    if (schedule) socket.emit('schedule:status', scheduleStatusPayload(schedule.snapshot(), this.#deps.clock.now()));
    if (socket.data.expiresAt) {
      const cancel = this.#deps.clock.at(new Date(socket.data.expiresAt), () => this.#endSession(socket));
      socket.on('disconnect', cancel);
    }
  }

  #endSession(socket: ModeratorSocket): void {
    socket.emit('session:expired');
    socket.disconnect(true);
  }

  // -------------------------------------------------------------------------------------
  // Chat events: batched messages (ChatFanOut), deletions, sanctions
  // -------------------------------------------------------------------------------------

  #wireChat(): void {
    const chat = this.#deps.chat;
    if (chat) {
      this.#unsubscribe.push(
        chat.subscribe({
          message: (m) => this.#chat.queue(m, false),
          external: (m) => this.#chat.queue(m, true),
          deleted: (d) => {
            this.#chat.flush(d.occurrenceId);
            this.io.to(roomOf.chat(d.occurrenceId)).emit('chat:deleted', d);
            this.moderation.emit('chat:deleted', d);
          },
          state: (st) => {
            this.#chat.flush(st.occurrenceId);
            this.io.to(roomOf.chat(st.occurrenceId)).emit('chat:state', st);
            this.moderation.emit('chat:state', st);
          },
          audit: (entry) => this.moderation.emit('audit:entry', entry),
          sanction: (s) => {
            this.#applySanction(s);
            // Viewers connected to other web nodes (cluster adapter) are told by their node.
            if (clustered(this.io.of('/').adapter)) this.io.serverSideEmit('chat:sanction', s);
            this.#sendBanList(chat);
          },
          lifted: (s) => {
            this.#applyLift(s);
            if (clustered(this.io.of('/').adapter)) this.io.serverSideEmit('chat:sanction-lifted', s);
            this.#sendBanList(chat);
          },
        }),
      );
    }
    const youtube = this.#deps.youtube;
    if (youtube) this.#unsubscribe.push(youtube.onStatus((st) => this.moderation.emit('youtube:status', st)));
  }

  /**
   * Staff hear every read of a schedule file at once: a broken save, and its fix. Local
   * emits: every node reads the same schedules folder and tells its own staff (through the
   * cluster adapter each node's emit would reach every node's staff again).
   */
  #wireScheduleStatus(): void {
    const schedule = this.#deps.scheduleStatus;
    if (!schedule) return;
    this.#unsubscribe.push(
      schedule.onStatus(() => this.moderation.local.emit('schedule:status', scheduleStatusPayload(schedule.snapshot(), this.#deps.clock.now()))),
    );
  }

  /** This node's viewer sockets a sanction holds for: its identity, or its address for an address ban. */
  *#socketsOf(s: SanctionNotice): Iterable<ViewerSocket> {
    for (const socket of this.io.of('/').sockets.values()) {
      if ((s.fingerprint !== '' && socket.data.viewerId === s.fingerprint) || (s.ip !== null && s.ip !== '' && socket.data.ip === s.ip)) yield socket;
    }
  }

  /** Tells this node's sockets of the sanctioned identity (or, for an address ban, address). */
  #applySanction(s: SanctionNotice): void {
    for (const socket of this.#socketsOf(s)) {
      socket.emit('chat:sanction', { kind: s.kind, occurrenceId: s.occurrenceId, until: s.until });
      if (s.kind !== 'ban') continue;
      // A ban in one chat takes the viewer out of that chat only.
      for (const r of [...socket.rooms]) if (r.startsWith('chat:') && (s.occurrenceId === null || r === roomOf.chat(s.occurrenceId))) socket.leave(r);
    }
  }

  #applyLift(s: SanctionNotice): void {
    for (const socket of this.#socketsOf(s)) socket.emit('chat:sanction-lifted', { kind: s.kind, occurrenceId: s.occurrenceId });
  }

  /** Every moderator console gets the new ban list (it is short: sanctions in force only). */
  #sendBanList(chat: RealtimeChatPort): void {
    chat.sanctions().then(
      (list) => this.moderation.emit('sanctions:changed', list),
      (err: unknown) => this.#deps.logger.warn({ err }, 'realtime: reading the ban list failed'),
    );
  }
}

/** Builds and starts the realtime layer on an existing HTTP server (used by main.ts). */
export function attachRealtime(deps: RealtimeDeps): RealtimeServer {
  const realtime = new RealtimeServer(deps);
  realtime.start();
  return realtime;
}
