// The SessionStore and StaffAuditLog contracts (their doc comments in src/chat/session-store.ts
// and src/store/sqlite/staff-audit.ts), one suite each, run against the embedded store (memory,
// SQLite) and the cluster's (the real Redis on 6379, a key prefix per test).
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { MemorySessionStore, type SessionStore } from '../../../src/chat/session-store.js';
import { RedisSessionStore } from '../../../src/store/redis/session-store.js';
import { RedisStaffAudit } from '../../../src/store/redis/staff-audit.js';
import { openDatabase } from '../../../src/store/sqlite/database.js';
import { SqliteStaffAudit, type StaffAuditLog } from '../../../src/store/sqlite/staff-audit.js';
import { deletePrefix, testRedis, uniquePrefix } from '../cluster/redis-test-support.js';

interface UnderTest<S> {
  store: S;
  close(): Promise<void>;
}

const NOW = Date.parse('2026-12-05T08:00:00.000Z');

function sessionContract(make: (now: () => number) => Promise<UnderTest<SessionStore>>): void {
  let t: UnderTest<SessionStore>;
  beforeEach(async () => {
    t = await make(() => NOW);
  });
  afterEach(async () => {
    await t.close();
  });

  it('gives back what was put, forgets what was deleted, and knows no other id', async () => {
    const expiresAt = new Date(NOW + 3_600_000);
    await t.store.put({ id: 'sess-1', moderator: 'ayse', expiresAt });
    await t.store.put({ id: 'sess-2', moderator: 'zeynep', expiresAt });
    expect(await t.store.get('sess-1')).to.deep.equal({ id: 'sess-1', moderator: 'ayse', expiresAt });
    await t.store.delete('sess-1');
    expect(await t.store.get('sess-1')).to.equal(undefined);
    expect((await t.store.get('sess-2'))?.moderator).to.equal('zeynep');
    expect(await t.store.get('never-put')).to.equal(undefined);
    await t.store.delete('never-put'); // no error
  });
}

function staffAuditContract(make: () => Promise<UnderTest<StaffAuditLog>>): void {
  let t: UnderTest<StaffAuditLog>;
  beforeEach(async () => {
    t = await make();
  });
  afterEach(async () => {
    await t.close();
  });

  it('numbers every attempt, done or refused, and lists them newest first', async () => {
    const done = await t.store.append({ at: '2026-12-05T08:00:00.000Z', staff: 'ayse', action: 'extend', occurrenceId: 'story@1', status: 200, detail: '+15 minutes' });
    const refused = await t.store.append({ at: '2026-12-05T08:01:00.000Z', staff: 'unauthenticated', action: 'END', occurrenceId: 'story@1', status: 401, detail: 'log in first' });
    expect(refused.id).to.be.above(done.id);
    expect(await t.store.recent(10)).to.deep.equal([refused, done]);
    expect(await t.store.recent(1)).to.deep.equal([refused]);
  });
}

function redisPrefixed<S>(name: string, build: (redis: Redis, prefix: string) => S): () => Promise<UnderTest<S>> {
  return async () => {
    const redis = testRedis();
    const prefix = uniquePrefix(name);
    return {
      store: build(redis, prefix),
      async close() {
        await deletePrefix(redis, prefix);
        await redis.quit();
      },
    };
  };
}

describe('SessionStore contract: memory (embedded)', () => {
  sessionContract(async (now) => ({ store: new MemorySessionStore(now), close: async () => {} }));
});

describe('SessionStore contract: Redis (real Redis)', function () {
  this.timeout(20_000);
  sessionContract((now) => redisPrefixed('sessions', (redis, prefix) => new RedisSessionStore({ redis, prefix, now }))());
});

describe('StaffAuditLog contract: SQLite (embedded)', () => {
  staffAuditContract(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-staff-audit-'));
    const db = openDatabase(dir);
    return {
      store: new SqliteStaffAudit(db),
      async close() {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

describe('StaffAuditLog contract: Redis (real Redis)', function () {
  this.timeout(20_000);
  staffAuditContract(redisPrefixed('staff-audit', (redis, prefix) => new RedisStaffAudit({ redis, prefix })));
});
