// Checks what the schema cannot (real dates, timezones, durations within limits, files
// under the media root, destinations config defines, overrides on real occurrences) and
// turns a raw programme into the normalised Programme the rest of onair reads.
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { formatDuration, parseDuration } from '../shared/duration.js';
import { cronWithShortNames } from './calendar-names.js';
import { didYouMean } from './did-you-mean.js';
import { bothLanguages as say } from './messages.js';
import type { Expander } from './expand.js';
import { DAY_MS, formatLocalDate, parseLocalDate, parseLocalTime } from './local-time.js';
import { DATE_PATTERN, DATETIME_PATTERN, NTH_NAMES, TIME_PATTERN, type RawLocalized, type RawProgramme, type RawSource } from './schema.js';
import type { Diagnostic, Localized, Override, Programme, RecurrenceRule, SourceSpec, Weekday } from './types.js';
import type { Path, PositionSource } from './yaml-source.js';

/** What validation needs to know about the installation. */
export interface ValidationContext {
  /** Absolute root every source file must lie under (config dirs.media). */
  mediaRoot: string;
  /** Destination names config defines. */
  destinations: readonly string[];
  /** Timezone of programmes that do not name one (config schedule.timezone). */
  defaultTimezone: string;
  /** Longest programme allowed (config schedule.maxDuration). */
  maxDurationMs: number;
  /**
   * Names of the destinations that are YouTube channels (config `type: youtube`), whose titles
   * YouTube limits. @defaultValue ['youtube'], the name config/default.yaml gives it
   */
  youtubeDestinations?: readonly string[];
}

/**
 * The most YouTube takes in a broadcast's title (liveBroadcasts snippet.title), and what it
 * refuses in one; the YouTube destination cuts a title by the same two rules.
 */
export const YOUTUBE_TITLE_MAX = 100;
export const YOUTUBE_TITLE_REFUSED = /[<>]/g;

const RECURRENCE_KINDS = ['once', 'weekly', 'monthly', 'cron', 'dates'] as const;
const SOURCE_KINDS = ['file', 'playlist', 'url', 'testPattern'] as const;

/** Zone names for "did you mean"; read only when a timezone is wrong (it is a long list). */
function knownZones(): string[] {
  return typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
}

class Checker {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    private readonly src: PositionSource,
    private readonly base: Path,
    private readonly ctx: ValidationContext,
    private readonly expander: Expander,
    /** Keys the schema already reported ("recurrence.weekly"): no second message about them. */
    private readonly dropped: ReadonlySet<string> = new Set(),
  ) {}

  /** How many of `diagnostics` are errors. */
  errors = 0;

  error(rel: Path, message: Localized, preferKey = false): void {
    this.errors++;
    this.diagnostics.push(this.src.diag([...this.base, ...rel], 'error', message, preferKey));
  }
  warn(rel: Path, message: Localized, preferKey = false): void {
    this.diagnostics.push(this.src.diag([...this.base, ...rel], 'warning', message, preferKey));
  }

  date(rel: Path, text: string): boolean {
    if (parseLocalDate(text) !== undefined) return true;
    this.error(rel, say('notADate', { text }));
    return false;
  }

  time(rel: Path, text: string): boolean {
    if (parseLocalTime(text) !== undefined) return true;
    this.error(rel, say('notATime', { text }));
    return false;
  }

  dateTime(rel: Path, text: string): boolean {
    const [d, t] = text.split('T') as [string, string];
    return this.date(rel, d) && this.time(rel, t);
  }

  duration(rel: Path, text: string, what: string | Localized, allowZero = false): number | undefined {
    const ms = parseDuration(text);
    if (ms === undefined) {
      this.error(rel, say('notADuration', { what, text }));
      return undefined;
    }
    if (ms <= 0 && !allowZero) {
      this.error(rel, say('durationNotPositive', { what }));
      return undefined;
    }
    return ms;
  }

  programmeDuration(rel: Path, text: string): number | undefined {
    const ms = this.duration(rel, text, 'duration');
    if (ms !== undefined && ms > this.ctx.maxDurationMs) {
      this.error(rel, say('durationTooLong', { text, max: formatDuration(this.ctx.maxDurationMs) }));
      return undefined;
    }
    return ms;
  }

  localized(value: RawLocalized, rel: Path): Localized {
    if (typeof value === 'string') return { tr: value, en: value };
    const tr = value.tr ?? value.en;
    const en = value.en ?? value.tr;
    if (tr === undefined || en === undefined) {
      this.error(rel, say('textNoLanguage'));
      return { tr: '', en: '' };
    }
    return { tr, en };
  }

  /**
   * Warns of a title YouTube will not take as written: the YouTube destination cuts it to 100
   * characters and leaves out < and > (src/destinations/youtube), so staff learn it here, before air.
   */
  youtubeTitle(value: RawLocalized, rel: Path): void {
    const texts: Array<[Path, string]> = typeof value === 'string' ? [[rel, value]] : (['tr', 'en'] as const).filter((l) => value[l] !== undefined).map((l) => [[...rel, l], value[l]!]);
    for (const [at, text] of texts) {
      const t = text.trim();
      if (t.length > YOUTUBE_TITLE_MAX) {
        this.warn(at, say('youtubeTitleLong', { key: at.join('.'), count: t.length, max: YOUTUBE_TITLE_MAX, text: t.slice(YOUTUBE_TITLE_MAX - 20, YOUTUBE_TITLE_MAX) }));
      }
      if (t.search(YOUTUBE_TITLE_REFUSED) >= 0) this.warn(at, say('youtubeTitleAngle', { key: at.join('.') }));
    }
  }

  /** Resolves a media path under the root: relative paths are relative to the media folder. */
  mediaFile(rel: Path, written: string): string | undefined {
    const root = this.ctx.mediaRoot;
    const abs = path.resolve(root, written);
    const inside = (p: string, r: string): boolean => {
      const rp = path.relative(r, p);
      return rp !== '' && !rp.startsWith('..') && !path.isAbsolute(rp);
    };
    if (!inside(abs, root)) {
      this.error(rel, say('mediaOutside', { written, root }));
      return undefined;
    }
    if (!existsSync(abs)) {
      const first = written.split(/[\\/]/)[0];
      const stripped = first === path.basename(root) ? written.slice(first.length + 1) : undefined;
      const hint =
        stripped && existsSync(path.resolve(root, stripped))
          ? say('mediaHintRelative', { stripped })
          : say('mediaHintSpelling', { root });
      this.error(rel, say('mediaMissing', { written, hint }));
      return undefined;
    }
    // A symlink inside the root may point outside it: judge the real path.
    let real: string;
    let realRoot: string;
    try {
      real = realpathSync(abs);
      realRoot = realpathSync(root);
    } catch {
      this.error(rel, say('mediaUnreadable', { written }));
      return undefined;
    }
    if (!inside(real, realRoot)) {
      this.error(rel, say('mediaLinkOutside', { written, root }));
      return undefined;
    }
    if (!statSync(real).isFile()) {
      this.error(rel, say('mediaIsFolder', { written }));
      return undefined;
    }
    return abs;
  }

  source(s: RawSource, rel: Path): SourceSpec | undefined {
    const given = SOURCE_KINDS.filter((k) => s[k] !== undefined);
    if (given.length === 0 && rel.length === 1 && SOURCE_KINDS.some((k) => this.dropped.has(`source.${k}`))) return undefined;
    if (given.length !== 1) {
      this.error(
        rel,
        given.length === 0 ? say('sourceNone') : say('sourceSeveral', { kinds: joined(given, 'and') }),
        true,
      );
      return undefined;
    }
    if (s.loop !== undefined && s.file === undefined && s.playlist === undefined) this.warn([...rel, 'loop'], say('loopIgnored'), true);
    if (s.file !== undefined) {
      const p = this.mediaFile([...rel, 'file'], s.file);
      return p ? { kind: 'file', path: p, loop: s.loop ?? false } : undefined;
    }
    if (s.playlist !== undefined) {
      const items = s.playlist.map((f, i) => this.mediaFile([...rel, 'playlist', i], f));
      return items.every((x): x is string => x !== undefined) ? { kind: 'playlist', items, loop: s.loop ?? false } : undefined;
    }
    if (s.url !== undefined) {
      if (!/^(https?|rtmps?|srt|rtsp):\/\/\S+$/i.test(s.url)) {
        this.error([...rel, 'url'], say('notStreamUrl', { url: s.url }));
        return undefined;
      }
      return { kind: 'url', url: s.url };
    }
    const tp = s.testPattern ?? {};
    return { kind: 'testPattern', pattern: tp.pattern ?? 'testsrc2', toneHz: tp.toneHz ?? 440 };
  }

  destinations(names: string[], rel: Path): string[] {
    const ok: string[] = [];
    const seen = new Set<string>();
    names.forEach((name, i) => {
      if (seen.has(name)) {
        this.warn([...rel, i], say('destinationTwice', { name }));
        return;
      }
      seen.add(name);
      if (!this.expander.setOf(this.ctx.destinations).has(name)) {
        const guess = didYouMean(name, this.ctx.destinations);
        this.error(
          [...rel, i],
          say('destinationUnknown', { name, fix: guess ? say('didYouMean', { guess }) : say('definedDestinations', { list: this.ctx.destinations.join(', ') }) }),
        );
        return;
      }
      ok.push(name);
    });
    return ok;
  }

  rule(r: RawProgramme['recurrence']): RecurrenceRule | undefined {
    const rel: Path = ['recurrence'];
    const given = RECURRENCE_KINDS.filter((k) => r[k] !== undefined);
    if (given.length === 0 && RECURRENCE_KINDS.some((k) => this.dropped.has(`recurrence.${k}`))) return undefined;
    if (given.length !== 1) {
      // Point at the kind written last: the one most likely added by mistake.
      const last = [...given].sort((a, b) => {
        const pa = this.src.at([...this.base, ...rel, a], true);
        const pb = this.src.at([...this.base, ...rel, b], true);
        return pb.line - pa.line || pb.col - pa.col;
      })[0];
      this.error(
        given.length === 0 ? rel : [...rel, last!],
        given.length === 0 ? say('recurrenceNone') : say('recurrenceSeveral', { kinds: joined(given, 'and') }),
        true,
      );
      return undefined;
    }
    const times = (t: string | string[], p: Path): string[] | undefined => {
      const list = Array.isArray(t) ? t : [t];
      const ok = list.every((x, i) => this.time(Array.isArray(t) ? [...p, i] : p, x));
      return ok ? list.map((x) => x.padStart(5, '0')) : undefined;
    };
    if (r.once !== undefined) return this.dateTime([...rel, 'once'], r.once) ? { kind: 'once', at: pad(r.once) } : undefined;
    if (r.weekly !== undefined) {
      const at = times(r.weekly.at, [...rel, 'weekly', 'at']);
      const days = (Array.isArray(r.weekly.days) ? r.weekly.days : [r.weekly.days]) as Weekday[];
      return at ? { kind: 'weekly', days, at, intervalWeeks: r.weekly.every ?? 1 } : undefined;
    }
    if (r.monthly !== undefined) {
      const m = r.monthly;
      const p: Path = [...rel, 'monthly'];
      const at = times(m.at, [...p, 'at']);
      if (m.day !== undefined && (m.nth !== undefined || m.weekday !== undefined)) {
        this.error(p, say('monthlyBoth'), true);
        return undefined;
      }
      if (m.day === undefined && (m.nth === undefined || m.weekday === undefined)) {
        this.error(p, say('monthlyNeeds'), true);
        return undefined;
      }
      if (!at) return undefined;
      if (m.day !== undefined) {
        if (typeof m.day === 'number' && m.day > 28)
          this.warn([...p, 'day'], say('monthDayMissing', { day: m.day }));
        return { kind: 'monthly', at, dayOfMonth: m.day === 'last' ? -1 : m.day };
      }
      const nth = typeof m.nth === 'string' ? (m.nth === 'last' ? -1 : NTH_NAMES.indexOf(m.nth) + 1) : m.nth!;
      if (nth === 0) {
        this.error([...p, 'nth'], say('nthValues'));
        return undefined;
      }
      return { kind: 'monthly', at, weekday: { nth: nth as 1 | 2 | 3 | 4 | 5 | -1, day: m.weekday! } };
    }
    if (r.cron !== undefined) {
      // Day and month names in Turkish (or long English) become node-cron's short names.
      const expression = cronWithShortNames(r.cron);
      const check = this.expander.crons.check(expression);
      if (!check.valid) {
        const why = check.errors.map((e) => e.message).join('; ') || 'not a cron expression';
        this.error([...rel, 'cron'], say('cronInvalid', { expression, why }));
        return undefined;
      }
      // A broadcast is at least a minute apart from the next: an every-second expression
      // would also expand to millions of broadcasts a year.
      const f = this.expander.crons.fields(expression);
      const perDay = f.hour.length * f.minute.length * f.second.length;
      if (perDay > 1440) {
        this.error([...rel, 'cron'], say('cronTooOften', { expression, perDay }));
        return undefined;
      }
      return { kind: 'cron', expression };
    }
    const dates = r.dates!;
    const ok = dates.every((d, i) => this.dateTime([...rel, 'dates', i], d));
    return ok ? { kind: 'dates', dates: dates.map((d) => ({ date: d.slice(0, 10), at: pad(d).slice(11) })) } : undefined;
  }
}

function pad(dateTime: string): string {
  const [d, t] = dateTime.split('T') as [string, string];
  return `${d}T${t.padStart(5, '0')}`;
}

/**
 * Validates one raw programme. `raw` holds only the top-level keys the schema accepted
 * (`complete` false when some were dropped), so the checks here still run on every
 * well-formed part and a person sees all problems at once. Returns the programme when
 * it is complete and has no errors, and every diagnostic found either way.
 */
export function normalizeProgramme(
  raw: Partial<RawProgramme>,
  src: PositionSource,
  base: Path,
  ctx: ValidationContext,
  expander: Expander,
  complete = true,
  dropped: ReadonlySet<string> = new Set(),
): { programme?: Programme; candidate?: Programme; diagnostics: Diagnostic[] } {
  const c = new Checker(src, base, ctx, expander, dropped);
  const before = (): number => c.errors;

  const timezone = raw.timezone ?? ctx.defaultTimezone;
  if (!expander.zones.isValid(timezone)) {
    const guess = didYouMean(timezone, knownZones());
    c.error(
      raw.timezone !== undefined ? ['timezone'] : [],
      say('timezoneUnknown', { zone: timezone, fix: guess ? say('didYouMean', { guess }) : say('timezoneHint') }),
    );
  }
  const durationMs = raw.duration !== undefined ? c.programmeDuration(['duration'], raw.duration) : undefined;
  const title = raw.title !== undefined ? c.localized(raw.title, ['title']) : { tr: '', en: '' };
  const description = raw.description !== undefined ? c.localized(raw.description, ['description']) : { tr: '', en: '' };
  const source = raw.source !== undefined ? c.source(raw.source, ['source']) : undefined;
  const destinations = raw.destinations !== undefined ? c.destinations(raw.destinations, ['destinations']) : [];
  const onYoutube = destinations.some((d) => (ctx.youtubeDestinations ?? ['youtube']).includes(d));
  if (onYoutube && raw.title !== undefined) c.youtubeTitle(raw.title, ['title']);

  const r = raw.recurrence ?? {};
  const rule = raw.recurrence !== undefined ? c.rule(r) : undefined;
  const fromOk = r.from === undefined || c.date(['recurrence', 'from'], r.from);
  const untilOk = r.until === undefined || c.date(['recurrence', 'until'], r.until);
  if (r.from && r.until && fromOk && untilOk && r.until < r.from)
    c.error(['recurrence', 'until'], say('untilBeforeFrom', { until: r.until, from: r.from }));
  if (r.count !== undefined && r.until !== undefined)
    c.error(['recurrence', 'count'], say('untilOrCount'), true);
  if (r.count !== undefined && r.from === undefined && rule && rule.kind !== 'once' && rule.kind !== 'dates')
    c.error(['recurrence', 'count'], say('countNeedsFrom'), true);
  const except = (r.except ?? []).filter((d, i) => c.date(['recurrence', 'except', i], d));

  let slowModeMs = 0;
  if (raw.chat?.slowMode !== undefined) slowModeMs = c.duration(['chat', 'slowMode'], raw.chat.slowMode, 'slowMode', true) ?? 0;
  const remindersMs = (raw.reminders ?? [])
    .map((t, i) => c.duration(['reminders', i], t, say('reminderWord')))
    .filter((x): x is number => x !== undefined)
    .sort((a, b) => b - a);
  let thumbnail: string | undefined;
  if (raw.youtube?.thumbnail !== undefined) thumbnail = c.mediaFile(['youtube', 'thumbnail'], raw.youtube.thumbnail);
  if (onYoutube && raw.youtube?.madeForKids === undefined && raw.audience?.includes('children'))
    c.warn(['youtube'], say('madeForKids'), true);

  const overrides: Record<string, Override> = {};
  for (const [date, o] of Object.entries(raw.overrides ?? {})) {
    const rel: Path = ['overrides', date];
    if (!c.date(rel, date)) continue;
    const ov: Override = {};
    if (o.at !== undefined && c.time([...rel, 'at'], o.at)) ov.at = o.at.padStart(5, '0');
    if (o.duration !== undefined) {
      const ms = c.programmeDuration([...rel, 'duration'], o.duration);
      if (ms !== undefined) ov.duration = ms;
    }
    if (o.title !== undefined) {
      ov.title = c.localized(o.title, [...rel, 'title']);
      if (onYoutube) c.youtubeTitle(o.title, [...rel, 'title']);
    }
    if (o.description !== undefined) ov.description = c.localized(o.description, [...rel, 'description']);
    if (o.source !== undefined) {
      const s = c.source(o.source, [...rel, 'source']);
      if (s) ov.source = s;
    }
    if (o.cancelled !== undefined) ov.cancelled = o.cancelled;
    if (Object.keys(o).length === 0) c.warn(rel, say('overrideNoop'), true);
    overrides[date] = ov;
  }

  if (!rule || durationMs === undefined || (before() > 0 && !complete)) return { diagnostics: c.diagnostics };

  const programme: Programme = {
    id: raw.id ?? '',
    file: src.file,
    position: { file: src.file, ...src.at(base) },
    title,
    description,
    category: raw.category ?? 'other',
    audience: raw.audience ?? [],
    timezone,
    durationMs,
    recurrence: { rule, from: r.from, until: r.until, count: r.count, except },
    overrides,
    source: source ?? { kind: 'testPattern', pattern: 'testsrc2', toneHz: 440 },
    destinations,
    youtube: {
      privacy: raw.youtube?.privacy ?? 'public',
      madeForKids: raw.youtube?.madeForKids ?? false,
      ...(thumbnail ? { thumbnail, thumbnailAt: { file: src.file, ...src.at([...base, 'youtube', 'thumbnail']) } } : {}),
    },
    chat: { enabled: raw.chat?.enabled ?? true, slowModeMs },
    remindersMs,
    ...(raw.listed === false ? { listed: false } : {}),
  };
  if (!fromOk || !untilOk || !expander.zones.isValid(timezone)) return { diagnostics: c.diagnostics };

  // Overrides and exceptions must name dates the recurrence really gives.
  for (const [date, ov] of Object.entries(overrides)) {
    const n = expander.hasDate(programme, date);
    if (n === 0) c.error(['overrides', date], say('overrideNotADate', { date, near: nearHint(expander, programme, date) }), true);
    else if (n > 1 && ov.at !== undefined) c.error(['overrides', date, 'at'], say('overrideAmbiguous', { date, n }));
  }
  except.forEach((date, i) => {
    if (expander.hasDate(programme, date) === 0) c.warn(['recurrence', 'except', i], say('exceptNoop', { date, near: nearHint(expander, programme, date) }));
  });
  // A programme with errors is still expandable: `candidate` lets `onair validate` report
  // its overlaps too, so a person sees every problem in one run.
  if (before() > 0 || !complete || !source) return { candidate: complete && raw.id ? programme : undefined, diagnostics: c.diagnostics };
  return { programme, diagnostics: c.diagnostics };
}

function nearHint(expander: Expander, p: Programme, date: string): Localized | string {
  const day = parseLocalDate(date);
  if (day === undefined) return '';
  const starts = expander.nominalStarts(p, day - 7, day + 7);
  const dates = [...new Set(starts.map((t) => formatLocalDate(Math.floor(t / DAY_MS))))];
  if (dates.length === 0) return '';
  return say('nearby', { dates: dates.slice(0, 4).join(', ') });
}

/** Names joined with "and" (or "or") in each language: "once and weekly", "once ve weekly". */
function joined(names: readonly string[], word: 'and' | 'or'): Localized {
  const sep = say(word);
  return { en: names.join(sep.en), tr: names.join(sep.tr) };
}

/**
 * The checks the schema cannot make (a real hour, a real date) on a part of a programme
 * the schema rejected for another reason: `days: [cumartesi]` beside `at: "25:00"` shows
 * both problems in one run. Only values whose form the schema accepts are judged here
 * (a value of the wrong form already has its own message), by the key that holds them.
 */
export function checkRejectedPart(value: unknown, rel: Path, src: PositionSource, base: Path, ctx: ValidationContext, expander: Expander): Diagnostic[] {
  const c = new Checker(src, base, ctx, expander);
  const leaf = (key: string | undefined, v: unknown, p: Path): void => {
    if (typeof v !== 'string') return;
    if (key === 'at' && TIME_PATTERN.test(v)) c.time(p, v);
    else if ((key === 'once' || key === 'dates') && DATETIME_PATTERN.test(v)) c.dateTime(p, v);
    else if ((key === 'from' || key === 'until' || key === 'except') && DATE_PATTERN.test(v)) c.date(p, v);
  };
  const walk = (v: unknown, p: Path, key: string | undefined): void => {
    if (Array.isArray(v)) v.forEach((x, i) => (Array.isArray(x) || (x !== null && typeof x === 'object') ? walk(x, [...p, i], undefined) : leaf(key, x, [...p, i])));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k], k);
    else leaf(key, v, p);
  };
  const last = rel[rel.length - 1];
  walk(value, rel, typeof last === 'string' ? last : undefined);
  return c.diagnostics;
}
