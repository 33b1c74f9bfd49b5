// Builds what operations read: metrics fed by events, readiness checks, the control room's
// quota view and health history.
import http from 'node:http';
import type { Config } from '../config/index.js';
import type { Clock } from '../shared/clock.js';
import type { HttpDeps } from '../http/app.js';
import { HealthHistory, scheduleErrorsOf } from '../http/routes/control-room.js';
import { executableCheck } from '../http/routes/health.js';
import { SqliteStaffAudit } from '../store/sqlite/staff-audit.js';
import { createMetrics, type Metrics } from '../metrics/index.js';
import { projectYoutubeQuota } from '../destinations/youtube/quota-projection.js';
import type { QuotaView } from '../http/routes/control-room.js';
import os from 'node:os';
import { ScheduleService } from '../schedule/index.js';
import type { SqliteDatabase } from '../store/sqlite/database.js';
import { ChatService } from '../chat/index.js';
import type { RealtimeServer } from '../realtime/index.js';
import { createYoutubeServices } from '../destinations/youtube/index.js';
import path from 'node:path';
import { BroadcastEngine } from '../scheduler/index.js';
import { resolveBinaries } from '../media/index.js';

export function buildOps(deps: {
  config: Readonly<Config>;
  clock: Clock;
  db: SqliteDatabase;
  schedule: ScheduleService;
  engine: BroadcastEngine;
  youtube: ReturnType<typeof createYoutubeServices> | undefined;
  chat: Pick<ChatService, 'events'>;
}): { http: Pick<HttpDeps, 'metrics' | 'readiness' | 'draining' | 'controlRoom'>; viewers(realtime: RealtimeServer): void; draining(): void } {
  const { config, clock, db, schedule, engine, youtube } = deps;
  const metrics = createMetrics({ nodeId: `${os.hostname()}:${process.pid}` });
  metrics.leader(true);
  metrics.watchEngine(engine);
  watchSources(metrics, { schedule, chat: deps.chat, youtube });
  const health = new HealthHistory();
  engine.on('health', (id, h) => health.record(id, h, clock.now()));
  const youtubeNames = new Set(Object.entries(config.destinations).filter(([, d]) => d.type === 'youtube').map(([n]) => n));
  const { ffmpeg } = resolveBinaries({ ffmpegPath: config.ffmpeg.path || undefined, probePath: config.ffmpeg.probePath || undefined });
  let draining = false;
  return {
    http: {
      metrics,
      draining: () => draining,
      readiness: [
        { name: 'schedules', check: () => void schedule.snapshot() },
        { name: 'store', check: () => void db.prepare('SELECT 1').get() },
        executableCheck('ffmpeg', ffmpeg),
      ],
      controlRoom: {
        health,
        audit: new SqliteStaffAudit(db),
        scheduleErrors: () => scheduleErrorsOf(schedule.snapshot()),
        ...(youtube ? { quota: () => quotaView(youtube.ledger, schedule, youtubeNames, clock) } : {}),
      },
    },
    viewers: (realtime) => metrics.setViewerSource(() => realtime.io.of('/').sockets.size),
    draining: () => void (draining = true),
  };
}

/** Today's YouTube quota: what the ledger counted against what the schedule projects. */
export function quotaView(
  ledger: { usage(): { day: string; units: number }; dailyQuota: number },
  schedule: Pick<ScheduleService, 'occurrences'>,
  youtubeDestinations: ReadonlySet<string>,
  clock: Clock,
): QuotaView {
  const usage = ledger.usage();
  const now = clock.now().getTime();
  const days = projectYoutubeQuota(schedule.occurrences(new Date(now - 86_400_000), new Date(now + 2 * 86_400_000)), {
    youtubeDestinations,
    dailyQuota: ledger.dailyQuota,
  });
  const today = days.find((d) => d.day === usage.day);
  return { day: usage.day, usedUnits: usage.units, projectedUnits: today?.units ?? 0, dailyQuota: ledger.dailyQuota };
}

/** Feeds the metrics from the schedule's reloads, chat's events and YouTube's quota ledger. */
export function watchSources(
  metrics: Metrics,
  sources: { schedule: Pick<ScheduleService, 'on'>; chat?: Pick<ChatService, 'events'>; youtube?: { ledger: { usage(): { byMethod: Record<string, { calls: number; units: number }> } } } },
): void {
  sources.schedule.on('file', (status) => metrics.scheduleReload(status.diagnostics.filter((d) => d.severity === 'error').length));
  sources.chat?.events.on('message', () => metrics.chatMessage('accepted'));
  sources.chat?.events.on('audit', (entry) => metrics.moderationAction(entry.action));
  const ledger = sources.youtube?.ledger;
  if (ledger) metrics.setYoutubeUsageSource(() => ledger.usage());
}
