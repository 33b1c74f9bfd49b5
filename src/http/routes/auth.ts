// Moderator login for the console: POST /api/moderation/login sets an httpOnly,
// SameSite=Strict session cookie; /logout ends it; /me says who is logged in. The bearer
// token (ONAIR_MODERATOR_TOKEN) works on every moderator route instead of a cookie.
// The moderator auth itself lives in chat/; this router reaches it through the port below.
import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import { cookieValue, credentialsOf, DEVICE_COOKIE, SESSION_COOKIE, type Credentials } from '../../shared/credentials.js';
import type { LoginThrottle } from '../login-throttle.js';
import { clientAddressOf, sessionCookieOptions } from '../security.js';
import { requireStaff } from '../require-staff.js';
import { strictRouter } from '../router.js';

/** What the routes need of the moderator auth (src/chat ModeratorAuth fits it). */
export interface ModeratorLoginPort {
  login(name: string, password: string): Promise<{ id: string; moderator: string; expiresAt: Date } | undefined>;
  logout(sessionId: string): Promise<void>;
  /** Who the credentials (credentialsOf) belong to. Sessions may live in Redis (cluster mode), hence a promise. */
  identify(credentials: Credentials): Promise<{ moderator: string; expiresAt: Date | null } | undefined>;
  readonly sessionTtlMs: number;
}

export interface AuthRouteDeps {
  auth: ModeratorLoginPort;
  /** config server.publicUrl: an https:// URL makes the cookie Secure. */
  publicUrl: string;
  /** The one login throttle (failures per address and name, device cookies). */
  throttle: LoginThrottle;
}

/** How long a device cookie marks a browser where a moderator logged in. */
const DEVICE_COOKIE_MS = 180 * 86_400_000;

const loginBody = z.strictObject({ name: z.string().min(1).max(100), password: z.string().min(1).max(1000) });

/** Lets the request through only for a moderator (session cookie or bearer token): the staff guard. */
export function requireModerator(auth: ModeratorLoginPort): RequestHandler {
  return requireStaff({ identify: (credentials) => auth.identify(credentials) });
}

export function authRouter(deps: AuthRouteDeps): express.Router {
  const router = strictRouter();
  const cookie = SESSION_COOKIE;

  router.post('/api/moderation/login', express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const body = loginBody.safeParse(req.body);
      if (!body.success) {
        res.status(400).json({ error: 'invalid', message: 'Send {"name": "...", "password": "..."} as JSON.' });
        return;
      }
      const { name, password } = body.data;
      const address = clientAddressOf(req, res);
      const trusted = deps.throttle.trusts(cookieValue(req.headers.cookie, DEVICE_COOKIE), name);
      const waitMs = await deps.throttle.waitMs(address, name, trusted);
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        res.set('Retry-After', String(seconds));
        res.status(429).json({ error: 'rate-limited', message: `Too many failed logins from here; try again in ${seconds} s.` });
        return;
      }
      const session = await deps.auth.login(name, password);
      if (!session) {
        await deps.throttle.failed(address, name);
        res.status(401).json({ error: 'bad-credentials', message: 'Name or password is wrong.' });
        return;
      }
      await deps.throttle.succeeded(address, name);
      res.cookie(cookie, session.id, sessionCookieOptions(req, deps.publicUrl, deps.auth.sessionTtlMs));
      res.cookie(DEVICE_COOKIE, deps.throttle.deviceCookie(session.moderator), sessionCookieOptions(req, deps.publicUrl, DEVICE_COOKIE_MS));
      res.json({ moderator: session.moderator, expiresAt: session.expiresAt.toISOString() });
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/moderation/logout', async (req, res) => {
    const id = credentialsOf(req.headers).sessionId;
    if (id) await deps.auth.logout(id);
    res.clearCookie(cookie, { ...sessionCookieOptions(req, deps.publicUrl, 0), maxAge: undefined });
    res.status(204).end();
  });

  router.get('/api/moderation/me', async (req, res) => {
    const who = await deps.auth.identify(credentialsOf(req.headers));
    if (!who) {
      res.status(401).json({ error: 'unauthorized', message: 'Not logged in.' });
      return;
    }
    res.json({ moderator: who.moderator, expiresAt: who.expiresAt?.toISOString() ?? null });
  });

  return router;
}
