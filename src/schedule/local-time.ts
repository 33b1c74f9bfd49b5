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
  readonly #valid = new Map<string, boolean>();
  /** Per zone, per local day: its one offset when no change is near, else null. */
  readonly #stable = new Map<string, Map<number, number | null>>();

  /** Whether `zone` is a known IANA name (luxon builds a formatter per call: remembered). */
  isValid(zone: string): boolean {
    let ok = this.#valid.get(zone);
    if (ok === undefined) {
      ok = IANAZone.isValidZone(zone);
      this.#valid.set(zone, ok);
    }
    return ok;
  }

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
    // Most local days are far from any offset change: their offset is remembered per day,
    // one lookup instead of three (expanding a year of 10,000 programmes does this 440,000 times).
    const day = Math.floor(localMs / DAY_MS);
    let days = this.#stable.get(zone);
    if (!days) this.#stable.set(zone, (days = new Map()));
    let steady = days.get(day);
    if (steady === undefined) {
      // Any instant of this local day lies within [day - 1, day + 2) in UTC (offsets stay
      // within ±14 h). The offset is steady when it is the same at each day boundary from
      // two days before to two days after (zones do not change offset twice within a day).
      const t = day * DAY_MS;
      const a = this.offset(zone, t - 2 * DAY_MS);
      steady = [t - DAY_MS, t, t + DAY_MS, t + 2 * DAY_MS].every((x) => this.offset(zone, x) === a) ? a : null;
      days.set(day, steady);
    }
    if (steady !== null) return localMs - steady * MINUTE_MS;
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
  // By hand, not by regular expression: validation and expansion read dates very often.
  if (text.length !== 10 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d) return undefined;
  const digits = (from: number, to: number): number => {
    let n = 0;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i) - 0x30;
      if (c < 0 || c > 9) return NaN;
      n = n * 10 + c;
    }
    return n;
  };
  const y = digits(0, 4);
  const mo = digits(5, 7);
  const d = digits(8, 10);
  if (Number.isNaN(y) || Number.isNaN(mo) || Number.isNaN(d)) return undefined;
  // Years are limited to what a broadcast schedule can mean (Date.UTC also reads 0-99 as 19xx).
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
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

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return MONTH_DAYS[month - 1]!;
}

export function civil(day: DayNumber): { year: number; month: number; day: number; weekday: number } {
  const [year, month, d] = ymd(day);
  return { year, month, day: d, weekday: weekdayOf(day) };
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

// Formatting without Date objects: expanding a year of thousands of programmes formats
// hundreds of thousands of times, and allocating a Date for each dominated the cost.
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** Year, month, day of a day number (H. Hinnant's civil_from_days). */
function ymd(day: DayNumber): [number, number, number] {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export function formatLocalDate(day: DayNumber): string {
  const [y, m, d] = ymd(day);
  return `${y < 1000 ? String(y).padStart(4, '0') : y}-${TWO[m]}-${TWO[d]}`;
}

/** "YYYY-MM-DDTHH:mm" of a wall time (the occurrence id's nominal part). */
export function formatLocalMinute(local: number): string {
  const day = Math.floor(local / DAY_MS);
  const min = Math.floor((local - day * DAY_MS) / MINUTE_MS);
  return `${formatLocalDate(day)}T${TWO[Math.floor(min / 60)]}:${TWO[min % 60]}`;
}

function formatOffset(offsetMin: number): string {
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `${sign}${TWO[Math.floor(a / 60)]}:${TWO[a % 60]}`;
}

/** ISO 8601 local time with offset, e.g. "2026-12-05T11:00:00.000+03:00". */
export function formatIsoLocal(utcMs: number, offsetMin: number): string {
  const local = utcMs + offsetMin * MINUTE_MS;
  const day = Math.floor(local / DAY_MS);
  const inDay = local - day * DAY_MS;
  const sec = Math.floor(inDay / 1000);
  const ms = inDay - sec * 1000;
  const h = Math.floor(sec / 3600);
  const mi = Math.floor((sec % 3600) / 60);
  return `${formatLocalDate(day)}T${TWO[h]}:${TWO[mi]}:${TWO[sec % 60]}.${String(ms).padStart(3, '0')}${formatOffset(offsetMin)}`;
}

export { DAY_MS, MINUTE_MS };
