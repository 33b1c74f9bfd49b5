// Who may read /metrics. Its series name programmes, destinations and how each fares, so it
// is not for the world: it answers a bearer of ONAIR_METRICS_TOKEN (a Prometheus scraper,
// from anywhere), staff (the same credentials as the staff actions), and — config
// server.metricsFromLoopback — a scraper on this very machine: a loopback peer whose request
// carries no proxy header. A proxy in front (nginx, a platform router, a tunnel that says so)
// turns every caller into a loopback peer, so any sign of one takes the exemption away; the
// Host allow-list (security.ts) has already refused a rebinding name. Anything else: 401.
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { credentialsOf, sameSecret } from '../shared/credentials.js';
import { AuthError } from '../shared/errors.js';
import type { IdentifyStaff } from './require-staff.js';

export interface MetricsAccessOptions {
  /** The scraper's bearer token (ONAIR_METRICS_TOKEN); none = staff and loopback only. */
  token?: string | undefined;
  /** Staff credentials (the staff actions' identify). */
  identify: IdentifyStaff;
  /** Serve a loopback peer with no proxy header (config server.metricsFromLoopback). @defaultValue true */
  loopback?: boolean;
}

/** What a refused caller is told. */
export const METRICS_CREDENTIAL_HINT =
  '/metrics is not public: send "Authorization: Bearer <token>" with the token set in ONAIR_METRICS_TOKEN (or a staff credential), or scrape from this machine without a proxy in between';

/** Headers a proxy or tunnel adds; their presence, even empty, means the peer is not the caller. */
const PROXY_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded', 'x-real-ip', 'via', 'x-client-ip', 'cf-connecting-ip', 'true-client-ip', 'x-original-forwarded-for'];

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped form. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** A request straight from this machine: a loopback peer and no header a proxy would add. */
export function directFromThisMachine(remoteAddress: string | undefined, headers: IncomingHttpHeaders): boolean {
  return isLoopback(remoteAddress) && PROXY_HEADERS.every((h) => headers[h] === undefined);
}

export function metricsAccess(options: MetricsAccessOptions): RequestHandler {
  const loopback = options.loopback ?? true;
  return (req, _res, next) => {
    if (loopback && directFromThisMachine(req.socket.remoteAddress, req.headers)) {
      next();
      return;
    }
    const credentials = credentialsOf(req.headers);
    if (options.token && credentials.token && sameSecret(credentials.token, options.token)) {
      next();
      return;
    }
    options.identify(credentials).then((who) => next(who ? undefined : new AuthError(METRICS_CREDENTIAL_HINT)), next);
  };
}
