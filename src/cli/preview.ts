// `onair preview [paths] --from YYYY-MM-DD --days N [--json] [--lang tr|en]`: the upcoming
// broadcasts in local time, as staff will see them air (or as JSON, as GET /api/schedule).
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../config/index.js';
import {
  Expander,
  formatDiagnostic,
  formatPreviewLine,
  listScheduleFiles,
  loadSchedules,
  scheduleMessage,
  staffLanguage,
  toScheduleItem,
  ZoneOffsets,
  type Language,
} from '../schedule/index.js';
import { parseLocalDate } from '../schedule/local-time.js';
import { ValidationError } from '../shared/errors.js';
import { langOption, validationContext } from './validate.js';

const DAY_MS = 86_400_000;

function dateOption(value: string): string {
  if (parseLocalDate(value) === undefined) throw new InvalidArgumentError('write a date as YYYY-MM-DD, e.g. 2026-12-05');
  return value;
}

function daysOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3660) throw new InvalidArgumentError('write a whole number of days from 1 to 3660');
  return n;
}

/** The instant a local date starts in `zone` (its first wall-clock moment). */
export function startOfLocalDay(date: string, zone: string): Date {
  return new Date(new ZoneOffsets().toUtc(zone, parseLocalDate(date)! * DAY_MS));
}

export function registerPreview(program: Command): void {
  program
    .command('preview')
    .description('List upcoming broadcasts in local time: start and end with weekday, programme, destinations.')
    .argument('[paths...]', 'schedule files or folders (default: the configured schedules folder)')
    .option('--from <date>', 'first local day, YYYY-MM-DD (default: today)', dateOption)
    .option('--days <n>', 'number of days to list', daysOption, 7)
    .option('--json', 'print a JSON array of { id, title, start, end, destinations } with ISO 8601 local times')
    .option('--lang <lang>', 'language of titles: tr or en (default: config schedule.language)', langOption)
    .action((paths: string[], opts: { from?: string; days: number; json?: boolean; lang?: Language }) => {
      const config = loadConfig();
      const zone = config.schedule.timezone;
      const lang = opts.lang ?? config.schedule.language;
      const fromDate = opts.from ?? new Date(Date.now() + new ZoneOffsets().offset(zone, Date.now()) * 60_000).toISOString().slice(0, 10);
      const from = startOfLocalDay(fromDate, zone);
      const to = startOfLocalDay(new Date(parseLocalDate(fromDate)! * DAY_MS + opts.days * DAY_MS).toISOString().slice(0, 10), zone);
      let files: string[];
      try {
        files = listScheduleFiles(paths.length ? paths : [config.dirs.schedules]);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        process.stderr.write(`onair preview: ${err.message}\n`);
        process.exitCode = 2;
        return;
      }
      const expander = new Expander();
      const load = loadSchedules(files, validationContext(config), { now: from, expander });
      const errors = load.diagnostics.filter((d) => d.severity === 'error');
      // Messages in the staff's language; titles in --lang or the viewers' language (config).
      const staff = staffLanguage(opts.lang, config.schedule.language);
      for (const d of errors) process.stderr.write(formatDiagnostic(d, staff) + '\n');
      if (errors.length) process.stderr.write(scheduleMessage(staff, 'previewErrors', { n: errors.length }) + '\n');
      // Listed: broadcasts that start within the window.
      const list = expander.expandAll(load.programmes, from, to).filter((o) => o.start >= from && o.start < to);
      if (opts.json) {
        const items = list.map((o) => {
          const { id, title, start, end, destinations, cancelled } = toScheduleItem(o, lang);
          return { id, title, start, end, destinations, cancelled };
        });
        process.stdout.write(JSON.stringify(items, null, 2) + '\n');
      } else {
        for (const o of list) process.stdout.write(formatPreviewLine(o, lang) + '\n');
        if (list.length === 0) process.stdout.write(scheduleMessage(lang, 'noBroadcasts') + '\n');
      }
      process.exitCode = errors.length ? 1 : 0;
    });
}
