// The emulator's OAuth endpoints: the token endpoint googleapis refreshes against, and the
// consent page `onair auth youtube` opens (the emulated owner consents at once).
import express from 'express';
import type { EmulatorBackend } from './emulator-backend.js';
import { queryString } from './request-params.js';

export function oauthRoutes(emu: Pick<EmulatorBackend, 'oauth'>): express.Router {
  const router = express.Router();
  router.post('/token', express.urlencoded({ extended: false }), (req, res) => {
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    const answer = emu.oauth.token(form);
    res.status(answer.status).json(answer.body);
  });
  // The consent page: the emulated owner says yes at once and the browser is redirected.
  router.get('/o/oauth2/v2/auth', (req, res) => {
    const clientId = queryString(req.query.client_id) ?? '';
    const redirectUri = queryString(req.query.redirect_uri) ?? '';
    const scope = queryString(req.query.scope) ?? '';
    if (queryString(req.query.response_type) !== 'code' || !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(redirectUri)) {
      res.status(400).type('text/plain').send('Error 400: invalid_request (response_type=code and a loopback redirect_uri are required)');
      return;
    }
    try {
      const code = emu.oauth.authorize(clientId, redirectUri, scope);
      const to = new URL(redirectUri);
      to.searchParams.set('code', code);
      const state = queryString(req.query.state);
      if (state !== undefined) to.searchParams.set('state', state);
      to.searchParams.set('scope', scope);
      res.redirect(302, to.toString());
    } catch {
      res.status(401).type('text/plain').send('Error 401: invalid_client');
    }
  });

  return router;
}
