// The running server's view of schedules/: loads every file, watches the folder and keeps
// the programmes in force. A saved change is live within a second; a file that becomes
// invalid keeps its last good version in force (its diagnostics are kept for /api/status);
// a deleted file's programmes go; a file caught half-written is never read as empty.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Cancel, Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { TypedEmitter } from '../shared/typed-emitter.js';
import { ConflictIndex, type FileEntry } from './conflicts.js';
import { compareSlots, Expander, type Slot } from './expand.js';
import { fileStatusNote, formatDiagnostic } from './format.js';
import { scheduleMessage } from './messages.js';
import { DAY_MS } from './local-time.js';
import { DEFAULT_HORIZON_DAYS, horizon, isScheduleFile, listScheduleFiles } from './load.js';
import type { ValidationContext } from './normalize.js';
import type { Diagnostic, FileStatus, Occurrence, Programme, ScheduleSnapshot } from './types.js';
import { hasErrors, sortDiagnostics, validateScheduleText, type FileResult } from './validate-file.js';

export interface ScheduleServiceDeps extends ValidationContext {
  /** The folder of schedule files (config dirs.schedules). */
  dir: string;
  /** How long a file must be quiet before it is read (config schedule.reloadDebounce). */
  debounceMs: number;
  clock: Clock;
  logger: Logger;
  /** Overlaps are checked, and occurrences cached, this many days ahead. @defaultValue 366 */
  horizonDays?: number;
  /** Watch the folder for changes. @defaultValue true */
  watch?: boolean;
}

export interface ScheduleEvents {
  [event: string]: (...args: any[]) => void;
  /** The programmes in force changed (read them with snapshot()). */
  change: () => void;
  /** A file was read; `diagnostics` are its problems (errors mean its last good version stays). */
  file: (status: FileStatus) => void;
}

/** Path as shown to people: relative to the working directory when inside it. */
function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}


export class ScheduleService {
  readonly #deps: ScheduleServiceDeps;
  readonly #events = new TypedEmitter<ScheduleEvents>();
  readonly #expander = new Expander();
  #index: ConflictIndex;
  #horizon: { from: Date; to: Date };
  readonly #status = new Map<string, FileStatus>();
  /** Latest valid-alone versions refused only because of other files (retried after changes). */
  readonly #refused = new Map<string, FileResult>();
  readonly #timers = new Map<string, Cancel>();
  #horizonTimer: Cancel | undefined;
  #watcher: FSWatcher | undefined;
  #version = 0;
  #maxDurationMs: number;
  #stopped = false;

  constructor(deps: ScheduleServiceDeps) {
    this.#deps = deps;
    this.#maxDurationMs = deps.maxDurationMs;
    this.#index = new ConflictIndex(deps.maxDurationMs, this.#expander);
    this.#horizon = horizon(deps.clock.now(), deps.horizonDays ?? DEFAULT_HORIZON_DAYS);
  }

  /** Loads every file, then starts watching; resolves once the watcher is ready. */
  async start(): Promise<void> {
    this.#stopped = false;
    const files = existsSync(this.#deps.dir) ? listScheduleFiles([this.#deps.dir]) : [];
    if (!existsSync(this.#deps.dir)) this.#deps.logger.warn({ dir: this.#deps.dir }, 'schedules folder does not exist; no programmes');
    for (const f of files) this.#process(f, true);
    this.#armHorizon();
    if (this.#deps.watch === false || !existsSync(this.#deps.dir)) return;
    const watcher = watch(this.#deps.dir, {
      ignoreInitial: true,
      ignored: (p, stats) => Boolean(stats?.isFile()) && !isScheduleFile(p),
    });
    this.#watcher = watcher;
    const schedule = (file: string): void => {
      if (!isScheduleFile(file)) return;
      this.#debounce(file);
    };
    watcher.on('add', schedule).on('change', schedule).on('unlink', schedule);
    watcher.on('error', (err) => this.#deps.logger.error({ err }, 'watching the schedules folder failed'));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
    this.#horizonTimer?.();
    await this.#watcher?.close();
    this.#watcher = undefined;
  }

  onChange(listener: () => void): () => void {
    return this.#events.on('change', listener);
  }

  on<K extends keyof ScheduleEvents & string>(event: K, listener: ScheduleEvents[K]): () => void {
    return this.#events.on(event, listener);
  }

  snapshot(): ScheduleSnapshot {
    return {
      version: this.#version,
      programmes: this.programmes(),
      files: [...this.#status.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
    };
  }

  programmes(): Programme[] {
    return [...this.#index.files.values()].flatMap((e) => e.programmes).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Every occurrence (cancelled ones flagged) whose [start, end] intersects [from, to], by start. */
  occurrences(from: Date, to: Date): Occurrence[] {
    const f = from.getTime();
    const t = to.getTime();
    if (f < this.#horizon.from.getTime() || t > this.#horizon.to.getTime()) {
      return this.#expander.expandAll(this.programmes(), from, to);
    }
    // Each file's slots are sorted: a binary search per file finds the window, so a reload
    // only replaces that file's list and nothing global has to be rebuilt.
    const min = f - this.#maxDurationMs;
    const hits: Slot[] = [];
    for (const entry of this.#index.files.values()) {
      const list = entry.slots;
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (list[mid]!.start < min) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < list.length && list[i]!.start <= t; i++) if (list[i]!.end >= f) hits.push(list[i]!);
    }
    return hits.sort(compareSlots).map((x) => this.#expander.occurrence(x));
  }

  find(occurrenceId: string): Occurrence | undefined {
    const at = occurrenceId.lastIndexOf('@');
    if (at < 0) return undefined;
    const p = this.#index.programme(occurrenceId.slice(0, at));
    const nominal = Date.parse(`${occurrenceId.slice(at + 1)}:00Z`);
    if (!p || Number.isNaN(nominal)) return undefined;
    // An override may move it within its day; zones are within ±14 h; look two days around.
    const around = this.#expander.expand(p, new Date(nominal - 2 * DAY_MS), new Date(nominal + 2 * DAY_MS));
    return around.find((o) => o.id === occurrenceId);
  }

  /** Occurrences starting at or after `now`, not cancelled, the first `n` of them. */
  next(n: number, now = this.#deps.clock.now()): Occurrence[] {
    const out: Occurrence[] = [];
    for (let days = 7; days <= 366 * 2 && out.length < n; days *= 4) {
      out.length = 0;
      const list = this.occurrences(now, new Date(now.getTime() + days * DAY_MS));
      for (const o of list) if (!o.cancelled && o.start >= now && out.length < n) out.push(o);
    }
    return out;
  }

  /** Re-reads one file now, as the watcher does once a save has settled (deleted = removed). */
  reloadFile(file: string): void {
    this.#process(path.resolve(file), false);
  }

  #debounce(file: string): void {
    this.#timers.get(file)?.();
    const when = new Date(this.#deps.clock.now().getTime() + this.#deps.debounceMs);
    this.#timers.set(
      file,
      this.#deps.clock.at(when, () => {
        this.#timers.delete(file);
        if (!this.#stopped) this.#readWhenStable(file);
      }),
    );
  }

  /**
   * Reads a file twice, a short while apart; only a file that reads the same both times
   * (an editor's save has finished) is processed, otherwise the wait starts again.
   */
  #readWhenStable(file: string): void {
    const first = this.#fingerprint(file);
    const when = new Date(this.#deps.clock.now().getTime() + Math.min(100, this.#deps.debounceMs));
    this.#timers.set(
      file,
      this.#deps.clock.at(when, () => {
        this.#timers.delete(file);
        if (this.#stopped) return;
        if (this.#fingerprint(file) !== first) this.#debounce(file);
        else this.#process(file, false);
      }),
    );
  }

  #fingerprint(file: string): string {
    try {
      const s = statSync(file);
      return `${s.size}:${s.mtimeMs}:${readFileSync(file, 'utf8')}`;
    } catch {
      return 'missing';
    }
  }

  #process(absFile: string, initial: boolean): void {
    const file = display(absFile);
    const now = this.#deps.clock.now();
    let text: string | undefined;
    try {
      text = readFileSync(absFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.#removed(file);
      this.#reject(file, now, [{ file, line: 1, col: 1, severity: 'error', message: `cannot read the file: ${(err as Error).message}` }]);
      return;
    }
    const result = validateScheduleText(text, file, this.#deps, this.#expander);
    // Errors first: a syntax error drops the document, so such a file also reads as
    // "empty" — and it must show as the error it is, with its line and column.
    if (hasErrors(result.diagnostics)) {
      this.#refused.delete(file);
      this.#reject(file, now, result.diagnostics);
      return;
    }
    if (result.empty && (this.#index.files.has(file) || this.#status.has(file))) {
      // An existing schedule emptied is most likely a save gone wrong: an error, so nobody
      // reads it as fine. Removing programmes is done by deleting the file.
      this.#refused.delete(file);
      this.#reject(file, now, [{ file, line: 1, col: 1, severity: 'error', message: scheduleMessage('en', 'emptyExisting') }]);
      return;
    }
    if (!this.#accept(result, now)) return;
    if (!initial) this.#retryRefused(now);
  }

  /** Puts a valid-alone file in force unless it clashes with the others; returns success. */
  #accept(result: FileResult, now: Date): boolean {
    const entry: FileEntry = {
      file: result.file,
      programmes: result.programmes,
      slots: this.#expander.slotsAll(result.programmes, this.#horizon.from.getTime(), this.#horizon.to.getTime()),
    };
    const cross = this.#index.check(entry);
    if (hasErrors(cross)) {
      this.#refused.set(result.file, result);
      this.#reject(result.file, now, sortDiagnostics([...result.diagnostics, ...cross]));
      return false;
    }
    this.#refused.delete(result.file);
    this.#index.put(entry);
    // Bounds how far back occurrences() looks for one still running; it never needs to shrink.
    for (const s of entry.slots) this.#maxDurationMs = Math.max(this.#maxDurationMs, s.end - s.start);
    this.#changed();
    const status: FileStatus = {
      file: result.file,
      programmeIds: result.programmes.map((p) => p.id),
      diagnostics: result.diagnostics,
      loadedAt: now,
      lastGoodAt: now,
    };
    this.#status.set(result.file, status);
    for (const d of result.diagnostics) this.#deps.logger.warn(formatDiagnostic(d));
    this.#deps.logger.info({ file: result.file, programmes: status.programmeIds }, 'schedule loaded');
    this.#events.emit('file', status);
    return true;
  }

  #retryRefused(now: Date): void {
    for (const result of [...this.#refused.values()]) this.#accept(result, now);
  }

  #reject(file: string, now: Date, diagnostics: Diagnostic[]): void {
    const prev = this.#status.get(file);
    const status: FileStatus = {
      file,
      programmeIds: this.#index.files.get(file)?.programmes.map((p) => p.id) ?? [],
      diagnostics,
      loadedAt: now,
      ...(prev?.lastGoodAt ? { lastGoodAt: prev.lastGoodAt } : {}),
    };
    this.#status.set(file, status);
    for (const d of diagnostics) (d.severity === 'error' ? this.#deps.logger.error : this.#deps.logger.warn).call(this.#deps.logger, formatDiagnostic(d));
    const note = fileStatusNote(status);
    if (note) this.#deps.logger.error({ file, inForce: status.programmeIds, lastGoodAt: status.lastGoodAt?.toISOString() ?? null }, note);
    this.#events.emit('file', status);
  }

  #removed(file: string): void {
    this.#refused.delete(file);
    this.#status.delete(file);
    if (this.#index.files.has(file)) {
      this.#index.remove(file);
      this.#changed();
      this.#deps.logger.info({ file }, 'schedule file deleted; its programmes are removed');
    }
    this.#retryRefused(this.#deps.clock.now());
  }

  #changed(): void {
    this.#version++;
    this.#events.emit('change');
  }

  /** Moves the cached horizon forward once a day, re-expanding what is in force. */
  #armHorizon(): void {
    const when = new Date(this.#horizon.from.getTime() + 2 * DAY_MS);
    this.#horizonTimer = this.#deps.clock.at(when, () => {
      if (this.#stopped) return;
      this.#horizon = horizon(this.#deps.clock.now(), this.#deps.horizonDays ?? DEFAULT_HORIZON_DAYS);
      const index = new ConflictIndex(this.#deps.maxDurationMs, this.#expander);
      for (const e of this.#index.files.values())
        index.put({ ...e, slots: this.#expander.slotsAll(e.programmes, this.#horizon.from.getTime(), this.#horizon.to.getTime()) });
      this.#index = index;
      this.#armHorizon();
    });
  }
}
