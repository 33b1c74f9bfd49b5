// Builds what operations read, for every kind of node: metrics fed by events, readiness
// checks, the control room's quota view and health history, and the draining flag /readyz
// turns 503 on while a node shuts down.
import type { Config } from '../config/index.js';
import type { Clock } from '../shared/clock.js';
import type { HttpDeps } from '../http/app.js';
import { HealthHistory, scheduleErrorsOf, unlistedOf, type QuotaView } from '../http/routes/control-room.js';
import { executableCheck, type ReadinessCheck } from '../http/routes/health.js';
import type { StaffAuditLog } from '../http/staff-audit.js';
import type { Metrics } from '../metrics/index.js';
import { projectYoutubeQuota } from '../destinations/youtube/quota-projection.js';
import type { ScheduleService } from '../schedule/index.js';
import type { ChatService } from '../chat/index.js';
import type { RealtimeServer } from '../realtime/index.js';
import type { EngineEvents } from '../scheduler/index.js';
import type { TypedEmitter } from '../shared/typed-emitter.js';

interface QuotaLedgerView {
  usage(): { day: string; units: number; byMethod: Record<string, { calls: number; units: number }> };
  dailyQuota: number;
}

export interface OpsDeps {
  config: Readonly<Config>;
  clock: Clock;
  /** This node's metrics (created first: the YouTube client reports its calls there). */
  metrics: Metrics;
  schedule: ScheduleService;
  /** The engine's events as this node hears them (its own engine, or the cluster's relay). */
  engineEvents: Pick<TypedEmitter<EngineEvents>, 'on'>;
  /** The staff audit log the control room shows (SQLite embedded, Redis in a cluster). */
  audit: StaffAuditLog;
  /** Checks beyond the schedule's: the store or Redis. */
  readiness: readonly ReadinessCheck[];
  /** The ffmpeg this node runs, when it runs the engine (checked by /readyz). */
  ffmpeg?: string;
  /** The YouTube quota ledger, when YouTube is configured (the control room's quota view). */
  youtubeLedger?: QuotaLedgerView;
  /** Whether this node makes the YouTube calls (its ledger then feeds the metrics). */
  countsYoutube: boolean;
}

export interface Ops {
  metrics: Metrics;
  http: Pick<HttpDeps, 'metrics' | 'outcomes' | 'readiness' | 'draining' | 'controlRoom'>;
  /** Counts this node's viewers once Socket.IO is attached. */
  viewers(realtime: RealtimeServer): void;
  /** Counts chat messages and moderation actions of this node's chat service. */
  chat(chat: Pick<ChatService, 'events'>): void;
  /** From now on /readyz answers 503. */
  draining(): void;
}

export function buildOps(deps: OpsDeps): Ops {
  const { config, clock, schedule } = deps;
  const metrics = deps.metrics;
  metrics.watchEngine(deps.engineEvents);
  schedule.on('file', (status) => metrics.scheduleReload(status.diagnostics.filter((d) => d.severity === 'error').length));
  const ledger = deps.youtubeLedger;
  // YouTube usage is counted where the calls are made (the embedded node or the worker).
  if (ledger && deps.countsYoutube) metrics.setYoutubeUsageSource(() => ledger.usage());
  const health = new HealthHistory();
  deps.engineEvents.on('health', (id, h) => health.record(id, h, clock.now()));
  const youtubeNames = new Set(Object.entries(config.destinations).filter(([, d]) => d.type === 'youtube').map(([n]) => n));
  let draining = false;
  return {
    metrics,
    http: {
      metrics,
      outcomes: { aborted: (route) => metrics.httpAborted(route), failed: (status) => metrics.httpFailed(status) },
      draining: () => draining,
      readiness: [
        ...deps.readiness,
        { name: 'schedules', check: () => void schedule.snapshot() },
        ...(deps.ffmpeg ? [executableCheck('ffmpeg', deps.ffmpeg)] : []),
      ],
      controlRoom: {
        health,
        audit: deps.audit,
        scheduleErrors: () => scheduleErrorsOf(schedule.snapshot()),
        unlisted: () => unlistedOf(schedule.snapshot()),
        ...(ledger ? { quota: () => quotaView(ledger, schedule, youtubeNames, clock) } : {}),
      },
    },
    viewers: (realtime) => metrics.setViewerSource(() => realtime.io.of('/').sockets.size),
    chat(chat) {
      chat.events.on('message', () => metrics.chatMessage('accepted'));
      chat.events.on('rejected', () => metrics.chatMessage('rejected'));
      chat.events.on('audit', (entry) => metrics.moderationAction(entry.action));
    },
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
