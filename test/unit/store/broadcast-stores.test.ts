// The BroadcastStore contract (broadcast-store-contract.ts) against both implementations:
// SQLite (a fresh database file per test) and Redis (the real Redis on 6379, a key prefix
// per test, writing with a valid fencing token).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeRedis, connectRedis, waitForRedis } from '../../../src/cluster/redis.js';
import { RedisBroadcastStore } from '../../../src/store/redis/broadcast-store.js';
import { SqliteBroadcastStore } from '../../../src/store/sqlite/broadcast-store.js';
import { openDatabase } from '../../../src/store/sqlite/database.js';
import type { BroadcastStore } from '../../../src/scheduler/broadcast-store.js';
import { REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../cluster/redis-test-support.js';
import { broadcastStoreContract } from './broadcast-store-contract.js';

describe('BroadcastStore contract: SQLite', () => {
  broadcastStoreContract(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-store-'));
    const db = openDatabase(dir);
    return {
      store: new SqliteBroadcastStore(db) satisfies BroadcastStore,
      async close() {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

describe('BroadcastStore contract: Redis (real Redis)', function () {
  this.timeout(20_000);
  broadcastStoreContract(async () => {
    const prefix = uniquePrefix('store-contract');
    const admin = testRedis();
    const redis = connectRedis(REDIS_URL, { name: 'store-contract' });
    await waitForRedis(redis);
    const token = Number(await admin.incr(`${prefix}leader:fence`));
    return {
      store: new RedisBroadcastStore({ redis, prefix, fenceKey: `${prefix}leader:fence`, fencingToken: () => token }) satisfies BroadcastStore,
      async close() {
        await deletePrefix(admin, prefix);
        await admin.quit();
        await closeRedis(redis);
      },
    };
  });
});
