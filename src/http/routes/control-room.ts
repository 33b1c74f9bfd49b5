// The staff control room: the page at /control-room/ and the one JSON document it polls,
// /api/control-room — today's broadcasts (local day), each live stream's recent health,
// YouTube quota used against the projection, schedule errors with file:line:col, and the
// staff audit log. The staff actions themselves are /api/broadcasts/:id/<action>; this router
// audits each of them (who, what, outcome) on its way through.
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { DateTime } from 'luxon';
import type { BroadcastRecord, EncoderHealth } from '../../scheduler/ports.js';
import { formatDiagnostic, type ScheduleSnapshot } from '../../schedule/index.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { StaffAuditEntry, StaffAuditLog } from '../../store/sqlite/staff-audit.js';
import { toView } from './broadcasts.js';
import { WEB_DIR } from './web.js';

/** One health sample as the page charts it. */
export interface HealthSample {
  at: string;
  phase: EncoderHealth['phase'];
  fps: number;
  bitrateKbps: number;
  droppedFrames: number;
  restarts: number;
}

/**
 * The last `size` encoder health samples of each running broadcast, fed by the engine's
 * 'health' events (main.ts subscribes `record`); a stopped encoder's history is dropped.
 */
export class HealthHistory {
  readonly #samples = new Map<string, HealthSample[]>();

  /** @param size samples kept per broadcast. @defaultValue 120 (two minutes at one a second) */
  constructor(readonly size = 120) {}

  record(occurrenceId: string, health: EncoderHealth, at: Date): void {
    if (health.phase === 'stopped') {
      this.#samples.delete(occurrenceId);
      return;
    }
    const list = this.#samples.get(occurrenceId) ?? [];
    list.push({
      at: at.toISOString(),
      phase: health.phase,
      fps: health.fps,
      bitrateKbps: health.bitrateKbps,
      droppedFrames: health.droppedFrames,
      restarts: health.restarts,
    });
    if (list.length > this.size) list.splice(0, list.length - this.size);
    this.#samples.set(occurrenceId, list);
  }

  snapshot(): Record<string, HealthSample[]> {
    return Object.fromEntries([...this.#samples].map(([id, s]) => [id, [...s]]));
  }
}

export interface QuotaView {
  /** Quota day (Pacific), YYYY-MM-DD. */
  day: string;
  usedUnits: number;
  /** What the schedule is projected to spend today in all. */
  projectedUnits: number;
  dailyQuota: number;
}

export interface ScheduleErrorView {
  file: string;
  line: number;
  col: number;
  message: string;
  /** "file:line:col: error: message", as staff see it everywhere else. */
  text: string;
}

/** The error diagnostics of the schedule files as last read (what the control room lists). */
export function scheduleErrorsOf(snapshot: Pick<ScheduleSnapshot, 'files'>): ScheduleErrorView[] {
  return snapshot.files.flatMap((f) =>
    f.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => ({ file: d.file, line: d.line, col: d.col, message: d.message, text: formatDiagnostic(d) })),
  );
}

export interface ControlRoomDeps {
  broadcasts: { list(from: Date, to: Date): Promise<BroadcastRecord[]> };
  health: HealthHistory;
  audit: StaffAuditLog;
  scheduleErrors(): ScheduleErrorView[];
  /** Today's YouTube quota, when YouTube is configured. */
  quota?: () => QuotaView | Promise<QuotaView>;
  /** Guards the data (the page itself is public; it asks for a login). */
  requireStaff: RequestHandler;
  clock: Clock;
  /** The day shown is this zone's (config schedule.timezone). */
  timezone: string;
  logger: Logger;
  webDir?: string;
}

const ACTIONS = new Set<StaffAuditEntry['action']>(['start', 'extend', 'end', 'slate', 'programme']);

export function controlRoomRouter(deps: ControlRoomDeps): express.Router {
  const router = express.Router();
  const webDir = deps.webDir ?? WEB_DIR;

  // Non-strict routing would match "/control-room/" too: compare the raw path.
  router.get('/control-room', (req, res, next) => {
    if (req.originalUrl.split('?')[0] === '/control-room') res.redirect(301, '/control-room/');
    else next();
  });
  router.use('/control-room', express.static(path.join(webDir, 'control-room'), { index: 'index.html', maxAge: '5m' }));

  // Audit every staff action on a broadcast, whatever its outcome, once the answer is sent.
  router.post('/api/broadcasts/:id/:action', (req, res, next) => {
    const action = req.params.action as StaffAuditEntry['action'];
    if (!ACTIONS.has(action)) {
      next();
      return;
    }
    const startedAt = deps.clock.now();
    res.once('finish', () => {
      const staff = typeof res.locals['staff'] === 'string' ? res.locals['staff'] : 'unauthenticated';
      const body = req.body as { minutes?: unknown } | undefined;
      const detail = action === 'extend' && typeof body?.minutes === 'number' ? `+${body.minutes} minutes` : '';
      deps.audit
        .append({
          at: startedAt.toISOString(),
          staff,
          action,
          occurrenceId: req.params.id,
          status: res.statusCode,
          detail: res.statusCode >= 400 ? `${detail ? `${detail}; ` : ''}refused (${res.statusCode})` : detail,
        })
        .catch((err: unknown) => deps.logger.error({ err, occurrence: req.params.id, action }, 'could not write the staff audit entry'));
    });
    next();
  });

  router.get('/api/control-room', deps.requireStaff, async (_req, res, next) => {
    try {
      const now = deps.clock.now();
      const local = DateTime.fromJSDate(now, { zone: deps.timezone });
      const dayStart = local.startOf('day');
      const dayEnd = dayStart.plus({ days: 1 });
      const [records, audit, quota] = await Promise.all([
        deps.broadcasts.list(dayStart.toJSDate(), dayEnd.toJSDate()),
        deps.audit.recent(20),
        deps.quota ? deps.quota() : undefined,
      ]);
      res.set('Cache-Control', 'no-store').json({
        now: now.toISOString(),
        timezone: deps.timezone,
        day: { date: dayStart.toISODate(), start: dayStart.toUTC().toISO(), end: dayEnd.toUTC().toISO() },
        staff: res.locals['staff'] ?? null,
        broadcasts: records.map(toView),
        health: deps.health.snapshot(),
        quota: quota ?? null,
        scheduleErrors: deps.scheduleErrors(),
        audit,
      });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
