// The hook guarding staff routes: the broadcast actions (start, extend, end, slate,
// programme), the control room's data (/api/control-room) and the moderator-only routes
// (requireModerator). A request passes only with a credential — a moderator session cookie or
// a bearer token (ONAIR_MODERATOR_TOKEN, or the local staff token file, src/http/staff-token.ts)
// — read by credentialsOf() and judged by the identify() it is given. Where a request comes
// from never counts: trusting loopback would make any local proxy or tunnel, and any page
// rebinding a name to 127.0.0.1, staff. Otherwise it fails with AuthError (401 through the
// error handler).
import type { Request, RequestHandler } from 'express';
import { credentialsOf, type Credentials } from '../shared/credentials.js';
import { AuthError } from '../shared/errors.js';

/** Who the credentials belong to (ModeratorAuth.identify fits), or undefined. */
export type IdentifyStaff = (credentials: Credentials) => Promise<{ moderator: string } | undefined>;

export interface StaffGuardOptions {
  identify: IdentifyStaff;
}

/** What a refused caller is told: how to get a credential. */
export const STAFF_CREDENTIAL_HINT =
  'staff actions need a credential: log in on the moderator console, or send "Authorization: Bearer <token>" with ONAIR_MODERATOR_TOKEN or the token in the staff-token file of the data folder (its path is in the log at start)';

/** The staff member behind a request, as requireStaff decided it (res.locals.staff). */
export function staffOf(res: { locals: Record<string, unknown> }): string | undefined {
  const who = res.locals['staff'];
  return typeof who === 'string' ? who : undefined;
}

export function requireStaff(options: StaffGuardOptions): RequestHandler {
  return (req: Request, res, next) => {
    options.identify(credentialsOf(req.headers)).then((who) => {
      if (who) {
        res.locals['staff'] = who.moderator;
        next();
        return;
      }
      next(new AuthError(STAFF_CREDENTIAL_HINT));
    }, next);
  };
}
