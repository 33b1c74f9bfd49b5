// Public face of cluster mode: Redis connections, the leader lease and fenced writes.
export * from './redis.js';
export * from './leader-lease.js';
export * from '../store/redis/fencing.js';
export * from './socket-adapter.js';
export * from '../store/redis/broadcast-store.js';
export * from './engine-relay.js';
export * from './remote-broadcasts.js';
export * from './leadership.js';
export * from '../store/redis/chat-store.js';
export * from '../store/redis/staff-audit.js';
export * from '../store/redis/session-store.js';
export * from './cluster-node.js';
