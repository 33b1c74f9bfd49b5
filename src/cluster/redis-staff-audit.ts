// The staff audit log (src/http/staff-audit.ts's port) in Redis, shared by every web node.
import type { Redis } from 'ioredis';
import type { StaffAuditEntry, StaffAuditLog } from '../http/staff-audit.js';

// KEYS: list, seq   ARGV: entry JSON without id. Returns the id.
const APPEND = `
local id = redis.call('INCR', KEYS[2])
local e = cjson.decode(ARGV[1])
e.id = id
redis.call('LPUSH', KEYS[1], cjson.encode(e))
return id`;

export class RedisStaffAudit implements StaffAuditLog {
  readonly #redis: Redis;
  readonly #list: string;
  readonly #seq: string;

  constructor(deps: { redis: Redis; prefix: string }) {
    this.#redis = deps.redis;
    this.#list = `${deps.prefix}staff-audit`;
    this.#seq = `${deps.prefix}staff-audit-seq`;
  }

  async append(entry: Omit<StaffAuditEntry, 'id'>): Promise<StaffAuditEntry> {
    const id = Number(await this.#redis.eval(APPEND, 2, this.#list, this.#seq, JSON.stringify(entry)));
    return { id, ...entry };
  }

  async recent(limit: number): Promise<StaffAuditEntry[]> {
    if (limit <= 0) return [];
    return (await this.#redis.lrange(this.#list, 0, limit - 1)).map((r) => JSON.parse(r) as StaffAuditEntry);
  }
}
