// Checks across files: ids must be unique, and two broadcasts may not overlap on the same
// destination. Kept incrementally per file so that a one-file reload re-checks only that
// file's occurrences against the others (binary search in per-destination timelines).
import { formatDuration } from '../shared/duration.js';
import type { Expander, Slot } from './expand.js';
import type { Diagnostic, Occurrence, Programme } from './types.js';

/** What one file contributes while in force. */
export interface FileEntry {
  file: string;
  programmes: Programme[];
  /** Its broadcasts within the checked horizon, in start order. */
  slots: Slot[];
}

function merge(a: Slot[], b: Slot[]): Slot[] {
  const out: Slot[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]!.start <= b[j]!.start ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** Index of the first slot whose start is >= t. */
function lowerBound(slots: Slot[], t: number): number {
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

function weekdayDate(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]} ${iso.slice(0, 10)}`;
}

function describe(o: Occurrence): string {
  return `${weekdayDate(o.localStart)} ${localClock(o.localStart)}–${localClock(o.localEnd)}`;
}

function where(p: Programme): string {
  return `${p.file}:${p.position.line}:${p.position.col}`;
}

export class ConflictIndex {
  readonly #files = new Map<string, FileEntry>();
  readonly #ids = new Map<string, Programme>();
  readonly #timelines = new Map<string, Slot[]>();
  /** Longest occurrence in force, to bound how far back an overlap can start. */
  #maxDurationMs: number;

  readonly #expander: Expander;

  constructor(maxDurationMs: number, expander: Expander) {
    this.#maxDurationMs = maxDurationMs;
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
        out.push({ ...p.position, severity: 'error', message: `id "${p.id}" is already used by ${where(other)}; give each programme its own id` });
    }
    // Pairs of programmes that clash: report the first clash and count the rest.
    const pairs = new Map<string, { a: Slot; b: Slot; n: number; dest: string }>();
    const note = (a: Slot, b: Slot, dest: string): void => {
      const key = `${a.programme.id}\u0000${b.programme.id}\u0000${dest}`;
      const seen = pairs.get(key);
      if (seen) seen.n++;
      else pairs.set(key, { a, b, n: 1, dest });
    };
    const own = new Map<string, Slot[]>();
    for (const slot of entry.slots) {
      if (slot.cancelled) continue;
      for (const dest of slot.programme.destinations) {
        let list = own.get(dest);
        if (!list) own.set(dest, (list = []));
        list.push(slot);
        const timeline = this.#timelines.get(dest);
        if (!timeline) continue;
        // Any slot that overlaps starts before our end and after our start minus the longest duration.
        let i = lowerBound(timeline, slot.end) - 1;
        for (; i >= 0; i--) {
          const t = timeline[i]!;
          if (t.start < slot.start - this.#maxDurationMs) break;
          if (t.programme.file === entry.file) continue;
          if (t.end > slot.start && t.start < slot.end) note(slot, t, dest);
        }
      }
    }
    // Overlaps within the file itself (also between two broadcasts of one programme).
    for (const [dest, list] of own) {
      list.sort((x, y) => x.start - y.start);
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length && list[j]!.start < list[i]!.end; j++) {
          const [a, b] = list[j]!.programme.id < list[i]!.programme.id ? [list[j]!, list[i]!] : [list[i]!, list[j]!];
          note(b, a, dest);
        }
      }
    }
    const describeOcc = (s: Slot): string => describe(this.#expander.occurrence(s));
    // Each side in its own programme's local time; the zone is named once when they agree.
    const pair = (x: Slot, y: Slot): string =>
      x.programme.timezone === y.programme.timezone
        ? `${describeOcc(x)} and ${describeOcc(y)} (${x.programme.timezone})`
        : `${describeOcc(x)} (${x.programme.timezone}) and ${describeOcc(y)} (${y.programme.timezone})`;
    for (const { a, b, n, dest } of pairs.values()) {
      const more = n > 1 ? ` (and ${n - 1} more time${n > 2 ? 's' : ''})` : '';
      const same = a.programme.id === b.programme.id;
      const msg = same
        ? `two broadcasts of "${a.programme.id}" overlap on destination ${dest}: ${describeOcc(b)} and ${describeOcc(a)} (${a.programme.timezone})${more}; the duration ${formatDuration(a.programme.durationMs)} is longer than the time between them`
        : `"${a.programme.id}" overlaps "${b.programme.id}" (${where(b.programme)}) on destination ${dest}: ${pair(a, b)}${more}; move one of them or use another destination`;
      out.push({ ...a.programme.position, severity: 'error', message: msg });
      if (both && !same && b.programme.file !== entry.file) {
        out.push({
          ...b.programme.position,
          severity: 'error',
          message: `"${b.programme.id}" overlaps "${a.programme.id}" (${where(a.programme)}) on destination ${dest}: ${pair(b, a)}${more}; move one of them or use another destination`,
        });
      }
    }
    return out;
  }

  /** Puts `entry` in force, replacing that file's previous version. */
  put(entry: FileEntry): void {
    this.remove(entry.file);
    this.#files.set(entry.file, entry);
    for (const p of entry.programmes) {
      this.#ids.set(p.id, p);
      this.#maxDurationMs = Math.max(this.#maxDurationMs, p.durationMs, ...Object.values(p.overrides).map((o) => o.duration ?? 0));
    }
    const add = new Map<string, Slot[]>();
    for (const slot of entry.slots) {
      if (slot.cancelled) continue;
      for (const dest of slot.programme.destinations) {
        let list = add.get(dest);
        if (!list) add.set(dest, (list = []));
        list.push(slot);
      }
    }
    for (const [dest, list] of add) {
      list.sort((x, y) => x.start - y.start);
      this.#timelines.set(dest, merge(this.#timelines.get(dest) ?? [], list));
    }
  }

  /** Takes a file's programmes out of force. */
  remove(file: string): void {
    const old = this.#files.get(file);
    if (!old) return;
    this.#files.delete(file);
    for (const p of old.programmes) if (this.#ids.get(p.id)?.file === file) this.#ids.delete(p.id);
    const dests = new Set(old.programmes.flatMap((p) => p.destinations));
    for (const dest of dests) {
      const t = this.#timelines.get(dest);
      if (t) this.#timelines.set(dest, t.filter((s) => s.programme.file !== file));
    }
  }
}
