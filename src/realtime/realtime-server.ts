// The Socket.IO server on the HTTP server express already uses: viewers on "/",
// moderators on "/moderation". Every incoming event is checked against the list of known
// events, throttled per socket and parsed with zod before any service sees it.
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Server, type Namespace, type Socket } from 'socket.io';
import type { Cancel, Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { TypedEmitter } from '../shared/typed-emitter.js';
import type { BroadcastRecord, EngineEvents, ScheduleReader } from '../scheduler/ports.js';
import type {
  AckError,
  ClientToServerEvents,
  ModerationClientToServerEvents,
  ModerationServerToClientEvents,
  ServerToClientEvents,
} from './events.js';
import type { ModeratorIdentityPort, RealtimeChatPort, YoutubeStatusPort } from './ports.js';
import { ProgrammeFeed, roomOf } from './programme-feed.js';
import {
  auditSchema,
  chatJoinSchema,
  chatLeaveSchema,
  chatSendSchema,
  describeIssues,
  fingerprintSchema,
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
  /** Events one socket may send per 10 s before being refused. @defaultValue 30 */
  eventsPer10s?: number;
  /** Name of the moderator session cookie. @defaultValue "onair_mod" */
  sessionCookie?: string;
}

export interface RealtimeDeps {
  server: http.Server;
  engineEvents: Pick<TypedEmitter<EngineEvents>, 'on'>;
  schedule: ScheduleReader;
  chat?: RealtimeChatPort;
  moderators?: ModeratorIdentityPort;
  youtube?: YoutubeStatusPort;
  /** Records known at start (from the broadcast store), so a restart knows what is live. */
  initialRecords?: readonly BroadcastRecord[];
  settings: RealtimeSettings;
  logger: Logger;
  clock: Clock;
}

interface ViewerData {
  fingerprint: string;
  ip: string;
  nickname: string | null;
}

interface ModeratorData {
  moderator: string;
  expiresAt: string | null;
}

type ViewerSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, ViewerData>;
type ModeratorSocket = Socket<ModerationClientToServerEvents, ModerationServerToClientEvents, Record<string, never>, ModeratorData>;
type AnyAck = (ack: { ok: true; [key: string]: unknown } | { ok: false; error: AckError }) => void;

const VIEWER_EVENTS: ReadonlySet<string> = new Set<keyof ClientToServerEvents>([
  'subscribe',
  'unsubscribe',
  'schedule:get',
  'chat:join',
  'chat:leave',
  'chat:send',
]);
const MODERATOR_EVENTS: ReadonlySet<string> = new Set<keyof ModerationClientToServerEvents>(['mod:action', 'mod:rooms', 'mod:history', 'mod:audit']);

/** What the engine.io connection told us before its request object was let go. */
interface ConnectionFacts {
  sessionId: string | undefined;
  bearer: string | undefined;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function refuse(ack: AnyAck | undefined, code: string, message: string): void {
  ack?.({ ok: false, error: { code, message } });
}

export class RealtimeServer {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, ViewerData>;
  readonly moderation: Namespace<ModerationClientToServerEvents, ModerationServerToClientEvents, Record<string, never>, ModeratorData>;
  readonly feed: ProgrammeFeed;
  readonly #deps: RealtimeDeps;
  readonly #facts = new WeakMap<object, ConnectionFacts>();
  readonly #unsubscribe: Array<() => void> = [];
  #prune: NodeJS.Timeout | undefined;

  constructor(deps: RealtimeDeps) {
    this.#deps = deps;
    const s = deps.settings;
    this.io = new Server(deps.server, {
      // Compression multiplied memory per connection about 9x in measurements; text is small.
      perMessageDeflate: false,
      httpCompression: false,
      maxHttpBufferSize: s.maxHttpBufferSize ?? 16 * 1024,
      connectionStateRecovery: { maxDisconnectionDuration: s.recoveryWindowMs ?? 120_000, skipMiddlewares: false },
      cors: s.corsOrigins.length > 0 ? { origin: [...s.corsOrigins], credentials: true } : undefined,
      serveClient: true,
    });
    // One server, two typed namespaces: socket.io types a server by its main namespace.
    this.moderation = this.io.of('/moderation') as unknown as RealtimeServer['moderation'];
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

  start(): void {
    const cookieName = this.#deps.settings.sessionCookie ?? 'onair_mod';
    // Keep only what authentication needs, then drop the handshake request: holding on to
    // it for every connection costs memory (socket.io's own performance advice).
    this.io.engine.on('connection', (raw: { request: http.IncomingMessage | null }) => {
      const headers = raw.request?.headers;
      const auth = headers?.authorization;
      this.#facts.set(raw, {
        sessionId: readCookie(headers?.cookie, cookieName),
        bearer: auth?.startsWith('Bearer ') ? auth.slice(7) : undefined,
      });
      raw.request = null;
    });
    this.io.on('connection', (socket) => this.#onViewer(socket));
    this.moderation.use((socket, next) => this.#authenticate(socket, next));
    this.moderation.on('connection', (socket) => this.#onModerator(socket));
    this.feed.start();
    this.#wireChat();
    this.#prune = setInterval(() => this.#deps.chat?.prune(), 60_000);
    this.#prune.unref();
  }

  async stop(): Promise<void> {
    this.feed.stop();
    for (const u of this.#unsubscribe.splice(0)) u();
    if (this.#prune) clearInterval(this.#prune);
    // Not io.close(): that would also close the HTTP server, which main.ts owns.
    this.io.disconnectSockets(true);
    this.moderation.disconnectSockets(true);
    this.io.engine.close();
  }

  // -------------------------------------------------------------------------------------
  // Guards shared by both namespaces
  // -------------------------------------------------------------------------------------

  /** Refuses unknown events and floods before they reach a handler. */
  #guard(socket: Socket, known: ReadonlySet<string>): void {
    const limit = this.#deps.settings.eventsPer10s ?? 30;
    let windowStart = 0;
    let count = 0;
    socket.use((packet, next) => {
      const [event] = packet;
      const last = packet[packet.length - 1];
      const ack = typeof last === 'function' ? (last as AnyAck) : undefined;
      if (typeof event !== 'string' || !known.has(event)) {
        refuse(ack, 'unknown-event', `"${String(event).slice(0, 40)}" is not an event of this namespace.`);
        return;
      }
      const now = this.#deps.clock.now().getTime();
      if (now - windowStart >= 10_000) {
        windowStart = now;
        count = 0;
      }
      if (++count > limit) {
        refuse(ack, 'rate-limited', 'Too many requests; wait a few seconds.');
        return;
      }
      next();
    });
  }

  /**
   * Registers a handler whose payload is parsed by `schema`; invalid input gets an
   * `invalid` ack, a failure inside gets `internal`, and a missing ack is tolerated.
   */
  #handle<S extends z.ZodType>(
    socket: Socket,
    event: string,
    schema: S | null,
    fn: (payload: z.infer<S>, ack: AnyAck) => Promise<void> | void,
  ): void {
    socket.on(event, (...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack: AnyAck = typeof last === 'function' ? (last as AnyAck) : () => {};
      let payload: unknown = undefined;
      if (schema) {
        const parsed = schema.safeParse(args[0]);
        if (!parsed.success) {
          refuse(ack, 'invalid', describeIssues(parsed.error));
          return;
        }
        payload = parsed.data;
      }
      Promise.resolve()
        .then(() => fn(payload as z.infer<S>, ack))
        .catch((err: unknown) => {
          this.#deps.logger.error({ err, event }, 'realtime: handler failed');
          refuse(ack, 'internal', 'Something went wrong on the server; try again.');
        });
    });
  }

  // -------------------------------------------------------------------------------------
  // Viewers
  // -------------------------------------------------------------------------------------

  #onViewer(socket: ViewerSocket): void {
    if (!socket.recovered) {
      const fp = fingerprintSchema.safeParse((socket.handshake.auth as { fingerprint?: unknown } | undefined)?.fingerprint);
      socket.data = { fingerprint: fp.success ? fp.data : randomUUID(), ip: socket.handshake.address, nickname: null };
    }
    this.#guard(socket, VIEWER_EVENTS);
    socket.emit('schedule', this.feed.snapshot());

    const roomsOf = (req: z.infer<typeof subscribeSchema>): string[] => [
      ...(req.programmes ?? []).map(roomOf.programme),
      ...(req.categories ?? []).map(roomOf.category),
      ...(req.audiences ?? []).map(roomOf.audience),
    ];
    const subscribed = (): string[] => [...socket.rooms].filter((r) => /^[pca]:/.test(r));

    this.#handle(socket, 'subscribe', subscribeSchema, (req, ack) => {
      const rooms = roomsOf(req);
      if (subscribed().length + rooms.length > 100) return refuse(ack, 'too-many', 'At most 100 subscriptions per page.');
      socket.join(rooms);
      ack({ ok: true, rooms: subscribed() });
    });
    this.#handle(socket, 'unsubscribe', subscribeSchema, (req, ack) => {
      for (const r of roomsOf(req)) socket.leave(r);
      ack({ ok: true, rooms: subscribed() });
    });
    this.#handle(socket, 'schedule:get', null, (_req, ack) => {
      ack({ ok: true, snapshot: this.feed.snapshot() });
    });

    const chat = this.#deps.chat;
    this.#handle(socket, 'chat:join', chatJoinSchema, async (req, ack) => {
      if (!chat) return refuse(ack, 'no-chat', 'Chat is not available on this server.');
      const result = await chat.join(req.occurrenceId, req.nickname);
      if (!result.ok) return refuse(ack, result.code, result.message);
      socket.data.nickname = result.value.nickname;
      socket.join(roomOf.chat(req.occurrenceId));
      ack({ ok: true, state: result.value.state, history: result.value.history });
    });
    this.#handle(socket, 'chat:leave', chatLeaveSchema, (req, ack) => {
      socket.leave(roomOf.chat(req.occurrenceId));
      ack({ ok: true });
    });
    this.#handle(socket, 'chat:send', chatSendSchema, async (req, ack) => {
      if (!chat) return refuse(ack, 'no-chat', 'Chat is not available on this server.');
      if (!socket.rooms.has(roomOf.chat(req.occurrenceId)) || !socket.data.nickname) {
        return refuse(ack, 'not-joined', 'Join the chat with a nickname first.');
      }
      const result = await chat.post(
        { connectionId: socket.id, fingerprint: socket.data.fingerprint, ip: socket.data.ip, nickname: socket.data.nickname },
        req.occurrenceId,
        req.text,
      );
      if (!result.ok) return refuse(ack, result.code, result.message);
      ack({ ok: true, message: result.value });
    });
  }

  // -------------------------------------------------------------------------------------
  // Moderators
  // -------------------------------------------------------------------------------------

  #authenticate(socket: ModeratorSocket, next: (err?: Error) => void): void {
    const facts = this.#facts.get(socket.conn);
    const authToken = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const token = typeof authToken === 'string' ? authToken : facts?.bearer;
    const who = this.#deps.moderators?.identifyHeaders(
      facts?.sessionId ? `${this.#deps.settings.sessionCookie ?? 'onair_mod'}=${facts.sessionId}` : undefined,
      token,
    );
    if (!who) {
      next(new Error('unauthorized'));
      return;
    }
    socket.data = { moderator: who.moderator, expiresAt: who.expiresAt?.toISOString() ?? null };
    next();
  }

  #onModerator(socket: ModeratorSocket): void {
    this.#guard(socket, MODERATOR_EVENTS);
    let expiry: Cancel | undefined;
    const expired = (): boolean => {
      const at = socket.data.expiresAt;
      return at !== null && Date.parse(at) <= this.#deps.clock.now().getTime();
    };
    const endSession = (): void => {
      socket.emit('session:expired');
      socket.disconnect(true);
    };
    if (socket.data.expiresAt) expiry = this.#deps.clock.at(new Date(socket.data.expiresAt), endSession);
    socket.on('disconnect', () => expiry?.());

    const chat = this.#deps.chat;
    const guarded = <S extends z.ZodType>(event: string, schema: S | null, fn: (p: z.infer<S>, ack: AnyAck) => Promise<void> | void): void =>
      this.#handle(socket, event, schema, (p, ack) => {
        if (expired()) {
          refuse(ack, 'session-expired', 'Your session has ended; log in again.');
          endSession();
          return;
        }
        if (!chat) return refuse(ack, 'no-chat', 'Chat is not available on this server.');
        return fn(p, ack);
      });

    guarded('mod:action', moderationActionSchema, async (action, ack) => {
      const result = await chat!.moderate(socket.data.moderator, action);
      if (!result.ok) return refuse(ack, result.code, result.message);
      ack({ ok: true, entry: result.value });
    });
    guarded('mod:rooms', null, async (_p, ack) => {
      const statuses = this.#deps.youtube?.statuses() ?? [];
      const rooms = (await chat!.rooms()).map((state) => ({
        state,
        title: chat!.title(state.occurrenceId),
        youtube: statuses.find((y) => y.occurrenceId === state.occurrenceId) ?? null,
      }));
      ack({ ok: true, rooms });
    });
    guarded('mod:history', historySchema, async (req, ack) => {
      ack({ ok: true, messages: await chat!.history(req.occurrenceId, 200) });
    });
    guarded('mod:audit', auditSchema, async (req, ack) => {
      ack({ ok: true, entries: await chat!.audit(req.limit ?? 100) });
    });
  }

  // -------------------------------------------------------------------------------------
  // Chat fan-out
  // -------------------------------------------------------------------------------------

  #wireChat(): void {
    const chat = this.#deps.chat;
    if (chat) {
      this.#unsubscribe.push(
        chat.subscribe({
          message: (m) => {
            this.io.to(roomOf.chat(m.occurrenceId)).emit('chat:message', m);
            this.moderation.emit('chat:message', m);
          },
          external: (m) => this.moderation.emit('chat:message', m),
          deleted: (d) => {
            this.io.to(roomOf.chat(d.occurrenceId)).emit('chat:deleted', d);
            this.moderation.emit('chat:deleted', d);
          },
          state: (st) => {
            this.io.to(roomOf.chat(st.occurrenceId)).emit('chat:state', st);
            this.moderation.emit('chat:state', st);
          },
          audit: (entry) => this.moderation.emit('audit:entry', entry),
          sanction: (s) => {
            for (const socket of this.io.of('/').sockets.values()) {
              const mine = socket.data.fingerprint === s.fingerprint || (s.kind === 'ban' && s.ip !== null && socket.data.ip === s.ip);
              if (!mine) continue;
              socket.emit('chat:sanction', { kind: s.kind, occurrenceId: s.occurrenceId, until: s.until });
              if (s.kind === 'ban') for (const r of [...socket.rooms]) if (r.startsWith('chat:')) socket.leave(r);
            }
          },
        }),
      );
    }
    const youtube = this.#deps.youtube;
    if (youtube) this.#unsubscribe.push(youtube.onStatus((st) => this.moderation.emit('youtube:status', st)));
  }
}

/** Builds and starts the realtime layer on an existing HTTP server (used by main.ts). */
export function attachRealtime(deps: RealtimeDeps): RealtimeServer {
  const realtime = new RealtimeServer(deps);
  realtime.start();
  return realtime;
}
