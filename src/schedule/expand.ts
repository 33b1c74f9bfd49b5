// Expands programmes into occurrences (pure, given the zone data). One Expander per
// service or command: it caches compiled rules and zone offsets, nothing at module level.
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
import type { Occurrence, Programme } from './types.js';

/** A programme may start up to this long before the window and still reach into it. */
const ZONE_SLACK_MS = 2 * DAY_MS;

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
   * Every occurrence of `p` (cancelled ones included, flagged) whose [start, end]
   * intersects [from, to], in start order. Two nominal times that resolve to the same
   * instant (02:30 in a gap becomes 03:30, which may also be listed) air once.
   */
  expand(p: Programme, from: Date, to: Date): Occurrence[] {
    const fromMs = from.getTime();
    const toMs = to.getTime();
    const maxDur = Math.max(p.durationMs, ...Object.values(p.overrides).map((o) => o.duration ?? 0));
    const first = Math.floor((fromMs - maxDur - ZONE_SLACK_MS) / DAY_MS);
    const last = Math.floor((toMs + ZONE_SLACK_MS) / DAY_MS);
    const except = p.recurrence.except.length ? new Set(p.recurrence.except) : undefined;
    const out: Occurrence[] = [];
    const seen = new Map<number, number>();
    for (const nominal of this.nominalStarts(p, first, last)) {
      const date = formatLocalDate(Math.floor(nominal / DAY_MS));
      const ov = p.overrides[date];
      let wall = nominal;
      if (ov?.at) wall = Math.floor(nominal / DAY_MS) * DAY_MS + (parseLocalTime(ov.at) ?? 0) * 60_000;
      const start = this.zones.toUtc(p.timezone, wall);
      const duration = ov?.duration ?? p.durationMs;
      const end = start + duration;
      if (start > toMs || end < fromMs) continue;
      const occ = this.#occurrence(p, nominal, start, end, ov, Boolean(except?.has(date)) || Boolean(ov?.cancelled));
      const prev = seen.get(start);
      if (prev !== undefined) {
        // Keep the one whose wall time really exists (its nominal id names the real time).
        const kept = out[prev]!;
        if (kept.localStart.slice(0, 16) !== kept.id.slice(kept.id.indexOf('@') + 1)) out[prev] = occ;
        continue;
      }
      seen.set(start, out.length);
      out.push(occ);
    }
    out.sort((a, b) => a.start.getTime() - b.start.getTime());
    return out;
  }

  #occurrence(
    p: Programme,
    nominal: number,
    start: number,
    end: number,
    ov: Programme['overrides'][string] | undefined,
    cancelled: boolean,
  ): Occurrence {
    const offStart = this.zones.offset(p.timezone, start);
    const offEnd = this.zones.offset(p.timezone, end);
    return {
      id: `${p.id}@${formatLocalMinute(nominal)}`,
      programmeId: p.id,
      title: ov?.title ?? p.title,
      description: ov?.description ?? p.description,
      category: p.category,
      audience: p.audience,
      timezone: p.timezone,
      start: new Date(start),
      end: new Date(end),
      localStart: formatIsoLocal(start, offStart),
      localEnd: formatIsoLocal(end, offEnd),
      source: ov?.source ?? p.source,
      destinations: p.destinations,
      youtube: p.youtube,
      chat: p.chat,
      remindersMs: p.remindersMs,
      cancelled,
    };
  }

  /** Whether the rule gives a nominal occurrence on local `date` (for overrides). */
  hasDate(p: Programme, date: string): number {
    const day = parseLocalDate(date);
    if (day === undefined) return 0;
    return this.nominalStarts(p, day, day).length;
  }

  /** Expands many programmes and merges them in start order. */
  expandAll(programmes: Iterable<Programme>, from: Date, to: Date): Occurrence[] {
    const all: Occurrence[] = [];
    for (const p of programmes) for (const o of this.expand(p, from, to)) all.push(o);
    return all.sort((a, b) => a.start.getTime() - b.start.getTime() || a.id.localeCompare(b.id));
  }
}
