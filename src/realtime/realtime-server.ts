// The Socket.IO server on the HTTP server express already uses: viewers on "/",
// moderators on "/moderation". Every incoming event is checked against the list of known
// events, throttled per socket and parsed with zod before any service sees it.
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Server, type Namespace, type Socket } from 'socket.io';
import type { Cancel, Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { clientAddress } from '../shared/client-address.js';
import { credentialsOf, hostAllowed, hostRule, originAllowed, type Credentials } from '../shared/credentials.js';
import { memoryRateLimits, type Limiter, type RateLimits } from '../shared/rate-limit.js';
import type { TypedEmitter } from '../shared/typed-emitter.js';
import type { BroadcastRecord, EngineEvents, ScheduleReader } from '../scheduler/ports.js';
import type {
  AckError,
  ChatMessagePayload,
  ClientToServerEvents,
  ModerationClientToServerEvents,
  ModerationServerToClientEvents,
  ServerToClientEvents,
  ShutdownNoticePayload,
} from './events.js';
import type { ModeratorIdentityPort, RealtimeChatPort, SanctionNotice, ViewerIdentityPort, YoutubeStatusPort } from './ports.js';
import { ProgrammeFeed, roomOf, type BroadcastRecordReader } from './programme-feed.js';
import {
  auditSchema,
  chatJoinSchema,
  chatLeaveSchema,
  chatSendSchema,
  describeIssues,
  historySchema,
  moderationActionSchema,
  subscribeSchema,
} from './schemas.js';
import type { z } from 'zod';

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
  /** Records known at start (from the broadcast store), so a restart knows what is live. */
  initialRecords?: readonly BroadcastRecord[];
  settings: RealtimeSettings;
  logger: Logger;
  clock: Clock;
  /** Where the event-flood guard counts (per socket, so always in this process). @defaultValue in memory, on `clock` */
  rateLimits?: RateLimits;
}

/** Between web nodes of a cluster (socket.io serverSideEmit). */
interface ServerSideEvents {
  'chat:sanction': (sanction: SanctionNotice) => void;
  'chat:sanction-lifted': (sanction: SanctionNotice) => void;
}

/**
 * True for a cluster adapter (Redis streams): those have a node `uid`; the in-memory adapter
 * has none and only warns on serverSideEmit.
 */
function clustered(adapter: object): boolean {
  return 'uid' in adapter;
}

interface ViewerData {
  /** The server-signed chat identity (never the client-chosen handshake fingerprint). */
  viewerId: string;
  ip: string;
  nickname: string | null;
}

interface ModeratorData {
  moderator: string;
  expiresAt: string | null;
}

type ViewerSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, ViewerData>;
type ModeratorSocket = Socket<ModerationClientToServerEvents, ModerationServerToClientEvents, Record<string, never>, ModeratorData>;
interface Handler<S> {
  schema: z.ZodType | null;
  run: (socket: S, payload: unknown, ack: AnyAck) => unknown;
}

type AnyAck = (ack: { ok: true; [key: string]: unknown } | { ok: false; error: AckError }) => void;


/** What the engine.io connection told us before its request object was let go. */
interface ConnectionFacts {
  credentials: Credentials;
  /** The client's address as our reverse proxy saw it (server.trustProxy). */
  forwardedFor: string | undefined;
}

function refuse(ack: AnyAck | undefined, code: string, message: string): void {
  ack?.({ ok: false, error: { code, message } });
}

export class RealtimeServer {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, ViewerData>;
  readonly moderation: Namespace<ModerationClientToServerEvents, ModerationServerToClientEvents, Record<string, never>, ModeratorData>;
  readonly feed: ProgrammeFeed;
  readonly #deps: RealtimeDeps;
  readonly #facts = new WeakMap<object, ConnectionFacts>();
  readonly #viewerHandlers: Map<string, Handler<ViewerSocket>>;
  readonly #moderatorHandlers: Map<string, Handler<ModeratorSocket>>;
  /** The flood guards: events per socket per 10 s, viewers and moderators. */
  readonly #viewerEvents: Limiter;
  readonly #moderatorEvents: Limiter;
  readonly #unsubscribe: Array<() => void> = [];
  #prune: NodeJS.Timeout | undefined;
  /** Open engine.io connections per client address (the per-address cap). */
  readonly #perAddress = new Map<string, number>();
  readonly #chatQueues = new Map<string, { viewers: ChatMessagePayload[]; moderators: ChatMessagePayload[]; cancel: (() => void) | undefined; last: number }>();

  constructor(deps: RealtimeDeps) {
    this.#deps = deps;
    const s = deps.settings;
    const hosts = hostRule(s.publicUrl ?? '', s.allowedHosts ?? []);
    const limits = deps.rateLimits ?? memoryRateLimits(deps.clock);
    const perSocket = s.eventsPer10s ?? 30;
    this.#viewerEvents = limits.limiter('socket-events', { points: perSocket, windowMs: 10_000 }, { local: true });
    // Moderators clearing a spam wave click fast: they get four times a viewer's allowance.
    this.#moderatorEvents = limits.limiter('socket-events-moderator', { points: perSocket * 4, windowMs: 10_000 }, { local: true });
    this.io = new Server(deps.server, {
      // Compression multiplied memory per connection about 9x in measurements; text is small.
      perMessageDeflate: false,
      httpCompression: false,
      maxHttpBufferSize: s.maxHttpBufferSize ?? 16 * 1024,
      connectionStateRecovery: { maxDisconnectionDuration: s.recoveryWindowMs ?? 120_000, skipMiddlewares: false },
      cors: s.corsOrigins.length > 0 ? { origin: [...s.corsOrigins], credentials: true } : undefined,
      serveClient: true,
      // A page on another site may not open a socket here (that would let it ride a
      // moderator's cookie): browsers send Origin, and only ours and server.corsOrigins pass.
      // The same Host allow-list as HTTP's (DNS rebinding), then the same origin rule.
      allowRequest: (req, callback) => {
        if (!hostAllowed(req.headers.host, hosts) || !originAllowed(req.headers.origin, req.headers.host, s.publicUrl ? [...s.corsOrigins, s.publicUrl] : s.corsOrigins)) {
          return callback(null, false);
        }
        // One address may not hold the server's sockets (1,000 from one address were accepted).
        const count = this.#perAddress.get(this.#addressOf(req)) ?? 0;
        callback(count >= (s.maxSocketsPerAddress ?? 256) ? 'too many connections from this address' : null, count < (s.maxSocketsPerAddress ?? 256));
      },
    });
    // One server, two typed namespaces: socket.io types a server by its main namespace.
    this.moderation = this.io.of('/moderation') as unknown as RealtimeServer['moderation'];
    this.#viewerHandlers = this.#buildViewerHandlers();
    this.#moderatorHandlers = this.#buildModeratorHandlers();
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
  }

  /** The client's address for the per-address cap: the same rule as chat's and HTTP's. */
  #addressOf(req: IncomingMessage): string {
    const forwarded = clientAddress(undefined, req.headers['x-forwarded-for'], this.#deps.settings.trustProxy ?? false);
    return forwarded === 'unknown' ? (req.socket.remoteAddress ?? 'unknown') : forwarded;
  }

  start(): void {
    // Keep only what authentication needs, then drop the handshake request: holding on to
    // it for every connection costs memory (socket.io's own performance advice).
    this.io.engine.on('connection', (raw: { request: http.IncomingMessage | null; once(event: 'close', fn: () => void): void }) => {
      if (raw.request) {
        const address = this.#addressOf(raw.request);
        this.#perAddress.set(address, (this.#perAddress.get(address) ?? 0) + 1);
        raw.once('close', () => {
          const left = (this.#perAddress.get(address) ?? 1) - 1;
          if (left > 0) this.#perAddress.set(address, left);
          else this.#perAddress.delete(address);
        });
      }
      const headers = raw.request?.headers;
      const credentials = headers ? credentialsOf(headers) : {};
      // The same rule as the HTTP side's rate limits (src/shared/client-address.ts).
      const forwarded = clientAddress(undefined, headers?.['x-forwarded-for'], this.#deps.settings.trustProxy ?? false);
      const forwardedFor = forwarded === 'unknown' ? undefined : forwarded;
      if (credentials.sessionId || credentials.token || forwardedFor) this.#facts.set(raw, { credentials, forwardedFor });
      // engine.io's upgrade response object still holds the request until the TCP socket
      // closes: empty what it holds, so only a small shell stays per connection.
      const req = raw.request as (http.IncomingMessage & { websocket?: unknown; _query?: unknown }) | null;
      if (req) {
        req.headers = {};
        req.rawHeaders = [];
        req.websocket = undefined;
        req._query = undefined;
      }
      raw.request = null;
    });
    this.io.on('connection', (socket) => this.#onViewer(socket));
    this.io.on('chat:sanction', (s) => this.#applySanction(s));
    this.io.on('chat:sanction-lifted', (s) => this.#applyLift(s));
    this.moderation.use((socket, next) => this.#authenticate(socket, next));
    this.moderation.on('connection', (socket) => this.#onModerator(socket));
    this.feed.start();
    this.#wireChat();
    this.#prune = setInterval(() => {
      this.#deps.chat?.prune();
      for (const key of [...this.#chatQueues.keys()]) this.#flushChat(key);
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
    const local = this.io.local as unknown as { emit(event: string, payload: unknown): boolean; to(rooms: string[]): { emit(event: string, payload: unknown): boolean } };
    return this.feed.resync(reader, {
      toAll: (event: string, payload: unknown) => void local.emit(event, payload),
      toRooms: (rooms: string[], event: string, payload: unknown) => void local.to(rooms).emit(event, payload),
    });
  }

  async stop(): Promise<void> {
    this.feed.stop();
    for (const u of this.#unsubscribe.splice(0)) u();
    for (const q of this.#chatQueues.values()) q.cancel?.();
    this.#chatQueues.clear();
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
    type EngineClient = { close(discard?: boolean): void; once(event: 'close', listener: () => void): void };
    const clients = Object.values((this.io.engine as unknown as { clients: Record<string, EngineClient> }).clients);
    // A graceful close waits for each client's queue to drain; slow ones get 2 s, then the
    // engine closes what is left.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(clients.map((c) => new Promise<void>((resolve) => (c.once('close', resolve), c.close())))),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000))),
    ]);
    clearTimeout(timer);
    // Not io.close(): that would also close the HTTP server, which main.ts owns.
    this.io.engine.close();
  }

  // -------------------------------------------------------------------------------------
  // Incoming events: one dispatcher per namespace, shared by every socket
  // -------------------------------------------------------------------------------------

  /**
   * Checks one incoming packet and runs its handler: unknown events and floods are refused
   * before any parsing, the payload is parsed by the handler's zod schema (`invalid` ack
   * otherwise), a failure inside answers `internal`, and a missing ack is tolerated.
   * Handlers are looked up in a table built once, so a connection costs one small closure
   * (its middleware) rather than a listener per event.
   */
  #dispatch<S extends { id: string }>(socket: S, packet: unknown[], handlers: ReadonlyMap<string, Handler<S>>, flood: Limiter): void {
    const [event] = packet;
    const last = packet[packet.length - 1];
    const ack: AnyAck = typeof last === 'function' ? (last as AnyAck) : () => {};
    const handler = typeof event === 'string' ? handlers.get(event) : undefined;
    if (!handler) {
      refuse(ack, 'unknown-event', `"${String(event).slice(0, 40)}" is not an event of this namespace.`);
      return;
    }
    flood.consume(socket.id).then(
      (verdict) => {
        if (verdict.allowed) this.#run(socket, packet, handler, ack);
        else refuse(ack, 'rate-limited', 'Too many requests; wait a few seconds.');
      },
      (err: unknown) => {
        this.#deps.logger.error({ err, event }, 'realtime: the flood guard failed');
        refuse(ack, 'internal', 'Something went wrong on the server; try again.');
      },
    );
  }

  /** Parses the payload with the handler's schema and runs it. */
  #run<S>(socket: S, packet: unknown[], handler: Handler<S>, ack: AnyAck): void {
    const [event] = packet;
    let payload: unknown = undefined;
    if (handler.schema) {
      const parsed = handler.schema.safeParse(packet[1]);
      if (!parsed.success) {
        refuse(ack, 'invalid', describeIssues(parsed.error));
        return;
      }
      payload = parsed.data;
    }
    Promise.resolve()
      .then(() => handler.run(socket, payload, ack))
      .catch((err: unknown) => {
        this.#deps.logger.error({ err, event }, 'realtime: handler failed');
        refuse(ack, 'internal', 'Something went wrong on the server; try again.');
      });
  }

  // -------------------------------------------------------------------------------------
  // Viewers
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
        if (issued) socket.emit('viewer:identity', { token: issued.token });
      }
      const ip = this.#facts.get(socket.conn)?.forwardedFor ?? socket.handshake.address;
      socket.data = { viewerId, ip, nickname: null };
    }
    // Handled here and never passed on: no per-event listeners on the socket.
    socket.use((packet) => this.#dispatch(socket, packet, this.#viewerHandlers, this.#viewerEvents));
    // Through the adapter on purpose: with connection state recovery this packet carries the
    // offset a dropped viewer needs to be recovered at all (socket.io recovers from the last
    // offset received). The feed shares one snapshot object among viewers connecting in the
    // same second, so what the adapter keeps per viewer is a small wrapper.
    socket.emit('schedule', this.feed.snapshot());
  }

  #buildViewerHandlers(): Map<string, Handler<ViewerSocket>> {
    const roomsOf = (req: z.infer<typeof subscribeSchema>): string[] => [
      ...(req.programmes ?? []).map(roomOf.programme),
      ...(req.categories ?? []).map(roomOf.category),
      ...(req.audiences ?? []).map(roomOf.audience),
    ];
    const subscribed = (socket: ViewerSocket): string[] => [...socket.rooms].filter((r) => /^[pca]:/.test(r));
    const chat = this.#deps.chat;
    const handlers = new Map<string, Handler<ViewerSocket>>();
    const on = <S extends z.ZodType>(event: keyof ClientToServerEvents, schema: S | null, run: (socket: ViewerSocket, p: z.infer<S>, ack: AnyAck) => unknown): void => {
      handlers.set(event, { schema, run: run as Handler<ViewerSocket>['run'] });
    };

    on('subscribe', subscribeSchema, (socket, req, ack) => {
      const rooms = roomsOf(req);
      if (subscribed(socket).length + rooms.length > 100) return refuse(ack, 'too-many', 'At most 100 subscriptions per page.');
      socket.join(rooms);
      ack({ ok: true, rooms: subscribed(socket) });
    });
    on('unsubscribe', subscribeSchema, (socket, req, ack) => {
      for (const r of roomsOf(req)) socket.leave(r);
      ack({ ok: true, rooms: subscribed(socket) });
    });
    on('schedule:get', null, (_socket, _req, ack) => {
      ack({ ok: true, snapshot: this.feed.snapshot() });
    });
    on('chat:join', chatJoinSchema, async (socket, req, ack) => {
      if (!chat) return refuse(ack, 'no-chat', 'Chat is not available on this server.');
      const result = await chat.join(req.occurrenceId, req.nickname, { viewerId: socket.data.viewerId, ip: socket.data.ip });
      if (!result.ok) return refuse(ack, result.code, result.message);
      socket.data.nickname = result.value.nickname;
      socket.join(roomOf.chat(req.occurrenceId));
      ack({ ok: true, state: result.value.state, history: result.value.history });
    });
    on('chat:leave', chatLeaveSchema, (socket, req, ack) => {
      socket.leave(roomOf.chat(req.occurrenceId));
      ack({ ok: true });
    });
    on('chat:send', chatSendSchema, async (socket, req, ack) => {
      if (!chat) return refuse(ack, 'no-chat', 'Chat is not available on this server.');
      if (!socket.rooms.has(roomOf.chat(req.occurrenceId)) || !socket.data.nickname) {
        return refuse(ack, 'not-joined', 'Join the chat with a nickname first.');
      }
      const result = await chat.post(
        { connectionId: socket.id, fingerprint: socket.data.viewerId, ip: socket.data.ip, nickname: socket.data.nickname },
        req.occurrenceId,
        req.text,
      );
      if (!result.ok) return refuse(ack, result.code, result.message);
      ack({ ok: true, message: result.value });
    });
    return handlers;
  }

  // -------------------------------------------------------------------------------------
  // Moderators
  // -------------------------------------------------------------------------------------

  #authenticate(socket: ModeratorSocket, next: (err?: Error) => void): void {
    const facts = this.#facts.get(socket.conn);
    const authToken = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    // The handshake's auth.token (socket.io-client's `auth`) is a bearer token too.
    const credentials: Credentials = { ...facts?.credentials };
    if (typeof authToken === 'string' && authToken) credentials.token = authToken;
    const moderators = this.#deps.moderators;
    if (!moderators) {
      next(new Error('unauthorized'));
      return;
    }
    moderators
      .identify(credentials)
      .then(
        (who) => {
          if (!who) return next(new Error('unauthorized'));
          socket.data = { moderator: who.moderator, expiresAt: who.expiresAt?.toISOString() ?? null };
          next();
        },
        (err: unknown) => {
          // The session store (Redis) is unreachable: refuse, and say so in the log.
          this.#deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'realtime: could not check a moderator session');
          next(new Error('unavailable'));
        },
      );
  }

  #onModerator(socket: ModeratorSocket): void {
    socket.use((packet) => this.#dispatch(socket, packet, this.#moderatorHandlers, this.#moderatorEvents));
    if (socket.data.expiresAt) {
      const cancel = this.#deps.clock.at(new Date(socket.data.expiresAt), () => this.#endSession(socket));
      socket.on('disconnect', cancel);
    }
  }

  #endSession(socket: ModeratorSocket): void {
    socket.emit('session:expired');
    socket.disconnect(true);
  }

  #buildModeratorHandlers(): Map<string, Handler<ModeratorSocket>> {
    const handlers = new Map<string, Handler<ModeratorSocket>>();
    const on = <S extends z.ZodType>(
      event: keyof ModerationClientToServerEvents,
      schema: S | null,
      run: (socket: ModeratorSocket, p: z.infer<S>, ack: AnyAck, chat: RealtimeChatPort) => unknown,
    ): void => {
      handlers.set(event, {
        schema,
        run: (socket, p, ack) => {
          const at = socket.data.expiresAt;
          if (at !== null && Date.parse(at) <= this.#deps.clock.now().getTime()) {
            refuse(ack, 'session-expired', 'Your session has ended; log in again.');
            this.#endSession(socket);
            return;
          }
          const chat = this.#deps.chat;
          if (!chat) return refuse(ack, 'no-chat', 'Chat is not available on this server.');
          return run(socket, p as z.infer<S>, ack, chat);
        },
      });
    };

    on('mod:action', moderationActionSchema, async (socket, action, ack, chat) => {
      const result = await chat.moderate(socket.data.moderator, action);
      if (!result.ok) return refuse(ack, result.code, result.message);
      ack({ ok: true, entry: result.value });
    });
    on('mod:rooms', null, async (_socket, _p, ack, chat) => {
      const statuses = this.#deps.youtube?.statuses() ?? [];
      const rooms = (await chat.rooms()).map((state) => {
        const occ = this.#deps.schedule.find(state.occurrenceId);
        return {
          state,
          title: chat.title(state.occurrenceId),
          start: occ?.start.toISOString() ?? null,
          end: occ?.end.toISOString() ?? null,
          timezone: occ?.timezone ?? null,
          destinations: occ ? [...occ.destinations] : [],
          youtube: statuses.find((y) => y.occurrenceId === state.occurrenceId) ?? null,
        };
      });
      rooms.sort((a, b) => (a.start ?? '').localeCompare(b.start ?? ''));
      ack({ ok: true, rooms });
    });
    on('mod:sanctions', null, async (_socket, _p, ack, chat) => {
      ack({ ok: true, sanctions: await chat.sanctions() });
    });
    on('mod:history', historySchema, async (_socket, req, ack, chat) => {
      ack({ ok: true, messages: await chat.history(req.occurrenceId, 200) });
    });
    on('mod:audit', auditSchema, async (_socket, req, ack, chat) => {
      ack({ ok: true, entries: await chat.audit(req.limit ?? 100) });
    });
    return handlers;
  }

  // -------------------------------------------------------------------------------------
  // Chat fan-out
  // -------------------------------------------------------------------------------------

  #wireChat(): void {
    const chat = this.#deps.chat;
    if (chat) {
      this.#unsubscribe.push(
        chat.subscribe({
          message: (m) => this.#queueChat(m, false),
          external: (m) => this.#queueChat(m, true),
          deleted: (d) => {
            this.#flushChat(d.occurrenceId);
            this.io.to(roomOf.chat(d.occurrenceId)).emit('chat:deleted', d);
            this.moderation.emit('chat:deleted', d);
          },
          state: (st) => {
            this.#flushChat(st.occurrenceId);
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

  /**
   * Chat goes out in batches per room: the first message after a quiet spell at once (next
   * turn of the event loop), later ones gathered for up to chatBatchMs. With 1,000 viewers
   * in a room a message costs 1,000 frames; batching keeps a busy chat from costing a frame
   * per message per viewer. A plain timer, not the Clock: it paces delivery, it schedules
   * nothing a test needs to drive.
   */
  #queueChat(message: ChatMessagePayload, moderatorsOnly: boolean): void {
    const key = message.occurrenceId;
    let q = this.#chatQueues.get(key);
    if (!q) {
      q = { viewers: [], moderators: [], cancel: undefined, last: 0 };
      this.#chatQueues.set(key, q);
    }
    if (!moderatorsOnly) q.viewers.push(message);
    q.moderators.push(message);
    if (q.cancel) return;
    const wait = q.last + (this.#deps.settings.chatBatchMs ?? 100) - Date.now();
    if (wait <= 0) {
      const h = setImmediate(() => this.#flushChat(key));
      q.cancel = () => clearImmediate(h);
    } else {
      const h = setTimeout(() => this.#flushChat(key), wait);
      q.cancel = () => clearTimeout(h);
    }
  }

  #flushChat(occurrenceId: string): void {
    const q = this.#chatQueues.get(occurrenceId);
    if (!q) return;
    q.cancel?.();
    q.cancel = undefined;
    if (q.moderators.length === 0) {
      // Quiet room: forget it, so rooms of past broadcasts do not pile up.
      if (Date.now() - q.last > 60_000) this.#chatQueues.delete(occurrenceId);
      return;
    }
    q.last = Date.now();
    if (q.viewers.length > 0) this.io.to(roomOf.chat(occurrenceId)).emit('chat:messages', q.viewers);
    this.moderation.emit('chat:messages', q.moderators);
    q.viewers = [];
    q.moderators = [];
  }
}

/** Builds and starts the realtime layer on an existing HTTP server (used by main.ts). */
export function attachRealtime(deps: RealtimeDeps): RealtimeServer {
  const realtime = new RealtimeServer(deps);
  realtime.start();
  return realtime;
}
