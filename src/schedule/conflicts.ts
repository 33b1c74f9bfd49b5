// Checks across files: ids must be unique, and two broadcasts may not overlap on the same
// destination. Each destination's broadcasts in force sit in hour buckets (a broadcast in
// every hour it spans), so putting or checking a file costs what that file brings, never a
// rebuild of everybody's timeline: a reload of 2,000 files stays linear, a one-file reload
// touches only its own buckets. Overlaps are counted, not collected: the first few are
// described, the rest are a number, so 1,000 programmes at one time cannot exhaust memory.
import { formatDuration } from '../shared/duration.js';
import type { Expander, Slot } from './expand.js';
import { MAX_LISTED_OVERLAPS } from './limits.js';
import { bothLanguages as say, diagnosticText } from './messages.js';
import type { Diagnostic, Localized, Occurrence, Programme } from './types.js';

/** What one file contributes while in force. */
export interface FileEntry {
  file: string;
  programmes: Programme[];
  /** Its broadcasts within the checked horizon, in start order. */
  slots: Slot[];
}

const BUCKET_MS = 3_600_000;

/**
 * Comparisons one check may make against the broadcasts in force before it stops counting
 * (reached only when many broadcasts already overlap, which `onair validate` allows).
 */
const SCAN_BUDGET = 20_000_000;

/** Overlapping pairs within one file looked at one by one before they are only counted. */
const ENUMERATE_BUDGET = 100_000;

function bucketOf(t: number): number {
  return Math.floor(t / BUCKET_MS);
}

/** Index of the first slot whose start is >= t (slots sorted by start). */
function lowerBound(slots: readonly Slot[], t: number): number {
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (slots[mid]!.start < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function localClock(iso: string): string {
  return iso.slice(11, 16);
}

const WEEKDAYS = { en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'], tr: ['Paz', 'Pzt', 'Sal', 'Çar', 'Per', 'Cum', 'Cmt'] };

function weekdayDate(iso: string, lang: 'en' | 'tr'): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return `${WEEKDAYS[lang][d.getUTCDay()]} ${iso.slice(0, 10)}`;
}

function describe(o: Occurrence): Localized {
  const at = (lang: 'en' | 'tr'): string => `${weekdayDate(o.localStart, lang)} ${localClock(o.localStart)}–${localClock(o.localEnd)}`;
  return { en: at('en'), tr: at('tr') };
}

function where(p: Programme): string {
  return `${p.file}:${p.position.line}:${p.position.col}`;
}

/** Overlaps found by one check: a few described, all counted. */
class OverlapTally {
  readonly listed = new Map<string, { a: Slot; b: Slot; n: number; dest: string }>();
  /** Overlapping pairs beyond the listed ones, per destination. */
  readonly unlisted = new Map<string, number>();
  /** True when some pairs were counted without being looked at: listed counts are lower bounds. */
  partial = false;
  /** True when the scan against the files in force stopped early: unlisted counts are lower bounds. */
  stopped = false;

  note(a: Slot, b: Slot, dest: string): void {
    const key = `${a.programme.id}\u0000${b.programme.id}\u0000${dest}`;
    const seen = this.listed.get(key);
    if (seen) seen.n++;
    else if (this.listed.size < MAX_LISTED_OVERLAPS) this.listed.set(key, { a, b, n: 1, dest });
    else this.count(dest, 1);
  }

  count(dest: string, n: number): void {
    if (n > 0) this.unlisted.set(dest, (this.unlisted.get(dest) ?? 0) + n);
  }

  get full(): boolean {
    return this.listed.size >= MAX_LISTED_OVERLAPS;
  }
}

export class ConflictIndex {
  readonly #files = new Map<string, FileEntry>();
  readonly #ids = new Map<string, Programme>();
  /** Per destination, per hour: the broadcasts in force that touch that hour. */
  readonly #timelines = new Map<string, Map<number, Slot[]>>();

  readonly #expander: Expander;

  constructor(_maxDurationMs: number, expander: Expander) {
    this.#expander = expander;
  }

  get files(): ReadonlyMap<string, FileEntry> {
    return this.#files;
  }

  programme(id: string): Programme | undefined {
    return this.#ids.get(id);
  }

  /**
   * Problems `entry` would cause next to the other files in force (its own current
   * version excluded): duplicate ids and overlaps, as errors placed in `entry`'s file.
   * With `both`, the other side of each overlap gets an error too (the CLI's view).
   */
  check(entry: FileEntry, both = false): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const p of entry.programmes) {
      const other = this.#ids.get(p.id);
      if (other && other.file !== entry.file)
        out.push({ ...p.position, severity: 'error', ...diagnosticText(say('idUsedBy', { id: p.id, at: where(other) })) });
    }
    const tally = new OverlapTally();
    const own = new Map<string, Slot[]>();
    let budget = SCAN_BUDGET;
    for (const slot of entry.slots) {
      if (slot.cancelled) continue;
      for (const dest of slot.programme.destinations) {
        let list = own.get(dest);
        if (!list) own.set(dest, (list = []));
        list.push(slot);
        const timeline = this.#timelines.get(dest);
        if (!timeline || tally.stopped) continue;
        const first = bucketOf(slot.start);
        for (let h = first, last = bucketOf(slot.end - 1); h <= last; h++) {
          const bucket = timeline.get(h);
          if (!bucket) continue;
          budget -= bucket.length;
          if (budget < 0) {
            tally.stopped = tally.partial = true;
            break;
          }
          for (const t of bucket) {
            // A pair is seen in every hour both touch: count it in the first of them only.
            if (t.end > slot.start && t.start < slot.end && t.programme.file !== entry.file && h === Math.max(first, bucketOf(t.start))) tally.note(slot, t, dest);
          }
        }
      }
    }
    // Overlaps within the file itself (also between two broadcasts of one programme): one
    // sorted sweep; once enough are listed, the rest of each run is counted by binary search.
    let enumerate = ENUMERATE_BUDGET;
    for (const [dest, list] of own) {
      list.sort((x, y) => x.start - y.start);
      for (let i = 0; i < list.length; i++) {
        const end = lowerBound(list, list[i]!.end);
        // Pairs are looked at one by one while that is cheap (so a listed pair's "and N more
        // times" is exact); past the budget they are only counted.
        if (tally.full && enumerate <= 0) {
          tally.partial ||= end - i - 1 > 0;
          tally.count(dest, end - i - 1);
          continue;
        }
        enumerate -= end - i - 1;
        for (let j = i + 1; j < end; j++) {
          const [a, b] = list[j]!.programme.id < list[i]!.programme.id ? [list[j]!, list[i]!] : [list[i]!, list[j]!];
          tally.note(b, a, dest);
        }
      }
    }
    const describeOcc = (s: Slot): Localized => describe(this.#expander.occurrence(s));
    // Each side in its own programme's local time; the zone is named once when they agree.
    const pair = (x: Slot, y: Slot): Localized =>
      x.programme.timezone === y.programme.timezone
        ? say('overlapPairOneZone', { a: describeOcc(x), b: describeOcc(y), zone: x.programme.timezone })
        : say('overlapPairTwoZones', { a: describeOcc(x), zoneA: x.programme.timezone, b: describeOcc(y), zoneB: y.programme.timezone });
    const overlap = (x: Slot, y: Slot, dest: string, more: Localized | string): Localized =>
      say('overlapOther', { id: x.programme.id, other: y.programme.id, at: where(y.programme), dest, pair: pair(x, y), more });
    for (const { a, b, n, dest } of tally.listed.values()) {
      const more = n > 1 || tally.partial ? say('overlapMore', { atLeast: tally.partial ? 1 : 0, n: n - 1 }) : '';
      const same = a.programme.id === b.programme.id;
      const msg = same
        ? say('overlapSame', { id: a.programme.id, dest, first: describeOcc(b), second: describeOcc(a), zone: a.programme.timezone, more, duration: formatDuration(a.programme.durationMs) })
        : overlap(a, b, dest, more);
      out.push({ ...a.programme.position, severity: 'error', ...diagnosticText(msg) });
      if (both && !same && b.programme.file !== entry.file) {
        out.push({ ...b.programme.position, severity: 'error', ...diagnosticText(overlap(b, a, dest, more)) });
      }
    }
    const at = entry.programmes[0]?.position ?? { file: entry.file, line: 1, col: 1 };
    for (const [dest, n] of tally.unlisted) {
      const text = say('overlapsUnlisted', { atLeast: tally.stopped ? 1 : 0, count: n.toLocaleString('en'), n, dest });
      out.push({ ...at, severity: 'error', ...diagnosticText(text) });
    }
    if (tally.stopped && tally.unlisted.size === 0) out.push({ ...at, severity: 'error', ...diagnosticText(say('overlapsUncounted')) });
    return out;
  }

  /** Puts `entry` in force, replacing that file's previous version. */
  put(entry: FileEntry): void {
    this.remove(entry.file);
    this.#files.set(entry.file, entry);
    for (const p of entry.programmes) this.#ids.set(p.id, p);
    for (const slot of entry.slots) {
      if (slot.cancelled) continue;
      for (const dest of slot.programme.destinations) {
        let timeline = this.#timelines.get(dest);
        if (!timeline) this.#timelines.set(dest, (timeline = new Map()));
        for (let h = bucketOf(slot.start), last = bucketOf(slot.end - 1); h <= last; h++) {
          const bucket = timeline.get(h);
          if (bucket) bucket.push(slot);
          else timeline.set(h, [slot]);
        }
      }
    }
  }

  /** Takes a file's programmes out of force (touching only the hours it used). */
  remove(file: string): void {
    const old = this.#files.get(file);
    if (!old) return;
    this.#files.delete(file);
    for (const p of old.programmes) if (this.#ids.get(p.id)?.file === file) this.#ids.delete(p.id);
    for (const slot of old.slots) {
      if (slot.cancelled) continue;
      for (const dest of slot.programme.destinations) {
        const timeline = this.#timelines.get(dest);
        if (!timeline) continue;
        for (let h = bucketOf(slot.start), last = bucketOf(slot.end - 1); h <= last; h++) {
          const bucket = timeline.get(h);
          if (!bucket) continue;
          const kept = bucket.filter((s) => s.programme.file !== file);
          if (kept.length) timeline.set(h, kept);
          else timeline.delete(h);
        }
      }
    }
  }
}
