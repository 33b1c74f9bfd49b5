// Stopping the chat waits for the store writes it has started. The SQLite store gathers a
// burst of appends into one transaction on the next turn of the event loop; a shutdown that
// stopped the chat and closed the database in the same turn refused the message a viewer
// had just sent (and a moderator's audit line), though it had passed every check.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChatService } from '../../../src/chat/chat-service.js';
import type { ChatStore } from '../../../src/chat/types.js';
import { createLogger } from '../../../src/shared/logger.js';
import { openDatabase } from '../../../src/store/sqlite/database.js';
import { SqliteChatStore } from '../../../src/store/sqlite/chat-store.js';
import { ManualClock } from '../../support/manual-clock.js';
import { fakeSchedule, occurrence } from '../scheduler/fakes.js';

describe('chat: stop', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-chat-stop-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('waits for a message still being written, so closing the database right after loses nothing', async () => {
    const db = openDatabase(dir);
    const sqlite = new SqliteChatStore(db);
    // The real store, watched: says when the service has handed it the message.
    let appending!: () => void;
    const appended = new Promise<void>((r) => (appending = r));
    const store = new Proxy(sqlite, {
      get: (target, key) => {
        if (key === 'appendMessage') {
          return (m: Parameters<ChatStore['appendMessage']>[0]) => {
            const written = target.appendMessage(m);
            appending();
            return written;
          };
        }
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const clock = new ManualClock(new Date('2026-12-05T09:00:00Z'));
    const occ = occurrence('story@1', '2026-12-05T09:00:00Z', 30);
    const chat = new ChatService({
      store,
      schedule: fakeSchedule([occ]),
      clock,
      logger: createLogger('silent'),
      settings: { opensBeforeMs: 900_000, closesAfterMs: 900_000, maxLength: 300, rateLimitPerConnection: 10, rateLimitPerIp: 10, allowLinks: false, bannedWords: [] },
    });
    await chat.start();
    const posting = chat.post({ connectionId: 'c1', fingerprint: 'device-1', ip: '192.0.2.1', nickname: 'Ayşe' }, occ.id, 'Merhaba!');
    await appended;
    // What the composed server's stop does: chat, then the database, with nothing between.
    await chat.stop();
    db.close();

    const result = await posting;
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    const again = openDatabase(dir);
    try {
      expect(await new SqliteChatStore(again).transcript(occ.id)).to.have.length(1);
    } finally {
      again.close();
    }
  });
});
