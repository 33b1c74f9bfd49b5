// Redis goes away briefly (SIGKILL) and comes back: a second, private redis-server on a free
// port with an append-only file (the shared one on 6379 is never touched). The nodes' pieces
// recover by themselves: no audit entry written before the crash is lost, a write during the
// outage fails loudly instead of vanishing, the lease is given up and taken again with a
// higher fencing token, and Socket.IO fan-out across two nodes works again.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { LeaderLease } from '../../src/cluster/leader-lease.js';
import { RedisChatStore } from '../../src/store/redis/chat-store.js';
import { clusterAdapter } from '../../src/cluster/socket-adapter.js';
import { closeRedis, connectRedis, waitForRedis } from '../../src/cluster/redis.js';
import { systemClock } from '../../src/shared/clock.js';
import { nextEvent } from '../unit/cluster/redis-test-support.js';
import { freePort, killRedisServer as kill, startRedisServer } from '../support/redis-server.js';

describe('cluster: Redis restarts under running nodes (private redis-server)', function () {
  this.timeout(60_000);
  let dir: string;
  let port: number;
  let redisProc: ChildProcess | undefined;
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-redis-'));
    port = await freePort();
    redisProc = await startRedisServer(port, dir);
  });

  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    if (redisProc) await kill(redisProc);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loses no audit entry, refuses writes while down, re-elects a leader and fans out again', async () => {
    const url = `redis://127.0.0.1:${port}`;
    // Node A: chat store + lease + a web Socket.IO server. Node B: a web Socket.IO server.
    const dataA = connectRedis(url, { name: 'a-data' });
    const leaseConn = connectRedis(url, { name: 'a-lease' });
    const adapterA = connectRedis(url, { name: 'a-adapter', offlineQueue: true });
    const adapterB = connectRedis(url, { name: 'b-adapter', offlineQueue: true });
    for (const r of [dataA, leaseConn, adapterA, adapterB]) cleanups.push(() => closeRedis(r));
    await Promise.all([dataA, leaseConn, adapterA, adapterB].map((r) => waitForRedis(r)));

    const store = new RedisChatStore({ redis: dataA, prefix: 'onair:' });
    const lease = new LeaderLease({ redis: leaseConn, clock: systemClock, key: 'onair:leader', ttlMs: 1500, safetyMarginMs: 400 });
    lease.on('error', () => {});
    cleanups.push(() => lease.stop());
    const firstTerm = nextEvent<[number]>(lease, 'acquired');
    lease.start();
    const [token1] = await firstTerm;

    const servers: Array<{ io: Server; http: http.Server; port: number }> = [];
    for (const conn of [adapterA, adapterB]) {
      const h = http.createServer();
      const io = new Server(h, { adapter: clusterAdapter(conn, { prefix: 'onair:' }) });
      await new Promise<void>((resolve) => h.listen(0, '127.0.0.1', resolve));
      servers.push({ io, http: h, port: (h.address() as AddressInfo).port });
      cleanups.push(() => new Promise<void>((resolve) => io.close(() => resolve())));
    }
    const viewer: ClientSocket = connect(`http://127.0.0.1:${servers[1]!.port}`, { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 300 });
    cleanups.push(() => void viewer.disconnect());
    await new Promise<void>((resolve) => viewer.once('connect', () => resolve()));

    const written = [];
    for (let i = 0; i < 5; i++) {
      written.push(
        await store.appendAudit({ at: `2026-12-12T11:0${i}:00.000Z`, moderator: 'zeynep', action: 'delete', occurrenceId: 'final@1', messageId: `m${i}`, target: 'x', origin: 'onair', detail: '' }),
      );
    }

    // Redis dies.
    const lost = nextEvent<[string]>(lease, 'lost');
    await kill(redisProc!);
    let refused: unknown;
    try {
      await store.appendAudit({ at: '2026-12-12T11:06:00.000Z', moderator: 'zeynep', action: 'ban', occurrenceId: 'final@1', messageId: 'm9', target: 'y', origin: 'onair', detail: '' });
    } catch (err) {
      refused = err;
    }
    expect(refused, 'a write while Redis is down fails loudly').to.be.instanceOf(Error);
    const [reason] = await lost;
    expect(reason).to.equal('expired');
    expect(lease.isLeader).to.equal(false);

    // Redis comes back on the same port with the same append-only file.
    const reacquired = nextEvent<[number]>(lease, 'acquired');
    redisProc = await startRedisServer(port, dir);
    await waitForRedis(dataA, 20_000);
    const [token2] = await reacquired;
    expect(token2).to.be.greaterThan(token1);

    const audit = await store.audit(100);
    expect(audit.map((e) => e.id)).to.deep.equal([5, 4, 3, 2, 1]);
    expect(audit.reverse()).to.deep.equal(written);
    const next = await store.appendAudit({ at: '2026-12-12T11:07:00.000Z', moderator: 'zeynep', action: 'ban', occurrenceId: 'final@1', messageId: 'm9', target: 'y', origin: 'onair', detail: '' });
    expect(next.id).to.equal(6);

    // Fan-out across the nodes works again (the adapters resumed their streams).
    for (let i = 0; i < 400; i++) {
      if ((await servers[0]!.io.fetchSockets().catch(() => [])).length === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const got = new Promise<string>((resolve) => viewer.once('programme:live', (x: string) => resolve(x)));
    servers[0]!.io.emit('programme:live', 'after-restart');
    expect(await got).to.equal('after-restart');
  });
});
