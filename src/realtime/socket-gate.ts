// The gate every Socket.IO connection passes before any event is handled: the Host and
// Origin rules (the same as HTTP's), the per-address connection cap, what the handshake's
// credentials say, and the moderator namespace's authentication. It keeps only what later
// checks need from each handshake request and lets the request itself go.
import type http from 'node:http';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Logger } from '../shared/logger.js';
import { clientAddress } from '../shared/client-address.js';
import { credentialsOf, hostAllowed, hostRule, originAllowed, type Credentials } from '../shared/credentials.js';
import type { ModeratorIdentityPort } from './ports.js';
import type { Socket } from 'socket.io';

/** socket.io's handshake record (its type is not exported by name). */
type Handshake = Socket['handshake'];

/** The TCP socket under a WebSocket upgrade, as the gate touches it. */
interface UpgradeSocket {
  rawListeners(event: 'close'): unknown[];
  removeListener(event: 'close', fn: () => void): unknown;
}

/** What the gate needs from the realtime settings. */
export interface GateSettings {
  corsOrigins: readonly string[];
  publicUrl?: string;
  /** @defaultValue false */
  trustProxy?: boolean;
  /** @defaultValue [] */
  allowedHosts?: readonly string[];
  /** @defaultValue 256 */
  maxSocketsPerAddress?: number;
}

/** What the engine.io connection told us before its request object was let go. */
export interface ConnectionFacts {
  credentials: Credentials;
  /** The client's address as our reverse proxy saw it (server.trustProxy). */
  forwardedFor: string | undefined;
}

/** An engine.io connection as the gate sees it (engine.io does not export its client list). */
export interface RawConnection {
  request: http.IncomingMessage | null;
  on(event: 'close', fn: () => void): void;
  once(event: 'close', fn: () => void): void;
  close(discard?: boolean): void;
  /** Its transport; a WebSocket one holds the `ws` socket. */
  transport?: { socket?: { listeners(event: 'error'): Array<(...args: unknown[]) => void>; removeListener(event: 'error', fn: (...args: unknown[]) => void): unknown } };
}

export class SocketGate {
  readonly #settings: GateSettings;
  readonly #hosts: ReturnType<typeof hostRule>;
  readonly #facts = new WeakMap<object, ConnectionFacts>();
  /** Open engine.io connections per client address (the per-address cap). */
  readonly #perAddress = new Map<string, number>();
  /** Open engine.io connections, so shutdown can close each gracefully, and the address each counts against. */
  readonly #open = new Map<RawConnection, string | undefined>();
  /**
   * Every connection's 'close' listener: one function for all (the emitter is `this`), so a
   * connection carries no closure of its own (about 0.1 KB a viewer in bench:fanout).
   */
  readonly #onClose: (this: RawConnection) => void;
  /**
   * The upgrade's response of each handshake request (engine.io's WebSocketResponse), and
   * the 'close' listener it put on the TCP socket, until admitted.
   */
  readonly #responses = new WeakMap<object, { res: { req?: unknown }; tcp?: UpgradeSocket; onClose?: unknown }>();

  constructor(settings: GateSettings) {
    this.#settings = settings;
    this.#hosts = hostRule(settings.publicUrl ?? '', settings.allowedHosts ?? []);
    const open = this.#open;
    const perAddress = this.#perAddress;
    this.#onClose = function (this: RawConnection) {
      if (!open.has(this)) return;
      const address = open.get(this);
      open.delete(this);
      if (address === undefined) return;
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    };
  }

  /** engine.io's allowRequest: Host and Origin rules, then the per-address cap. */
  allowRequest(req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void {
    const s = this.#settings;
    // A page on another site may not open a socket here (that would let it ride a
    // moderator's cookie): browsers send Origin, and only ours and server.corsOrigins pass.
    // The same Host allow-list as HTTP's (DNS rebinding), then the same origin rule.
    if (!hostAllowed(req.headers.host, this.#hosts) || !originAllowed(req.headers.origin, req.headers.host, s.publicUrl ? [...s.corsOrigins, s.publicUrl] : s.corsOrigins)) {
      return callback(null, false);
    }
    // One address may not hold the server's sockets (1,000 from one address were accepted).
    const count = this.#perAddress.get(this.#addressOf(req)) ?? 0;
    const cap = s.maxSocketsPerAddress ?? 256;
    callback(count >= cap ? 'too many connections from this address' : null, count < cap);
  }

  /**
   * An engine.io middleware: notes each request's response, so admit() can cut the link a
   * WebSocket upgrade's response keeps to its request until the TCP socket closes.
   */
  noteResponse(req: IncomingMessage, res: object, next: (err?: unknown) => void): void {
    // Only an upgrade's: a polling request's ServerResponse is still being written.
    if (!(res instanceof ServerResponse)) {
      // engine.io's WebSocketResponse has just put its 'close' listener on the TCP socket
      // (it re-emits 'close' for middlewares that wait for the response's end; onair has none):
      // the newest one there now. Nothing else runs between that and this middleware.
      const tcp = (res as { socket?: UpgradeSocket }).socket;
      const onClose = tcp?.rawListeners('close').at(-1);
      this.#responses.set(req, { res: res as { req?: unknown }, ...(tcp && onClose ? { tcp, onClose } : {}) });
    }
    next();
  }

  /** engine.io's 'connection': counts the address, keeps the credentials, drops the request. */
  admit(raw: RawConnection): void {
    const address = raw.request ? this.#addressOf(raw.request) : undefined;
    this.#open.set(raw, address);
    if (address !== undefined) this.#perAddress.set(address, (this.#perAddress.get(address) ?? 0) + 1);
    // One listener, not once(): 'close' comes once, and every connection carries what it adds.
    raw.on('close', this.#onClose);
    // Keep only what authentication needs, then drop the handshake request: holding on to
    // it for every connection costs memory (socket.io's own performance advice).
    const headers = raw.request?.headers;
    const credentials = headers ? credentialsOf(headers) : {};
    // The same rule as the HTTP side's rate limits (src/shared/client-address.ts).
    const forwarded = clientAddress(undefined, headers?.['x-forwarded-for'], this.#settings.trustProxy ?? false);
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
    // engine.io's WebSocketResponse stays referenced by the TCP socket's 'close' listener for
    // the whole connection, and it holds the request; nothing reads either after the upgrade.
    // Without that listener the response goes too (its emitter, the once wrapper: about
    // 0.4 KB a viewer in bench:fanout).
    const noted = req ? this.#responses.get(req) : undefined;
    if (noted) {
      if ('req' in noted.res) noted.res.req = undefined;
      noted.tcp?.removeListener('close', noted.onClose as () => void);
    }
    raw.request = null;
    // engine.io leaves its pre-upgrade error listener on a new WebSocket for the connection's
    // life (it removes it only when a polling client upgrades); the transport's own listener
    // handles errors from here on.
    const ws = raw.transport?.socket;
    for (const fn of ws?.listeners('error') ?? []) if (fn.name === 'onUpgradeError') ws?.removeListener('error', fn);
  }

  /** What the handshake of this engine.io connection (a socket's `conn`) carried. */
  factsOf(conn: object): ConnectionFacts | undefined {
    return this.#facts.get(conn);
  }

  /** The connections still open (for a graceful shutdown). */
  open(): RawConnection[] {
    return [...this.#open.keys()];
  }

  /**
   * The moderator namespace's middleware: the session cookie or bearer token of the
   * handshake, or the handshake's auth.token, must name a moderator; `next(err)` refuses.
   */
  moderatorAuth<S extends { conn: object; handshake: { auth: unknown }; data: unknown }>(
    moderators: ModeratorIdentityPort | undefined,
    logger: Logger,
    admitted: (socket: S, who: { moderator: string; expiresAt: string | null }) => void,
  ): (socket: S, next: (err?: Error) => void) => void {
    return (socket, next) => {
      const facts = this.#facts.get(socket.conn);
      const authToken = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      // The handshake's auth.token (socket.io-client's `auth`) is a bearer token too.
      const credentials: Credentials = { ...facts?.credentials };
      if (typeof authToken === 'string' && authToken) credentials.token = authToken;
      if (!moderators) {
        next(new Error('unauthorized'));
        return;
      }
      moderators.identify(credentials).then(
        (who) => {
          if (!who) return next(new Error('unauthorized'));
          admitted(socket, { moderator: who.moderator, expiresAt: who.expiresAt?.toISOString() ?? null });
          next();
        },
        (err: unknown) => {
          // The session store (Redis) is unreachable: refuse, and say so in the log.
          logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'realtime: could not check a moderator session');
          next(new Error('unavailable'));
        },
      );
    };
  }

  /** The client's address for the per-address cap: the same rule as chat's and HTTP's. */
  #addressOf(req: IncomingMessage): string {
    const forwarded = clientAddress(undefined, req.headers['x-forwarded-for'], this.#settings.trustProxy ?? false);
    return forwarded === 'unknown' ? (req.socket.remoteAddress ?? 'unknown') : forwarded;
  }
}

const NOTHING = Object.freeze({});

/**
 * Replaces a viewer socket's handshake, once the connection handler has read it, by one that
 * keeps only the address and the times: socket.io keeps the whole handshake for the life of
 * the socket (its date string, URL, query and auth objects: about 0.4 KB a viewer in
 * bench:fanout) and nothing of onair reads it afterwards; the cluster adapter's fetchSockets,
 * the one reader in socket.io, is not used.
 */
export function forgetHandshake(socket: { handshake: Handshake }): void {
  const h = socket.handshake;
  const slim: Handshake = {
    headers: NOTHING as Handshake['headers'],
    time: '',
    address: h.address,
    xdomain: h.xdomain,
    secure: h.secure,
    issued: h.issued,
    url: '',
    query: NOTHING as Handshake['query'],
    auth: NOTHING,
  };
  (socket as { handshake: Handshake }).handshake = slim;
}
