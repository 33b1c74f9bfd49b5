// How occurrences are shown: the list `onair preview --json` prints and GET /api/schedule
// serves, the preview's text lines, and per-day counts other features build on.
import type { Language, Localized, Occurrence } from './types.js';

/** One entry of `onair preview --json` and GET /api/schedule. */
export interface ScheduleItem {
  id: string;
  programmeId: string;
  title: string;
  /** ISO 8601 local times with offsets. */
  start: string;
  end: string;
  timezone: string;
  destinations: string[];
  cancelled: boolean;
}

export function pick(text: Localized, lang: Language): string {
  return text[lang] || text[lang === 'tr' ? 'en' : 'tr'];
}

export function toScheduleItem(o: Occurrence, lang: Language): ScheduleItem {
  return {
    id: o.id,
    programmeId: o.programmeId,
    title: pick(o.title, lang),
    start: o.localStart,
    end: o.localEnd,
    timezone: o.timezone,
    destinations: o.destinations,
    cancelled: o.cancelled,
  };
}

const WEEKDAYS: Record<Language, string[]> = {
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
  tr: ['Paz', 'Pzt', 'Sal', 'Çar', 'Per', 'Cum', 'Cmt'],
};

/** "Sat 2026-12-05 11:00–11:45 +03:00" in the programme's local time. */
export function formatLocalRange(o: Occurrence, lang: Language): string {
  const day = new Date(`${o.localStart.slice(0, 10)}T00:00:00Z`).getUTCDay();
  const endDate = o.localEnd.slice(0, 10) !== o.localStart.slice(0, 10) ? `${o.localEnd.slice(0, 10)} ` : '';
  return `${WEEKDAYS[lang][day]} ${o.localStart.slice(0, 10)} ${o.localStart.slice(11, 16)}–${endDate}${o.localEnd.slice(11, 16)} ${o.localStart.slice(23)}`;
}

/** One line of `onair preview`. */
export function formatPreviewLine(o: Occurrence, lang: Language): string {
  const cancelled = o.cancelled ? (lang === 'tr' ? '  [iptal]' : '  [cancelled]') : '';
  return `${formatLocalRange(o, lang)}  ${pick(o.title, lang)}  (${o.programmeId})  → ${o.destinations.join(', ')}${cancelled}`;
}

/**
 * Broadcasts per local day and destination (cancelled ones left out): the hook other
 * features use to project load, e.g. YouTube quota units per day in `onair validate`.
 */
export function occurrencesPerDay(occurrences: readonly Occurrence[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const o of occurrences) {
    if (o.cancelled) continue;
    const day = o.localStart.slice(0, 10);
    let m = out.get(day);
    if (!m) out.set(day, (m = new Map()));
    for (const d of o.destinations) m.set(d, (m.get(d) ?? 0) + 1);
  }
  return out;
}
