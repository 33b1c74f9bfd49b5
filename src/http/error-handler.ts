// The one place that turns errors into HTTP answers: a status, a stable code and a message
// a person can act on. Routes throw the small named classes of src/shared/errors (or a
// ZodError from validating a request); anything else is a 500 whose details stay in the log.
import type { ErrorRequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
import { AuthError, ConfigError, ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { LogThrottle } from '../shared/log-throttle.js';
import { isClientAbort, routeLabel, type RequestOutcomes } from './request-outcomes.js';
import { DestinationError } from '../scheduler/ports.js';

/** The body of every error answer: `{ error, message }` (plus `issues` for bad input). */
export interface ErrorBody {
  error: string;
  message: string;
  retryable?: boolean;
  issues?: Array<{ path: string; message: string }>;
  /** Quote this to an administrator: the log line with the details carries it. */
  ref?: string;
}

export interface MappedError {
  status: number;
  body: ErrorBody;
}

/** Maps an error to status and body; exported so it can be tested without a server. */
export function mapError(err: unknown): MappedError | undefined {
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
    return {
      status: 400,
      body: { error: 'invalid', message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues },
    };
  }
  if (err instanceof ValidationError) return { status: 400, body: { error: 'invalid', message: err.message } };
  if (err instanceof AuthError) return { status: 401, body: { error: 'unauthorized', message: err.message } };
  if (err instanceof NotFoundError) return { status: 404, body: { error: 'not-found', message: err.message } };
  if (err instanceof ConflictError) return { status: 409, body: { error: 'conflict', message: err.message } };
  if (err instanceof DestinationError) {
    return {
      status: err.retryable ? 503 : 502,
      body: { error: err.code, message: err.message, retryable: err.retryable },
    };
  }
  if (err instanceof ConfigError) {
    return { status: 500, body: { error: 'config', message: `${err.message} (fix the setting and restart onair)` } };
  }
  // Errors raised by express's own body parser carry a status and a type.
  const e = err as { type?: unknown; status?: unknown };
  if (e && typeof e === 'object' && e.type === 'entity.parse.failed') {
    return { status: 400, body: { error: 'invalid', message: 'the request body is not valid JSON; send e.g. {"minutes": 10}' } };
  }
  if (e && typeof e === 'object' && e.type === 'entity.too.large') {
    return { status: 413, body: { error: 'too-large', message: 'the request body is too large' } };
  }
  if (e && typeof e === 'object' && e.type === 'charset.unsupported') {
    return { status: 415, body: { error: 'unsupported-charset', message: 'the request body must be UTF-8; send Content-Type: application/json (or with charset=utf-8)' } };
  }
  if (e && typeof e === 'object' && e.type === 'encoding.unsupported') {
    return { status: 415, body: { error: 'unsupported-encoding', message: 'the request body may be sent plain, gzip or deflate; drop the Content-Encoding header or use one of those' } };
  }
  // Anything else the body parser refuses (a broken gzip body, a truncated upload, ...) is the
  // client's: http-errors marks those with a 4xx status and expose = true.
  const h = err as { status?: unknown; expose?: unknown; message?: unknown };
  if (h && typeof h === 'object' && h.expose === true && typeof h.status === 'number' && h.status >= 400 && h.status < 500) {
    return { status: h.status, body: { error: 'bad-request', message: `the request could not be read: ${String(h.message)}` } };
  }
  return undefined;
}

export interface ErrorHandlerDeps {
  logger: Logger;
  /** Cuts the error log's windows (one line per cause per minute). @defaultValue systemClock */
  clock?: Clock;
  /** Counts aborts and failures (the /metrics counters). */
  outcomes?: RequestOutcomes;
}

export function errorHandler(deps: ErrorHandlerDeps): ErrorRequestHandler {
  const { logger } = deps;
  // The same failure on every request (a broken disk under /hls) is one line a minute, with
  // the number held back; /metrics counts each of them.
  const throttle = new LogThrottle({ logger, clock: deps.clock ?? systemClock });
  const causeOf = (err: unknown): string => {
    const e = err as { name?: unknown; code?: unknown; message?: unknown } | null;
    if (!e || typeof e !== 'object') return String(err);
    return `${String(e.name)}:${typeof e.code === 'string' ? e.code : String(e.message)}`;
  };
  return (err: unknown, req, res, _next) => {
    // A viewer who leaves mid-segment is ordinary: counted, and a debug line at most.
    if (isClientAbort(err, req)) {
      const route = routeLabel(req.path);
      deps.outcomes?.aborted(route);
      logger.debug({ route, path: req.path, code: (err as { code?: unknown }).code }, 'client went away before the answer was sent');
      if (!res.headersSent) res.destroy();
      return;
    }
    if (res.headersSent) {
      // Too late for an answer: cut the connection so the client sees a broken transfer.
      deps.outcomes?.failed(500);
      throttle.error(causeOf(err), { err, method: req.method, path: req.path }, 'request failed while its answer was being sent');
      res.destroy();
      return;
    }
    const mapped = mapError(err);
    if (mapped) {
      if (mapped.status === 401) res.set('WWW-Authenticate', 'Bearer');
      if (mapped.status >= 500) {
        deps.outcomes?.failed(mapped.status);
        throttle.error(causeOf(err), { err, method: req.method, path: req.path }, 'request failed');
      }
      res.status(mapped.status).json(mapped.body);
      return;
    }
    const ref = randomUUID();
    deps.outcomes?.failed(500);
    // The ref the client got may point at a held-back line: the line that did go out has the same cause.
    throttle.error(causeOf(err), { err, ref, method: req.method, path: req.path }, 'unexpected error in a request');
    const body: ErrorBody = { error: 'internal', message: `something went wrong on the server; the log has the details under ref ${ref}`, ref };
    res.status(500).json(body);
  };
}
