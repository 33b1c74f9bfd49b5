// The HTTP surface's defences, applied first in the express app:
// - helmet headers, with a CSP that lets the pages load hls.js and socket.io from this
//   server and embed YouTube players, and nothing else;
// - a Host allow-list (server.publicUrl's host, server.allowedHosts, localhost, IP
//   addresses): a name pointed at this server by someone else (DNS rebinding) gets 421;
// - CORS from config server.corsOrigins (empty = same origin only); a state-changing
//   request from a foreign origin is refused outright, which also stops CSRF;
// - rate limits per client address (the one limiter, src/shared/rate-limit.ts) on the API —
//   /api/ in any letter case — and on the calendar feeds; logins have their own throttle
//   (login-throttle.ts), counted once;
// - no path traversal: a request whose path, decoded (repeatedly), holds a `..` segment,
//   a backslash or a NUL byte is refused before any static or media route sees it;
// - the flags every cookie onair sets must carry (sessionCookieOptions).
import type { CookieOptions, NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { clientAddress } from '../shared/client-address.js';
import { hostAllowed, originAllowed, type HostRule } from '../shared/credentials.js';
import type { Limit, Limiter, RateLimits } from '../shared/rate-limit.js';

export interface SecurityOptions {
  /** Origins allowed to call the API and Socket.IO from another site (config server.corsOrigins). */
  corsOrigins: readonly string[];
  /** The limiters (memory, or Redis in cluster mode). */
  rateLimits: RateLimits;
  /** Take the client's address from X-Forwarded-For (config server.trustProxy). @defaultValue false */
  trustProxy?: boolean;
  /** The host names this server answers to (hostRule of server.publicUrl and server.allowedHosts). */
  hosts: HostRule;
  /**
   * Runs right after the rate limits and before every other refusal (host, path, origin), so
   * what it records (the staff audit) sees those refusals but not a flood's 429s.
   */
  afterLimits?: RequestHandler;
  /** API requests allowed per client address. @defaultValue 300 a minute */
  apiLimit?: Limit;
  /** Calendar feed requests (/calendar.ics, /calendar/*.ics) per client address. @defaultValue 60 a minute */
  calendarLimit?: Limit;
}

/** The Content-Security-Policy directives of every page. */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // Inline style attributes are used by the SVG timeline and small widgets; no inline script.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'https://i.ytimg.com'],
  // hls.js feeds the <video> through MediaSource blob: URLs and may run a blob: worker.
  mediaSrc: ["'self'", 'blob:'],
  workerSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'", 'ws:', 'wss:'],
  frameSrc: ['https://www.youtube.com', 'https://www.youtube-nocookie.com'],
  frameAncestors: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  upgradeInsecureRequests: null,
} as const;

export function securityHeaders(): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { ...CSP_DIRECTIVES } },
    // YouTube's iframe player needs to be embeddable and to load its own cross-origin parts.
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    // Set below, over HTTPS only: browsers ignore it over plain HTTP (RFC 6797 §7.2), and
    // sent there it only says, wrongly, that this very server speaks HTTPS.
    strictTransportSecurity: false,
  });
  const hsts = helmet.strictTransportSecurity({ maxAge: 31_536_000, includeSubDomains: true });
  return (req, res, next) => {
    headers(req, res, (err?: unknown) => {
      if (err) return next(err);
      // req.secure: TLS here, or X-Forwarded-Proto https from a trusted proxy (server.trustProxy).
      if (req.secure) hsts(req, res, next);
      else next();
    });
  };
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Paths a load balancer or orchestrator probes, often naming the server by an internal host. */
const PROBES = new Set(['/healthz', '/readyz']);

/** Refuses a request naming a host this server does not answer to (DNS rebinding). */
export function hostGuard(rule: HostRule): RequestHandler {
  return (req, res, next) => {
    if (hostAllowed(req.headers.host, rule) || PROBES.has(req.path)) {
      next();
      return;
    }
    res.status(421).json({
      error: 'unknown-host',
      message: `this server does not answer to the host "${String(req.headers.host ?? '').slice(0, 100)}"; if that is its public name, set ONAIR_PUBLIC_URL or add it to server.allowedHosts`,
    });
  };
}

/** CORS from an allow-list, plus a refusal of state-changing requests from foreign origins. */
export function cors(allowed: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || originAllowed(origin, req.headers.host, [])) {
      next();
      return;
    }
    res.vary('Origin');
    if (!originAllowed(origin, undefined, allowed)) {
      if (UNSAFE_METHODS.has(req.method) || req.method === 'OPTIONS') {
        res.status(403).json({ error: 'forbidden-origin', message: `requests from ${origin} are not allowed; add it to server.corsOrigins` });
        return;
      }
      next();
      return;
    }
    res.set('Access-Control-Allow-Origin', origin);
    res.set('Access-Control-Allow-Credentials', 'true');
    if (req.method === 'OPTIONS') {
      res.set('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE');
      res.set('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? 'Content-Type, Authorization');
      res.set('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/** The client's address as the security middleware decided it (see src/shared/client-address.ts). */
export function clientAddressOf(req: Request, res: Response): string {
  const decided: unknown = res.locals['clientAddress'];
  return typeof decided === 'string' ? decided : (req.socket.remoteAddress ?? 'unknown');
}

/** Answers 429 (with Retry-After) once the client address has used up `limiter` this window. */
export function rateLimit(limiter: Limiter, name: string): RequestHandler {
  return (req, res, next) => {
    limiter.consume(clientAddressOf(req, res)).then((verdict) => {
      if (verdict.allowed) {
        next();
        return;
      }
      const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
      res.set('Retry-After', String(seconds));
      res.status(429).json({ error: 'rate-limited', message: `too many ${name} requests; try again in ${seconds} s` });
    }, next);
  };
}

/** Decodes a URL path up to three times (double encoding), or undefined if it is malformed. */
function decodedForms(path: string): string[] | undefined {
  const forms = [path];
  let current = path;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return undefined;
    }
    if (next === current) break;
    forms.push(next);
    current = next;
  }
  return forms;
}

/** Refuses any path that could climb out of a static, media or HLS root. */
export function noTraversal(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const raw = req.originalUrl.split('?')[0] ?? '';
    const forms = decodedForms(raw);
    const bad =
      forms === undefined ||
      forms.some((p) => p.includes('\0') || p.includes('\\') || p.split('/').some((seg) => seg === '..' || seg === '.'));
    if (bad) {
      res.status(400).json({ error: 'bad-path', message: 'the path is not allowed' });
      return;
    }
    next();
  };
}

/** The flags of every cookie onair sets (moderator and staff sessions). */
export function sessionCookieOptions(req: Pick<Request, 'secure'>, publicUrl: string, maxAgeMs: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure || publicUrl.startsWith('https://'),
    path: '/',
    maxAge: maxAgeMs,
  };
}

/** Every defence, in the order they must run; mount before any route. */
export function securityMiddleware(options: SecurityOptions): RequestHandler[] {
  const apiLimiter = rateLimit(options.rateLimits.limiter('api', options.apiLimit ?? { points: 300, windowMs: 60_000 }), 'API');
  const calendarLimiter = rateLimit(options.rateLimits.limiter('calendar', options.calendarLimit ?? { points: 60, windowMs: 60_000 }), 'calendar');
  const trustProxy = options.trustProxy ?? false;
  return [
    // First: every later step (rate limits, the login throttle) counts the same address.
    (req, res, next) => {
      res.locals['clientAddress'] = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustProxy);
      next();
    },
    securityHeaders(),
    // Limits before anything that does work or writes (the audit): a flood costs a counter.
    // Lower-cased: /API/status is the same client asking the same server for work.
    (req, res, next) => {
      const p = req.path.toLowerCase();
      if (p.startsWith('/api/')) apiLimiter(req, res, next);
      else if (p === '/calendar.ics' || p.startsWith('/calendar/')) calendarLimiter(req, res, next);
      else next();
    },
    ...(options.afterLimits ? [options.afterLimits] : []),
    hostGuard(options.hosts),
    noTraversal(),
    cors(options.corsOrigins),
  ];
}
