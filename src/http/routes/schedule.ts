// GET /api/schedule?from=YYYY-MM-DD&days=N&lang=tr|en: the upcoming broadcasts, the same
// list as `onair preview --json` (ISO 8601 local times with offsets).
import express from 'express';
import { toScheduleItem, ZoneOffsets, type Language, type Occurrence, type ScheduleSnapshot } from '../../schedule/index.js';
import type { Clock } from '../../shared/clock.js';
import { strictRouter } from '../router.js';

/** What the schedule routes read (ScheduleService implements it). */
export interface ScheduleQueryPort {
  occurrences(from: Date, to: Date): Occurrence[];
  snapshot(): ScheduleSnapshot;
}

export interface ScheduleRouteDeps {
  schedule: ScheduleQueryPort;
  clock: Clock;
  /** Zone in which `from` (a local date) is read: config schedule.timezone. */
  timezone: string;
  /** Default language of titles: config schedule.language. */
  language: Language;
}

const DAY_MS = 86_400_000;
/** Longest window one request may ask for. */
const MAX_DAYS = 366;

/** Start of a local day in `zone`, or undefined when `date` is not YYYY-MM-DD of a real day. */
export function localDayStart(date: string, zone: string, zones = new ZoneOffsets()): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== date) return undefined;
  return new Date(zones.toUtc(zone, ms));
}

export function scheduleRouter(deps: ScheduleRouteDeps): express.Router {
  const router = strictRouter();
  router.get('/api/schedule', (req, res) => {
    const zones = new ZoneOffsets();
    const q = req.query;
    const now = deps.clock.now();
    const today = new Date(now.getTime() + zones.offset(deps.timezone, now.getTime()) * 60_000).toISOString().slice(0, 10);
    const fromText = typeof q.from === 'string' && q.from !== '' ? q.from : today;
    const from = localDayStart(fromText, deps.timezone, zones);
    const days = typeof q.days === 'string' && q.days !== '' ? Number(q.days) : 7;
    const lang = q.lang === 'en' || q.lang === 'tr' ? q.lang : deps.language;
    if (!from) {
      res.status(400).json({ error: 'from must be a date written YYYY-MM-DD, e.g. 2026-12-05' });
      return;
    }
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
      res.status(400).json({ error: `days must be a whole number from 1 to ${MAX_DAYS}` });
      return;
    }
    const endDate = new Date(Date.parse(`${fromText}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
    const to = localDayStart(endDate, deps.timezone, zones);
    if (!to) {
      // e.g. from=9999-12-31&days=366 ends past the year 9999.
      res.status(400).json({ error: 'from + days ends past the last date onair can show (9999-12-31); ask for an earlier window' });
      return;
    }
    const items = deps.schedule
      .occurrences(from, to)
      .filter((o) => o.start >= from && o.start < to)
      .map((o) => {
        const { id, title, start, end, destinations, cancelled } = toScheduleItem(o, lang);
        return { id, title, start, end, destinations, cancelled };
      });
    res.set('Cache-Control', 'no-cache').json(items);
  });
  return router;
}
