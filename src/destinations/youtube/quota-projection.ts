// Projects the YouTube API units the schedule will spend per quota day, so `onair validate`
// can warn before a day runs out of quota (10,000 units by default). The per-broadcast
// figure follows the destination's own calls (youtube-destination.ts) and the shared cost
// table; chat polling (5 units a call) is projected separately because it dominates.
import { scheduleMessage } from '../../schedule/messages.js';
import type { Language, Occurrence } from '../../schedule/types.js';
import { youtubeQuotaCost as cost, youtubeQuotaDay } from '../../shared/youtube-quota.js';

export interface QuotaProjectionOptions {
  /** Names of destinations of type youtube (config.destinations). */
  youtubeDestinations: ReadonlySet<string>;
  dailyQuota: number;
  /** Stream status polls before the stream reads active. @defaultValue 10 */
  ingestPolls?: number;
  /** Seconds between two liveChatMessages.list calls; 0 = no chat bridge. @defaultValue 10 */
  chatPollSeconds?: number;
}

export interface DayProjection {
  /** Quota day (Pacific), YYYY-MM-DD. */
  day: string;
  broadcasts: number;
  /** Units of the broadcast lifecycle calls. */
  lifecycleUnits: number;
  /** Units of chat polling. */
  chatUnits: number;
  units: number;
  overQuota: boolean;
}

/** Units one broadcast's lifecycle costs, as youtube-destination.ts makes its calls. */
export function lifecycleUnits(occ: Occurrence, ingestPolls = 10): number {
  const prepare =
    cost('liveBroadcasts.list') + // marker search (one page)
    cost('liveBroadcasts.insert') +
    cost('liveStreams.insert') + // (no stream search for a new event)
    cost('liveBroadcasts.bind') +
    (occ.youtube.thumbnail ? cost('thumbnails.set') : 0);
  const ingest = ingestPolls * cost('liveStreams.list');
  const goLive = 3 * cost('liveBroadcasts.list') + cost('liveBroadcasts.transition'); // read, transition, poll liveStarting
  const end = cost('liveBroadcasts.list') + cost('liveBroadcasts.transition');
  return prepare + ingest + goLive + end;
}

/** Units chat polling costs over the occurrence (when its chat is on and bridged). */
export function chatUnits(occ: Occurrence, chatPollSeconds = 10): number {
  if (!occ.chat.enabled || chatPollSeconds <= 0) return 0;
  const seconds = Math.max(0, (occ.end.getTime() - occ.start.getTime()) / 1000);
  return Math.ceil(seconds / chatPollSeconds) * cost('liveChatMessages.list');
}

export function projectYoutubeQuota(occurrences: readonly Occurrence[], options: QuotaProjectionOptions): DayProjection[] {
  const days = new Map<string, DayProjection>();
  for (const occ of occurrences) {
    if (occ.cancelled) continue;
    if (!occ.destinations.some((d) => options.youtubeDestinations.has(d))) continue;
    const day = youtubeQuotaDay(occ.start);
    const p = days.get(day) ?? { day, broadcasts: 0, lifecycleUnits: 0, chatUnits: 0, units: 0, overQuota: false };
    p.broadcasts++;
    p.lifecycleUnits += lifecycleUnits(occ, options.ingestPolls);
    p.chatUnits += chatUnits(occ, options.chatPollSeconds);
    p.units = p.lifecycleUnits + p.chatUnits;
    p.overQuota = p.units > options.dailyQuota;
    days.set(day, p);
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/**
 * Lines for `onair validate`: the next `detailDays` quota days one per line, the busiest
 * day, and a warning for each day over quota (the first `maxWarnings`, then a count).
 */
export function formatQuotaProjection(
  days: readonly DayProjection[],
  dailyQuota: number,
  options: { detailDays?: number; maxWarnings?: number; lang?: Language } = {},
): string[] {
  const lang = options.lang ?? 'en';
  if (days.length === 0) return [scheduleMessage(lang, 'quotaNone')];
  const detail = options.detailDays ?? 14;
  const maxWarnings = options.maxWarnings ?? 10;
  const describe = (d: DayProjection): string =>
    scheduleMessage(lang, 'quotaDay', { day: d.day, units: d.units, broadcasts: d.broadcasts, lifecycle: d.lifecycleUnits, chat: d.chatUnits });
  const lines = [scheduleMessage(lang, 'quotaHeading', { limit: dailyQuota })];
  for (const d of days.slice(0, detail)) lines.push(`  ${describe(d)}${d.overQuota ? scheduleMessage(lang, 'quotaOver') : ''}`);
  if (days.length > detail) lines.push(scheduleMessage(lang, 'quotaMoreDays', { n: days.length - detail }));
  const busiest = days.reduce((a, b) => (b.units > a.units ? b : a));
  lines.push(scheduleMessage(lang, 'quotaBusiest', { day: describe(busiest) }));
  const over = days.filter((x) => x.overQuota);
  for (const d of over.slice(0, maxWarnings)) lines.push(scheduleMessage(lang, 'quotaWarning', { day: d.day, units: d.units, limit: dailyQuota }));
  if (over.length > maxWarnings) lines.push(scheduleMessage(lang, 'quotaMoreWarnings', { n: over.length - maxWarnings }));
  return lines;
}
