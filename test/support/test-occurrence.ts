// One occurrence for the media and destination tests: a test pattern to the local
// destination, starting now for a minute, no chat. A test overrides what it asserts on.
import type { Occurrence } from '../../src/schedule/types.js';

export function testOccurrence(id: string, overrides: Partial<Occurrence> = {}): Occurrence {
  const start = overrides.start ?? new Date();
  return {
    id,
    programmeId: id.split('@')[0]!,
    title: { tr: 'Masal Saati', en: 'Story Time' },
    description: { tr: '', en: '' },
    category: 'reading',
    audience: [],
    timezone: 'Europe/Istanbul',
    start,
    end: new Date(start.getTime() + 60_000),
    localStart: start.toISOString(),
    localEnd: start.toISOString(),
    source: { kind: 'testPattern', pattern: 'testsrc2', toneHz: 440 },
    destinations: ['local'],
    youtube: { privacy: 'unlisted', madeForKids: false },
    chat: { enabled: false, slowModeMs: 0 },
    remindersMs: [],
    cancelled: false,
    ...overrides,
  };
}
