// The emulator's HTTP face: Google's paths under /youtube/v3/, the media upload path for
// thumbnails, the OAuth token and consent endpoints, and a small control API under
// /emulator/ (faults and state) for rehearsals and the standalone command: api-routes.ts,
// oauth-routes.ts and control-routes.ts, composed here with Google's 404 for the rest.
import express from 'express';
import { apiRoutes } from './api-routes.js';
import { controlRoutes } from './control-routes.js';
import type { EmulatorBackend } from './emulator-backend.js';
import { ApiError } from './google-error.js';
import { oauthRoutes } from './oauth-routes.js';

export function createEmulatorApp(emu: EmulatorBackend): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(apiRoutes(emu));
  app.use(oauthRoutes(emu));
  app.use(controlRoutes(emu));
  app.use((_req, res) => {
    const e = new ApiError(404, 'notFound', 'Not Found', 'global');
    res.status(404).json(e.body());
  });
  return app;
}
