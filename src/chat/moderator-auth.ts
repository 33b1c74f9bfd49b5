// Who is a moderator: accounts from config (scrypt hashes) log in to a session that expires
// after moderation.sessionTtl; or a bearer token from ONAIR_MODERATOR_TOKEN. Sessions live
// in a SessionStore: in memory by default (a restart logs moderators out, the safe side), in
// Redis in cluster mode (every web node knows every login).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { RateLimiter } from './rate-limiter.js';
import { verifyPassword } from './password.js';
import { MemorySessionStore, type ModeratorSession, type SessionStore } from './session-store.js';

export interface ModeratorAccount {
  name: string;
  passwordHash: string;
}

export interface ModeratorAuthDeps {
  accounts: readonly ModeratorAccount[];
  /** ONAIR_MODERATOR_TOKEN; undefined = no bearer access. */
  token: string | undefined;
  /** @defaultValue 8 hours (config moderation.sessionTtl) */
  sessionTtlMs: number;
  clock: Clock;
  /** Where sessions live. @defaultValue in memory (cluster mode: RedisSessionStore) */
  sessions?: SessionStore;
}

/** Name recorded in the audit log for actions taken with the bearer token. */
export const TOKEN_MODERATOR = 'token';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'onair_mod';

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export class ModeratorAuth {
  readonly #deps: ModeratorAuthDeps;
  readonly #sessions: SessionStore;
  readonly #attempts: RateLimiter;

  constructor(deps: ModeratorAuthDeps) {
    this.#deps = deps;
    this.#sessions = deps.sessions ?? new MemorySessionStore(() => deps.clock.now().getTime());
    // Ten tries a minute per address: enough for typos, useless for guessing.
    this.#attempts = new RateLimiter({ limit: 10, windowMs: 60_000, now: () => deps.clock.now().getTime() });
  }

  get sessionTtlMs(): number {
    return this.#deps.sessionTtlMs;
  }

  /** Checks name and password; 'throttled' when this address tried too often. */
  async login(name: string, password: string, address: string): Promise<ModeratorSession | 'throttled' | undefined> {
    if (!this.#attempts.hit(address)) return 'throttled';
    const account = this.#deps.accounts.find((a) => a.name === name);
    // Verify against a dummy when the name is unknown, so timing does not tell names apart.
    const ok = await verifyPassword(password, account?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    if (!ok || !account) return undefined;
    const session: ModeratorSession = {
      id: randomBytes(32).toString('base64url'),
      moderator: account.name,
      expiresAt: new Date(this.#deps.clock.now().getTime() + this.#deps.sessionTtlMs),
    };
    await this.#sessions.put(session);
    return session;
  }

  async logout(sessionId: string): Promise<void> {
    await this.#sessions.delete(sessionId);
  }

  /** The live session with this id, or undefined (unknown or expired). */
  async session(sessionId: string): Promise<ModeratorSession | undefined> {
    const s = await this.#sessions.get(sessionId);
    if (!s) return undefined;
    if (s.expiresAt.getTime() <= this.#deps.clock.now().getTime()) {
      await this.#sessions.delete(sessionId);
      return undefined;
    }
    return s;
  }

  /** True when `token` is the configured bearer token (compared in constant time). */
  verifyToken(token: string): boolean {
    const want = this.#deps.token;
    if (!want) return false;
    return timingSafeEqual(digest(token), digest(want));
  }

  /**
   * The moderator behind a request: a session id from the cookie, or a bearer token.
   * Returns the name and, for sessions, when it expires.
   */
  identifyHeaders(cookieHeader: string | undefined, token: string | undefined): Promise<ModeratorIdentity | undefined> {
    return identifyHeadersWith(this, cookieHeader, token);
  }

  async identify(credentials: { sessionId?: string | undefined; token?: string | undefined }): Promise<ModeratorIdentity | undefined> {
    if (credentials.sessionId) {
      const s = await this.session(credentials.sessionId);
      if (s) return { moderator: s.moderator, expiresAt: s.expiresAt };
    }
    if (credentials.token && this.verifyToken(credentials.token)) return { moderator: TOKEN_MODERATOR, expiresAt: null };
    return undefined;
  }
}

/** Who a request or socket belongs to: the moderator's name and, for sessions, when it ends. */
export interface ModeratorIdentity {
  moderator: string;
  expiresAt: Date | null;
}

/** The same, from a Cookie header and a bearer token as they arrive on a request. */
export function identifyHeadersWith(
  auth: ModeratorAuth,
  cookieHeader: string | undefined,
  token: string | undefined,
): Promise<ModeratorIdentity | undefined> {
  return auth.identify({ sessionId: readCookie(cookieHeader, SESSION_COOKIE), token });
}

/** Reads one cookie's value from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
