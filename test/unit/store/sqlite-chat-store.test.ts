// What the SQLite chat store promises about messages appended in one burst: they are written
// together (one transaction per turn of the event loop), an append resolves only once its
// message is stored, and a read or write made right after appends sees them in order.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoredMessage } from '../../../src/chat/types.js';
import { openDatabase, type SqliteDatabase } from '../../../src/store/sqlite/database.js';
import { SqliteChatStore } from '../../../src/store/sqlite/chat-store.js';

function message(id: string, text = `message ${id}`): StoredMessage {
  return {
    id,
    occurrenceId: 'story@1',
    origin: 'onair',
    nickname: 'Ayşe',
    authorId: 'author-1',
    text,
    at: '2026-12-05T08:00:00.000Z',
    fingerprint: 'device-1',
    ip: '192.0.2.1',
    externalId: null,
    deletedAt: null,
    deletedBy: null,
  };
}

describe('SQLite chat store', () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SqliteChatStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-chat-store-'));
    db = openDatabase(dir);
    store = new SqliteChatStore(db);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores a burst of appends in order, each stored by the time its promise resolves', async () => {
    const appends = Array.from({ length: 50 }, (_, i) => store.appendMessage(message(`m${i}`)));
    await appends[0];
    // Another connection to the same file sees what resolved: it was committed.
    const other = openDatabase(dir);
    try {
      const count = other.prepare('SELECT COUNT(*) AS n FROM chat_messages').get() as { n: number };
      expect(count.n).to.equal(50);
    } finally {
      other.close();
    }
    await Promise.all(appends);
    expect((await store.transcript('story@1')).map((m) => m.id)).to.deep.equal(Array.from({ length: 50 }, (_, i) => `m${i}`));
  });

  it('lets a read and a delete made in the same turn as an append see that message', async () => {
    void store.appendMessage(message('a'));
    expect((await store.getMessage('a'))?.text).to.equal('message a');
    void store.appendMessage(message('b'));
    await store.markDeleted('b', 'moderator', '2026-12-05T08:01:00.000Z');
    expect((await store.recent('story@1', 10)).map((m) => m.id)).to.deep.equal(['a']);
  });

  it('refuses only the append that fails in a burst, and stores the rest', async () => {
    const ok = store.appendMessage(message('x'));
    // An object cannot be bound to a column: better-sqlite3 throws inside the transaction.
    const bad = store.appendMessage({ ...message('y'), text: { not: 'text' } as unknown as string });
    const results = await Promise.allSettled([ok, bad]);
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected']);
    expect((await store.transcript('story@1')).map((m) => m.id)).to.deep.equal(['x']);
  });
});
