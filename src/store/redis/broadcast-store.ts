// The cluster BroadcastStore: broadcast records, their transition log and the remembered
// occurrences in Redis, shared by every node, so a new leader reattaches to live broadcasts
// from where the old one left them.
//
// Every write is one Lua script that first checks the writer's fencing token against the
// lease's fence counter (see fencing.ts): a leader that lost the lease while paused cannot
// overwrite what its successor wrote. Reads are plain and may come from any node.
//
// Layout under `prefix`: `broadcasts` (hash id -> record JSON, state excluded),
// `broadcast-states` (hash id -> state, the compare-and-set field), `broadcasts-by-start`
// (sorted set by scheduled start, ms), `broadcasts-unfinished` (set),
// `broadcast-log:<id>` (list of transition entries, oldest first) and
// `broadcast-occurrences` (hash id -> the occurrence JSON kept by rememberOccurrence).
//
// Durability: a write has resolved once Redis applied it; for it to survive a Redis restart,
// run Redis with `appendonly yes` (docs/deployment.md).
import type { Redis } from 'ioredis';
import type { BroadcastStore, TransitionEntry } from '../../scheduler/broadcast-store.js';
import { StaleStateError } from '../../scheduler/broadcast-store.js';
import type { BroadcastRecord, BroadcastState } from '../../scheduler/ports.js';
import type { Occurrence } from '../../schedule/types.js';
import { FINAL_STATES } from '../../scheduler/ports.js';
import { StaleLeaderError, fencedWrite, type FencedOp } from './fencing.js';

export interface RedisBroadcastStoreDeps {
  redis: Redis;
  /** Key prefix shared by the cluster, e.g. "onair:". */
  prefix: string;
  /** The lease's fence counter key (LeaderLease.fenceKey). */
  fenceKey: string;
  /** The fencing token of the current term, or undefined when this node does not lead. */
  fencingToken(): number | undefined;
}

const STALE_TOKEN = 0;
const STALE_STATE = 2;

// KEYS: fence, records, states, byStart, unfinished, log
// ARGV: token, id, expected state ('' = absent), new state, record JSON, start ms, final '1'/'0', log entry JSON
const TRANSITION = `
local newest = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) < newest then return {0, tostring(newest)} end
local current = redis.call('HGET', KEYS[3], ARGV[2])
if not current then current = '' end
if current ~= ARGV[3] then return {2, current} end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[5])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[2])
if ARGV[7] == '1' then redis.call('SREM', KEYS[5], ARGV[2]) else redis.call('SADD', KEYS[5], ARGV[2]) end
redis.call('RPUSH', KEYS[6], ARGV[8])
return {1, ''}`;

// KEYS: fence, records, states, byStart   ARGV: token, id, record JSON, start ms
const SAVE = `
local newest = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) < newest then return {0, tostring(newest)} end
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 0 then return {2, ''} end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[2])
return {1, ''}`;

type StoredRecord = Omit<BroadcastRecord, 'state'>;

export class RedisBroadcastStore implements BroadcastStore {
  readonly #deps: RedisBroadcastStoreDeps;
  readonly #keys: { records: string; states: string; byStart: string; unfinished: string; occurrences: string };

  constructor(deps: RedisBroadcastStoreDeps) {
    this.#deps = deps;
    const p = deps.prefix;
    this.#keys = {
      records: `${p}broadcasts`,
      states: `${p}broadcast-states`,
      byStart: `${p}broadcasts-by-start`,
      unfinished: `${p}broadcasts-unfinished`,
      occurrences: `${p}broadcast-occurrences`,
    };
  }

  #logKey(id: string): string {
    return `${this.#deps.prefix}broadcast-log:${id}`;
  }

  #token(): number {
    const token = this.#deps.fencingToken();
    if (token === undefined) throw new StaleLeaderError(0, 0);
    return token;
  }

  static #serialize(record: BroadcastRecord, now: Date): string {
    const { state: _state, ...rest } = record;
    const stored: StoredRecord = { ...rest, updatedAt: now.toISOString() };
    return JSON.stringify(stored);
  }

  static #parse(json: string | null, state: string | null): BroadcastRecord | undefined {
    if (json === null || state === null) return undefined;
    return { ...(JSON.parse(json) as StoredRecord), state: state as BroadcastState };
  }

  async get(occurrenceId: string): Promise<BroadcastRecord | undefined> {
    const [json, state] = await Promise.all([
      this.#deps.redis.hget(this.#keys.records, occurrenceId),
      this.#deps.redis.hget(this.#keys.states, occurrenceId),
    ]);
    return RedisBroadcastStore.#parse(json, state);
  }

  async #many(ids: string[]): Promise<BroadcastRecord[]> {
    if (ids.length === 0) return [];
    const [jsons, states] = await Promise.all([
      this.#deps.redis.hmget(this.#keys.records, ...ids),
      this.#deps.redis.hmget(this.#keys.states, ...ids),
    ]);
    const out: BroadcastRecord[] = [];
    ids.forEach((_, i) => {
      const r = RedisBroadcastStore.#parse(jsons[i] ?? null, states[i] ?? null);
      if (r) out.push(r);
    });
    return out.sort((a, b) => a.scheduledStart.localeCompare(b.scheduledStart) || a.occurrenceId.localeCompare(b.occurrenceId));
  }

  async list(from: Date, to: Date): Promise<BroadcastRecord[]> {
    const ids = await this.#deps.redis.zrangebyscore(this.#keys.byStart, '-inf', `(${to.getTime()}`);
    const fromIso = from.toISOString();
    return (await this.#many(ids)).filter((r) => r.scheduledEnd > fromIso);
  }

  async listUnfinished(): Promise<BroadcastRecord[]> {
    const ids = await this.#deps.redis.smembers(this.#keys.unfinished);
    return (await this.#many(ids)).filter((r) => !FINAL_STATES.has(r.state));
  }

  async transition(record: BroadcastRecord, from: BroadcastState | undefined, entry: { at: Date; reason?: string }): Promise<void> {
    const token = this.#token();
    const id = record.occurrenceId;
    const log: TransitionEntry = { occurrenceId: id, from, to: record.state, at: entry.at.toISOString() };
    if (entry.reason) log.reason = entry.reason;
    const reply = (await this.#deps.redis.eval(
      TRANSITION,
      6,
      this.#deps.fenceKey,
      this.#keys.records,
      this.#keys.states,
      this.#keys.byStart,
      this.#keys.unfinished,
      this.#logKey(id),
      String(token),
      id,
      from ?? '',
      record.state,
      RedisBroadcastStore.#serialize(record, entry.at),
      String(Date.parse(record.scheduledStart)),
      FINAL_STATES.has(record.state) ? '1' : '0',
      JSON.stringify(log),
    )) as [number, string];
    const [code, detail] = [Number(reply[0]), reply[1]];
    if (code === STALE_TOKEN) throw new StaleLeaderError(token, Number(detail));
    if (code === STALE_STATE) throw new StaleStateError(id, from, detail === '' ? undefined : (detail as BroadcastState));
  }

  async save(record: BroadcastRecord, now: Date): Promise<void> {
    const token = this.#token();
    const reply = (await this.#deps.redis.eval(
      SAVE,
      4,
      this.#deps.fenceKey,
      this.#keys.records,
      this.#keys.states,
      this.#keys.byStart,
      String(token),
      record.occurrenceId,
      RedisBroadcastStore.#serialize(record, now),
      String(Date.parse(record.scheduledStart)),
    )) as [number, string];
    if (Number(reply[0]) === STALE_TOKEN) throw new StaleLeaderError(token, Number(reply[1]));
    // A save of an unknown record creates nothing (the port's contract) and is not an error.
  }

  async transitions(occurrenceId: string): Promise<TransitionEntry[]> {
    const lines = await this.#deps.redis.lrange(this.#logKey(occurrenceId), 0, -1);
    return lines.map((l) => {
      const stored = JSON.parse(l) as Partial<TransitionEntry> & Omit<TransitionEntry, 'from'>;
      // The first entry has no `from` in JSON; give it the key, as the SQLite store does.
      const e: TransitionEntry = { occurrenceId: stored.occurrenceId, from: stored.from ?? undefined, to: stored.to, at: stored.at };
      if (stored.reason) e.reason = stored.reason;
      return e;
    });
  }

  async prune(before: Date): Promise<number> {
    const states = await this.#deps.redis.hgetall(this.#keys.states);
    const finalIds = Object.entries(states)
      .filter(([, s]) => FINAL_STATES.has(s as BroadcastState))
      .map(([id]) => id);
    const beforeIso = before.toISOString();
    const doomed = (await this.#many(finalIds)).filter((r) => (r.endedAt ?? r.scheduledEnd) < beforeIso).map((r) => r.occurrenceId);
    if (doomed.length === 0) return 0;
    const ops: FencedOp[] = doomed.flatMap((id): FencedOp[] => [
      ['HDEL', this.#keys.records, id],
      ['HDEL', this.#keys.states, id],
      ['ZREM', this.#keys.byStart, id],
      ['SREM', this.#keys.unfinished, id],
      ['DEL', this.#logKey(id)],
      ['HDEL', this.#keys.occurrences, id],
    ]);
    await fencedWrite(this.#deps.redis, this.#deps.fenceKey, this.#token(), ops);
    return doomed.length;
  }

  async rememberOccurrence(occ: Occurrence, _now: Date): Promise<void> {
    await fencedWrite(this.#deps.redis, this.#deps.fenceKey, this.#token(), [['HSET', this.#keys.occurrences, occ.id, JSON.stringify(occ)]]);
  }

  async recallOccurrence(occurrenceId: string): Promise<Occurrence | undefined> {
    const json = await this.#deps.redis.hget(this.#keys.occurrences, occurrenceId);
    if (json === null) return undefined;
    const occ = JSON.parse(json) as Occurrence & { start: string; end: string };
    return { ...occ, start: new Date(occ.start), end: new Date(occ.end) };
  }

  async close(): Promise<void> {
    // The connection belongs to the cluster wiring (main.ts), which closes it.
  }
}
