// The quota ledger: every YouTube call onair makes (attempts and retries included) is
// counted against the quota day it falls in (midnight Pacific) and persisted in the
// embedded database, so a restart does not forget what today already cost.
import type { SqliteDatabase } from './database.js';
import type { Clock } from '../../shared/clock.js';
import { youtubeQuotaCost, youtubeQuotaDay } from '../../shared/youtube-quota.js';

export interface QuotaUsage {
  day: string;
  units: number;
  calls: number;
  byMethod: Record<string, { calls: number; units: number }>;
}

export class QuotaLedger {
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;
  readonly dailyQuota: number;

  constructor(deps: { db: SqliteDatabase; clock: Clock; dailyQuota: number }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.dailyQuota = deps.dailyQuota;
    this.#db.exec(`CREATE TABLE IF NOT EXISTS youtube_quota_usage (
      day TEXT NOT NULL,
      method TEXT NOT NULL,
      calls INTEGER NOT NULL,
      units INTEGER NOT NULL,
      PRIMARY KEY (day, method)
    )`);
  }

  /** Counts one call of `method`; returns its cost in units. */
  record(method: string, at: Date = this.#clock.now()): number {
    const units = youtubeQuotaCost(method);
    this.#db
      .prepare(
        `INSERT INTO youtube_quota_usage (day, method, calls, units) VALUES (?, ?, 1, ?)
         ON CONFLICT(day, method) DO UPDATE SET calls = calls + 1, units = units + excluded.units`,
      )
      .run(youtubeQuotaDay(at), method, units);
    return units;
  }

  usage(day: string = youtubeQuotaDay(this.#clock.now())): QuotaUsage {
    const rows = this.#db
      .prepare(`SELECT method, calls, units FROM youtube_quota_usage WHERE day = ? ORDER BY method`)
      .all(day) as Array<{ method: string; calls: number; units: number }>;
    const byMethod: QuotaUsage['byMethod'] = {};
    let units = 0;
    let calls = 0;
    for (const r of rows) {
      byMethod[r.method] = { calls: r.calls, units: r.units };
      units += r.units;
      calls += r.calls;
    }
    return { day, units, calls, byMethod };
  }

  /** Units left today by onair's own count (other users of the project are not seen). */
  remainingToday(): number {
    return this.dailyQuota - this.usage().units;
  }
}
