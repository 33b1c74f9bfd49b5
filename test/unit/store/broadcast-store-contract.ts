// The BroadcastStore port's contract (src/scheduler/broadcast-store.ts) as one suite, run
// against every implementation (broadcast-stores.test.ts: SQLite and Redis), so the engine
// can rely on the same behaviour in the embedded default and in cluster mode.
import { expect } from 'chai';
import { StaleStateError, type BroadcastStore } from '../../../src/scheduler/broadcast-store.js';
import type { BroadcastRecord } from '../../../src/scheduler/ports.js';
import type { Occurrence } from '../../../src/schedule/types.js';
import { testOccurrence } from '../../support/test-occurrence.js';

export function record(id: string, start: string, minutes: number, over: Partial<BroadcastRecord> = {}): BroadcastRecord {
  const s = new Date(start);
  return {
    occurrenceId: id,
    programmeId: id.split('@')[0]!,
    title: { tr: 'Masal saati', en: 'Story time' },
    state: 'scheduled',
    scheduledStart: s.toISOString(),
    scheduledEnd: new Date(s.getTime() + minutes * 60_000).toISOString(),
    planned: { start: s.toISOString(), end: new Date(s.getTime() + minutes * 60_000).toISOString() },
    destinations: [{ name: 'local', kind: 'local', status: 'pending', remote: {} }],
    updatedAt: '2026-12-01T00:00:00.000Z',
    ...over,
  };
}

/** A remembered occurrence with values unlike the factory's defaults, so a round trip that dropped one would show. */
function occurrence(id: string, start: string): Occurrence {
  const end = new Date(Date.parse(start) + 30 * 60_000);
  return testOccurrence(id, {
    title: { tr: 'A', en: 'A' },
    category: 'other',
    timezone: 'UTC',
    start: new Date(start),
    end,
    localStart: `${start.slice(0, 19)}.000+00:00`,
    localEnd: end.toISOString().replace('Z', '+00:00'),
    source: { kind: 'url', url: 'rtsp://camera.local/stream' },
    youtube: { privacy: 'unlisted', madeForKids: true },
    chat: { enabled: true, slowModeMs: 0 },
  });
}

/** Registers the contract's tests for the store `open()` gives (a fresh, empty one per test). */
export function broadcastStoreContract(open: () => Promise<{ store: BroadcastStore; close(): Promise<void> }>): void {
  let store: BroadcastStore;
  let close: () => Promise<void>;
  const now = new Date('2026-12-01T08:00:00.000Z');

  beforeEach(async () => {
    ({ store, close } = await open());
  });
  afterEach(async () => {
    await close();
  });

  it('inserts, transitions by compare-and-set and logs each transition with its reason', async () => {
    const r = record('story@2026-12-05T10:00', '2026-12-05T07:00:00Z', 30);
    await store.transition(r, undefined, { at: now });
    const preparing = { ...r, state: 'preparing' as const };
    await store.transition(preparing, 'scheduled', { at: new Date('2026-12-05T06:50:00Z') });
    const err = await store.transition({ ...r, state: 'ready' }, 'scheduled', { at: now }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(StaleStateError);
    expect((err as StaleStateError).actual).to.equal('preparing');
    const dup = await store.transition(r, undefined, { at: now }).catch((e: unknown) => e);
    expect(dup).to.be.instanceOf(StaleStateError);
    await store.transition({ ...preparing, state: 'failed', reason: 'quota' }, 'preparing', { at: now, reason: 'quota' });

    expect((await store.get(r.occurrenceId))!.state).to.equal('failed');
    expect(await store.transitions(r.occurrenceId)).to.deep.equal([
      { occurrenceId: r.occurrenceId, from: undefined, to: 'scheduled', at: now.toISOString() },
      { occurrenceId: r.occurrenceId, from: 'scheduled', to: 'preparing', at: '2026-12-05T06:50:00.000Z' },
      { occurrenceId: r.occurrenceId, from: 'preparing', to: 'failed', at: now.toISOString(), reason: 'quota' },
    ]);
  });

  it('saves every field but the state, reads back what it saved, and creates nothing for an unknown record', async () => {
    const r = record('story@2026-12-05T10:00', '2026-12-05T07:00:00Z', 30);
    await store.transition(r, undefined, { at: now });
    const changed: BroadcastRecord = {
      ...r,
      state: 'live',
      liveAt: '2026-12-05T07:00:00.120Z',
      destinations: [{ name: 'local', kind: 'local', status: 'live', remote: { id: 'x' }, watchUrl: '/hls/x/index.m3u8' }],
      health: { phase: 'programme', fps: 25, bitrateKbps: 3000, speed: 1, droppedFrames: 0, restarts: 1 },
      lastError: { code: 'ffmpeg-exit', message: 'restarted', retryable: true, at: now.toISOString() },
    };
    await store.save(changed, new Date('2026-12-05T07:01:00Z'));
    expect(await store.get(r.occurrenceId)).to.deep.equal({ ...changed, state: 'scheduled', updatedAt: '2026-12-05T07:01:00.000Z' });

    await store.save(record('ghost@1', '2026-12-05T08:00:00Z', 30), now);
    expect(await store.get('ghost@1')).to.equal(undefined);
  });

  it('lists [from, to) windows in start order, lists unfinished ones, and prunes old final ones with their log', async () => {
    const a = record('a@1', '2026-12-05T07:00:00Z', 30);
    const b = record('b@1', '2026-12-05T06:00:00Z', 30);
    const c = record('c@1', '2026-11-01T06:00:00Z', 30);
    for (const r of [a, b, c]) await store.transition(r, undefined, { at: now });
    await store.transition({ ...c, state: 'missed' }, 'scheduled', { at: now });

    const ids = async (from: string, to: string): Promise<string[]> => (await store.list(new Date(from), new Date(to))).map((r) => r.occurrenceId);
    expect(await ids('2026-12-05T06:15:00Z', '2026-12-05T08:00:00Z')).to.deep.equal(['b@1', 'a@1']);
    // A window ending at a's start excludes it; one starting at b's end too.
    expect(await ids('2026-12-05T06:40:00Z', '2026-12-05T07:00:00Z')).to.deep.equal([]);
    expect(await ids('2026-12-05T06:30:00Z', '2026-12-05T06:45:00Z')).to.deep.equal([]);
    expect((await store.listUnfinished()).map((r) => r.occurrenceId)).to.deep.equal(['b@1', 'a@1']);

    expect(await store.prune(new Date('2026-11-15T00:00:00Z'))).to.equal(1);
    expect(await store.get('c@1')).to.equal(undefined);
    expect(await store.transitions('c@1')).to.deep.equal([]);
    expect(await store.get('a@1')).to.not.equal(undefined);
  });

  it('takes a failed record back to scheduled (staff start it again) and lists it as unfinished once more', async () => {
    const r = record('retry@1', '2026-12-05T07:00:00Z', 30);
    await store.transition(r, undefined, { at: now });
    await store.transition({ ...r, state: 'failed', reason: 'the disk is full' }, 'scheduled', { at: now });
    expect(await store.listUnfinished()).to.deep.equal([]);
    const again: BroadcastRecord = { ...r, state: 'scheduled', scheduledStart: '2026-12-05T07:05:00.000Z' };
    await store.transition(again, 'failed', { at: now, reason: 'started again by staff after it failed (the disk is full)' });
    expect((await store.listUnfinished()).map((x) => x.occurrenceId)).to.deep.equal(['retry@1']);
    const got = await store.get('retry@1');
    expect(got?.state).to.equal('scheduled');
    expect(got?.reason).to.equal(undefined);
    expect((await store.transitions('retry@1')).map((t) => `${t.from ?? '∅'}→${t.to}`)).to.deep.equal(['∅→scheduled', 'scheduled→failed', 'failed→scheduled']);
  });

  it('keeps a copy of the occurrence (dates revived, replaced by a newer one) and prunes it with its record', async () => {
    const occ = occurrence('a@1', '2026-11-01T06:00:00Z');
    expect(await store.recallOccurrence('a@1')).to.equal(undefined);
    await store.rememberOccurrence(occ, now);
    expect(await store.recallOccurrence('a@1')).to.deep.equal(occ);
    const renamed = { ...occ, title: { tr: 'B', en: 'B' } };
    await store.rememberOccurrence(renamed, now);
    expect(await store.recallOccurrence('a@1')).to.deep.equal(renamed);
    await store.transition({ ...record('a@1', '2026-11-01T06:00:00Z', 30), state: 'missed' }, undefined, { at: now });
    await store.prune(new Date('2026-11-15T00:00:00Z'));
    expect(await store.recallOccurrence('a@1')).to.equal(undefined);
  });
}
