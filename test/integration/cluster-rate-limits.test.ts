// Limits in cluster mode hold across web nodes (real Redis, two real `web` nodes from the
// composition): a guesser who spreads password guesses over both nodes is throttled after
// the same ten failures as on one node, and the API limit counts requests to both together.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { hashPassword } from '../../src/chat/index.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startClusterNode, type ClusterOnair } from '../../src/main-cluster.js';
import { createLogger } from '../../src/shared/logger.js';
import { REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../unit/cluster/redis-test-support.js';
import { ManualClock } from '../support/manual-clock.js';

describe('cluster: one rate limit across web nodes (real Redis)', function () {
  this.timeout(60_000);
  let prefix: string;
  let admin: Redis;
  let tmp: string;
  let nodes: ClusterOnair[] = [];

  before(async () => {
    prefix = uniquePrefix('ratelimits');
    admin = testRedis();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-ratelimits-'));
    fs.mkdirSync(path.join(tmp, 'schedules'));
    const base = loadConfig({
      env: { PORT: '0', ONAIR_HOST: '127.0.0.1', ONAIR_DATA_DIR: path.join(tmp, 'data'), ONAIR_SCHEDULES_DIR: path.join(tmp, 'schedules'), ONAIR_REDIS_URL: REDIS_URL, ONAIR_REDIS_PREFIX: prefix, ONAIR_LOG_LEVEL: 'silent' },
    });
    const config: Readonly<Config> = { ...base, moderation: { ...base.moderation, accounts: [{ name: 'ayse', passwordHash: await hashPassword('moderator secret') }] } };
    // The limits count in windows of the clock (a minute for login guesses): on the wall
    // clock, guesses made across a minute's end were counted in two windows and the last two
    // got 401, not 429. Both nodes share a clock that stands still inside one window.
    const clock = new ManualClock('2026-12-05T08:00:10Z');
    for (let i = 0; i < 2; i++) nodes.push(await startClusterNode(config, { role: 'web', logger: createLogger('silent'), clock }));
  });

  after(async () => {
    for (const n of nodes) await n.stop();
    nodes = [];
    await deletePrefix(admin, prefix);
    await admin.quit();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function login(node: ClusterOnair, password: string): Promise<number> {
    return fetch(`http://127.0.0.1:${node.port}/api/moderation/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ayse', password }),
    }).then((r) => r.status);
  }

  it('throttles password guesses spread over two nodes after ten in all, and keeps the count in Redis', async () => {
    const [a, b] = nodes as [ClusterOnair, ClusterOnair];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await login(a, `guess a${i}`), await login(b, `guess b${i}`));
    expect(statuses.slice(0, 10)).to.deep.equal(Array(10).fill(401));
    expect(statuses.slice(10)).to.deep.equal([429, 429]);
    // Each node alone would have allowed ten: the count lives in Redis, under the cluster's prefix.
    const keys = await admin.keys(`${prefix}ratelimit:login-name*`);
    expect(keys.length).to.be.greaterThan(0);
  });
});
