// The express application: one router per resource, mounted here, and one error handler.
import express from 'express';
import type { Config } from '../config/index.js';
import type { Logger } from '../shared/logger.js';

export interface HttpDeps {
  config: Readonly<Config>;
  logger: Logger;
}

export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  void deps;
  return app;
}
