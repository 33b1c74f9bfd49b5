// Where moderator (and control-room staff) sessions live. The embedded default keeps them in
// memory (a restart logs everyone out, the safe side); cluster mode keeps them in Redis
// (src/store/redis/session-store.ts), so a login on one web node holds on every other and
// survives a node restart.

/** One login: its secret id (the cookie's value), who, and when it ends. */
export interface ModeratorSession {
  id: string;
  moderator: string;
  expiresAt: Date;
}

/**
 * Contract: `put` keeps a session until its `expiresAt` (a store may drop it then, or later:
 * ModeratorAuth checks `expiresAt` on every read); `get` returns what `put` stored, or
 * undefined for an unknown, deleted or dropped id; `delete` of an unknown id is no error.
 * Left out: listing sessions, and renewing one (a session ends at its expiry, full stop).
 */
export interface SessionStore {
  put(session: ModeratorSession): Promise<void>;
  get(id: string): Promise<ModeratorSession | undefined>;
  delete(id: string): Promise<void>;
}

/** In this process only (embedded default). Expired sessions are swept as new ones arrive. */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, ModeratorSession>();
  readonly #now: () => number;

  /** @param now the clock's time in ms (for the sweep) */
  constructor(now: () => number) {
    this.#now = now;
  }

  async put(session: ModeratorSession): Promise<void> {
    const now = this.#now();
    for (const [id, s] of this.#sessions) if (s.expiresAt.getTime() <= now) this.#sessions.delete(id);
    this.#sessions.set(session.id, session);
  }

  async get(id: string): Promise<ModeratorSession | undefined> {
    return this.#sessions.get(id);
  }

  async delete(id: string): Promise<void> {
    this.#sessions.delete(id);
  }

  get size(): number {
    return this.#sessions.size;
  }
}
