// ChatStore on the embedded SQLite database (the handle comes from src/store/sqlite/database.ts's
// openDatabase via main.ts). Own tables, prefixed chat_; created on first use.
import type { Database } from 'better-sqlite3';
import type { AuditEntry, ChatStore, RoomSettings, Sanction, StoredMessage } from '../../chat/types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS chat_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  occurrence_id TEXT NOT NULL,
  origin TEXT NOT NULL,
  nickname TEXT NOT NULL,
  author_id TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  ip TEXT NOT NULL,
  external_id TEXT,
  text TEXT NOT NULL,
  at TEXT NOT NULL,
  deleted_at TEXT,
  deleted_by TEXT
);
CREATE INDEX IF NOT EXISTS chat_messages_room ON chat_messages (occurrence_id, seq);
CREATE TABLE IF NOT EXISTS chat_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  moderator TEXT NOT NULL,
  action TEXT NOT NULL,
  occurrence_id TEXT,
  message_id TEXT,
  target TEXT,
  origin TEXT,
  detail TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chat_sanctions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  ip TEXT,
  occurrence_id TEXT,
  until TEXT,
  at TEXT NOT NULL,
  moderator TEXT NOT NULL,
  sid TEXT,
  nickname TEXT,
  origin TEXT,
  lifted_at TEXT,
  lifted_by TEXT
);
CREATE TABLE IF NOT EXISTS chat_rooms (
  occurrence_id TEXT PRIMARY KEY,
  slow_mode_ms INTEGER,
  pinned_message_id TEXT,
  closed_by_moderator INTEGER NOT NULL DEFAULT 0
);
`;

interface MessageRow {
  id: string;
  occurrence_id: string;
  origin: string;
  nickname: string;
  author_id: string;
  fingerprint: string;
  ip: string;
  external_id: string | null;
  text: string;
  at: string;
  deleted_at: string | null;
  deleted_by: string | null;
}

interface AuditRow {
  id: number;
  at: string;
  moderator: string;
  action: string;
  occurrence_id: string | null;
  message_id: string | null;
  target: string | null;
  origin: string | null;
  detail: string;
}

interface SanctionRow {
  id: number;
  sid: string | null;
  kind: string;
  fingerprint: string;
  ip: string | null;
  occurrence_id: string | null;
  until: string | null;
  at: string;
  moderator: string;
  nickname: string | null;
  origin: string | null;
}

function toSanction(r: SanctionRow): Sanction {
  return {
    // Rows written before sanctions had ids are named by their row number.
    id: r.sid ?? `row-${r.id}`,
    kind: r.kind === 'ban' ? 'ban' : 'timeout',
    fingerprint: r.fingerprint,
    ip: r.ip,
    occurrenceId: r.occurrence_id,
    until: r.until,
    at: r.at,
    moderator: r.moderator,
    nickname: r.nickname,
    origin: r.origin === 'youtube' || r.origin === 'onair' ? r.origin : null,
  };
}

/**
 * Brings a chat_sanctions table from before bans had ids, scopes and unban up to date.
 * Its bans held the author's address for ever (a whole library's Wi-Fi): those address
 * parts are dropped — address bans are now a moderator's explicit, time-limited choice.
 */
function migrateSanctions(db: Database): void {
  const columns = new Set((db.prepare('PRAGMA table_info(chat_sanctions)').all() as Array<{ name: string }>).map((c) => c.name));
  if (columns.has('sid')) return;
  db.transaction(() => {
    for (const c of ['sid', 'nickname', 'origin', 'lifted_at', 'lifted_by']) db.exec(`ALTER TABLE chat_sanctions ADD COLUMN ${c} TEXT`);
    db.exec('UPDATE chat_sanctions SET ip = NULL WHERE until IS NULL');
  })();
}

function toMessage(r: MessageRow): StoredMessage {
  return {
    id: r.id,
    occurrenceId: r.occurrence_id,
    origin: r.origin === 'youtube' ? 'youtube' : 'onair',
    nickname: r.nickname,
    authorId: r.author_id,
    fingerprint: r.fingerprint,
    ip: r.ip,
    externalId: r.external_id,
    text: r.text,
    at: r.at,
    deletedAt: r.deleted_at,
    deletedBy: r.deleted_by,
  };
}

function toAudit(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    moderator: r.moderator,
    action: r.action as AuditEntry['action'],
    occurrenceId: r.occurrence_id,
    messageId: r.message_id,
    target: r.target,
    origin: r.origin === 'youtube' || r.origin === 'onair' ? r.origin : null,
    detail: r.detail,
  };
}

/** A message waiting for the end of this turn of the event loop, and its caller. */
interface PendingMessage {
  message: StoredMessage;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class SqliteChatStore implements ChatStore {
  readonly #insertMessage;
  /**
   * Messages appended in this turn of the event loop, written together in one transaction
   * when it ends (setImmediate): a transaction per message cost about 30 µs (its WAL commit),
   * one for a busy room's burst about 9 µs a message. appendMessage resolves only after the
   * commit, so a message is stored before it is acknowledged or fanned out, and every other
   * method writes what is pending first, so reads and writes keep their order.
   */
  #pending: PendingMessage[] = [];
  readonly #insertMessages: (batch: readonly PendingMessage[]) => void;
  readonly #getMessage;
  readonly #markDeleted;
  readonly #recent;
  readonly #transcript;
  readonly #insertAudit;
  readonly #audit;
  readonly #insertSanction;
  readonly #sanctions;
  readonly #sanction;
  readonly #lift;
  readonly #room;
  readonly #saveRoom;
  readonly #rooms;

  constructor(db: Database) {
    db.exec(SCHEMA);
    migrateSanctions(db);
    this.#insertMessage = db.prepare(
      `INSERT OR IGNORE INTO chat_messages (id, occurrence_id, origin, nickname, author_id, fingerprint, ip, external_id, text, at, deleted_at, deleted_by)
       VALUES (@id, @occurrenceId, @origin, @nickname, @authorId, @fingerprint, @ip, @externalId, @text, @at, @deletedAt, @deletedBy)`,
    );
    this.#insertMessages = db.transaction((batch: readonly PendingMessage[]) => {
      for (const p of batch) this.#insertMessage.run(p.message);
    });
    this.#getMessage = db.prepare<[string], MessageRow>('SELECT * FROM chat_messages WHERE id = ?');
    this.#markDeleted = db.prepare('UPDATE chat_messages SET deleted_at = ?, deleted_by = ? WHERE id = ? AND deleted_at IS NULL');
    this.#recent = db.prepare<[string, number], MessageRow>(
      'SELECT * FROM (SELECT * FROM chat_messages WHERE occurrence_id = ? AND deleted_at IS NULL ORDER BY seq DESC LIMIT ?) ORDER BY seq',
    );
    this.#transcript = db.prepare<[string], MessageRow>('SELECT * FROM chat_messages WHERE occurrence_id = ? ORDER BY seq');
    this.#insertAudit = db.prepare(
      `INSERT INTO chat_audit (at, moderator, action, occurrence_id, message_id, target, origin, detail)
       VALUES (@at, @moderator, @action, @occurrenceId, @messageId, @target, @origin, @detail)`,
    );
    this.#audit = db.prepare<[number], AuditRow>('SELECT * FROM chat_audit ORDER BY id DESC LIMIT ?');
    this.#insertSanction = db.prepare(
      `INSERT INTO chat_sanctions (sid, kind, fingerprint, ip, occurrence_id, until, at, moderator, nickname, origin)
       VALUES (@id, @kind, @fingerprint, @ip, @occurrenceId, @until, @at, @moderator, @nickname, @origin)`,
    );
    this.#sanctions = db.prepare<[string], SanctionRow>(
      'SELECT * FROM chat_sanctions WHERE lifted_at IS NULL AND (until IS NULL OR until > ?) ORDER BY id',
    );
    this.#sanction = db.prepare<[string, string], SanctionRow>(
      "SELECT * FROM chat_sanctions WHERE lifted_at IS NULL AND (sid = ? OR (sid IS NULL AND 'row-' || id = ?))",
    );
    this.#lift = db.prepare<[string, string, number]>('UPDATE chat_sanctions SET lifted_at = ?, lifted_by = ? WHERE id = ? AND lifted_at IS NULL');
    this.#room = db.prepare<[string], { occurrence_id: string; slow_mode_ms: number | null; pinned_message_id: string | null; closed_by_moderator: number }>(
      'SELECT * FROM chat_rooms WHERE occurrence_id = ?',
    );
    this.#saveRoom = db.prepare(
      `INSERT INTO chat_rooms (occurrence_id, slow_mode_ms, pinned_message_id, closed_by_moderator)
       VALUES (@occurrenceId, @slowModeMs, @pinnedMessageId, @closed)
       ON CONFLICT (occurrence_id) DO UPDATE SET slow_mode_ms = excluded.slow_mode_ms,
         pinned_message_id = excluded.pinned_message_id, closed_by_moderator = excluded.closed_by_moderator`,
    );
    this.#rooms = db.prepare<[number], { occurrence_id: string }>(
      'SELECT occurrence_id FROM chat_messages GROUP BY occurrence_id ORDER BY MAX(seq) DESC LIMIT ?',
    );
  }

  appendMessage(message: StoredMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#pending.length === 0) setImmediate(() => this.#writePending());
      this.#pending.push({ message, resolve, reject });
    });
  }

  /** Writes the pending messages in one transaction and settles their callers. */
  #writePending(): void {
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    try {
      this.#insertMessages(batch);
    } catch {
      // The transaction rolled back: one by one, so only the message that fails is refused.
      for (const p of batch) {
        try {
          this.#insertMessage.run(p.message);
          p.resolve();
        } catch (err) {
          p.reject(err);
        }
      }
      return;
    }
    for (const p of batch) p.resolve();
  }

  async getMessage(id: string): Promise<StoredMessage | undefined> {
    this.#writePending();
    const row = this.#getMessage.get(id);
    return row ? toMessage(row) : undefined;
  }

  async markDeleted(id: string, by: string, at: string): Promise<void> {
    this.#writePending();
    this.#markDeleted.run(at, by, id);
  }

  async recent(occurrenceId: string, limit: number): Promise<StoredMessage[]> {
    this.#writePending();
    return this.#recent.all(occurrenceId, limit).map(toMessage);
  }

  async transcript(occurrenceId: string): Promise<StoredMessage[]> {
    this.#writePending();
    return this.#transcript.all(occurrenceId).map(toMessage);
  }

  async appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    this.#writePending();
    const info = this.#insertAudit.run(entry);
    return { id: Number(info.lastInsertRowid), ...entry };
  }

  async audit(limit: number): Promise<AuditEntry[]> {
    this.#writePending();
    return this.#audit.all(limit).map(toAudit);
  }

  async addSanction(s: Sanction): Promise<void> {
    this.#writePending();
    this.#insertSanction.run(s);
  }

  async activeSanctions(now: string): Promise<Sanction[]> {
    this.#writePending();
    return this.#sanctions.all(now).map(toSanction);
  }

  async liftSanction(id: string, by: string, at: string): Promise<Sanction | undefined> {
    this.#writePending();
    const row = this.#sanction.get(id, id);
    if (!row || (row.until !== null && row.until <= at)) return undefined;
    return this.#lift.run(at, by, row.id).changes === 1 ? toSanction(row) : undefined;
  }

  async roomSettings(occurrenceId: string): Promise<RoomSettings | undefined> {
    this.#writePending();
    const r = this.#room.get(occurrenceId);
    return r
      ? {
          occurrenceId: r.occurrence_id,
          slowModeMs: r.slow_mode_ms,
          pinnedMessageId: r.pinned_message_id,
          closedByModerator: r.closed_by_moderator === 1,
        }
      : undefined;
  }

  async saveRoomSettings(s: RoomSettings): Promise<void> {
    this.#writePending();
    this.#saveRoom.run({ ...s, closed: s.closedByModerator ? 1 : 0 });
  }

  async rooms(limit: number): Promise<string[]> {
    this.#writePending();
    return this.#rooms.all(limit).map((r) => r.occurrence_id);
  }
}
