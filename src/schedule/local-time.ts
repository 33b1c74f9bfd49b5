// Local wall time <-> UTC instants, with RFC 5545's rules made explicit: a local time that
// does not exist (spring-forward gap) is read with the offset in force before the gap
// (02:30 becomes 03:30), and a local time that occurs twice (fall-back) is the first one.
// luxon's own choice for an ambiguous time is unspecified (it was measured to change with
// the date the code ran on), so luxon is asked only for a zone's offset at an instant.
// Calendar arithmetic is done on plain day numbers, which keeps expanding a year of
// thousands of programmes fast.
import { IANAZone } from 'luxon';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Offsets change on quarter hours in every zone still in use, so 15-minute buckets are exact. */
const BUCKET_MS = 15 * MINUTE_MS;

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** A calendar date as days since 1970-01-01. */
export type DayNumber = number;

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** Caches each zone's offset per 15-minute bucket; one per expansion context, not global. */
export class ZoneOffsets {
  readonly #zones = new Map<string, { zone: IANAZone; cache: Map<number, number> }>();

  /** Offset of `zone` from UTC at `utcMs`, in minutes (local = utc + offset). */
  offset(zoneName: string, utcMs: number): number {
    let z = this.#zones.get(zoneName);
    if (!z) {
      z = { zone: IANAZone.create(zoneName), cache: new Map() };
      this.#zones.set(zoneName, z);
    }
    const bucket = Math.floor(utcMs / BUCKET_MS);
    let off = z.cache.get(bucket);
    if (off === undefined) {
      off = z.zone.offset(bucket * BUCKET_MS);
      z.cache.set(bucket, off);
    }
    return off;
  }

  /**
   * The UTC instant of a local wall time in `zone`, by RFC 5545: of the offsets in force a
   * day either side, keep those that really give this wall time and take the earliest
   * instant (the first of an ambiguous pair); when none does, the time is in a gap and is
   * read with the offset before the gap.
   */
  toUtc(zone: string, localMs: number): number {
    const before = this.offset(zone, localMs - DAY_MS);
    const after = this.offset(zone, localMs + DAY_MS);
    let best: number | undefined;
    for (const off of before === after ? [before] : [before, after]) {
      const utc = localMs - off * MINUTE_MS;
      if (this.offset(zone, utc) === off && (best === undefined || utc < best)) best = utc;
    }
    if (best !== undefined) return best;
    // In a gap: read with the offset in force before it (a day earlier; zones do not
    // change offset twice within a day).
    return localMs - before * MINUTE_MS;
  }
}

/** "YYYY-MM-DD" -> day number, or undefined when the date does not exist (2027-02-30). */
export function parseLocalDate(text: string): DayNumber | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return Date.UTC(y, mo - 1, d) / DAY_MS;
}

/** "HH:mm" (or "H:mm") -> minutes after midnight, or undefined. */
export function parseLocalTime(text: string): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return undefined;
  return h * 60 + min;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function civil(day: DayNumber): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

export function dayNumber(year: number, month: number, day: number): DayNumber {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekdayOf(day: DayNumber): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** A wall time as "milliseconds since 1970 read as if UTC". */
export function localMs(day: DayNumber, minuteOfDay: number, second = 0): number {
  return day * DAY_MS + minuteOfDay * MINUTE_MS + second * 1000;
}

export function formatLocalDate(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** "YYYY-MM-DDTHH:mm" of a wall time (the occurrence id's nominal part). */
export function formatLocalMinute(local: number): string {
  return new Date(local).toISOString().slice(0, 16);
}

function formatOffset(offsetMin: number): string {
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** ISO 8601 local time with offset, e.g. "2026-12-05T11:00:00.000+03:00". */
export function formatIsoLocal(utcMs: number, offsetMin: number): string {
  return new Date(utcMs + offsetMin * MINUTE_MS).toISOString().slice(0, 23) + formatOffset(offsetMin);
}

export { DAY_MS, MINUTE_MS };
