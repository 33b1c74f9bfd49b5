// The control room lists an unlisted programme (listed: false, the demo) once: the broadcast
// on air, else the next, else the last — never a row for each of its 144 daily broadcasts.
import { expect } from 'chai';
import { oncePerUnlisted } from '../../../src/http/routes/control-room.js';
import { makeOccurrence, makeRecord } from '../../support/realtime-harness.js';

describe('control room: unlisted programmes once', () => {
  const now = new Date('2026-12-05T09:05:00Z');
  const at = (programmeId: string, iso: string, state: Parameters<typeof makeRecord>[1]) =>
    makeRecord(makeOccurrence({ programmeId, start: new Date(iso), end: new Date(Date.parse(iso) + 120_000) }), state);
  const demos = [
    at('demo', '2026-12-05T08:50:00Z', 'complete'),
    at('demo', '2026-12-05T09:00:00Z', 'complete'),
    at('demo', '2026-12-05T09:10:00Z', 'scheduled'),
    at('demo', '2026-12-05T09:20:00Z', 'scheduled'),
  ];
  const story = [at('story', '2026-12-05T09:00:00Z', 'complete'), at('story', '2026-12-05T10:00:00Z', 'scheduled')];

  it('keeps the next one when none is live, and every broadcast of listed programmes', () => {
    const kept = oncePerUnlisted([...demos, ...story], new Set(['demo']), now);
    expect(kept.map((r) => r.occurrenceId)).to.deep.equal([demos[2]!.occurrenceId, ...story.map((r) => r.occurrenceId)]);
  });

  it('keeps the live one over the next, and the last once the day is over', () => {
    const live = at('demo', '2026-12-05T09:04:00Z', 'live');
    expect(oncePerUnlisted([...demos, live], new Set(['demo']), now).map((r) => r.occurrenceId)).to.deep.equal([live.occurrenceId]);
    expect(oncePerUnlisted(demos, new Set(['demo']), new Date('2026-12-05T23:00:00Z')).map((r) => r.occurrenceId)).to.deep.equal([demos[3]!.occurrenceId]);
  });
});
