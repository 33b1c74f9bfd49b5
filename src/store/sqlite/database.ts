// Opens the embedded database (one SQLite file under ONAIR_DATA_DIR) shared by the
// embedded stores. WAL mode with synchronous=NORMAL: a committed transaction survives a
// process kill (SIGKILL), which is what the engine's restart guarantees rest on.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export function openDatabase(dataDir: string, file = 'onair.db'): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, file));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
