// `GET /metrics`: the Prometheus exposition of this node's registry, behind its own guard
// (metrics-access.ts: the metrics token, staff, or a scraper on this machine).
import express from 'express';
import { strictRouter } from '../router.js';

export interface MetricsRouteDeps {
  /** The registry's text exposition and its content type (src/metrics createMetrics()). */
  metrics: { render(): Promise<string>; contentType: string };
  /** Who may read it (metricsAccess()). */
  access: express.RequestHandler;
}

export function metricsRouter(deps: MetricsRouteDeps): express.Router {
  const router = strictRouter();
  router.get('/metrics', deps.access, async (_req, res, next) => {
    try {
      const body = await deps.metrics.render();
      res.set('Content-Type', deps.metrics.contentType).set('Cache-Control', 'no-store').send(body);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
