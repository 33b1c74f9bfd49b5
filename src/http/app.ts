// The express application: one router per resource, mounted here, and one error handler.
import express from 'express';
import type { Config } from '../config/index.js';
import type { Logger } from '../shared/logger.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { securityMiddleware } from './security.js';
import { healthRouter, type ReadinessCheck } from './routes/health.js';
import { metricsRouter, type MetricsRouteDeps } from './routes/metrics.js';
import { authRouter, type ModeratorLoginPort } from './routes/auth.js';
import { chatExportRouter, type TranscriptPort } from './routes/chat-export.js';
import { webRouter } from './routes/web.js';
import { scheduleRouter, type ScheduleQueryPort } from './routes/schedule.js';
import { calendarRouter } from './routes/calendar.js';
import { statusRouter } from './routes/status.js';
import { broadcastsRouter, type BroadcastsPort } from './routes/broadcasts.js';
import { requireStaff, type IdentifyStaff } from './require-staff.js';
import { metricsAccess } from './metrics-access.js';
import { auditStaffAttempts } from './staff-audit.js';
import { LoginThrottle } from './login-throttle.js';
import { memoryRateLimits, type RateLimits } from '../shared/rate-limit.js';
import { hostRule, sameSecret } from '../shared/credentials.js';
import { controlRoomRouter, type ControlRoomDeps } from './routes/control-room.js';
import { errorHandler } from './error-handler.js';
import type { RequestOutcomes } from './request-outcomes.js';
import { hlsRouter } from './routes/hls.js';
import { archiveRouter } from './routes/archive.js';
import type { ArchiveReader } from '../scheduler/ports.js';

export interface HttpDeps {
  config: Readonly<Config>;
  logger: Logger;
  /** Drives rate-limit buckets. @defaultValue systemClock */
  clock?: Clock;
  /** What `/readyz` checks (schedules loaded, store, Redis, ffmpeg); main.ts passes what exists. */
  readiness?: readonly ReadinessCheck[];
  /** Set once shutdown began, so `/readyz` turns 503 while connections drain. */
  draining?: () => boolean;
  /** Counts aborted downloads and failed requests (the /metrics counters). */
  outcomes?: RequestOutcomes;
  /** The Prometheus registry served at `/metrics` (src/metrics createMetrics()). */
  metrics?: MetricsRouteDeps['metrics'];
  /**
   * Moderator login and chat transcript export (src/chat, wired by main.ts). `deviceKey` signs
   * the login throttle's device cookies. @defaultValue a random key per process
   */
  moderation?: { auth: ModeratorLoginPort; transcripts: TranscriptPort; deviceKey?: string };
  /** Where rate limits count (src/shared/rate-limit.ts). @defaultValue in memory, on `clock` */
  rateLimits?: RateLimits;
  /** The broadcast engine, for /api/broadcasts and the staff actions (src/scheduler, wired by main.ts). */
  broadcasts?: BroadcastsPort;
  /** The staff control room's sources (health history, staff audit, quota, schedule errors). */
  controlRoom?: Pick<ControlRoomDeps, 'health' | 'audit' | 'scheduleErrors' | 'quota' | 'unlisted'>;
  /** The schedule (ScheduleService): /api/schedule, /calendar.ics and /api/status. */
  schedule?: ScheduleQueryPort;
  /** The local destination's HLS folder (/hls/...) and archive (/api/archive, /archive/...). */
  media?: { hlsDir: string; archive: ArchiveReader };
}

export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // /api/broadcasts/<id>/START is not /start: routes match exactly (see router.ts).
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  // Express's own view (req.ip, req.secure) follows the same setting as the security middleware.
  app.set('trust proxy', deps.config.server.trustProxy ? 1 : false);
  const rateLimits = deps.rateLimits ?? memoryRateLimits(deps.clock ?? systemClock);
  app.use(
    securityMiddleware({
      corsOrigins: deps.config.server.corsOrigins,
      rateLimits,
      trustProxy: deps.config.server.trustProxy,
      hosts: hostRule(deps.config.server.publicUrl, deps.config.server.allowedHosts),
      apiLimit: { points: deps.config.server.apiRequestsPerMinute, windowMs: 60_000 },
      // Every attempt at a staff action is recorded, refused or not, whatever its spelling.
      ...(deps.controlRoom ? { afterLimits: auditStaffAttempts({ audit: deps.controlRoom.audit, clock: deps.clock ?? systemClock, logger: deps.logger }) } : {}),
    }),
  );
  app.use(healthRouter({ checks: deps.readiness ?? [], draining: deps.draining }));
  if (deps.metrics) {
    const access = metricsAccess({ token: deps.config.secrets.metricsToken, identify: staffIdentity(deps), loopback: deps.config.server.metricsFromLoopback });
    app.use(metricsRouter({ metrics: deps.metrics, access }));
  }
  if (deps.moderation) {
    const throttle = new LoginThrottle({ limits: rateLimits, ...(deps.moderation.deviceKey ? { deviceKey: deps.moderation.deviceKey } : {}) });
    app.use(authRouter({ auth: deps.moderation.auth, publicUrl: deps.config.server.publicUrl, throttle }));
    app.use(chatExportRouter({ auth: deps.moderation.auth, transcripts: deps.moderation.transcripts }));
  }
  if (deps.broadcasts) {
    // One guard for every staff route: a credential, always (see require-staff.ts).
    const staff = requireStaff({ identify: staffIdentity(deps) });
    if (deps.controlRoom) {
      app.use(
        controlRoomRouter({
          ...deps.controlRoom,
          broadcasts: deps.broadcasts,
          requireStaff: staff,
          clock: deps.clock ?? systemClock,
          timezone: deps.config.schedule.timezone,
          logger: deps.logger,
        }),
      );
    }
    app.use(broadcastsRouter({ broadcasts: deps.broadcasts, requireStaff: staff, clock: deps.clock ?? systemClock }));
  }
  if (deps.schedule) {
    const clock = deps.clock ?? systemClock;
    const { timezone, language } = deps.config.schedule;
    app.use(scheduleRouter({ schedule: deps.schedule, clock, timezone, language }));
    app.use(calendarRouter({ schedule: deps.schedule, clock, language, publicUrl: deps.config.server.publicUrl }));
    app.use(statusRouter({ schedule: deps.schedule }));
  }
  if (deps.media) {
    app.use(hlsRouter({ dir: deps.media.hlsDir }));
    app.use(archiveRouter({ archive: deps.media.archive }));
  }
  // The viewer page at /, the moderator console at /moderation/ (static, no build step).
  app.use(webRouter());
  // Last: the one place errors become HTTP answers.
  app.use(errorHandler({ logger: deps.logger, clock: deps.clock ?? systemClock, ...(deps.outcomes ? { outcomes: deps.outcomes } : {}) }));
  return app;
}

/** Who may act as staff: the moderator auth's identify(), or without one the configured token alone. */
function staffIdentity(deps: HttpDeps): IdentifyStaff {
  const auth = deps.moderation?.auth;
  if (auth) return (credentials) => auth.identify(credentials);
  const token = deps.config.secrets.moderatorToken;
  return async (credentials) => (token && credentials.token && sameSecret(credentials.token, token) ? { moderator: 'token' } : undefined);
}
