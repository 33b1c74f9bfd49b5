// The section `onair validate` prints for YouTube: projected API units per quota day over
// the checked horizon, with a warning for each day above config youtube.dailyQuota.
import { Expander, horizon } from '../schedule/index.js';
import { formatQuotaProjection, projectYoutubeQuota } from '../destinations/youtube/index.js';
import type { ValidateSection } from './validate.js';

export function youtubeQuotaSection(now: () => Date = () => new Date()): ValidateSection {
  return ({ load, config }) => {
    const names = new Set(Object.entries(config.destinations).filter(([, d]) => d.type === 'youtube').map(([name]) => name));
    if (names.size === 0) return [];
    const h = horizon(now());
    const occurrences = new Expander().expandAll(load.programmes, h.from, h.to);
    const days = projectYoutubeQuota(occurrences, { youtubeDestinations: names, dailyQuota: config.youtube.dailyQuota });
    return formatQuotaProjection(days, config.youtube.dailyQuota);
  };
}
