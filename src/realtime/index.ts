// Public face of the realtime layer: the server, its ports and the shared event contract.
export * from './events.js';
export * from './ports.js';
export { RealtimeServer, attachRealtime, type RealtimeDeps, type RealtimeSettings } from './realtime-server.js';
export { ProgrammeFeed, roomOf, watchLinks } from './programme-feed.js';
