// The YouTube Data API's quota costs, in one table, and the quota day (midnight Pacific).
// Kept in shared/ because both the destination (which counts what it spends) and the
// emulator (which charges like Google) read it, and the emulator may import only shared/.
// Sources: Google's documentation for chat list/insert and thumbnails.set; the rest are
// the commonly used figures (list 1, writes 50) — correct them here if Google's calculator
// says otherwise (see docs/youtube.md on quota).

export const YOUTUBE_QUOTA_COSTS = {
  'liveBroadcasts.list': 1,
  'liveBroadcasts.insert': 50,
  'liveBroadcasts.update': 50,
  'liveBroadcasts.bind': 50,
  'liveBroadcasts.transition': 50,
  'liveBroadcasts.delete': 50,
  'liveStreams.list': 1,
  'liveStreams.insert': 50,
  'liveStreams.update': 50,
  'liveStreams.delete': 50,
  'liveChatMessages.list': 5,
  'liveChatMessages.insert': 20,
  'liveChatMessages.delete': 50,
  'liveChatBans.insert': 50,
  'liveChatBans.delete': 50,
  'liveChatModerators.list': 50,
  'liveChatModerators.insert': 50,
  'thumbnails.set': 50,
} as const satisfies Record<string, number>;

export type YoutubeMethod = keyof typeof YOUTUBE_QUOTA_COSTS;

/** What a request costs; every request costs at least 1, even one Google rejects. */
export function youtubeQuotaCost(method: string): number {
  return (YOUTUBE_QUOTA_COSTS as Record<string, number>)[method] ?? 1;
}

/** Default daily quota of a Google Cloud project. */
export const YOUTUBE_DEFAULT_DAILY_QUOTA = 10_000;

/** Time zone in which the quota day turns (midnight Pacific). */
export const YOUTUBE_QUOTA_ZONE = 'America/Los_Angeles';

const dayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: YOUTUBE_QUOTA_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The quota day an instant belongs to, "YYYY-MM-DD" in Pacific time. */
export function youtubeQuotaDay(at: Date): string {
  return dayFormat.format(at);
}
