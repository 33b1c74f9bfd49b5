// The staff audit log: every attempt at a staff action on a broadcast (start early, extend,
// end now, slate, programme) — done or refused, and under whatever spelling it was sent —,
// who, when, and how it went. The port and the middleware that records attempts are here;
// the embedded log is in the SQLite database, the cluster one in Redis (src/cluster).
import type { Database } from 'better-sqlite3';
import type { RequestHandler } from 'express';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { staffOf } from './require-staff.js';

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

/** The staff actions on a broadcast, as routed (POST /api/broadcasts/<id>/<action>). */
export const STAFF_ACTIONS: readonly string[] = ['start', 'extend', 'end', 'slate', 'programme'];

/** Longest id or action kept in an entry: what a caller sends is bounded before it is stored. */
const MAX_FIELD = 200;

/** /api/broadcasts/<id>/<action>, in any letter case and with or without a trailing slash. */
const ATTEMPT = /^\/api\/broadcasts\/([^/]+)\/([^/]+)\/?$/i;

function decoded(part: string): string {
  try {
    return decodeURIComponent(part).slice(0, MAX_FIELD);
  } catch {
    return part.slice(0, MAX_FIELD);
  }
}

export interface StaffAuditDeps {
  audit: StaffAuditLog;
  clock: Clock;
  logger: Pick<Logger, 'error'>;
}

/**
 * Records every POST that tries a staff action, once its answer is sent, whatever the answer
 * (refused for want of a credential, a conflict, bad input, a misspelt route): the id and
 * action are read from the path when the request arrives, not from route params, which
 * express no longer holds when the answer is finished.
 */
export function auditStaffAttempts(deps: StaffAuditDeps): RequestHandler {
  return (req, res, next) => {
    const m = req.method === 'POST' ? ATTEMPT.exec(req.path) : null;
    if (!m) {
      next();
      return;
    }
    const occurrenceId = decoded(m[1]!);
    const action = decoded(m[2]!);
    const at = deps.clock.now().toISOString();
    res.once('finish', () => {
      const body = req.body as { minutes?: unknown } | undefined;
      const asked = action === 'extend' && typeof body?.minutes === 'number' ? `+${body.minutes} minutes` : '';
      const refused = res.statusCode >= 400 ? `refused (${res.statusCode})` : '';
      deps.audit
        .append({
          at,
          staff: staffOf(res) ?? 'unauthenticated',
          action,
          occurrenceId,
          status: res.statusCode,
          detail: [asked, refused].filter(Boolean).join('; '),
        })
        .catch((err: unknown) => deps.logger.error({ err, occurrence: occurrenceId, action }, 'could not write the staff audit entry'));
    });
    next();
  };
}
