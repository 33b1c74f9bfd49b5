// Public face of cluster mode: Redis connections, the leader lease and fenced writes.
export * from './redis.js';
export * from './leader-lease.js';
export * from './fencing.js';
