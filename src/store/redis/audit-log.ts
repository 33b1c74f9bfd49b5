// An append-only log in Redis with numbered entries, newest first: the chat moderation audit
// (chat-store.ts) and the staff audit (staff-audit.ts) are both one of these.
// The number and the push happen in one script, so two nodes appending at once never share
// an id and the list order is the id order.
import type { Redis } from 'ioredis';

// KEYS: list, seq   ARGV: entry JSON without id. Returns the id.
const APPEND = `
local id = redis.call('INCR', KEYS[2])
local e = cjson.decode(ARGV[1])
e.id = id
redis.call('LPUSH', KEYS[1], cjson.encode(e))
return id`;

export class RedisAuditLog<E extends { id: number }> {
  readonly #redis: Redis;
  readonly #list: string;
  readonly #seq: string;
  readonly #revive: (raw: unknown) => E;

  /**
   * @param deps.list the list's key; `deps.seq` the counter's
   * @param deps.revive turns a parsed entry back into E (cjson drops null-valued keys)
   */
  constructor(deps: { redis: Redis; list: string; seq: string; revive?: (raw: unknown) => E }) {
    this.#redis = deps.redis;
    this.#list = deps.list;
    this.#seq = deps.seq;
    this.#revive = deps.revive ?? ((raw) => raw as E);
  }

  async append(entry: Omit<E, 'id'>): Promise<E> {
    const id = Number(await this.#redis.eval(APPEND, 2, this.#list, this.#seq, JSON.stringify(entry)));
    return { id, ...entry } as E;
  }

  /** The newest `limit` entries, newest first. */
  async recent(limit: number): Promise<E[]> {
    if (limit <= 0) return [];
    return (await this.#redis.lrange(this.#list, 0, limit - 1)).map((r) => this.#revive(JSON.parse(r)));
  }
}
