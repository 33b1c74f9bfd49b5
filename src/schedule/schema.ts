// The shape of a schedule file, written once in zod: the validator uses it, and
// `npm run schema` turns it into docs/schedule.schema.json for editor autocompletion.
// It checks structure and formats only; what needs context (real dates, timezones, files
// under the media root, destinations in config, overlaps) is checked in normalize.ts.
import { z } from 'zod';
import { weekdayOf } from './calendar-names.js';
import { MAX_LIST_ITEMS, MAX_PLAYLIST_ITEMS, TEXT_LIMITS } from './limits.js';
import { CATEGORIES } from './types.js';

export const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export const TIME_PATTERN = /^\d{1,2}:\d{2}$/;
export const DATETIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{1,2}:\d{2}$/;
/** The shapes parseDuration accepts: 90s, 45m, 1h30m, 1d, 150ms, or ISO 8601 (PT45M). */
export const DURATION_PATTERN =
  /^(?:(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?|[Pp](?:\d+[Dd])?(?:[Tt](?:\d+[Hh])?(?:\d+[Mm])?(?:\d+(?:\.\d+)?[Ss])?)?)$/;

const dateText = z
  .string()
  .regex(DATE_PATTERN, { error: 'must be a date written YYYY-MM-DD, e.g. 2026-12-05' })
  .meta({ description: 'A local calendar date, YYYY-MM-DD.', examples: ['2026-12-05'] });
const timeText = z
  .string()
  .regex(TIME_PATTERN, { error: 'must be a local time written HH:mm in quotes, e.g. "11:00"' })
  .meta({ description: 'A local wall time, HH:mm (24-hour).', examples: ['11:00'] });
const dateTimeText = z
  .string()
  .regex(DATETIME_PATTERN, { error: 'must be a local date and time written YYYY-MM-DDTHH:mm, e.g. 2026-12-12T14:00' })
  .meta({ description: "A local date and time in the programme's timezone.", examples: ['2026-12-12T14:00'] });
const durationText = z
  .string()
  .regex(DURATION_PATTERN, { error: 'must be a duration such as 90s, 45m, 1h30m or PT45M' })
  .meta({ description: 'A duration: 90s, 45m, 1h30m, or ISO 8601 such as PT45M.', examples: ['45m', '1h30m'] });

/** A non-empty text of at most `max` characters. */
const text = (max: number) => z.string().min(1, { error: 'must not be empty' }).max(max);
const localizedText = (max: number) =>
  z
    .union([
      text(max),
      z.strictObject({
        tr: text(max).optional().meta({ description: 'Turkish' }),
        en: text(max).optional().meta({ description: 'English' }),
      }),
    ])
    .meta({ description: `Text in Turkish and English: { tr: ..., en: ... } (a missing one falls back to the other), or one text for both; at most ${max} characters each.` });
const title = localizedText(TEXT_LIMITS.title);
const description = localizedText(TEXT_LIMITS.description);

export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
// Turkish and long names ("Cumartesi", "cmt", "saturday") read as the short English name.
const weekday = z.preprocess((v) => (typeof v === 'string' ? (weekdayOf(v) ?? v) : v), z.enum(WEEKDAY_NAMES)).meta({
  description: 'A weekday: mon tue wed thu fri sat sun, or its Turkish name (pazartesi … pazar, pzt, cmt …).',
});
const times = z.union([timeText, z.array(timeText).min(1)]);
export const NTH_NAMES = ['first', 'second', 'third', 'fourth', 'fifth', 'last'] as const;

const recurrence = z
  .strictObject({
    once: dateTimeText.optional().meta({ description: 'A single broadcast: local date and time.' }),
    weekly: z
      .strictObject({
        days: z.union([weekday, z.array(weekday).min(1)]).meta({ description: 'Weekdays: mon tue wed thu fri sat sun.' }),
        at: times.meta({ description: 'Local start time(s), e.g. "11:00" or ["10:00", "14:00"].' }),
        every: z.int().min(1).max(52).optional().meta({ description: 'Every N weeks (counted from `from`); default 1.' }),
      })
      .optional(),
    monthly: z
      .strictObject({
        day: z.union([z.int().min(1).max(31), z.literal('last')]).optional().meta({ description: 'Day of the month (1-31) or last.' }),
        nth: z.union([z.enum(NTH_NAMES), z.int().min(-1).max(5)]).optional().meta({ description: 'With weekday: first, second, third, fourth, fifth or last.' }),
        weekday: weekday.optional().meta({ description: 'With nth: e.g. nth: first, weekday: sat = the first Saturday.' }),
        at: times,
      })
      .optional(),
    cron: z.string().max(TEXT_LIMITS.expression).optional().meta({ description: 'A node-cron expression in local time, e.g. "0 10 * * mon-fri".' }),
    dates: z.array(dateTimeText).min(1).optional().meta({ description: 'A list of local date-times.' }),
    from: dateText.optional().meta({ description: 'First date (inclusive).' }),
    until: dateText.optional().meta({ description: 'Last date (inclusive).' }),
    count: z.int().min(1).optional().meta({ description: 'Number of broadcasts from `from` (instead of until).' }),
    except: z.array(dateText).optional().meta({ description: 'Dates with no broadcast.' }),
  })
  .meta({ description: 'Exactly one of once, weekly, monthly, cron, dates; plus from/until/count/except.' });

const source = z
  .strictObject({
    file: text(TEXT_LIMITS.path).optional().meta({ description: 'A video file, relative to the media folder.' }),
    playlist: z.array(text(TEXT_LIMITS.path)).min(1).max(MAX_PLAYLIST_ITEMS).optional().meta({ description: 'Video files played in order, relative to the media folder.' }),
    url: text(TEXT_LIMITS.url).optional().meta({ description: 'An http(s), rtmp(s) or srt URL ffmpeg reads.' }),
    testPattern: z
      .strictObject({
        pattern: z.enum(['testsrc2', 'smptebars', 'testsrc']).optional(),
        toneHz: z.number().min(20).max(20000).optional(),
      })
      .optional()
      .meta({ description: 'A generated test picture and tone: {} or { pattern: smptebars, toneHz: 440 }.' }),
    loop: z.boolean().optional().meta({ description: 'Loop the file or playlist until the end time.' }),
  })
  .meta({ description: 'Exactly one of file, playlist, url, testPattern.' });

const override = z.strictObject({
  at: timeText.optional(),
  duration: durationText.optional(),
  title: title.optional(),
  description: description.optional(),
  source: source.optional(),
  cancelled: z.boolean().optional(),
});

export const programmeSchema = z
  .strictObject({
    id: z
      .string()
      .max(TEXT_LIMITS.id)
      .regex(ID_PATTERN, { error: 'must use only a-z, 0-9 and single dashes, e.g. fairy-tale-time' })
      .meta({ description: 'Unique across all files: a-z, 0-9 and -.' }),
    title,
    description: description.optional(),
    category: z.enum(CATEGORIES).optional().meta({ description: 'Default other.' }),
    audience: z.array(text(TEXT_LIMITS.tag)).max(MAX_LIST_ITEMS).optional(),
    timezone: z.string().max(TEXT_LIMITS.expression).optional().meta({ description: 'IANA timezone, e.g. Europe/Istanbul; default from config.' }),
    duration: durationText,
    recurrence,
    overrides: z
      .record(dateText, override)
      .optional()
      .meta({ description: 'Changes for one date (the date the recurrence gives): at, duration, title, description, source, cancelled.' }),
    source,
    destinations: z.array(text(TEXT_LIMITS.name)).min(1).max(MAX_LIST_ITEMS).meta({ description: 'Destination names defined in config, e.g. [local].' }),
    youtube: z
      .strictObject({
        privacy: z.enum(['public', 'unlisted', 'private']).optional().meta({ description: 'Default public.' }),
        madeForKids: z.boolean().optional().meta({ description: 'Default false.' }),
        thumbnail: z.string().max(TEXT_LIMITS.path).optional().meta({ description: 'A JPEG/PNG, relative to the media folder.' }),
      })
      .optional(),
    chat: z
      .strictObject({
        enabled: z.boolean().optional().meta({ description: 'Default true.' }),
        slowMode: durationText.optional().meta({ description: 'Minimum time between two messages of one viewer; default 0s.' }),
      })
      .optional(),
    reminders: z.array(durationText).max(MAX_LIST_ITEMS).optional().meta({ description: 'Remind viewers this long before air, e.g. [1d, 15m].' }),
    listed: z
      .boolean()
      .optional()
      .meta({ description: 'Default true. false keeps it off the viewer page\'s "Coming up" and the calendar feeds, and the control room shows only its next broadcast; it still airs, and viewers see it while live. For the demo.' }),
  })
  .meta({ title: 'onair programme', description: 'One programme series of onair (docs/schedule-format.md).' });

export type RawProgramme = z.infer<typeof programmeSchema>;
export type RawSource = z.infer<typeof source>;
export type RawLocalized = z.infer<typeof title>;

/** A schedule file: one programme, or a list of them (several YAML documents are also allowed). */
export const scheduleFileSchema = z.union([programmeSchema, z.array(programmeSchema)]);

/** The JSON Schema of a schedule file, as committed in docs/schedule.schema.json. */
export function scheduleJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scheduleFileSchema, { target: 'draft-7', reused: 'ref' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://onair.local/schedule.schema.json',
    title: 'onair schedule file',
    description: 'One programme, or a list of programmes. See docs/schedule-format.md.',
  };
}
