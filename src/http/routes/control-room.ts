// The staff control room: the page at /control-room/ and the one JSON document it polls,
// /api/control-room — today's broadcasts (local day), each live stream's recent health,
// YouTube quota used against the projection, schedule errors with file:line:col, and the
// staff audit log. The staff actions themselves are /api/broadcasts/:id/<action>, each attempt
// audited by src/http/staff-audit.ts auditStaffAttempts.
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { DateTime } from 'luxon';
import type { BroadcastRecord, EncoderHealth } from '../../scheduler/ports.js';
import { fileStatusNote, formatDiagnostic, type Localized, type ScheduleSnapshot } from '../../schedule/index.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { StaffAuditEntry, StaffAuditLog } from '../staff-audit.js';
import { toView } from './broadcasts.js';
import { WEB_DIR } from './web.js';
import { strictRouter } from '../router.js';

/** One health sample as the page charts it. */
export interface HealthSample {
  at: string;
  phase: EncoderHealth['phase'];
  fps: number;
  bitrateKbps: number;
  /** false: not measured (no local HLS output) and bitrateKbps is the nominal rate. */
  bitrateMeasured: boolean;
  droppedFrames: number;
  restarts: number;
  /** Copy or encode, and why (EncoderHealth.mode). Absent before the source is probed. */
  mode?: 'copy' | 'encode';
  modeReason?: string;
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
      bitrateMeasured: health.bitrateMeasured !== false,
      droppedFrames: health.droppedFrames,
      restarts: health.restarts,
      ...(health.mode ? { mode: health.mode, modeReason: health.modeReason ?? '' } : {}),
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
  /** What stays on the air meanwhile (the previous version, since when, or nothing), in both languages. */
  note: Localized;
}

/** The error diagnostics of the schedule files as last read (what the control room lists). */
export function scheduleErrorsOf(snapshot: Pick<ScheduleSnapshot, 'files'>): ScheduleErrorView[] {
  return snapshot.files.flatMap((f) => {
    const note = { tr: fileStatusNote(f, 'tr') ?? '', en: fileStatusNote(f, 'en') ?? '' };
    return f.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => ({ file: d.file, line: d.line, col: d.col, message: d.message, text: formatDiagnostic(d), note }));
  });
}

/** The ids of the programmes kept off listings (`listed: false`, the demo). */
export function unlistedOf(snapshot: Pick<ScheduleSnapshot, 'programmes'>): ReadonlySet<string> {
  return new Set(snapshot.programmes.filter((p) => p.listed === false).map((p) => p.id));
}

/**
 * One broadcast per unlisted programme: the one on air, else the next, else the last. The
 * demo airs every ten minutes; 144 rows of it would bury the day's real programmes.
 */
export function oncePerUnlisted(records: BroadcastRecord[], unlisted: ReadonlySet<string>, now: Date): BroadcastRecord[] {
  if (unlisted.size === 0) return records;
  const keep = new Map<string, BroadcastRecord>();
  const rank = (r: BroadcastRecord): number =>
    r.state === 'live' || r.state === 'ending' ? 0 : Date.parse(r.scheduledEnd) > now.getTime() ? 1 : 2;
  for (const r of records) {
    if (!unlisted.has(r.programmeId)) continue;
    const had = keep.get(r.programmeId);
    if (!had || rank(r) < rank(had) || (rank(r) === rank(had) && (rank(r) === 2 ? r.scheduledStart > had.scheduledStart : r.scheduledStart < had.scheduledStart))) keep.set(r.programmeId, r);
  }
  return records.filter((r) => !unlisted.has(r.programmeId) || keep.get(r.programmeId) === r);
}

export interface ControlRoomDeps {
  broadcasts: { list(from: Date, to: Date): Promise<BroadcastRecord[]> };
  health: HealthHistory;
  audit: StaffAuditLog;
  scheduleErrors(): ScheduleErrorView[];
  /** Programmes shown once only (listed: false). @defaultValue none */
  unlisted?: () => ReadonlySet<string>;
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

export function controlRoomRouter(deps: ControlRoomDeps): express.Router {
  const router = strictRouter();
  const webDir = deps.webDir ?? WEB_DIR;

  // Non-strict routing would match "/control-room/" too: compare the raw path.
  router.get('/control-room', (req, res, next) => {
    if (req.originalUrl.split('?')[0] === '/control-room') res.redirect(301, '/control-room/');
    else next();
  });
  router.use('/control-room', express.static(path.join(webDir, 'control-room'), { index: 'index.html', maxAge: '5m' }));

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
        broadcasts: oncePerUnlisted(records, deps.unlisted?.() ?? new Set(), now).map(toView),
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
