// Moderator login for the console: POST /api/moderation/login sets an httpOnly,
// SameSite=Strict session cookie; /logout ends it; /me says who is logged in. The bearer
// token (ONAIR_MODERATOR_TOKEN) works on every moderator route instead of a cookie.
// The moderator auth itself lives in chat/; this router reaches it through the port below.
import express, { type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { clientAddressOf, sessionCookieOptions } from '../security.js';

/** What the routes need of the moderator auth (src/chat ModeratorAuth fits it). */
export interface ModeratorLoginPort {
  login(name: string, password: string, address: string): Promise<{ id: string; moderator: string; expiresAt: Date } | 'throttled' | undefined>;
  logout(sessionId: string): Promise<void>;
  /** Sessions may live in Redis (cluster mode), hence a promise. */
  identifyHeaders(cookieHeader: string | undefined, token: string | undefined): Promise<{ moderator: string; expiresAt: Date | null } | undefined>;
  readonly sessionTtlMs: number;
}

export interface AuthRouteDeps {
  auth: ModeratorLoginPort;
  /** config server.publicUrl: an https:// URL makes the cookie Secure. */
  publicUrl: string;
  /** @defaultValue "onair_mod" */
  cookieName?: string;
}

const loginBody = z.strictObject({ name: z.string().min(1).max(100), password: z.string().min(1).max(1000) });

function bearerOf(req: Request): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

/** Lets the request through only for a moderator (session cookie or bearer token). */
export function requireModerator(auth: ModeratorLoginPort): RequestHandler {
  return (req, res, next) => {
    auth.identifyHeaders(req.headers.cookie, bearerOf(req)).then((who) => {
      if (!who) {
        res.status(401).json({ error: 'unauthorized', message: 'Log in on the moderator console, or send the moderator token as a Bearer token.' });
        return;
      }
      res.locals['moderator'] = who.moderator;
      next();
    }, next);
  };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function authRouter(deps: AuthRouteDeps): express.Router {
  const router = express.Router();
  const cookie = deps.cookieName ?? 'onair_mod';

  router.post('/api/moderation/login', express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const body = loginBody.safeParse(req.body);
      if (!body.success) {
        res.status(400).json({ error: 'invalid', message: 'Send {"name": "...", "password": "..."} as JSON.' });
        return;
      }
      const session = await deps.auth.login(body.data.name, body.data.password, clientAddressOf(req, res));
      if (session === 'throttled') {
        res.status(429).json({ error: 'rate-limited', message: 'Too many login attempts; wait a minute.' });
        return;
      }
      if (!session) {
        res.status(401).json({ error: 'bad-credentials', message: 'Name or password is wrong.' });
        return;
      }
      res.cookie(cookie, session.id, sessionCookieOptions(req, deps.publicUrl, deps.auth.sessionTtlMs));
      res.json({ moderator: session.moderator, expiresAt: session.expiresAt.toISOString() });
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/moderation/logout', async (req, res) => {
    const id = cookieValue(req.headers.cookie, cookie);
    if (id) await deps.auth.logout(id);
    res.clearCookie(cookie, { ...sessionCookieOptions(req, deps.publicUrl, 0), maxAge: undefined });
    res.status(204).end();
  });

  router.get('/api/moderation/me', async (req, res) => {
    const who = await deps.auth.identifyHeaders(req.headers.cookie, bearerOf(req));
    if (!who) {
      res.status(401).json({ error: 'unauthorized', message: 'Not logged in.' });
      return;
    }
    res.json({ moderator: who.moderator, expiresAt: who.expiresAt?.toISOString() ?? null });
  });

  return router;
}
