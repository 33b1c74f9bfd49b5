// A recurrence rule compiled to wall-time arithmetic: which local dates it falls on and
// at which local times. Everything here is in local wall time (no zone); turning wall
// times into instants is local-time.ts's job, so cron and weekly follow the same RFC 5545
// rules and node-cron never decides when a programme airs (it skips runs in a DST gap).
import type { CronCache } from './cron-cache.js';
import {
  civil,
  DAY_MS,
  daysInMonth,
  parseLocalDate,
  parseLocalTime,
  weekdayOf,
  type DayNumber,
} from './local-time.js';
import type { Recurrence, Weekday } from './types.js';

const WEEKDAY_INDEX: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

export interface CompiledRecurrence {
  /** First and last local day the rule may produce (inclusive), if bounded. */
  fromDay?: DayNumber;
  untilDay?: DayNumber;
  count?: number;
  /** Nominal local starts (ms, wall time read as UTC) on days in [firstDay, lastDay], ascending. */
  startsBetween(firstDay: DayNumber, lastDay: DayNumber): number[];
}

/** Seconds after local midnight, ascending, from "HH:mm" texts (already validated). */
function secondsOfDay(times: string[]): number[] {
  return [...new Set(times.map((t) => (parseLocalTime(t) ?? 0) * 60))].sort((a, b) => a - b);
}

/** Whether a rule airs on a local date, given as year, month (1-12), day and weekday (0 = Sunday). */
type DayRule = (year: number, month: number, day: number, weekday: number) => boolean;

function cronDayRule(expression: string, crons: CronCache): { dayRule: DayRule; seconds: number[] } {
  const f = crons.fields(expression);
  const seconds: number[] = [];
  for (const h of [...f.hour].sort((a, b) => a - b))
    for (const m of [...f.minute].sort((a, b) => a - b))
      for (const s of [...f.second].sort((a, b) => a - b)) seconds.push(h * 3600 + m * 60 + s);
  // Bit masks: this runs for every day of every cron programme's window.
  const mask = (values: number[], mod = 64): number => values.reduce((m, v) => m | (2 ** (v % mod)), 0);
  const months = mask(f.month);
  // Plain day numbers and weekdays (no "L", "W" or "#") are the common case: a bit test each.
  const simpleDom = f.dayOfMonth.every((v) => typeof v === 'number') ? mask(f.dayOfMonth as number[]) : undefined;
  const simpleDow = f.dayOfWeek.every((v) => typeof v === 'number') ? mask(f.dayOfWeek as number[], 7) : undefined;
  const dayRule: DayRule = (year, month, day, weekday) => {
    if ((months & (1 << month)) === 0) return false;
    if (simpleDow !== undefined && (simpleDow & (1 << weekday)) === 0) return false;
    if (simpleDom !== undefined ? (simpleDom & (1 << day)) === 0 : !cronDayOfMonth(f.dayOfMonth, year, month, day)) return false;
    return simpleDow !== undefined ? true : cronDayOfWeek(f.dayOfWeek, { year, month, day, weekday });
  };
  return { dayRule, seconds };
}

// node-cron's day fields, with its semantics (day-of-month AND day-of-week, L, LW, 15W, L-3, 5L, 1#2).
function cronDayOfMonth(field: Array<number | string>, year: number, month: number, day: number): boolean {
  const last = daysInMonth(year, month);
  for (const v of field) {
    if (v === day) return true;
    if (typeof v !== 'string') continue;
    if (v === 'L' && day === last) return true;
    const w = /^(\d{1,2}|L)W$/.exec(v);
    if (w) {
      const target = w[1] === 'L' ? last : Number(w[1]);
      if (target >= 1 && target <= last) {
        const wd = new Date(Date.UTC(year, month - 1, target)).getUTCDay();
        const nearest = wd === 6 ? (target === 1 ? target + 2 : target - 1) : wd === 0 ? (target === last ? target - 2 : target + 1) : target;
        if (nearest === day) return true;
      }
    }
    const off = /^L-(\d{1,2})$/.exec(v);
    if (off && last - Number(off[1]) === day) return true;
  }
  return false;
}

function cronDayOfWeek(field: Array<number | string>, c: { year: number; month: number; day: number; weekday: number }): boolean {
  for (const v of field) {
    if (typeof v === 'number') {
      if (v % 7 === c.weekday) return true;
      continue;
    }
    const nth = /^([0-7])#([1-5])$/.exec(v);
    if (nth && Number(nth[1]) % 7 === c.weekday && Math.floor((c.day - 1) / 7) + 1 === Number(nth[2])) return true;
    const last = /^([0-7])L$/i.exec(v);
    if (last && Number(last[1]) % 7 === c.weekday && c.day + 7 > daysInMonth(c.year, c.month)) return true;
  }
  return false;
}

/** Days in [first, last] falling on `weekday`, optionally every `every` weeks from `anchor`'s week. */
function weekdayDays(first: DayNumber, last: DayNumber, weekday: number, every: number, anchor: DayNumber): DayNumber[] {
  const out: DayNumber[] = [];
  let d = first + ((weekday - weekdayOf(first) + 7) % 7);
  // Weeks start on Monday; the anchor's week is week 0.
  const anchorMonday = anchor - ((weekdayOf(anchor) + 6) % 7);
  for (; d <= last; d += 7) {
    if (every > 1) {
      const week = Math.floor((d - anchorMonday) / 7);
      if (((week % every) + every) % every !== 0) continue;
    }
    out.push(d);
  }
  return out;
}

function monthDays(first: DayNumber, last: DayNumber, pick: (year: number, month: number) => number | undefined): DayNumber[] {
  const out: DayNumber[] = [];
  const c = civil(first);
  let y = c.year;
  let m = c.month;
  for (;;) {
    const monthStart = Date.UTC(y, m - 1, 1) / DAY_MS;
    if (monthStart > last) break;
    const dom = pick(y, m);
    if (dom !== undefined) {
      const d = monthStart + dom - 1;
      if (d >= first && d <= last) out.push(d);
    }
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/** Compiles a validated recurrence. */
export function compileRecurrence(rec: Recurrence, crons: CronCache): CompiledRecurrence {
  const fromDay = rec.from ? parseLocalDate(rec.from) : undefined;
  const untilDay = rec.until ? parseLocalDate(rec.until) : undefined;
  const rule = rec.rule;
  let raw: (first: DayNumber, last: DayNumber) => number[];
  const onDays = (days: DayNumber[], seconds: number[]): number[] => {
    days.sort((a, b) => a - b);
    const out: number[] = [];
    for (const d of days) for (const s of seconds) out.push(d * DAY_MS + s * 1000);
    return out;
  };
  switch (rule.kind) {
    case 'once':
    case 'dates': {
      const list = (rule.kind === 'once' ? [rule.at] : rule.dates.map((d) => `${d.date}T${d.at}`))
        .map((text) => {
          const [date, time] = text.split('T');
          return (parseLocalDate(date ?? '') ?? 0) * DAY_MS + (parseLocalTime(time ?? '') ?? 0) * 60_000;
        })
        .sort((a, b) => a - b);
      const unique = [...new Set(list)];
      raw = (first, last) => unique.filter((t) => t >= first * DAY_MS && t < (last + 1) * DAY_MS);
      break;
    }
    case 'weekly': {
      const seconds = secondsOfDay(rule.at);
      const weekdays = [...new Set(rule.days.map((d) => WEEKDAY_INDEX[d]))];
      const anchor = fromDay ?? 4; // 1970-01-05 is a Monday
      raw = (first, last) => onDays(weekdays.flatMap((w) => weekdayDays(first, last, w, rule.intervalWeeks, anchor)), seconds);
      break;
    }
    case 'monthly': {
      const seconds = secondsOfDay(rule.at);
      const { dayOfMonth, weekday } = rule;
      const pick = (y: number, m: number): number | undefined => {
        const len = daysInMonth(y, m);
        if (dayOfMonth !== undefined) {
          if (dayOfMonth === -1) return len;
          return dayOfMonth <= len ? dayOfMonth : undefined;
        }
        if (!weekday) return undefined;
        const firstWd = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
        const firstMatch = 1 + ((WEEKDAY_INDEX[weekday.day] - firstWd + 7) % 7);
        if (weekday.nth === -1) return firstMatch + 7 * Math.floor((len - firstMatch) / 7);
        const dom = firstMatch + 7 * (weekday.nth - 1);
        return dom <= len ? dom : undefined;
      };
      raw = (first, last) => onDays(monthDays(first, last, pick), seconds);
      break;
    }
    case 'cron': {
      const { dayRule, seconds } = cronDayRule(rule.expression, crons);
      raw = (first, last) => {
        const days: DayNumber[] = [];
        // Walk the calendar day by day, carrying the date along (no conversion per day).
        const c = civil(first);
        let { year, month, day, weekday } = c;
        let len = daysInMonth(year, month);
        for (let d = first; d <= last; d++) {
          if (dayRule(year, month, day, weekday)) days.push(d);
          weekday = weekday === 6 ? 0 : weekday + 1;
          if (++day > len) {
            day = 1;
            if (++month > 12) {
              month = 1;
              year++;
            }
            len = daysInMonth(year, month);
          }
        }
        return onDays(days, seconds);
      };
      break;
    }
  }
  const count = rec.count;
  return {
    fromDay,
    untilDay,
    count,
    startsBetween(firstDay, lastDay) {
      let first = fromDay !== undefined ? Math.max(firstDay, fromDay) : firstDay;
      const last = untilDay !== undefined ? Math.min(lastDay, untilDay) : lastDay;
      if (count === undefined) return first > last ? [] : raw(first, last);
      // With a count, the series is numbered from `from`: expand from there, then cut.
      first = fromDay ?? firstDay;
      const out: number[] = [];
      // Grow the window a year at a time until the count is reached or the range ends.
      for (let a = first; a <= last && out.length < count; a += 366) {
        const b = Math.min(last, a + 365);
        for (const t of raw(a, b)) {
          if (out.length >= count) break;
          out.push(t);
        }
        if (a > first + 366 * 200) break; // a count that never fills (e.g. Feb 30th) stops somewhere
      }
      return out.filter((t) => t >= firstDay * DAY_MS && t < (lastDay + 1) * DAY_MS);
    },
  };
}

export function weekdayIndex(day: Weekday): number {
  return WEEKDAY_INDEX[day];
}
