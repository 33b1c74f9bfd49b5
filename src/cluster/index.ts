// Public face of cluster mode: Redis connections, the leader lease and fenced writes.
export * from './redis.js';
export * from './leader-lease.js';
export * from './fencing.js';
export * from './socket-adapter.js';
export * from './redis-broadcast-store.js';
export * from './engine-relay.js';
export * from './remote-broadcasts.js';
export * from './leadership.js';
export * from './redis-chat-store.js';
export * from './redis-staff-audit.js';
export * from './redis-session-store.js';
export * from './cluster-node.js';
