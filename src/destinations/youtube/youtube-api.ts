// The googleapis client as onair uses it: one OAuth2 client (refresh token, expiry kept,
// token URL configurable), one youtube v3 client at the configured root, gaxios' own
// retries turned off (`retry: false`) so that every attempt passes through `call()`:
// counted in the quota ledger, paced by our retry policy, and read for Google's reason.
import { auth, youtube, type youtube_v3 } from '@googleapis/youtube';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { youtubeQuotaCost, type YoutubeMethod } from '../../shared/youtube-quota.js';
import type { QuotaLedger } from '../../store/sqlite/quota-ledger.js';
import type { YoutubeCredentials } from './credentials.js';
import { DEFAULT_RETRY_POLICY, backoffDelay, sleep, type RetryPolicy } from './retry-policy.js';
import { isAuthRejected, isTransient, readFailure, toDestinationError, type YoutubeFailure } from './youtube-failure.js';

export type OAuth2Client = InstanceType<typeof auth.OAuth2>;

export interface YoutubeApiDeps {
  apiRoot: string;
  tokenUrl: string;
  credentials: YoutubeCredentials;
  clock: Clock;
  logger: Logger;
  /** Counts every attempt; optional so the auth command can run without a database. */
  ledger?: QuotaLedger;
  retry?: Partial<RetryPolicy>;
  /** Told of every attempt and its outcome with the units it cost (the metrics' youtubeCall). */
  onCall?: (method: YoutubeMethod, outcome: 'ok' | 'error', units: number) => void;
}

/** Per-call options googleapis accepts as its second argument. */
export interface CallOptions {
  signal?: AbortSignal;
  rootUrl?: string;
}

export class YoutubeApi {
  readonly yt: youtube_v3.Youtube;
  readonly oauth: OAuth2Client;
  readonly rootUrl: string;
  readonly #deps: YoutubeApiDeps;
  readonly #policy: RetryPolicy;

  constructor(deps: YoutubeApiDeps) {
    this.#deps = deps;
    this.#policy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
    this.rootUrl = deps.apiRoot.endsWith('/') ? deps.apiRoot : `${deps.apiRoot}/`;
    this.oauth = new auth.OAuth2({
      clientId: deps.credentials.clientId,
      clientSecret: deps.credentials.clientSecret,
      endpoints: { oauth2TokenUrl: deps.tokenUrl },
    });
    // Only the refresh token: the library fetches an access token and keeps its
    // expiry_date (without expiry it would replay every 401/403, POSTs included).
    this.oauth.setCredentials({ refresh_token: deps.credentials.refreshToken });
    this.yt = youtube({ version: 'v3', auth: this.oauth, rootUrl: this.rootUrl, retry: false });
  }

  #warned = new Set<string>();

  /** Counts a call in the ledger and warns once a day when usage passes 80% and 100%. */
  #count(method: YoutubeMethod): void {
    const ledger = this.#deps.ledger;
    if (!ledger) return;
    ledger.record(method);
    const usage = ledger.usage();
    for (const share of QUOTA_WARNINGS) {
      const key = `${usage.day}:${share}`;
      if (usage.units >= share * ledger.dailyQuota && !this.#warned.has(key)) {
        this.#warned.add(key);
        this.#deps.logger.warn(
          { day: usage.day, units: usage.units, dailyQuota: ledger.dailyQuota },
          `YouTube quota: onair has used ${usage.units} of ${ledger.dailyQuota} units today (Pacific day ${usage.day})`,
        );
      }
    }
  }

  /**
   * Runs one API call under the retry policy. `fn` gets the per-call options (abort signal,
   * rootUrl for media uploads). Transient failures are retried with backoff; a refused
   * access token gets one forced refresh; anything else is thrown as a YoutubeCallError.
   */
  async call<T>(method: YoutubeMethod, action: string, fn: (options: CallOptions) => Promise<{ data: T }>, signal?: AbortSignal): Promise<T> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      this.#count(method);
      // A failed attempt costs its units too: YouTube counts every request it answers.
      const units = youtubeQuotaCost(method);
      try {
        const res = await fn({ signal, rootUrl: this.rootUrl });
        this.#deps.onCall?.(method, 'ok', units);
        return res.data;
      } catch (err) {
        this.#deps.onCall?.(method, 'error', units);
        if (signal?.aborted) throw signal.reason ?? err;
        const f = readFailure(err);
        if (isAuthRejected(f) && !refreshed) {
          // The access token was refused before its expiry (revoked, or the server forgot it):
          // drop it so the next attempt refreshes; a revoked grant then reads invalid_grant.
          refreshed = true;
          this.oauth.setCredentials({ refresh_token: this.#deps.credentials.refreshToken });
          attempt--;
          continue;
        }
        if (isTransient(f) && attempt < this.#policy.attempts) {
          const wait = backoffDelay(this.#policy, attempt);
          this.#deps.logger.warn({ method, reason: f.reason, status: f.status, attempt, wait }, 'YouTube call failed; retrying');
          await sleep(this.#deps.clock, wait, signal);
          continue;
        }
        throw new YoutubeCallError(f, action);
      }
    }
  }
}

/** Share of the daily quota at which staff are warned in the log, once per quota day each. */
const QUOTA_WARNINGS = [0.8, 1];

/**
 * A YouTube call that failed for good (after retries); carries Google's reason. The
 * googleapis error is deliberately not kept as `cause`: its request config can hold the
 * OAuth form (client secret, refresh token), and a logged cause chain must never show it.
 */
export class YoutubeCallError extends Error {
  constructor(
    readonly failure: YoutubeFailure,
    readonly action: string,
  ) {
    super(`${action}: ${failure.reason}: ${failure.message}`);
    this.name = 'YoutubeCallError';
  }

  get reason(): string {
    return this.failure.reason;
  }

  toDestinationError(): ReturnType<typeof toDestinationError> {
    return toDestinationError(this.failure, this.action, this);
  }
}
