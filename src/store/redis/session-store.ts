// Moderator and staff sessions in Redis (cluster mode), so a login on one web node is known on
// every other and survives restarts. Each session is one key that Redis expires itself at the
// session's end (PX = moderation.sessionTtl). The key holds a SHA-256 of the session id, not
// the id: whoever reads a Redis dump or MONITOR output cannot log in with what they see.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ModeratorSession, SessionStore } from '../../chat/index.js';

export class RedisSessionStore implements SessionStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #now: () => number;

  /** @param deps.now the clock's time in ms (the key's lifetime is the time left to expiresAt) */
  constructor(deps: { redis: Redis; prefix: string; now: () => number }) {
    this.#redis = deps.redis;
    this.#prefix = `${deps.prefix}session:`;
    this.#now = deps.now;
  }

  #key(id: string): string {
    return this.#prefix + createHash('sha256').update(id).digest('base64url');
  }

  async put(session: ModeratorSession): Promise<void> {
    const ttl = Math.max(1, session.expiresAt.getTime() - this.#now());
    await this.#redis.set(this.#key(session.id), JSON.stringify({ moderator: session.moderator, expiresAt: session.expiresAt.toISOString() }), 'PX', ttl);
  }

  async get(id: string): Promise<ModeratorSession | undefined> {
    const raw = await this.#redis.get(this.#key(id));
    if (!raw) return undefined;
    try {
      const s = JSON.parse(raw) as { moderator?: unknown; expiresAt?: unknown };
      if (typeof s.moderator !== 'string' || typeof s.expiresAt !== 'string') return undefined;
      return { id, moderator: s.moderator, expiresAt: new Date(s.expiresAt) };
    } catch {
      return undefined;
    }
  }

  async delete(id: string): Promise<void> {
    await this.#redis.del(this.#key(id));
  }
}
