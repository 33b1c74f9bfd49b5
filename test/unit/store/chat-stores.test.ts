// The ChatStore contract (chat-store-contract.ts) against both implementations: SQLite (a
// fresh database file per test) and Redis (the real Redis on 6379, a key prefix per test).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChatStore } from '../../../src/chat/types.js';
import { RedisChatStore } from '../../../src/store/redis/chat-store.js';
import { SqliteChatStore } from '../../../src/store/sqlite/chat-store.js';
import { openDatabase } from '../../../src/store/sqlite/database.js';
import { deletePrefix, testRedis, uniquePrefix } from '../cluster/redis-test-support.js';
import { chatStoreContract } from './chat-store-contract.js';

describe('ChatStore contract: SQLite', () => {
  chatStoreContract(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-chat-store-'));
    const db = openDatabase(dir);
    return {
      store: new SqliteChatStore(db) satisfies ChatStore,
      async close() {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

describe('ChatStore contract: Redis (real Redis)', function () {
  this.timeout(20_000);
  chatStoreContract(async () => {
    const redis = testRedis();
    const prefix = uniquePrefix('chat');
    return {
      store: new RedisChatStore({ redis, prefix }) satisfies ChatStore,
      async close() {
        await deletePrefix(redis, prefix);
        await redis.quit();
      },
    };
  });
});
