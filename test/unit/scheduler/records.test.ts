// The stand-in occurrence built from a record whose occurrence left the schedule: what it
// cannot know it must state restrictively, never as a public, not-for-kids event.
import { expect } from 'chai';
import { occurrenceFromRecord } from '../../../src/scheduler/records.js';
import type { BroadcastRecord } from '../../../src/scheduler/ports.js';

describe('occurrenceFromRecord (the stand-in for a record the schedule no longer lists)', () => {
  const record: BroadcastRecord = {
    occurrenceId: 'fairy-tales@2026-12-05T11:00',
    programmeId: 'fairy-tales',
    title: { tr: 'Masal Saati', en: 'Fairy Tale Time' },
    state: 'live',
    scheduledStart: '2026-12-05T08:00:00.000Z',
    scheduledEnd: '2026-12-05T08:45:00.000Z',
    liveAt: '2026-12-05T08:00:00.000Z',
    destinations: [{ name: 'youtube', kind: 'youtube', status: 'live', remote: { broadcastId: 'b1' } }],
    updatedAt: '2026-12-05T08:00:00.000Z',
  };

  it('keeps the ids, title, times and destinations of the record', () => {
    const occ = occurrenceFromRecord(record);
    expect(occ.id).to.equal(record.occurrenceId);
    expect(occ.title).to.deep.equal(record.title);
    expect(occ.start.toISOString()).to.equal(record.scheduledStart);
    expect(occ.destinations).to.deep.equal(['youtube']);
  });

  it('states privacy and audience as restrictively as possible: private, made for kids', () => {
    expect(occurrenceFromRecord(record).youtube).to.deep.equal({ privacy: 'private', madeForKids: true });
  });
});
