// The schedule's data model: what a validated programme is, and the occurrences it
// expands to. Every other module reads these types; keep them plain data (no methods)
// so they cross process and Socket.IO boundaries unchanged.

export const LANGUAGES = ['tr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Text in both of the city's languages. A missing translation falls back to the other. */
export interface Localized {
  tr: string;
  en: string;
}

export const CATEGORIES = ['reading', 'workshop', 'training', 'competition', 'class', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

/** What ffmpeg reads. Paths are absolute, already checked to lie under the media root. */
export type SourceSpec =
  | { kind: 'file'; path: string; loop?: boolean }
  | { kind: 'playlist'; items: string[]; loop?: boolean }
  | { kind: 'url'; url: string }
  | { kind: 'testPattern'; pattern: 'testsrc2' | 'smptebars' | 'testsrc'; toneHz: number };

export type Privacy = 'public' | 'unlisted' | 'private';

export interface YoutubeOptions {
  privacy: Privacy;
  madeForKids: boolean;
  /** Absolute path of a JPEG/PNG under the media root, if the programme names one. */
  thumbnail?: string;
  /** Where the schedule names the thumbnail, for the message when it cannot be uploaded. */
  thumbnailAt?: SourcePosition;
}

export interface ChatOptions {
  enabled: boolean;
  /** Minimum time between two messages of one viewer; 0 = off. */
  slowModeMs: number;
}

/** Where a value came from in a schedule file (1-based), for messages staff can act on. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** "11:00" — local wall time in the programme's zone. */
export type LocalTime = string;
/** "2026-12-05" — a local calendar date. */
export type LocalDate = string;

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export type RecurrenceRule =
  | { kind: 'once'; at: string /* local date-time "2026-12-12T14:00" */ }
  | { kind: 'weekly'; days: Weekday[]; at: LocalTime[]; intervalWeeks: number }
  | {
      kind: 'monthly';
      at: LocalTime[];
      /** Day of month (1..31, or -1 for the last day) ... */
      dayOfMonth?: number;
      /** ... or the nth weekday: { nth: 1, day: 'sat' } = first Saturday; nth -1 = last. */
      weekday?: { nth: 1 | 2 | 3 | 4 | 5 | -1; day: Weekday };
    }
  | { kind: 'cron'; expression: string }
  | { kind: 'dates'; dates: Array<{ date: LocalDate; at: LocalTime }> };

export interface Recurrence {
  rule: RecurrenceRule;
  from?: LocalDate;
  until?: LocalDate;
  count?: number;
  except: LocalDate[];
}

/** A per-date change. Keyed by the occurrence's nominal local date. */
export interface Override {
  at?: LocalTime;
  duration?: number;
  title?: Localized;
  description?: Localized;
  source?: SourceSpec;
  cancelled?: boolean;
}

/** A validated, normalised programme series (one YAML document). */
export interface Programme {
  id: string;
  /** The schedule file it came from, as given to the loader. */
  file: string;
  position: SourcePosition;
  title: Localized;
  description: Localized;
  category: Category;
  audience: string[];
  timezone: string;
  durationMs: number;
  recurrence: Recurrence;
  overrides: Record<LocalDate, Override>;
  source: SourceSpec;
  destinations: string[];
  youtube: YoutubeOptions;
  chat: ChatOptions;
  /** Offsets before start at which viewers are reminded, in ms, largest first. */
  remindersMs: number[];
  /** false: kept off listings and feeds (the demo); shown only while live. Absent = listed. */
  listed?: boolean;
}

/**
 * One concrete broadcast of a programme.
 *
 * `id` is stable across schedule edits that move the time: it is
 * `${programmeId}@${nominal local start, "YYYY-MM-DDTHH:mm"}` — the start the
 * recurrence gives before any override — so the engine recognises "same occurrence,
 * new time" rather than "one cancelled, one new".
 */
export interface Occurrence {
  id: string;
  programmeId: string;
  title: Localized;
  description: Localized;
  category: Category;
  audience: string[];
  timezone: string;
  /** UTC instants. */
  start: Date;
  end: Date;
  /** ISO 8601 local times with offset, e.g. "2026-12-05T11:00:00.000+03:00". */
  localStart: string;
  localEnd: string;
  source: SourceSpec;
  destinations: string[];
  youtube: YoutubeOptions;
  chat: ChatOptions;
  remindersMs: number[];
  /** As the programme's `listed`: false keeps this broadcast off listings. Absent = listed. */
  listed?: boolean;
  /** True when an override or `except` cancelled it; kept so the engine can tear down. */
  cancelled: boolean;
}

export type Severity = 'error' | 'warning';

/** One problem found in a schedule file, printed as `file:line:col: severity: message`. */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  severity: Severity;
  /** What is wrong and how to fix it, in English. */
  message: string;
  /** The same in Turkish, from the catalogue (messages.ts); absent only for a text onair did not write. */
  tr?: string;
}

/** State of one schedule file as the loader last saw it. */
export interface FileStatus {
  file: string;
  /** Programme ids currently in force from this file (the last good version when invalid). */
  programmeIds: string[];
  /** Diagnostics of the latest read; errors mean the last good version is still in force. */
  diagnostics: Diagnostic[];
  loadedAt: Date;
  /** When the version in force was read; differs from loadedAt when the latest is invalid. */
  lastGoodAt?: Date;
}

/** What the schedule module offers the rest of the program. */
export interface ScheduleSnapshot {
  /** Increases on every change that altered the programmes in force. */
  version: number;
  programmes: Programme[];
  files: FileStatus[];
}
