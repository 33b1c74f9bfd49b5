// Public face of the chat module: the service, its filters, the moderator auth, the
// SQLite store and the YouTube bridge. src/main.ts wires them; realtime/ and http/ reach
// them only through their own ports.
export * from './types.js';
export * from './text.js';
export * from './filters.js';
export * from './chat-service.js';
export * from './password.js';
export * from './moderator-auth.js';
export * from './session-store.js';
export * from '../store/sqlite/chat-store.js';
export * from './youtube-chat-bridge.js';
export * from './transcript.js';
export * from './viewer-identity.js';
export * from './nickname-guard.js';
