// What went wrong in a YouTube call, read from whatever googleapis threw (a GaxiosError
// with Google's body, an OAuth error from the token endpoint, or a network error), and
// how each kind is treated: retried here, tolerated, or turned into a DestinationError
// with words staff can act on. The only place that knows Google's reasons.
import { DestinationError } from '../../scheduler/ports.js';

export interface YoutubeFailure {
  /** HTTP status, when there was an answer. */
  status?: number;
  /** Google's reason (errorStreamInactive, quotaExceeded…), the OAuth error (invalid_grant), or "network". */
  reason: string;
  message: string;
}

interface ErrorShape {
  status?: number;
  code?: string | number;
  message?: string;
  response?: { status?: number; data?: unknown };
}

/** Reads Google's reason out of anything a googleapis call threw. */
export function readFailure(err: unknown): YoutubeFailure {
  const e = (err ?? {}) as ErrorShape;
  const status = e.response?.status ?? e.status;
  const data = e.response?.data as
    | { error?: string | { message?: string; errors?: Array<{ reason?: string; message?: string }> }; error_description?: string }
    | undefined;
  if (data && typeof data.error === 'string') {
    return { status, reason: data.error, message: data.error_description ?? data.error };
  }
  if (data && typeof data.error === 'object' && data.error) {
    const first = data.error.errors?.[0];
    return { status, reason: first?.reason ?? `http-${status ?? 'error'}`, message: first?.message ?? data.error.message ?? 'YouTube refused the call' };
  }
  if (status !== undefined) return { status, reason: `http-${status}`, message: e.message ?? `HTTP ${status}` };
  if (typeof e.code === 'string' && /^(ECONN|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EPIPE|UND_ERR|ECONNRESET)/.test(e.code)) {
    return { reason: 'network', message: `${e.code}: ${e.message ?? ''}`.trim() };
  }
  const name = (err as Error | undefined)?.name;
  if (name === 'AbortError') return { reason: 'aborted', message: 'the call was cancelled' };
  if (err instanceof TypeError && /fetch failed/i.test(err.message)) return { reason: 'network', message: err.message };
  return { reason: 'unknown', message: (err as Error | undefined)?.message ?? String(err) };
}

const TRANSIENT_REASONS = new Set([
  'backendError',
  'internalError',
  'errorExecutingTransition',
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'network',
]);

/** Worth trying again after a pause: 5xx, backendError, rate limits, network trouble. */
export function isTransient(f: YoutubeFailure): boolean {
  if (TRANSIENT_REASONS.has(f.reason)) return true;
  if (f.status === 429 || f.status === 408) return true;
  return f.status !== undefined && f.status >= 500;
}

/** The access token is refused; a fresh one may help (once). */
export function isAuthRejected(f: YoutubeFailure): boolean {
  return f.status === 401 && f.reason !== 'invalid_grant' && f.reason !== 'invalid_client';
}

/** Turns a failure into the error the engine records, with what staff can do about it. */
export function toDestinationError(f: YoutubeFailure, action: string, cause?: unknown): DestinationError {
  const opts = cause === undefined ? undefined : { cause };
  switch (f.reason) {
    case 'quotaExceeded':
      return new DestinationError(
        'quotaExceeded',
        `YouTube: the Google Cloud project's daily API quota is used up (while trying to ${action}). It resets at midnight Pacific time. ` +
          'The other destinations carry on. Ask for more quota in the Google Cloud console, or put fewer programmes on YouTube today (`onair validate` shows the projected units per day).',
        false,
        opts,
      );
    case 'invalid_grant':
    case 'youtube-token-revoked':
      return new DestinationError(
        'youtube-token-revoked',
        `YouTube: onair's access to the channel was revoked or has expired (while trying to ${action}). ` +
          'Run `onair auth youtube` again (or set a new ONAIR_YOUTUBE_REFRESH_TOKEN) and restart onair.',
        false,
        opts,
      );
    case 'invalid_client':
      return new DestinationError(
        'youtube-client-invalid',
        'YouTube: the OAuth client was not recognised. Check ONAIR_YOUTUBE_CLIENT_ID and ONAIR_YOUTUBE_CLIENT_SECRET against the Google Cloud console.',
        false,
        opts,
      );
    case 'liveStreamingNotEnabled':
      return new DestinationError(
        'liveStreamingNotEnabled',
        'YouTube: the channel is not enabled for live streaming. Enable it at https://www.youtube.com/features (it can take 24 hours), then reschedule.',
        false,
        opts,
      );
    case 'invalidTransition':
      return new DestinationError(
        'invalidTransition',
        `YouTube refused to ${action}: ${f.message}. Check the event in YouTube Studio; it may have been ended or changed by hand.`,
        false,
        opts,
      );
    case 'errorStreamInactive':
      return new DestinationError(
        'errorStreamInactive',
        `YouTube does not see the video arriving (while trying to ${action}). Check that the encoder is running and the network reaches YouTube.`,
        true,
        opts,
      );
    case 'liveBroadcastNotFound':
      return new DestinationError(
        'liveBroadcastNotFound',
        `YouTube: the event no longer exists (while trying to ${action}); it may have been deleted in YouTube Studio.`,
        false,
        opts,
      );
    default:
      return new DestinationError(
        f.reason,
        `YouTube: could not ${action}: ${f.message}${f.status ? ` (HTTP ${f.status})` : ''}.${isTransient(f) ? ' This usually passes; onair will try again.' : ''}`,
        isTransient(f),
        opts,
      );
  }
}
