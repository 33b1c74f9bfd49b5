// The cluster ChatStore: transcripts, the moderation audit log, sanctions and room settings
// in Redis, so every web node sees the same bans and the same audit log. Chat writes come
// from any node (they are not the leader's side effects), so they are not fenced.
//
// Layout under `prefix`: `chat-msg` (hash id -> message JSON), `chat-room:<occ>` (list of
// ids in send order), `chat-rooms` (sorted set occ -> last message sequence), `chat-seq`
// (counter), `chat-audit` (list, newest first), `chat-audit-seq` (counter),
// `chat-sanctions` (list, oldest first), `chat-room-settings` (hash occ -> JSON).
// Durability: run Redis with `appendonly yes` so an audit entry survives a Redis restart.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AuditEntry, ChatStore, RoomSettings, Sanction, StoredMessage } from '../../chat/types.js';
import { RedisAuditLog } from './audit-log.js';

// KEYS: messages hash, room list, rooms zset, seq   ARGV: id, json, occurrenceId
// Insert-or-ignore, like the SQLite store: a message id is stored once.
const APPEND_MESSAGE = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
local seq = redis.call('INCR', KEYS[4])
redis.call('ZADD', KEYS[3], seq, ARGV[3])
return 1`;

// KEYS: messages hash   ARGV: id, by, at
const MARK_DELETED = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local m = cjson.decode(raw)
if m.deletedAt ~= nil and m.deletedAt ~= cjson.null then return 0 end
m.deletedAt = ARGV[3]
m.deletedBy = ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(m))
return 1`;

/** cjson writes JSON null as null, but drops keys whose value is nil; restore the nulls. */
function nullable<T extends object>(value: T, keys: ReadonlyArray<keyof T>): T {
  const out = { ...value } as Record<keyof T, unknown>;
  for (const k of keys) if (out[k] === undefined) out[k] = null;
  return out as T;
}

const MESSAGE_NULLS: ReadonlyArray<keyof StoredMessage> = ['externalId', 'deletedAt', 'deletedBy'];
const AUDIT_NULLS: ReadonlyArray<keyof AuditEntry> = ['occurrenceId', 'messageId', 'target', 'origin'];

/**
 * A sanction as stored. Entries from before sanctions had ids get one from their content;
 * their permanent address part is dropped (address bans are now explicit and time-limited).
 */
function reviveSanction(raw: string): Sanction {
  const s = JSON.parse(raw) as Partial<Sanction> & Pick<Sanction, 'kind' | 'fingerprint' | 'ip' | 'occurrenceId' | 'until' | 'at' | 'moderator'>;
  if (s.id) return s as Sanction;
  return {
    ...s,
    id: `legacy-${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`,
    ip: s.until === null ? null : s.ip,
    nickname: null,
    origin: null,
  };
}

export class RedisChatStore implements ChatStore {
  readonly #redis: Redis;
  readonly #audit: RedisAuditLog<AuditEntry>;
  readonly #k: {
    messages: string;
    rooms: string;
    seq: string;
    audit: string;
    auditSeq: string;
    sanctions: string;
    settings: string;
  };
  readonly #prefix: string;

  constructor(deps: { redis: Redis; prefix: string }) {
    this.#redis = deps.redis;
    const p = deps.prefix;
    this.#prefix = p;
    this.#k = {
      messages: `${p}chat-msg`,
      rooms: `${p}chat-rooms`,
      seq: `${p}chat-seq`,
      audit: `${p}chat-audit`,
      auditSeq: `${p}chat-audit-seq`,
      sanctions: `${p}chat-sanctions`,
      settings: `${p}chat-room-settings`,
    };
    this.#audit = new RedisAuditLog<AuditEntry>({
      redis: deps.redis,
      list: this.#k.audit,
      seq: this.#k.auditSeq,
      revive: (raw) => nullable(raw as AuditEntry, AUDIT_NULLS),
    });
  }

  #roomKey(occurrenceId: string): string {
    return `${this.#prefix}chat-room:${occurrenceId}`;
  }

  static #message(raw: string | null | undefined): StoredMessage | undefined {
    return raw ? nullable(JSON.parse(raw) as StoredMessage, MESSAGE_NULLS) : undefined;
  }

  async appendMessage(m: StoredMessage): Promise<void> {
    await this.#redis.eval(APPEND_MESSAGE, 4, this.#k.messages, this.#roomKey(m.occurrenceId), this.#k.rooms, this.#k.seq, m.id, JSON.stringify(m), m.occurrenceId);
  }

  async getMessage(id: string): Promise<StoredMessage | undefined> {
    return RedisChatStore.#message(await this.#redis.hget(this.#k.messages, id));
  }

  async markDeleted(id: string, by: string, at: string): Promise<void> {
    await this.#redis.eval(MARK_DELETED, 1, this.#k.messages, id, by, at);
  }

  async #byIds(ids: string[]): Promise<StoredMessage[]> {
    if (ids.length === 0) return [];
    const raws = await this.#redis.hmget(this.#k.messages, ...ids);
    return raws.map((r) => RedisChatStore.#message(r)).filter((m): m is StoredMessage => m !== undefined);
  }

  async recent(occurrenceId: string, limit: number): Promise<StoredMessage[]> {
    if (limit <= 0) return [];
    const key = this.#roomKey(occurrenceId);
    const total = await this.#redis.llen(key);
    const found: StoredMessage[] = [];
    // Walk back from the newest in chunks until `limit` undeleted messages are found.
    for (let end = total - 1; end >= 0 && found.length < limit; end -= limit * 2) {
      const start = Math.max(0, end - limit * 2 + 1);
      const chunk = await this.#byIds(await this.#redis.lrange(key, start, end));
      const live = chunk.filter((m) => m.deletedAt === null);
      found.unshift(...live);
    }
    return found.slice(-limit);
  }

  async transcript(occurrenceId: string): Promise<StoredMessage[]> {
    return this.#byIds(await this.#redis.lrange(this.#roomKey(occurrenceId), 0, -1));
  }

  appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    return this.#audit.append(entry);
  }

  audit(limit: number): Promise<AuditEntry[]> {
    return this.#audit.recent(limit);
  }

  async addSanction(s: Sanction): Promise<void> {
    await this.#redis.rpush(this.#k.sanctions, JSON.stringify(s));
  }

  async activeSanctions(now: string): Promise<Sanction[]> {
    const raws = await this.#redis.lrange(this.#k.sanctions, 0, -1);
    return raws.map(reviveSanction).filter((s) => s.until === null || s.until > now);
  }

  /** Lifting removes the entry (LREM of its exact JSON, atomic); the audit log keeps the record. */
  async liftSanction(id: string, _by: string, at: string): Promise<Sanction | undefined> {
    const raws = await this.#redis.lrange(this.#k.sanctions, 0, -1);
    const raw = raws.find((r) => reviveSanction(r).id === id);
    if (raw === undefined) return undefined;
    const s = reviveSanction(raw);
    if (s.until !== null && s.until <= at) return undefined;
    return (await this.#redis.lrem(this.#k.sanctions, 1, raw)) === 1 ? s : undefined;
  }

  async roomSettings(occurrenceId: string): Promise<RoomSettings | undefined> {
    const raw = await this.#redis.hget(this.#k.settings, occurrenceId);
    return raw ? (JSON.parse(raw) as RoomSettings) : undefined;
  }

  async saveRoomSettings(s: RoomSettings): Promise<void> {
    await this.#redis.hset(this.#k.settings, s.occurrenceId, JSON.stringify(s));
  }

  async rooms(limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    return this.#redis.zrevrange(this.#k.rooms, 0, limit - 1);
  }
}
