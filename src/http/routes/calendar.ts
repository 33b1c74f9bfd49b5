// iCalendar feeds viewers subscribe to from their phone: GET /calendar.ics (every
// programme) and GET /calendar/<programme-id>.ics. Times are written in UTC, which every
// calendar app shows in the viewer's own zone; cancelled broadcasts stay listed as
// CANCELLED so a subscribed calendar removes them. Each event links to the programme's own
// page (/watch/<id>) and carries the programme's `reminders` as alarms; the whole-calendar
// feed leaves out unlisted programmes (the demo).
import express from 'express';
import ical, { ICalAlarmType, ICalEventStatus } from 'ical-generator';
import { pick, type Language, type Occurrence } from '../../schedule/index.js';
import type { Clock } from '../../shared/clock.js';
import type { ScheduleQueryPort } from './schedule.js';
import { strictRouter } from '../router.js';

export interface CalendarRouteDeps {
  schedule: ScheduleQueryPort;
  clock: Clock;
  language: Language;
  /** Base URL for links in events (config server.publicUrl); empty = from the request. */
  publicUrl: string;
  /** How far back and ahead the feed reaches. @defaultValue { pastDays: 30, aheadDays: 180 } */
  window?: { pastDays: number; aheadDays: number };
  /**
   * Most events of one programme in a feed, earliest first: a programme on air every few
   * minutes (the demo) would otherwise fill a phone's calendar. @defaultValue 200
   */
  maxPerProgramme?: number;
}

/** Keeps, per programme, the next `max` broadcasts and the last `max / 4` past ones. */
function capPerProgramme(list: Occurrence[], max: number, now: Date): Occurrence[] {
  const ahead = new Map<string, number>();
  const behind = new Map<string, number>();
  const keep = new Set<Occurrence>();
  for (const o of list) {
    if (o.end < now) continue;
    const n = (ahead.get(o.programmeId) ?? 0) + 1;
    ahead.set(o.programmeId, n);
    if (n <= max) keep.add(o);
  }
  for (let i = list.length - 1; i >= 0; i--) {
    const o = list[i]!;
    if (o.end >= now) continue;
    const n = (behind.get(o.programmeId) ?? 0) + 1;
    behind.set(o.programmeId, n);
    if (n <= Math.ceil(max / 4)) keep.add(o);
  }
  return list.filter((o) => keep.has(o));
}

const DAY_MS = 86_400_000;

function both(text: { tr: string; en: string }, lang: Language): string {
  const first = pick(text, lang);
  const other = pick(text, lang === 'tr' ? 'en' : 'tr');
  return first === other ? first : `${first} / ${other}`;
}

export function calendarRouter(deps: CalendarRouteDeps): express.Router {
  const router = strictRouter();
  const { pastDays, aheadDays } = deps.window ?? { pastDays: 30, aheadDays: 180 };
  const max = deps.maxPerProgramme ?? 200;

  const send = (req: express.Request, res: express.Response, name: string, list: Occurrence[]): void => {
    const base = baseUrl(req);
    if (!base) {
      res.status(400).json({ error: 'the Host header is not a host name; set server.publicUrl (ONAIR_PUBLIC_URL) behind a proxy that rewrites it' });
      return;
    }
    const cal = ical({ name, prodId: { company: 'onair', product: 'onair', language: deps.language.toUpperCase() }, ttl: 3600 });
    const host = new URL(base).hostname || 'onair';
    for (const o of capPerProgramme(list, max, deps.clock.now())) {
      cal.createEvent({
        id: `${o.id}@${host}`,
        start: o.start,
        end: o.end,
        stamp: deps.clock.now(),
        summary: both(o.title, deps.language),
        description: [pick(o.description, deps.language), `${base}/watch/${o.programmeId}`].filter(Boolean).join('\n\n'),
        url: `${base}/watch/${o.programmeId}`,
        status: o.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
        alarms: o.cancelled
          ? []
          : o.remindersMs.map((ms) => ({ type: ICalAlarmType.display, trigger: Math.round(ms / 1000), description: both(o.title, deps.language) })),
      });
    }
    res.type('text/calendar; charset=utf-8').set('Cache-Control', 'max-age=300').send(cal.toString());
  };

  /** The links' base: the configured public URL, else the request's own (undefined when its Host is no host). */
  const baseUrl = (req: express.Request): string | undefined => {
    if (deps.publicUrl) return deps.publicUrl;
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    try {
      return new URL(base).origin;
    } catch {
      return undefined;
    }
  };

  const window = (): { from: Date; to: Date } => {
    const now = deps.clock.now().getTime();
    return { from: new Date(now - pastDays * DAY_MS), to: new Date(now + aheadDays * DAY_MS) };
  };

  router.get('/calendar.ics', (req, res) => {
    const { from, to } = window();
    send(req, res, 'onair', deps.schedule.occurrences(from, to).filter((o) => o.listed !== false));
  });

  router.get('/calendar/:file', (req, res) => {
    const m = /^([a-z0-9-]+)\.ics$/.exec(req.params.file);
    const programme = m ? deps.schedule.snapshot().programmes.find((p) => p.id === m[1]) : undefined;
    if (!programme) {
      res.status(404).json({ error: 'no programme with this id; see /api/schedule for the ids' });
      return;
    }
    const { from, to } = window();
    send(req, res, both(programme.title, deps.language), deps.schedule.occurrences(from, to).filter((o) => o.programmeId === programme.id));
  });
  return router;
}
