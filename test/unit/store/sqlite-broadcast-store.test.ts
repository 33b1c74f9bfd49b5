// What only the SQLite broadcast store promises beyond the port's contract (which
// broadcast-stores.test.ts checks): what it wrote is there after the database is reopened.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

  it('keeps what was written across a reopen of the database', async () => {
    const r = record('a@1', '2026-12-05T07:00:00Z', 30);
    await store.transition(r, undefined, { at: now });
    db.close();
    db = openDatabase(dir);
    store = new SqliteBroadcastStore(db);
    expect((await store.get('a@1'))!.title.en).to.equal('Story time');
  });
});
