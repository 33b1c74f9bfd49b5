// Moderator sessions in cluster mode (real Redis, two real `web` nodes from the cluster
// composition root): a login on node A holds on node B over HTTP and on the /moderation
// Socket.IO namespace, survives a restart of node A, and a logout on B ends it everywhere.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { hashPassword } from '../../src/chat/index.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startClusterNode, type ClusterOnair } from '../../src/main-cluster.js';
import { createLogger } from '../../src/shared/logger.js';
import { REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../unit/cluster/redis-test-support.js';

describe('cluster: moderator sessions shared by web nodes (real Redis)', function () {
  this.timeout(60_000);
  let prefix: string;
  let admin: Redis;
  let tmp: string;
  let config: Readonly<Config>;
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeEach(async () => {
    prefix = uniquePrefix('sessions');
    admin = testRedis();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-sessions-'));
    fs.mkdirSync(path.join(tmp, 'schedules'));
    const base = loadConfig({
      env: { PORT: '0', ONAIR_HOST: '127.0.0.1', ONAIR_DATA_DIR: path.join(tmp, 'data'), ONAIR_SCHEDULES_DIR: path.join(tmp, 'schedules'), ONAIR_REDIS_URL: REDIS_URL, ONAIR_REDIS_PREFIX: prefix, ONAIR_LOG_LEVEL: 'silent' },
    });
    config = { ...base, moderation: { ...base.moderation, accounts: [{ name: 'ayse', passwordHash: await hashPassword('moderator secret') }] } };
  });

  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await deletePrefix(admin, prefix);
    await admin.quit();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function webNode(): Promise<ClusterOnair> {
    const node = await startClusterNode(config, { role: 'web', logger: createLogger('silent') });
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await node.stop();
    });
    const stop = node.stop.bind(node);
    node.stop = async () => {
      stopped = true;
      await stop();
    };
    return node;
  }

  function me(port: number, cookie: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${port}/api/moderation/me`, { headers: { cookie } });
  }

  /** Opens /moderation with the cookie; resolves with the socket, or the refusal's message. */
  function moderatorSocket(port: number, cookie: string): Promise<ClientSocket | string> {
    const s = connect(`http://127.0.0.1:${port}/moderation`, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
    cleanups.push(() => void s.disconnect());
    return new Promise((resolve) => {
      s.once('connect', () => resolve(s));
      s.once('connect_error', (err) => resolve(err.message));
    });
  }

  it('a login on node A works on node B (HTTP and /moderation), survives A restarting, and a logout on B ends it on A', async () => {
    const a = await webNode();
    const b = await webNode();
    const login = await fetch(`http://127.0.0.1:${a.port}/api/moderation/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ayse', password: 'moderator secret' }),
    });
    expect(login.status).to.equal(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).to.match(/^onair_mod=.+/);
    const id = decodeURIComponent(cookie.slice('onair_mod='.length));

    const onB = await me(b.port, cookie);
    expect(onB.status).to.equal(200);
    expect(((await onB.json()) as { moderator: string }).moderator).to.equal('ayse');

    const socket = await moderatorSocket(b.port, cookie);
    if (typeof socket === 'string') throw new Error(`node B refused the session: ${socket}`);
    const audit = (await socket.emitWithAck('mod:audit', {})) as { ok: boolean };
    expect(audit.ok).to.equal(true);

    // The session id itself is not in Redis (only its hash), and the key expires with it.
    const keys = await admin.keys(`${prefix}session:*`);
    expect(keys).to.have.length(1);
    expect(keys[0]).to.not.contain(id);
    const ttl = await admin.pttl(keys[0]!);
    expect(ttl).to.be.within(config.moderation.sessionTtl - 60_000, config.moderation.sessionTtl);

    // Node A restarts: the moderator is still logged in there.
    await a.stop();
    const a2 = await webNode();
    expect((await me(a2.port, cookie)).status).to.equal(200);

    // Logging out on B ends the session on A too, for HTTP and the socket handshake.
    const out = await fetch(`http://127.0.0.1:${b.port}/api/moderation/logout`, { method: 'POST', headers: { cookie } });
    expect(out.status).to.equal(204);
    expect((await me(a2.port, cookie)).status).to.equal(401);
    expect(await moderatorSocket(a2.port, cookie)).to.equal('unauthorized');
    expect(await admin.keys(`${prefix}session:*`)).to.have.length(0);
  });
});
