// The one factory of Occurrence objects for every test: a test pattern to the local
// destination, starting now for a minute, unlisted, no chat, no reminders. The programme id
// is the part of `id` before '@'; the end defaults to a minute after the start, and the
// local times to the start and end in UTC. A test overrides what it asserts on; the few
// helpers that need other defaults for a whole family of tests (fakes.ts, realtime-harness.ts,
// youtube-fixtures.ts) are thin calls of this one.
import type { Occurrence } from '../../src/schedule/types.js';

export function testOccurrence(id: string, overrides: Partial<Occurrence> = {}): Occurrence {
  const start = overrides.start ?? new Date();
  const end = overrides.end ?? new Date(start.getTime() + 60_000);
  return {
    id,
    programmeId: id.split('@')[0]!,
    title: { tr: 'Masal Saati', en: 'Story Time' },
    description: { tr: '', en: '' },
    category: 'reading',
    audience: [],
    timezone: 'Europe/Istanbul',
    start,
    end,
    localStart: start.toISOString(),
    localEnd: end.toISOString(),
    source: { kind: 'testPattern', pattern: 'testsrc2', toneHz: 440 },
    destinations: ['local'],
    youtube: { privacy: 'unlisted', madeForKids: false },
    chat: { enabled: false, slowModeMs: 0 },
    remindersMs: [],
    cancelled: false,
    ...overrides,
  };
}
