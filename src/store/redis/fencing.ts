// Fenced writes: the "shared state checks the token" half of the leader lease.
//
// A write carries the fencing token of the term it was decided in; a Lua script applies it
// only if that token is >= the highest token issued so far (the lease's fence counter),
// atomically with the check. A leader that paused past its lease and woke up still holding
// an old token is refused, even before the new leader has written anything.
import type { Redis } from 'ioredis';
import { OnairError } from '../../shared/errors.js';

/** Commands a fenced batch may run; anything else is refused before reaching Redis. */
export const FENCED_COMMANDS = ['SET', 'DEL', 'HSET', 'HDEL', 'RPUSH', 'XADD', 'ZADD', 'ZREM', 'SADD', 'SREM', 'PEXPIRE'] as const;
export type FencedCommand = (typeof FENCED_COMMANDS)[number];

/** One command of a fenced batch: the command, the key it touches, then its other arguments. */
export type FencedOp = [command: FencedCommand, key: string, ...args: Array<string | number>];

/** A write was refused because a newer leader exists. The caller must stop acting as leader. */
export class StaleLeaderError extends OnairError {
  constructor(
    readonly token: number,
    readonly newest: number,
  ) {
    super(`fencing token ${token} is stale (newest issued is ${newest}); this node no longer leads`);
  }
}

// KEYS[1] = the fence counter, KEYS[2..] = the keys of the ops in order.
// ARGV[1] = token, ARGV[2] = JSON [[command, ...args]] (each op's key is KEYS[i + 1]).
const FENCED_BATCH = `
local newest = tonumber(redis.call('GET', KEYS[1]) or '0')
local token = tonumber(ARGV[1])
if token < newest then
  return {0, newest}
end
local ops = cjson.decode(ARGV[2])
for i, op in ipairs(ops) do
  local cmd = op[1]
  local args = {cmd, KEYS[i + 1]}
  for j = 2, #op do args[#args + 1] = op[j] end
  redis.call(unpack(args))
end
return {1, newest}`;

const ALLOWED: ReadonlySet<string> = new Set(FENCED_COMMANDS);

/**
 * Applies `ops` atomically if `token` is still the newest fencing token under `fenceKey`;
 * throws StaleLeaderError otherwise (and writes nothing).
 */
export async function fencedWrite(redis: Redis, fenceKey: string, token: number, ops: readonly FencedOp[]): Promise<void> {
  if (!Number.isSafeInteger(token) || token <= 0) throw new RangeError(`fencing token must be a positive integer, got ${token}`);
  for (const op of ops) {
    if (!ALLOWED.has(op[0])) throw new RangeError(`${op[0]} is not allowed in a fenced write`);
  }
  const keys = ops.map((op) => op[1]);
  const argv = JSON.stringify(ops.map(([cmd, , ...args]) => [cmd, ...args.map(String)]));
  const reply = (await redis.eval(FENCED_BATCH, 1 + keys.length, fenceKey, ...keys, String(token), argv)) as [number, number];
  if (Number(reply[0]) !== 1) throw new StaleLeaderError(token, Number(reply[1]));
}

/** The newest fencing token issued under `fenceKey` (0 when none). */
export async function newestFencingToken(redis: Redis, fenceKey: string): Promise<number> {
  return Number((await redis.get(fenceKey)) ?? 0);
}
