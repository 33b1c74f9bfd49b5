// How much one schedule file may ask of onair. A file past a limit is refused with a message
// saying which limit and how to stay under it; the limits keep one file (a mistake, a
// generated file, a hostile one) from holding up the broadcasts of every other file.

/** Largest schedule file read, in bytes; a week's programme is a few KB. @defaultValue 512 KiB */
export const MAX_FILE_BYTES = 512 * 1024;

/** YAML documents (`---` sections) per file. @defaultValue 1000 */
export const MAX_DOCUMENTS = 1000;

/** Programmes per file. @defaultValue 1000 */
export const MAX_PROGRAMMES_PER_FILE = 1000;

/**
 * Broadcasts one file may make within the checked horizon (a year): a programme every
 * 10 minutes all year is ~52,600. @defaultValue 200000
 */
export const MAX_OCCURRENCES_PER_FILE = 200_000;

/** Overlapping pairs described one by one per check; the rest are counted. @defaultValue 20 */
export const MAX_LISTED_OVERLAPS = 20;

/** Problems per file that /api/status lists; the rest are counted. @defaultValue 50 */
export const MAX_LISTED_PROBLEMS = 50;

/**
 * Time one file may take to be read, parsed, validated, expanded and checked (off the main
 * thread); past it the check is abandoned and the file refused. @defaultValue 10000
 */
export const CHECK_BUDGET_MS = 10_000;

/**
 * Longest texts a programme may carry, in characters (UTF-16 units). Titles and descriptions
 * go to every viewer's page and to YouTube (whose own limits are 100 and 5000); ids make
 * occurrence ids and URLs; the rest name things. A longer text is refused at its position.
 */
export const TEXT_LIMITS = {
  /** @defaultValue 80 */
  id: 80,
  /** @defaultValue 200 */
  title: 200,
  /** @defaultValue 5000 */
  description: 5000,
  /** An audience tag, as viewers filter by it. @defaultValue 40 */
  tag: 40,
  /** A destination's name in config. @defaultValue 100 */
  name: 100,
  /** A timezone name or a cron expression. @defaultValue 100 */
  expression: 100,
  /** A media path (file, playlist item, thumbnail). @defaultValue 1024 */
  path: 1024,
  /** A camera's URL. @defaultValue 2048 */
  url: 2048,
} as const;

/** Longest lists of names a programme may carry (audiences, destinations, reminders). @defaultValue 50 */
export const MAX_LIST_ITEMS = 50;

/** Most files in one playlist. @defaultValue 1000 */
export const MAX_PLAYLIST_ITEMS = 1000;
