// The section `onair validate` prints for YouTube: projected API units per quota day over
// the checked horizon, with a warning for each day above config youtube.dailyQuota.
import { Expander, horizon } from '../schedule/index.js';
// The projection's own module, not the destination's index: that would load googleapis.
import { formatQuotaProjection, projectYoutubeQuota } from '../destinations/youtube/quota-projection.js';
import type { ValidateSection } from './validate.js';

export function youtubeQuotaSection(now: () => Date = () => new Date()): ValidateSection {
  return ({ load, config, lang }) => {
    const names = new Set(Object.entries(config.destinations).filter(([, d]) => d.type === 'youtube').map(([name]) => name));
    if (names.size === 0) return [];
    const h = horizon(now());
    // Only programmes that reach YouTube are expanded (the others cost no units).
    const onYoutube = load.programmes.filter((p) => p.destinations.some((d) => names.has(d)));
    const occurrences = new Expander().expandAll(onYoutube, h.from, h.to);
    const days = projectYoutubeQuota(occurrences, { youtubeDestinations: names, dailyQuota: config.youtube.dailyQuota });
    return formatQuotaProjection(days, config.youtube.dailyQuota, { lang });
  };
}
