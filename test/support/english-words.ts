// Finds English in a text meant to be Turkish: the English words staff would read, once
// what is written as in a schedule file is taken out (quoted values, { ... } and [ ... ]
// examples, keys and values of the format, paths, dates). The words are ones Turkish never
// uses, so a hit is English that was not translated.

/** Keys and values of the schedule format: written as in the file, in both languages. */
const FORMAT_WORDS = new Set(
  [
    'id', 'title', 'description', 'duration', 'recurrence', 'once', 'weekly', 'monthly', 'cron', 'dates', 'from', 'until', 'count',
    'except', 'at', 'days', 'day', 'nth', 'weekday', 'first', 'second', 'third', 'fourth', 'fifth', 'last', 'source', 'file',
    'playlist', 'url', 'testPattern', 'loop', 'destinations', 'local', 'youtube', 'madeForKids', 'true', 'false', 'cancelled',
    'override', 'overrides', 'timezone', 'slowMode', 'reminders', 'chat', 'audience', 'category', 'tr', 'en', 'sat', 'mon',
    'tue', 'wed', 'thu', 'fri', 'sun', 'every', 'listed', 'privacy', 'thumbnail', 'onair', 'validate', 'YouTube', 'Google',
    'dailyQuota', 'IANA', 'YAML', 'FIFO', 'Tab',
  ].map((w) => w.toLowerCase()),
);

/** Common English words with no Turkish homograph (not "per", Thursday's short form). */
const ENGLISH = new Set(
  'the is are was not must should write check give use with and or of to in this that these no more than did you mean error errors warning warnings cannot needs need would only into its it be been has have a an on for by as allowed unknown missing between please report split move fix instead lies does exist'.split(' '),
);

/** The English words found in `text`, in order (empty when it reads as Turkish). */
export function englishWords(text: string): string[] {
  const stripped = text
    .replace(/"[^"]*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\S*[/:]\S*/g, ' ');
  const words = stripped.match(/[\p{L}][\p{L}'-]*/gu) ?? [];
  return words.filter((w) => !FORMAT_WORDS.has(w.toLowerCase()) && ENGLISH.has(w.toLowerCase()));
}
