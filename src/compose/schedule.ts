// Starts the schedule service on the configured folder and logs what it loaded and the next
// five broadcasts.
import type { Config } from '../config/index.js';
import type { Logger } from '../shared/logger.js';
import type { Clock } from '../shared/clock.js';
import { ScheduleService, formatLocalRange, pick } from '../schedule/index.js';
import { youtubeDestinationNames } from '../config/index.js';

export async function startSchedule(config: Readonly<Config>, logger: Logger, clock: Clock): Promise<ScheduleService> {
  const service = new ScheduleService({
    dir: config.dirs.schedules,
    mediaRoot: config.dirs.media,
    destinations: Object.keys(config.destinations),
    youtubeDestinations: youtubeDestinationNames(config),
    defaultTimezone: config.schedule.timezone,
    maxDurationMs: config.schedule.maxDuration,
    debounceMs: config.schedule.reloadDebounce,
    clock,
    logger: logger.child({ module: 'schedule' }),
  });
  await service.start();
  const snap = service.snapshot();
  const lang = config.schedule.language;
  logger.info(
    { dir: config.dirs.schedules, files: snap.files.map((f) => f.file), programmes: snap.programmes.map((p) => p.id) },
    `schedules loaded: ${snap.programmes.length} programme(s) from ${snap.files.length} file(s)`,
  );
  const next = service.next(5);
  logger.info(
    { next: next.map((o) => ({ id: o.id, title: pick(o.title, lang), start: o.localStart, destinations: o.destinations })) },
    next.length
      ? `next broadcasts:\n${next.map((o) => `  ${formatLocalRange(o, lang)}  ${pick(o.title, lang)} → ${o.destinations.join(', ')}`).join('\n')}`
      : 'no upcoming broadcasts',
  );
  return service;
}
