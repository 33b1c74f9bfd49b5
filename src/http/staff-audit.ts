// Records every attempt at a staff action (POST /api/broadcasts/<id>/<action>) in the staff
// audit log, done or refused, under whatever spelling it was sent. The log itself (port,
// SQLite and Redis) is in src/store.
import type { RequestHandler } from 'express';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { StaffAuditLog } from '../store/sqlite/staff-audit.js';
import { staffOf } from './require-staff.js';

export type { StaffAuditEntry, StaffAuditLog } from '../store/sqlite/staff-audit.js';

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
