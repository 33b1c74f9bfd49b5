// Who is a moderator: accounts from config (scrypt hashes) log in to a session that expires
// after moderation.sessionTtl; or a bearer token from ONAIR_MODERATOR_TOKEN. Sessions live
// in a SessionStore: in memory by default (a restart logs moderators out, the safe side), in
// Redis in cluster mode (every web node knows every login). identify() is the one place that
// says whose credentials (src/shared/credentials.ts credentialsOf) a request or socket carries.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { sameSecret, type Credentials } from '../shared/credentials.js';
import { verifyPassword } from './password.js';
import { MemorySessionStore, type ModeratorSession, type SessionStore } from './session-store.js';

export interface ModeratorAccount {
  name: string;
  passwordHash: string;
}

export interface ModeratorAuthDeps {
  accounts: readonly ModeratorAccount[];
  /** ONAIR_MODERATOR_TOKEN; undefined = no bearer access with it. */
  token: string | undefined;
  /**
   * The local staff token (the file written into the data folder at first start, see
   * src/http/staff-token.ts); recorded as LOCAL_TOKEN_MODERATOR. @defaultValue none
   */
  localToken?: string;
  /** @defaultValue 8 hours (config moderation.sessionTtl) */
  sessionTtlMs: number;
  clock: Clock;
  /** Where sessions live. @defaultValue in memory (cluster mode: RedisSessionStore) */
  sessions?: SessionStore;
}

/** Name recorded in the audit log for actions taken with the bearer token. */
export const TOKEN_MODERATOR = 'token';

/** Name recorded for actions taken with the local staff token file. */
export const LOCAL_TOKEN_MODERATOR = 'local-token';

export class ModeratorAuth {
  readonly #deps: ModeratorAuthDeps;
  readonly #sessions: SessionStore;

  constructor(deps: ModeratorAuthDeps) {
    this.#deps = deps;
    this.#sessions = deps.sessions ?? new MemorySessionStore(() => deps.clock.now().getTime());
  }

  get sessionTtlMs(): number {
    return this.#deps.sessionTtlMs;
  }

  /** Checks name and password (throttling attempts is the login route's, src/http/login-throttle.ts). */
  async login(name: string, password: string): Promise<ModeratorSession | undefined> {
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

  /** Who the bearer `token` names (compared in constant time), or undefined. */
  #tokenOwner(token: string): string | undefined {
    // Both compared every time, so timing does not say which token was close.
    const env = this.#deps.token !== undefined && sameSecret(token, this.#deps.token);
    const local = this.#deps.localToken !== undefined && sameSecret(token, this.#deps.localToken);
    return env ? TOKEN_MODERATOR : local ? LOCAL_TOKEN_MODERATOR : undefined;
  }

  /**
   * The moderator behind a request or socket, from what credentialsOf() read: a session id
   * from the cookie, or a bearer token. Returns the name and, for sessions, when it expires.
   */
  async identify(credentials: Credentials): Promise<ModeratorIdentity | undefined> {
    if (credentials.sessionId) {
      const s = await this.session(credentials.sessionId);
      if (s) return { moderator: s.moderator, expiresAt: s.expiresAt };
    }
    const owner = credentials.token ? this.#tokenOwner(credentials.token) : undefined;
    return owner ? { moderator: owner, expiresAt: null } : undefined;
  }
}

/** Who a request or socket belongs to: the moderator's name and, for sessions, when it ends. */
export interface ModeratorIdentity {
  moderator: string;
  expiresAt: Date | null;
}
