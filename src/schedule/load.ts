// Reads schedule files from disk and validates them together (what `onair validate` and
// `onair preview` do in one go; the running server uses ScheduleService instead).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../shared/errors.js';
import { ConflictIndex } from './conflicts.js';
import { Expander, TooManyOccurrencesError, type Slot } from './expand.js';
import { MAX_OCCURRENCES_PER_FILE } from './limits.js';
import { DAY_MS } from './local-time.js';
import { readScheduleFile, UnreadableFileError } from './read-file.js';
import type { ValidationContext } from './normalize.js';
import { bothLanguages, diagnosticText } from './messages.js';
import type { Diagnostic, Programme } from './types.js';
import { hasErrors, sortDiagnostics, validateScheduleText, type FileResult } from './validate-file.js';

/** Overlaps are looked for from today over this many days. @defaultValue 366 */
export const DEFAULT_HORIZON_DAYS = 366;

/** A file name the loader reads: .yaml/.yml, not hidden, not an editor's backup. */
export function isScheduleFile(name: string): boolean {
  const base = path.basename(name);
  return /\.ya?ml$/i.test(base) && !base.startsWith('.') && !base.startsWith('#');
}

/** Schedule files under the given files or folders (folders recursively), sorted. */
export function listScheduleFiles(paths: readonly string[]): string[] {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (isScheduleFile(entry.name)) out.add(full);
    }
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new ValidationError(`${p} does not exist; give a schedule file or a folder of them`);
    if (statSync(p).isDirectory()) walk(p);
    else out.add(p);
  }
  return [...out].sort();
}

/** The window overlaps are checked in: from the start of `now`'s UTC day, `days` long. */
export function horizon(now: Date, days = DEFAULT_HORIZON_DAYS): { from: Date; to: Date } {
  const start = Math.floor(now.getTime() / DAY_MS) * DAY_MS - DAY_MS;
  return { from: new Date(start), to: new Date(start + (days + 1) * DAY_MS) };
}

export interface ScheduleLoad {
  files: FileResult[];
  /** Programmes of files without errors. */
  programmes: Programme[];
  /** All diagnostics, file-level and across files, sorted by file and position. */
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  now: Date;
  horizonDays?: number;
  expander?: Expander;
  /** Reads a file; defaults to readScheduleFile (regular files only, size-limited). */
  read?: (file: string) => string;
  /** The folder symbolic links must stay inside (the schedules folder), if any. */
  root?: string;
}

/** Validates files together: each alone, then ids and overlaps across all of them. */
export function loadSchedules(files: readonly string[], ctx: ValidationContext, options: LoadOptions): ScheduleLoad {
  const expander = options.expander ?? new Expander();
  const read = options.read ?? ((f: string) => readScheduleFile(f, options.root ? { root: options.root } : {}));
  const h = horizon(options.now, options.horizonDays);
  const index = new ConflictIndex(ctx.maxDurationMs, expander);
  const results: FileResult[] = [];
  const diagnostics: Diagnostic[] = [];
  const byFile = new Map<string, FileResult>();
  for (const file of files) {
    let text: string;
    try {
      text = read(file);
    } catch (err) {
      const d: Diagnostic = { file, line: 1, col: 1, severity: 'error', ...(err instanceof UnreadableFileError ? diagnosticText(err.text) : { message: (err as Error).message }) };
      results.push({ file, programmes: [], diagnostics: [d], empty: false, candidates: [] });
      diagnostics.push(d);
      continue;
    }
    const result = validateScheduleText(text, file, ctx, expander);
    diagnostics.push(...result.diagnostics);
    // Programmes with errors of their own are checked for clashes too (all problems at once).
    const checked = [...result.programmes, ...result.candidates];
    const slots = slotsWithin(expander, checked, h, result);
    if (!slots) {
      diagnostics.push(result.diagnostics[result.diagnostics.length - 1]!);
      results.push(result);
      byFile.set(file, result);
      continue;
    }
    const entry = { file, programmes: checked, slots };
    const cross = index.check(entry, true);
    diagnostics.push(...cross);
    index.put(entry);
    result.diagnostics.push(...cross.filter((d) => d.file === file));
    results.push(result);
    // The other side of a clash lies in an earlier file: its result gets the error too.
    for (const d of cross) if (d.file !== file) byFile.get(d.file)?.diagnostics.push(d);
    byFile.set(file, result);
  }
  for (const r of results) sortDiagnostics(r.diagnostics);
  const programmes = results.filter((r) => !hasErrors(r.diagnostics)).flatMap((r) => r.programmes);
  return { files: results, programmes, diagnostics: sortDiagnostics(diagnostics) };
}

/**
 * A file's broadcasts within the horizon, or undefined (with an error added to `result`)
 * when it makes more than a file may.
 */
export function slotsWithin(expander: Expander, programmes: Programme[], h: { from: Date; to: Date }, result: FileResult): Slot[] | undefined {
  try {
    return expander.slotsAll(programmes, h.from.getTime(), h.to.getTime(), MAX_OCCURRENCES_PER_FILE);
  } catch (err) {
    if (!(err instanceof TooManyOccurrencesError)) throw err;
    const days = Math.round((h.to.getTime() - h.from.getTime()) / DAY_MS);
    result.diagnostics.push({
      ...(programmes[0]?.position ?? { file: result.file, line: 1, col: 1 }),
      severity: 'error',
      ...diagnosticText(bothLanguages('tooManyBroadcasts', { max: err.limit.toLocaleString('en'), days })),
    });
    result.programmes = [];
    return undefined;
  }
}
