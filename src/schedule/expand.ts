// Expands programmes into occurrences (pure, given the zone data). One Expander per
// service or command: it caches compiled rules and zone offsets, nothing at module level.
// Expansion first yields compact slots (numbers only); full Occurrence objects are made
// only for what a caller asks for, which keeps a year of 10,000 programmes cheap.
import {
  DAY_MS,
  formatIsoLocal,
  formatLocalDate,
  formatLocalMinute,
  parseLocalDate,
  parseLocalTime,
  ZoneOffsets,
  type DayNumber,
} from './local-time.js';
import { CronCache } from './cron-cache.js';
import { compileRecurrence, type CompiledRecurrence } from './recurrence.js';
import type { Occurrence, Override, Programme } from './types.js';

/** Thrown when a file's programmes would make more broadcasts than a limit allows. */
export class TooManyOccurrencesError extends Error {
  override name = 'TooManyOccurrencesError';
  constructor(readonly limit: number) {
    super(`more than ${limit.toLocaleString('en')} broadcasts`);
  }
}

/** Days expanded at a time, so a rule firing every second cannot build a year in one array. */
const CHUNK_DAYS = 31;

/** A programme may start up to this long before the window and still reach into it. */
const ZONE_SLACK_MS = 2 * DAY_MS;

/** One broadcast of a programme, before it is dressed as an Occurrence. */
export interface Slot {
  programme: Programme;
  /** Nominal local start (wall ms, read as UTC): the occurrence id's time. */
  nominal: number;
  /** UTC instants. */
  start: number;
  end: number;
  cancelled: boolean;
}

/**
 * An occurrence's id: `${programmeId}@${nominal local start}`, to the minute
 * ("story@2026-12-05T11:00"), with the seconds only when the rule gives them (a cron
 * seconds field: "…@2026-12-20T09:00:30"), so two broadcasts of one programme never share
 * an id and minute-aligned ids stay as they always were.
 */
export function occurrenceId(programmeId: string, nominal: number): string {
  const sec = Math.floor(nominal / 1000) % 60;
  return `${programmeId}@${formatLocalMinute(nominal)}${sec ? `:${String(sec).padStart(2, '0')}` : ''}`;
}

/** The programme id and nominal local start (wall ms) of an occurrence id, or undefined. */
export function parseOccurrenceId(id: string): { programmeId: string; nominal: number } | undefined {
  const at = id.lastIndexOf('@');
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?$/.exec(id.slice(at + 1));
  if (at < 1 || !m) return undefined;
  const nominal = Date.parse(`${m[1]}${m[2] ?? ':00'}Z`);
  return Number.isNaN(nominal) ? undefined : { programmeId: id.slice(0, at), nominal };
}

export function compareSlots(a: Slot, b: Slot): number {
  return a.start - b.start || (a.programme.id < b.programme.id ? -1 : a.programme.id > b.programme.id ? 1 : 0);
}

/** What expanding a programme needs, worked out once per programme. */
interface Prepared {
  rule: CompiledRecurrence;
  /** Longest duration it may have (overrides included). */
  maxDur: number;
  /** Excepted local days, and overrides by local day (day numbers: no date text per occurrence). */
  except?: Set<DayNumber>;
  overrides?: Map<DayNumber, { ov: Override; atMin?: number }>;
}

export class Expander {
  readonly zones = new ZoneOffsets();
  readonly crons = new CronCache();
  readonly #prepared = new WeakMap<Programme, Prepared>();
  readonly #sets = new WeakMap<readonly string[], ReadonlySet<string>>();

  /** A Set of a list that does not change (config's destination names, checked per programme). */
  setOf(list: readonly string[]): ReadonlySet<string> {
    let s = this.#sets.get(list);
    if (!s) this.#sets.set(list, (s = new Set(list)));
    return s;
  }

  #prepare(p: Programme): Prepared {
    let c = this.#prepared.get(p);
    if (!c) {
      let maxDur = p.durationMs;
      let overrides: Prepared['overrides'];
      for (const [date, ov] of Object.entries(p.overrides)) {
        maxDur = Math.max(maxDur, ov.duration ?? 0);
        const day = parseLocalDate(date);
        if (day === undefined) continue; // never the date text of an occurrence
        (overrides ??= new Map()).set(day, { ov, atMin: ov.at ? (parseLocalTime(ov.at) ?? 0) : undefined });
      }
      const except = p.recurrence.except.length
        ? new Set(p.recurrence.except.map((d) => parseLocalDate(d)).filter((d): d is DayNumber => d !== undefined))
        : undefined;
      c = { rule: compileRecurrence(p.recurrence, this.crons), maxDur, except, overrides };
      this.#prepared.set(p, c);
    }
    return c;
  }

  compiled(p: Programme): CompiledRecurrence {
    return this.#prepare(p).rule;
  }

  /** Nominal local starts (wall ms) of a programme on local days [first, last]. */
  nominalStarts(p: Programme, first: DayNumber, last: DayNumber): number[] {
    return this.compiled(p).startsBetween(first, last);
  }

  /**
   * The slots of `p` (cancelled ones included, flagged) whose [start, end] intersects
   * [fromMs, toMs], in start order. Two nominal times that resolve to the same instant
   * (02:30 in a gap becomes 03:30, which may also be listed) air once, under the nominal
   * time that really exists.
   */
  slots(p: Programme, fromMs: number, toMs: number, max = Infinity): Slot[] {
    const prep = this.#prepare(p);
    const { except, overrides } = prep;
    const first = Math.floor((fromMs - prep.maxDur - ZONE_SLACK_MS) / DAY_MS);
    const last = Math.floor((toMs + ZONE_SLACK_MS) / DAY_MS);
    let out: Slot[] = [];
    let sorted = true;
    let prevStart = -Infinity;
    // A counted rule is numbered from its start: expand it in one go (its count bounds it).
    const step = prep.rule.count !== undefined ? last - first + 1 : CHUNK_DAYS;
    for (let a = first; a <= last; a += step) {
      for (const nominal of prep.rule.startsBetween(a, Math.min(last, a + step - 1))) {
        const day = Math.floor(nominal / DAY_MS);
        const o = overrides?.get(day);
        const wall = o?.atMin !== undefined ? day * DAY_MS + o.atMin * 60_000 : nominal;
        const start = this.zones.toUtc(p.timezone, wall);
        const end = start + (o?.ov.duration ?? p.durationMs);
        if (start > toMs || end < fromMs) continue;
        out.push({ programme: p, nominal, start, end, cancelled: Boolean(except?.has(day) || o?.ov.cancelled) });
        if (start <= prevStart) sorted = false;
        prevStart = start;
      }
      if (out.length > max) throw new TooManyOccurrencesError(max);
    }
    if (!sorted) {
      // Rare (a DST gap, or an override moving a broadcast): order by start and keep one
      // slot per instant, preferring, in list order, the one whose nominal time exists.
      out.sort((a, b) => a.start - b.start);
      const kept: Slot[] = [];
      for (const slot of out) {
        const prev = kept[kept.length - 1];
        if (prev && prev.start === slot.start) {
          if (prev.nominal !== prev.start + this.zones.offset(p.timezone, prev.start) * 60_000) kept[kept.length - 1] = slot;
          continue;
        }
        kept.push(slot);
      }
      out = kept;
    }
    return out;
  }

  /** The Occurrence of a slot. */
  occurrence(s: Slot): Occurrence {
    const p = s.programme;
    const ov: Override | undefined = Object.keys(p.overrides).length ? p.overrides[formatLocalDate(Math.floor(s.nominal / DAY_MS))] : undefined;
    return {
      id: occurrenceId(p.id, s.nominal),
      programmeId: p.id,
      title: ov?.title ?? p.title,
      description: ov?.description ?? p.description,
      category: p.category,
      audience: p.audience,
      timezone: p.timezone,
      start: new Date(s.start),
      end: new Date(s.end),
      localStart: formatIsoLocal(s.start, this.zones.offset(p.timezone, s.start)),
      localEnd: formatIsoLocal(s.end, this.zones.offset(p.timezone, s.end)),
      source: ov?.source ?? p.source,
      destinations: p.destinations,
      youtube: p.youtube,
      chat: p.chat,
      remindersMs: p.remindersMs,
      ...(p.listed === false ? { listed: false } : {}),
      cancelled: s.cancelled,
    };
  }

  /**
   * Every occurrence of `p` (cancelled ones included, flagged) whose [start, end]
   * intersects [from, to], in start order.
   */
  expand(p: Programme, from: Date, to: Date): Occurrence[] {
    return this.slots(p, from.getTime(), to.getTime()).map((s) => this.occurrence(s));
  }

  /**
   * Slots of many programmes, merged in start order; past `max` slots in all, a
   * TooManyOccurrencesError (the limit is checked as it goes: memory stays bounded).
   */
  slotsAll(programmes: Iterable<Programme>, fromMs: number, toMs: number, max = Infinity): Slot[] {
    const all: Slot[] = [];
    for (const p of programmes) {
      for (const s of this.slots(p, fromMs, toMs, max - all.length)) all.push(s);
      if (all.length > max) throw new TooManyOccurrencesError(max);
    }
    return all.sort(compareSlots);
  }

  /** Expands many programmes and merges them in start order. */
  expandAll(programmes: Iterable<Programme>, from: Date, to: Date): Occurrence[] {
    return this.slotsAll(programmes, from.getTime(), to.getTime()).map((s) => this.occurrence(s));
  }

  /** How many nominal occurrences the rule gives on local `date` (for overrides). */
  hasDate(p: Programme, date: string): number {
    const day = parseLocalDate(date);
    if (day === undefined) return 0;
    return this.nominalStarts(p, day, day).length;
  }
}
