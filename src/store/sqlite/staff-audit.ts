// The staff audit log: every attempt at a staff action on a broadcast (start early, extend,
// end now, slate, programme) — done or refused, and under whatever spelling it was sent —,
// who, when, and how it went. The port and the embedded log (SQLite) are here, the cluster's
// in src/store/redis/staff-audit.ts; the middleware that records attempts is
// src/http/staff-audit.ts.
import type { Database } from 'better-sqlite3';

export interface StaffAuditEntry {
  id: number;
  /** ISO UTC. */
  at: string;
  /** Who: the moderator's name, "token" or "local-token" (from the staff guard), or "unauthenticated". */
  staff: string;
  /** One of STAFF_ACTIONS when it was one; otherwise the action as it was asked (e.g. "START"), refused. */
  action: string;
  occurrenceId: string;
  /** The HTTP status the action got (200 = done). */
  status: number;
  /** e.g. "+15 minutes", or the error message. */
  detail: string;
}

/** Contract: `append` persists before it resolves; `recent` returns newest first. */
export interface StaffAuditLog {
  append(entry: Omit<StaffAuditEntry, 'id'>): Promise<StaffAuditEntry>;
  recent(limit: number): Promise<StaffAuditEntry[]>;
}

export class SqliteStaffAudit implements StaffAuditLog {
  readonly #insert;
  readonly #recent;

  constructor(db: Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS staff_audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      staff TEXT NOT NULL,
      action TEXT NOT NULL,
      occurrence_id TEXT NOT NULL,
      status INTEGER NOT NULL,
      detail TEXT NOT NULL
    )`);
    this.#insert = db.prepare(
      'INSERT INTO staff_audit (at, staff, action, occurrence_id, status, detail) VALUES (@at, @staff, @action, @occurrenceId, @status, @detail)',
    );
    this.#recent = db.prepare<[number], { id: number; at: string; staff: string; action: string; occurrence_id: string; status: number; detail: string }>(
      'SELECT * FROM staff_audit ORDER BY id DESC LIMIT ?',
    );
  }

  async append(entry: Omit<StaffAuditEntry, 'id'>): Promise<StaffAuditEntry> {
    const info = this.#insert.run(entry);
    return { id: Number(info.lastInsertRowid), ...entry };
  }

  async recent(limit: number): Promise<StaffAuditEntry[]> {
    return this.#recent.all(limit).map((r) => ({
      id: r.id,
      at: r.at,
      staff: r.staff,
      action: r.action as StaffAuditEntry['action'],
      occurrenceId: r.occurrence_id,
      status: r.status,
      detail: r.detail,
    }));
  }
}
