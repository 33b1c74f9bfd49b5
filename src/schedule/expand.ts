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
import { compileRecurrence, type CompiledRecurrence } from './recurrence.js';
import type { Occurrence, Override, Programme } from './types.js';

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

export function compareSlots(a: Slot, b: Slot): number {
  return a.start - b.start || (a.programme.id < b.programme.id ? -1 : a.programme.id > b.programme.id ? 1 : 0);
}

export class Expander {
  readonly zones = new ZoneOffsets();
  readonly #compiled = new WeakMap<Programme, CompiledRecurrence>();

  compiled(p: Programme): CompiledRecurrence {
    let c = this.#compiled.get(p);
    if (!c) {
      c = compileRecurrence(p.recurrence);
      this.#compiled.set(p, c);
    }
    return c;
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
  slots(p: Programme, fromMs: number, toMs: number): Slot[] {
    let maxDur = p.durationMs;
    const overrides = Object.keys(p.overrides).length ? p.overrides : undefined;
    if (overrides) for (const o of Object.values(overrides)) maxDur = Math.max(maxDur, o.duration ?? 0);
    const first = Math.floor((fromMs - maxDur - ZONE_SLACK_MS) / DAY_MS);
    const last = Math.floor((toMs + ZONE_SLACK_MS) / DAY_MS);
    const except = p.recurrence.except.length ? new Set(p.recurrence.except) : undefined;
    const out: Slot[] = [];
    const seen = new Map<number, number>();
    for (const nominal of this.nominalStarts(p, first, last)) {
      const day = Math.floor(nominal / DAY_MS);
      const date = overrides || except ? formatLocalDate(day) : undefined;
      const ov = date !== undefined ? overrides?.[date] : undefined;
      const wall = ov?.at ? day * DAY_MS + (parseLocalTime(ov.at) ?? 0) * 60_000 : nominal;
      const start = this.zones.toUtc(p.timezone, wall);
      const end = start + (ov?.duration ?? p.durationMs);
      if (start > toMs || end < fromMs) continue;
      const slot: Slot = { programme: p, nominal, start, end, cancelled: Boolean((date !== undefined && except?.has(date)) || ov?.cancelled) };
      const prev = seen.get(start);
      if (prev !== undefined) {
        // Keep the one whose nominal wall time really exists (it equals its local start).
        const kept = out[prev]!;
        if (kept.nominal !== kept.start + this.zones.offset(p.timezone, kept.start) * 60_000) out[prev] = slot;
        continue;
      }
      seen.set(start, out.length);
      out.push(slot);
    }
    out.sort((a, b) => a.start - b.start);
    return out;
  }

  /** The Occurrence of a slot. */
  occurrence(s: Slot): Occurrence {
    const p = s.programme;
    const ov: Override | undefined = Object.keys(p.overrides).length ? p.overrides[formatLocalDate(Math.floor(s.nominal / DAY_MS))] : undefined;
    return {
      id: `${p.id}@${formatLocalMinute(s.nominal)}`,
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

  /** Slots of many programmes, merged in start order. */
  slotsAll(programmes: Iterable<Programme>, fromMs: number, toMs: number): Slot[] {
    const all: Slot[] = [];
    for (const p of programmes) for (const s of this.slots(p, fromMs, toMs)) all.push(s);
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
