// Durations as staff write them: "90s", "45m", "1h30m", "1d", "150ms", or ISO 8601 ("PT45M", "P1D").

const SHORT = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;
const ISO = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Parses a duration into milliseconds; returns undefined when the text is not a duration.
 * A bare number is not accepted: "45" is ambiguous (seconds? minutes?) for staff.
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  const m = SHORT.exec(s) ?? ISO.exec(s.toUpperCase());
  if (!m || m.slice(1).every((g) => g === undefined)) return undefined;
  const [d, h, min, sec, ms] = m.slice(1).map((g) => (g === undefined ? 0 : Number(g)));
  return (((d ?? 0) * 24 + (h ?? 0)) * 60 + (min ?? 0)) * 60_000 + (sec ?? 0) * 1000 + (ms ?? 0);
}

/** Formats milliseconds the way staff write them ("1h30m", "45m", "90s"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return sign + parts.join('');
}
