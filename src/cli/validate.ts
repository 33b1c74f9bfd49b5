// `onair validate [paths...]`: every problem in the schedule files, one per line as
// path:line:col: error|warning: message, then a summary. Exit 0 clean, 1 errors, 2 usage.
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig, youtubeDestinationNames, type Config } from '../config/index.js';
import {
  formatDiagnostic,
  horizon,
  listScheduleFiles,
  loadSchedules,
  Expander,
  scheduleMessage,
  staffLanguage,
  type Language,
  type Programme,
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
  /** The language staff read the report in. */
  lang: Language;
}

/**
 * A section appended to validate's summary (lines of text). The hook for other features,
 * e.g. the YouTube helper's "projected quota units per day".
 */
export type ValidateSection = (report: ValidateReport) => string[];

/**
 * Broadcasts per local day and destination (cancelled left out), counted from the compact
 * slots: a year of an every-ten-minutes programme is 50,000 broadcasts, and building an
 * Occurrence for each would be most of what `onair validate` spends.
 */
function broadcastsPerDay(expander: Expander, programmes: readonly Programme[], from: Date, to: Date): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const days = new Map<number, string>();
  for (const s of expander.slotsAll(programmes, from.getTime(), to.getTime())) {
    if (s.cancelled) continue;
    // The nominal local start's day: an override moves a broadcast within its day only.
    const n = Math.floor(s.nominal / 86_400_000);
    let day = days.get(n);
    if (day === undefined) days.set(n, (day = new Date(n * 86_400_000).toISOString().slice(0, 10)));
    let m = out.get(day);
    if (!m) out.set(day, (m = new Map()));
    for (const d of s.programme.destinations) m.set(d, (m.get(d) ?? 0) + 1);
  }
  return out;
}

export function validationContext(config: Readonly<Config>): ValidationContext {
  return {
    mediaRoot: config.dirs.media,
    destinations: Object.keys(config.destinations),
    youtubeDestinations: youtubeDestinationNames(config),
    defaultTimezone: config.schedule.timezone,
    maxDurationMs: config.schedule.maxDuration,
  };
}

/** Busiest day per destination: a line each, so a surprising load stands out. */
export const busiestDaySection: ValidateSection = ({ perDay, lang }) => {
  const best = new Map<string, { day: string; n: number }>();
  for (const [day, m] of perDay)
    for (const [dest, n] of m) if ((best.get(dest)?.n ?? 0) < n) best.set(dest, { day, n });
  return [...best].sort(([a], [b]) => a.localeCompare(b)).map(([destination, { day, n }]) => scheduleMessage(lang, 'busiestDay', { destination, day, n }));
};

export function runValidate(paths: string[], config: Readonly<Config>, sections: ValidateSection[], now = new Date(), lang: Language = 'en'): { out: string; code: number } {
  const files = listScheduleFiles(paths.length ? paths : [config.dirs.schedules]);
  const expander = new Expander();
  const load = loadSchedules(files, validationContext(config), { now, expander });
  const h = horizon(now);
  const perDay = broadcastsPerDay(expander, load.programmes, h.from, h.to);
  const lines = load.diagnostics.map((d) => formatDiagnostic(d, lang));
  const errors = load.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = load.diagnostics.length - errors;
  if (lines.length) lines.push('');
  lines.push(scheduleMessage(lang, 'validateSummary', { files: files.length, programmes: load.programmes.length, errors, warnings }));
  const report: ValidateReport = { load, config, perDay, lang };
  for (const section of [busiestDaySection, ...sections]) lines.push(...section(report));
  return { out: lines.join('\n') + '\n', code: errors ? 1 : 0 };
}

/** --lang: tr or en. */
export function langOption(value: string): Language {
  if (value !== 'tr' && value !== 'en') throw new InvalidArgumentError('write tr or en');
  return value;
}

export function registerValidate(program: Command, sections: ValidateSection[] = []): void {
  program
    .command('validate')
    .description('Check schedule files and print every problem as path:line:col: error|warning: message (exit 0 clean, 1 errors, 2 usage error).')
    .argument('[paths...]', 'schedule files or folders (default: the configured schedules folder)')
    .option('--lang <lang>', 'language of the messages: tr or en (default: LANG when Turkish or English, else config schedule.language)', langOption)
    .action((paths: string[], opts: { lang?: Language }) => {
      const config = loadConfig();
      try {
        const { out, code } = runValidate(paths, config, sections, new Date(), staffLanguage(opts.lang, config.schedule.language));
        process.stdout.write(out);
        process.exitCode = code;
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        process.stderr.write(`onair validate: ${err.message}\n`);
        process.exitCode = 2;
      }
    });
}
