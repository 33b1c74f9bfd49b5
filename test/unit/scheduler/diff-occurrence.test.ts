// diffOccurrence and finishing are pure: every field of a schedule edit, and every destination
// status on the way out, is checked here without an engine.
import { expect } from 'chai';
import { finishing } from '../../../src/scheduler/broadcast-run.js';
import { diffOccurrence } from '../../../src/scheduler/diff-occurrence.js';
import type { BroadcastRecord, BroadcastState, DestinationState } from '../../../src/scheduler/ports.js';
import { testOccurrence } from '../../support/test-occurrence.js';

const START = '2026-12-05T10:00:00.000Z';
const END = '2026-12-05T10:30:00.000Z';
const LATER = '2026-12-05T10:15:00.000Z';
const LATER_END = '2026-12-05T10:45:00.000Z';

function dest(name: string, extra: Partial<DestinationState> = {}): DestinationState {
  return { name, kind: 'local', status: 'pending', remote: {}, ...extra };
}

function record(extra: Partial<BroadcastRecord> = {}): BroadcastRecord {
  return {
    occurrenceId: 'story@2026-12-05T10:00',
    programmeId: 'story',
    title: { tr: 'Masal Saati', en: 'Story Time' },
    state: 'scheduled',
    scheduledStart: START,
    scheduledEnd: END,
    destinations: [dest('local')],
    updatedAt: START,
    ...extra,
  };
}

function occ(start = START, end = END, extra: Parameters<typeof testOccurrence>[1] = {}) {
  return testOccurrence('story@2026-12-05T10:00', { start: new Date(start), end: new Date(end), ...extra });
}

describe('diffOccurrence', () => {
  it('finds nothing to do when the schedule says what the record holds', () => {
    expect(diffOccurrence(record(), occ())).to.deep.equal({
      patch: {},
      retakeDestinations: false,
      destinationsKept: false,
      changed: false,
    });
  });

  it('moves the start and end before air, and remembers them as planned', () => {
    const d = diffOccurrence(record(), occ(LATER, LATER_END));
    expect(d.patch).to.deep.equal({ scheduledStart: LATER, scheduledEnd: LATER_END, planned: { start: LATER, end: LATER_END } });
    expect(d.changed).to.equal(true);
  });

  for (const state of ['live', 'ending'] as BroadcastState[]) {
    it(`keeps the start once ${state} (it is history) but still moves the end`, () => {
      const d = diffOccurrence(record({ state }), occ(LATER, LATER_END));
      expect(d.patch).to.deep.equal({ scheduledEnd: LATER_END, planned: { start: LATER, end: LATER_END } });
      expect(d.changed).to.equal(true);
    });
  }

  it('keeps a staff extension while the schedule has not moved the time', () => {
    const extended = record({ state: 'live', scheduledEnd: LATER_END, planned: { start: START, end: END } });
    expect(diffOccurrence(extended, occ()).patch).to.deep.equal({});
    expect(diffOccurrence(extended, occ()).changed).to.equal(false);
  });

  it('lets a schedule edit of the end win over a staff extension', () => {
    const extended = record({ state: 'live', scheduledEnd: LATER_END, planned: { start: START, end: END } });
    const d = diffOccurrence(extended, occ(START, LATER));
    expect(d.patch).to.deep.equal({ scheduledEnd: LATER, planned: { start: START, end: LATER } });
    expect(d.changed).to.equal(true);
  });

  it('records the planned times without telling destinations when they already match', () => {
    // Staff started early at LATER... and the schedule then moved the start to exactly LATER.
    const started = record({ scheduledStart: LATER, planned: { start: START, end: END } });
    const d = diffOccurrence(started, occ(LATER, END));
    expect(d.patch).to.deep.equal({ planned: { start: LATER, end: END } });
    expect(d.changed).to.equal(false);
  });

  it('takes a changed title', () => {
    const title = { tr: 'Masal Saati (yeni)', en: 'Story Time (new)' };
    const d = diffOccurrence(record(), occ(START, END, { title }));
    expect(d.patch).to.deep.equal({ title });
    expect(d.changed).to.equal(true);
  });

  it('retakes the destinations while nothing is prepared', () => {
    const d = diffOccurrence(record(), occ(START, END, { destinations: ['local', 'youtube'] }));
    expect(d).to.deep.include({ patch: {}, retakeDestinations: true, destinationsKept: false, changed: true });
  });

  for (const state of ['preparing', 'ready', 'live'] as BroadcastState[]) {
    it(`keeps the prepared destinations once ${state}`, () => {
      const d = diffOccurrence(record({ state }), occ(START, END, { destinations: ['youtube'] }));
      expect(d).to.deep.include({ patch: {}, retakeDestinations: false, destinationsKept: true, changed: false });
    });
  }

  it('treats a new order of destinations as a change', () => {
    const two = record({ destinations: [dest('a'), dest('b')] });
    expect(diffOccurrence(two, occ(START, END, { destinations: ['b', 'a'] })).retakeDestinations).to.equal(true);
  });
});

describe('finishing (how a broadcast lets go of a destination)', () => {
  const cases: Array<[string, DestinationState, 'end' | 'teardown' | undefined]> = [
    ['a live one is ended', dest('a', { status: 'live' }), 'end'],
    ['a ready one is torn down', dest('a', { status: 'ready' }), 'teardown'],
    ['a pending one with an ingest is torn down', dest('a', { ingest: { url: 'rtmp://x/y' } as DestinationState['ingest'] }), 'teardown'],
    ['a failed one holding a remote event is torn down', dest('a', { status: 'failed', remote: { broadcastId: 'b1' } }), 'teardown'],
    ['a pending one holding nothing is left', dest('a'), undefined],
    ['a failed one holding nothing is left', dest('a', { status: 'failed' }), undefined],
    ['a complete one is left', dest('a', { status: 'complete', remote: { broadcastId: 'b1' } }), undefined],
    ['a cancelled one is left', dest('a', { status: 'cancelled', remote: { broadcastId: 'b1' } }), undefined],
  ];
  for (const [what, d, method] of cases) {
    it(what, () => expect(finishing(d)).to.equal(method));
  }
});
