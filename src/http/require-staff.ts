// The hook guarding staff actions (start, extend, end, slate) until the control room
// brings real staff accounts. For now a request passes when any of these holds:
//  1. `identify` (optional; e.g. the moderator session or token check of src/chat) names someone;
//  2. it carries `Authorization: Bearer <ONAIR_MODERATOR_TOKEN>` (compared in constant time);
//  3. it comes from the loopback interface (127.0.0.1 / ::1) *without* an X-Forwarded-For
//     header — a reverse proxy on the same host forwards with that header, so requests from
//     the Internet through a local proxy do not count as loopback.
// Otherwise it fails with AuthError (401 through the error handler).
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AuthError } from '../shared/errors.js';

export interface StaffGuardOptions {
  /** ONAIR_MODERATOR_TOKEN (config.secrets.moderatorToken); undefined = no token accepted. */
  token?: string;
  /** Let loopback requests through. @defaultValue true */
  allowLoopback?: boolean;
  /** Another way to recognise staff (a session, maybe in Redis); resolves to who it is, or undefined. */
  identify?: (req: Request) => Promise<string | undefined> | string | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function requireStaff(options: StaffGuardOptions = {}): RequestHandler {
  const allowLoopback = options.allowLoopback ?? true;
  return (req, res, next) => {
    Promise.resolve(options.identify?.(req)).then((who) => {
      if (who) {
        res.locals['staff'] = who;
        next();
        return;
      }
      byTokenOrLoopback(req, res, next);
    }, next);
  };
  function byTokenOrLoopback(req: Request, res: Response, next: NextFunction): void {
    const auth = req.headers.authorization;
    if (options.token && auth?.startsWith('Bearer ') && sameSecret(auth.slice(7), options.token)) {
      res.locals['staff'] = 'token';
      next();
      return;
    }
    if (allowLoopback && LOOPBACK.has(req.socket.remoteAddress ?? '') && !req.headers['x-forwarded-for']) {
      res.locals['staff'] = 'loopback';
      next();
      return;
    }
    next(
      new AuthError(
        'staff actions need the moderator token: send "Authorization: Bearer <ONAIR_MODERATOR_TOKEN>", or call from the server itself',
      ),
    );
  }
}
