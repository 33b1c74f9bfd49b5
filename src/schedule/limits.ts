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
