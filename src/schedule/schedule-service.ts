// The running server's view of schedules/: loads every file, watches the folder and keeps
// the programmes in force. A saved change is live within a second; a file that becomes
// invalid keeps its last good version in force (its diagnostics are kept for /api/status);
// a deleted file's programmes go; a file caught half-written is never read as empty.
// Files are read, parsed, validated, expanded and checked for overlaps off the main thread
// (checker.ts, with a time budget per file); this thread keeps only the programmes in force
// and expands them lazily, a week at a time, for the windows callers ask about.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Cancel, Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { TypedEmitter } from '../shared/typed-emitter.js';
import { Checker, CheckTimeoutError } from './checker.js';
import type { CheckResponse } from './check-protocol.js';
import { compareSlots, Expander, parseOccurrenceId, type Slot } from './expand.js';
import { fileStatusNote, formatDiagnostic } from './format.js';
import { bothLanguages, diagnosticText } from './messages.js';
import { DAY_MS } from './local-time.js';
import { DEFAULT_HORIZON_DAYS, horizon, isScheduleFile, listScheduleFiles } from './load.js';
import type { ValidationContext } from './normalize.js';
import type { Diagnostic, FileStatus, Occurrence, Programme, ScheduleSnapshot } from './types.js';
import { readScheduleFile } from './read-file.js';
import { hasErrors, sortDiagnostics, type FileResult } from './validate-file.js';

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
  /** Time one file may take to be checked (off the main thread). @defaultValue CHECK_BUDGET_MS (10 s) */
  checkBudgetMs?: number;
}

export interface ScheduleEvents {
  [event: string]: (...args: any[]) => void;
  /** The programmes in force changed (read them with snapshot()). */
  change: () => void;
  /** A file was read; `diagnostics` are its problems (errors mean its last good version stays). */
  file: (status: FileStatus) => void;
  /** snapshot().files changed: a file was read (fine or not) or removed. */
  status: () => void;
}

/** Problems of one file written to the log; the rest are counted. */
const MAX_LOGGED = 20;
/** Lazily expanded occurrences are cached in blocks of this many days. */
const BLOCK_DAYS = 7;
/** Blocks kept per file before the cache is cleared (a long-running server moves on). */
const MAX_BLOCKS = 64;

/**
 * Path as shown to people and on the public /api/status: relative to the working directory
 * when the schedules folder is inside it (`schedules/story.yaml`), else relative to the
 * folder's name — never an absolute path, which would tell the public how the host is laid out.
 */
function displayer(dir: string): (file: string) => string {
  const root = path.resolve(dir);
  const rel = path.relative(process.cwd(), root);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.basename(root);
  return (file) => path.join(shown, path.relative(root, file));
}


export class ScheduleService {
  readonly #deps: ScheduleServiceDeps;
  readonly #events = new TypedEmitter<ScheduleEvents>();
  /** Expands what is in force for callers (the worker has its own, for checking). */
  readonly #expander = new Expander();
  readonly #checker: Checker;
  readonly #display: (file: string) => string;
  #horizon: { from: Date; to: Date };
  /** Programmes in force, per file (as shown), and by id. */
  readonly #inForce = new Map<string, Programme[]>();
  readonly #ids = new Map<string, Programme>();
  /** Per file, its occurrences by block of BLOCK_DAYS days (slots starting in the block). */
  readonly #blocks = new Map<string, Map<number, Slot[]>>();
  readonly #status = new Map<string, FileStatus>();
  /** Latest valid-alone versions refused only because of other files (retried after changes). */
  readonly #refused = new Map<string, FileResult>();
  readonly #timers = new Map<string, Cancel>();
  /** File work runs one at a time, in the order it was asked for. */
  #queue: Promise<void> = Promise.resolve();
  #horizonTimer: Cancel | undefined;
  #watcher: FSWatcher | undefined;
  #version = 0;
  #maxDurationMs: number;
  #stopped = false;

  constructor(deps: ScheduleServiceDeps) {
    this.#deps = deps;
    this.#maxDurationMs = deps.maxDurationMs;
    this.#display = displayer(deps.dir);
    this.#horizon = horizon(deps.clock.now(), deps.horizonDays ?? DEFAULT_HORIZON_DAYS);
    const { mediaRoot, destinations, defaultTimezone, maxDurationMs, youtubeDestinations } = deps;
    this.#checker = new Checker({
      data: {
        ctx: { mediaRoot, destinations: [...destinations], defaultTimezone, maxDurationMs, ...(youtubeDestinations ? { youtubeDestinations: [...youtubeDestinations] } : {}) },
        root: path.resolve(deps.dir),
      },
      ...(deps.checkBudgetMs !== undefined ? { budgetMs: deps.checkBudgetMs } : {}),
      inForce: () => ({ horizon: this.#window(), entries: [...this.#inForce].map(([file, programmes]) => ({ file, programmes })) }),
      onError: (err) => this.#deps.logger.error({ err }, 'the schedule checker stopped; it starts again with the next change'),
    });
  }

  /** Loads every file, then starts watching; resolves once the watcher is ready. */
  async start(): Promise<void> {
    this.#stopped = false;
    const files = existsSync(this.#deps.dir) ? listScheduleFiles([this.#deps.dir]) : [];
    if (!existsSync(this.#deps.dir)) this.#deps.logger.warn({ dir: this.#deps.dir }, 'schedules folder does not exist; no programmes');
    for (const f of files) await this.#enqueue(() => this.#process(f, true));
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
    await this.#checker.stop();
  }

  onChange(listener: () => void): () => void {
    return this.#events.on('change', listener);
  }

  /** Fires whenever snapshot().files changed: after every read of a file, and a file's removal. */
  onStatus(listener: () => void): () => void {
    return this.#events.on('status', listener);
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
    return [...this.#inForce.values()].flat().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Every occurrence (cancelled ones flagged) whose [start, end] intersects [from, to], by start. */
  occurrences(from: Date, to: Date): Occurrence[] {
    const f = from.getTime();
    const t = to.getTime();
    // Expanded lazily, a block of days at a time per file, and remembered: the engine's
    // reads of the next days cost a lookup, and nothing expands a year nobody asked for.
    const first = Math.floor((f - this.#maxDurationMs) / (BLOCK_DAYS * DAY_MS));
    const last = Math.floor(t / (BLOCK_DAYS * DAY_MS));
    const hits: Slot[] = [];
    for (const [file, programmes] of this.#inForce) {
      let blocks = this.#blocks.get(file);
      if (!blocks) this.#blocks.set(file, (blocks = new Map()));
      if (blocks.size > MAX_BLOCKS) blocks.clear();
      for (let b = first; b <= last; b++) {
        let list = blocks.get(b);
        if (!list) {
          const start = b * BLOCK_DAYS * DAY_MS;
          const end = start + BLOCK_DAYS * DAY_MS;
          list = this.#expander.slotsAll(programmes, start, end).filter((x) => x.start >= start && x.start < end);
          blocks.set(b, list);
        }
        for (const x of list) if (x.end >= f && x.start <= t) hits.push(x);
      }
    }
    return hits.sort(compareSlots).map((x) => this.#expander.occurrence(x));
  }

  find(occurrenceId: string): Occurrence | undefined {
    const parsed = parseOccurrenceId(occurrenceId);
    const p = parsed && this.#ids.get(parsed.programmeId);
    if (!parsed || !p) return undefined;
    const nominal = parsed.nominal;
    // An override may move it within its day; zones are within ±14 h; look two days around.
    const around = this.#expander.expand(p, new Date(nominal - 2 * DAY_MS), new Date(nominal + 2 * DAY_MS));
    return around.find((o) => o.id === occurrenceId);
  }

  /**
   * 'in-force' when a valid file holds the programme; 'gone' when no file does and every file
   * is valid; 'unknown' while some file is invalid (with no good version it may be the one).
   */
  standing(programmeId: string): 'in-force' | 'gone' | 'unknown' {
    if (this.#ids.has(programmeId)) return 'in-force';
    for (const status of this.#status.values()) if (status.diagnostics.some((d) => d.severity === 'error')) return 'unknown';
    return 'gone';
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
  reloadFile(file: string): Promise<void> {
    return this.#enqueue(() => this.#process(path.resolve(file), false));
  }

  #enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(work);
    // One failure must not stop the files after it: it is logged, the queue goes on.
    this.#queue = run.catch((err: unknown) => this.#deps.logger.error({ err }, 'reading a schedule file failed'));
    return run;
  }

  #window(): { fromMs: number; toMs: number } {
    return { fromMs: this.#horizon.from.getTime(), toMs: this.#horizon.to.getTime() };
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
        else void this.#enqueue(() => this.#process(file, false));
      }),
    );
  }

  #fingerprint(file: string): string {
    try {
      const s = statSync(file);
      // The same careful reading as the checker's (a FIFO or a device is not read here either).
      return `${s.size}:${s.mtimeMs}:${readScheduleFile(file, { root: this.#deps.dir })}`;
    } catch (err) {
      return `missing:${(err as Error).message}`;
    }
  }

  async #process(absFile: string, initial: boolean): Promise<void> {
    const file = this.#display(absFile);
    const now = this.#deps.clock.now();
    let res: CheckResponse;
    try {
      res = await this.#checker.request({ op: 'check', file, abs: absFile, horizon: this.#window() });
    } catch (err) {
      if (this.#stopped) return;
      const text =
        err instanceof CheckTimeoutError
          ? bothLanguages('checkTimedOut', { seconds: Math.round(err.budgetMs / 1000) })
          : bothLanguages('couldNotCheck', { detail: (err as Error).message });
      this.#refused.delete(file);
      this.#reject(file, now, [{ file, line: 1, col: 1, severity: 'error', ...diagnosticText(text) }]);
      return;
    }
    if (res.kind === 'missing') return this.#removed(file);
    if (res.kind === 'unreadable') {
      this.#refused.delete(file);
      this.#reject(file, now, [{ file, line: 1, col: 1, severity: 'error', message: res.message, tr: res.tr }]);
      return;
    }
    if (res.kind !== 'checked') {
      const text = res.kind === 'failed' ? bothLanguages('couldNotCheck', { detail: res.message }) : bothLanguages('checkerConfused');
      this.#reject(file, now, [{ file, line: 1, col: 1, severity: 'error', ...diagnosticText(text) }]);
      return;
    }
    const result: FileResult = { file, programmes: res.programmes, diagnostics: res.diagnostics, empty: res.empty, candidates: [] };
    // Errors first: a syntax error drops the document, so such a file also reads as
    // "empty" — and it must show as the error it is, with its line and column.
    if (hasErrors(result.diagnostics)) {
      this.#refused.delete(file);
      this.#reject(file, now, result.diagnostics);
      return;
    }
    if (result.empty && (this.#inForce.has(file) || this.#status.has(file))) {
      // An existing schedule emptied is most likely a save gone wrong: an error, so nobody
      // reads it as fine. Removing programmes is done by deleting the file.
      this.#refused.delete(file);
      this.#reject(file, now, [{ file, line: 1, col: 1, severity: 'error', ...diagnosticText(bothLanguages('emptyExisting')) }]);
      return;
    }
    if (!(await this.#accept(result, now, res.cross))) return;
    if (!initial) await this.#retryRefused(now);
  }

  /** Puts a valid-alone file in force unless it clashes with the others; returns success. */
  async #accept(result: FileResult, now: Date, crossChecked?: Diagnostic[]): Promise<boolean> {
    let cross = crossChecked;
    if (!cross) {
      const res = await this.#checker.request({ op: 'recheck', file: result.file });
      if (res.kind !== 'rechecked') {
        this.#refused.delete(result.file);
        return false;
      }
      cross = res.cross;
    }
    if (hasErrors(cross)) {
      this.#refused.set(result.file, result);
      this.#reject(result.file, now, sortDiagnostics([...result.diagnostics, ...cross]));
      return false;
    }
    this.#refused.delete(result.file);
    await this.#checker.request({ op: 'put', file: result.file });
    this.#putInForce(result.file, result.programmes);
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
    this.#events.emit('status');
    return true;
  }

  #putInForce(file: string, programmes: Programme[]): void {
    this.#takeOutOfForce(file);
    this.#inForce.set(file, programmes);
    for (const p of programmes) {
      this.#ids.set(p.id, p);
      // Bounds how far back occurrences() looks for one still running; it never needs to shrink.
      for (const d of [p.durationMs, ...Object.values(p.overrides).map((o) => o.duration ?? 0)]) this.#maxDurationMs = Math.max(this.#maxDurationMs, d);
    }
  }

  #takeOutOfForce(file: string): void {
    for (const p of this.#inForce.get(file) ?? []) if (this.#ids.get(p.id) === p) this.#ids.delete(p.id);
    this.#inForce.delete(file);
    this.#blocks.delete(file);
  }

  async #retryRefused(now: Date): Promise<void> {
    for (const result of [...this.#refused.values()]) await this.#accept(result, now);
  }

  #reject(file: string, now: Date, diagnostics: Diagnostic[]): void {
    const prev = this.#status.get(file);
    const status: FileStatus = {
      file,
      programmeIds: this.#inForce.get(file)?.map((p) => p.id) ?? [],
      diagnostics,
      loadedAt: now,
      ...(prev?.lastGoodAt ? { lastGoodAt: prev.lastGoodAt } : {}),
    };
    this.#status.set(file, status);
    // The log gets the first problems and a count, like /api/status: a file with thousands
    // of problems must not flood it.
    for (const d of diagnostics.slice(0, MAX_LOGGED)) (d.severity === 'error' ? this.#deps.logger.error : this.#deps.logger.warn).call(this.#deps.logger, formatDiagnostic(d));
    if (diagnostics.length > MAX_LOGGED) this.#deps.logger.error({ file, more: diagnostics.length - MAX_LOGGED }, `and ${diagnostics.length - MAX_LOGGED} more problems in ${file}`);
    const note = fileStatusNote(status);
    if (note) this.#deps.logger.error({ file, inForce: status.programmeIds, lastGoodAt: status.lastGoodAt?.toISOString() ?? null }, note);
    this.#events.emit('file', status);
    this.#events.emit('status');
  }

  async #removed(file: string): Promise<void> {
    this.#refused.delete(file);
    // The file and its programmes leave together, before the checker is told: /api/status
    // once showed the file gone and its programmes still in force while the worker answered.
    const listed = this.#status.delete(file);
    const inForce = this.#inForce.has(file);
    if (inForce) this.#takeOutOfForce(file);
    if (listed) this.#events.emit('status');
    if (inForce) {
      this.#changed();
      this.#deps.logger.info({ file }, 'schedule file deleted; its programmes are removed');
    }
    await this.#checker.request({ op: 'remove', file });
    await this.#retryRefused(this.#deps.clock.now());
  }

  #changed(): void {
    this.#version++;
    this.#events.emit('change');
  }

  /** Moves the checked horizon forward once a day (the worker re-expands what is in force). */
  #armHorizon(): void {
    const when = new Date(this.#horizon.from.getTime() + 2 * DAY_MS);
    this.#horizonTimer = this.#deps.clock.at(when, () => {
      if (this.#stopped) return;
      this.#horizon = horizon(this.#deps.clock.now(), this.#deps.horizonDays ?? DEFAULT_HORIZON_DAYS);
      void this.#enqueue(async () => {
        await this.#checker.request({ op: 'horizon', horizon: this.#window() }, Infinity);
      });
      this.#armHorizon();
    });
  }
}
