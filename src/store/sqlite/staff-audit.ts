// The staff audit log (src/http/staff-audit.ts's port) in the embedded SQLite database.
import type { Database } from 'better-sqlite3';
import type { StaffAuditEntry, StaffAuditLog } from '../../http/staff-audit.js';

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
