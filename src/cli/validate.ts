// `onair validate [paths...]`: every problem in the schedule files, one per line as
// path:line:col: error|warning: message, then a summary. Exit 0 clean, 1 errors, 2 usage.
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
import {
  formatDiagnostic,
  horizon,
  listScheduleFiles,
  loadSchedules,
  occurrencesPerDay,
  Expander,
  type ScheduleLoad,
  type ValidationContext,
} from '../schedule/index.js';
import { ValidationError } from '../shared/errors.js';

/** What validate's summary is built from; extra sections receive the same. */
export interface ValidateReport {
  load: ScheduleLoad;
  config: Readonly<Config>;
  /** Broadcasts per local day and destination over the checked horizon (cancelled left out). */
  perDay: Map<string, Map<string, number>>;
}

/**
 * A section appended to validate's summary (lines of text). The hook for other features,
 * e.g. the YouTube helper's "projected quota units per day".
 */
export type ValidateSection = (report: ValidateReport) => string[];

export function validationContext(config: Readonly<Config>): ValidationContext {
  return {
    mediaRoot: config.dirs.media,
    destinations: Object.keys(config.destinations),
    defaultTimezone: config.schedule.timezone,
    maxDurationMs: config.schedule.maxDuration,
  };
}

/** Busiest day per destination: a line each, so a surprising load stands out. */
export const busiestDaySection: ValidateSection = ({ perDay }) => {
  const best = new Map<string, { day: string; n: number }>();
  for (const [day, m] of perDay)
    for (const [dest, n] of m) if ((best.get(dest)?.n ?? 0) < n) best.set(dest, { day, n });
  return [...best].sort(([a], [b]) => a.localeCompare(b)).map(([dest, { day, n }]) => `  busiest day on ${dest}: ${day} with ${n} broadcast${n === 1 ? '' : 's'}`);
};

export function runValidate(paths: string[], config: Readonly<Config>, sections: ValidateSection[], now = new Date()): { out: string; code: number } {
  const files = listScheduleFiles(paths.length ? paths : [config.dirs.schedules]);
  const expander = new Expander();
  const load = loadSchedules(files, validationContext(config), { now, expander });
  const h = horizon(now);
  const perDay = occurrencesPerDay(expander.expandAll(load.programmes, h.from, h.to));
  const lines = load.diagnostics.map((d) => formatDiagnostic(d));
  const errors = load.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = load.diagnostics.length - errors;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (lines.length) lines.push('');
  lines.push(
    `${plural(files.length, 'file')}, ${plural(load.programmes.length, 'programme')} valid: ` +
      `${plural(errors, 'error')}, ${plural(warnings, 'warning')}` +
      (errors ? ' — fix the errors above (file:line:col) and run onair validate again' : ''),
  );
  const report: ValidateReport = { load, config, perDay };
  for (const section of [busiestDaySection, ...sections]) lines.push(...section(report));
  return { out: lines.join('\n') + '\n', code: errors ? 1 : 0 };
}

export function registerValidate(program: Command, sections: ValidateSection[] = []): void {
  program
    .command('validate')
    .description('Check schedule files and print every problem as path:line:col: error|warning: message (exit 0 clean, 1 errors, 2 usage error).')
    .argument('[paths...]', 'schedule files or folders (default: the configured schedules folder)')
    .action((paths: string[]) => {
      const config = loadConfig();
      try {
        const { out, code } = runValidate(paths, config, sections);
        process.stdout.write(out);
        process.exitCode = code;
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        process.stderr.write(`onair validate: ${err.message}\n`);
        process.exitCode = 2;
      }
    });
}
