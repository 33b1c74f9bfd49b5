// What the HTTP layer tells operations about requests that did not end well: a client that
// went away mid-download (normal with video players: hls.js cancels a segment when it
// switches or the viewer leaves) and requests that failed on our side. main.ts wires these
// to the Prometheus counters; the log sees aborts at debug level only.
import type { Request } from 'express';

export interface RequestOutcomes {
  /** A client closed the connection before its answer was sent (`route`: hls, archive, api, other). */
  aborted(route: string): void;
  /** A request failed on the server's side and was answered (or cut) with `status`. */
  failed(status: number): void;
}

/** Error codes that mean the client, not the server, ended the exchange. */
const CLIENT_GONE = new Set(['ECONNABORTED', 'ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED']);

/** Whether `err` only says the client went away (express's "Request aborted", a reset, a broken pipe). */
export function isClientAbort(err: unknown, req: Request): boolean {
  const e = err as { code?: unknown; type?: unknown } | null;
  if (e && typeof e === 'object') {
    if (typeof e.code === 'string' && CLIENT_GONE.has(e.code)) return true;
    // The body parser's name for a request body cut short.
    if (e.type === 'request.aborted') return true;
  }
  // Not req.destroyed: a request whose body was read to its end is destroyed too.
  return req.socket.destroyed;
}

/** A small, fixed set of labels for the abort counter (never the path itself). */
export function routeLabel(path: string): string {
  if (path.startsWith('/hls/')) return 'hls';
  if (path.startsWith('/archive/')) return 'archive';
  if (path.startsWith('/api/')) return 'api';
  return 'other';
}
