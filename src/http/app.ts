// The express application: one router per resource, mounted here, and one error handler.
import express from 'express';
import type { Config } from '../config/index.js';
import type { Logger } from '../shared/logger.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { securityMiddleware } from './security.js';
import { healthRouter, type ReadinessCheck } from './routes/health.js';
import { metricsRouter, type MetricsRouteDeps } from './routes/metrics.js';

export interface HttpDeps {
  config: Readonly<Config>;
  logger: Logger;
  /** Drives rate-limit buckets. @defaultValue systemClock */
  clock?: Clock;
  /** What `/readyz` checks (schedules loaded, store, Redis, ffmpeg); main.ts passes what exists. */
  readiness?: readonly ReadinessCheck[];
  /** Set once shutdown began, so `/readyz` turns 503 while connections drain. */
  draining?: () => boolean;
  /** The Prometheus registry served at `/metrics` (src/metrics createMetrics()). */
  metrics?: MetricsRouteDeps['metrics'];
}

export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityMiddleware({ corsOrigins: deps.config.server.corsOrigins, clock: deps.clock ?? systemClock }));
  app.use(healthRouter({ checks: deps.readiness ?? [], draining: deps.draining }));
  if (deps.metrics) app.use(metricsRouter({ metrics: deps.metrics }));
  return app;
}
