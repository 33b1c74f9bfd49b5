import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StaleStateError } from '../../../src/scheduler/broadcast-store.js';
import type { BroadcastRecord } from '../../../src/scheduler/ports.js';
import { openDatabase, type SqliteDatabase } from '../../../src/store/sqlite/database.js';
import { SqliteBroadcastStore } from '../../../src/store/sqlite/broadcast-store.js';

function record(id: string, start: string, minutes: number): BroadcastRecord {
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
  };
}

describe('SQLite broadcast store', () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SqliteBroadcastStore;
  const now = new Date('2026-12-01T08:00:00.000Z');

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-store-'));
    db = openDatabase(dir);
    store = new SqliteBroadcastStore(db);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('inserts, transitions by compare-and-set and logs each transition with its reason', async () => {
    const r = record('story@2026-12-05T10:00', '2026-12-05T07:00:00Z', 30);
    await store.transition(r, undefined, { at: now });
    const preparing = { ...r, state: 'preparing' as const };
    await store.transition(preparing, 'scheduled', { at: new Date('2026-12-05T06:50:00Z') });
    const err = await store.transition({ ...r, state: 'ready' }, 'scheduled', { at: now }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(StaleStateError);
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

  it('saves every field but the state, and reads back what it saved', async () => {
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
    const back = await store.get(r.occurrenceId);
    expect(back).to.deep.equal({ ...changed, state: 'scheduled', updatedAt: '2026-12-05T07:01:00.000Z' });
  });

  it('lists by time window in start order, lists unfinished ones, and prunes old final ones', async () => {
    const a = record('a@1', '2026-12-05T07:00:00Z', 30);
    const b = record('b@1', '2026-12-05T06:00:00Z', 30);
    const c = record('c@1', '2026-11-01T06:00:00Z', 30);
    for (const r of [a, b, c]) await store.transition(r, undefined, { at: now });
    await store.transition({ ...c, state: 'missed' }, 'scheduled', { at: now });

    const listed = await store.list(new Date('2026-12-05T06:15:00Z'), new Date('2026-12-05T08:00:00Z'));
    expect(listed.map((r) => r.occurrenceId)).to.deep.equal(['b@1', 'a@1']);
    expect((await store.listUnfinished()).map((r) => r.occurrenceId)).to.deep.equal(['b@1', 'a@1']);

    expect(await store.prune(new Date('2026-11-15T00:00:00Z'))).to.equal(1);
    expect(await store.get('c@1')).to.equal(undefined);
    expect(await store.transitions('c@1')).to.deep.equal([]);
    expect(await store.get('a@1')).to.not.equal(undefined);
  });

  it('keeps a copy of the occurrence, dates revived, and prunes it with its record', async () => {
    const occ = {
      id: 'a@1', programmeId: 'a', title: { tr: 'A', en: 'A' }, description: { tr: '', en: '' }, category: 'other' as const,
      audience: [], timezone: 'UTC', start: new Date('2026-11-01T06:00:00Z'), end: new Date('2026-11-01T06:30:00Z'),
      localStart: '2026-11-01T06:00:00.000+00:00', localEnd: '2026-11-01T06:30:00.000+00:00',
      source: { kind: 'url' as const, url: 'rtsp://camera.local/stream' }, destinations: ['local'],
      youtube: { privacy: 'public' as const, madeForKids: false }, chat: { enabled: true, slowModeMs: 0 },
      remindersMs: [], cancelled: false,
    };
    await store.rememberOccurrence(occ, now);
    expect(await store.recallOccurrence('a@1')).to.deep.equal(occ);
    await store.transition({ ...record('a@1', '2026-11-01T06:00:00Z', 30), state: 'missed' }, undefined, { at: now });
    await store.prune(new Date('2026-11-15T00:00:00Z'));
    expect(await store.recallOccurrence('a@1')).to.equal(undefined);
  });

  it('keeps what was written across a reopen of the database', async () => {
    const r = record('a@1', '2026-12-05T07:00:00Z', 30);
    await store.transition(r, undefined, { at: now });
    db.close();
    db = openDatabase(dir);
    store = new SqliteBroadcastStore(db);
    expect((await store.get('a@1'))!.title.en).to.equal('Story time');
  });
});
