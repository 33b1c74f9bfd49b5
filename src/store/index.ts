// Public face of the store module: the embedded (SQLite) implementations of the stores.
export { openDatabase, type SqliteDatabase } from './sqlite/database.js';
export { SqliteBroadcastStore } from './sqlite/broadcast-store.js';
