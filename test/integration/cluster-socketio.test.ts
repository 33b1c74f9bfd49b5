// Socket.IO across nodes on the real Redis: two web nodes and a worker that never listens,
// real socket.io-client viewers, and a viewer that drops and comes back through the other
// node (behind a real TCP proxy standing in for the load balancer) recovering what it missed.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { clusterAdapter, emitOnlyServer } from '../../src/cluster/socket-adapter.js';
import { closeRedis, connectRedis, waitForRedis } from '../../src/cluster/redis.js';
import { REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../unit/cluster/redis-test-support.js';

interface Node {
  io: Server;
  http: http.Server;
  port: number;
  redis: Redis;
}

/** A TCP proxy whose target can be switched, dropping every open connection (a node dies). */
class SwitchingProxy {
  readonly server: net.Server;
  target: number;
  readonly #open = new Set<net.Socket>();

  constructor(target: number) {
    this.target = target;
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target, '127.0.0.1');
      this.#open.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
        this.#open.delete(client);
        this.#open.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  switchTo(target: number): void {
    this.target = target;
    for (const s of this.#open) s.destroy();
    this.#open.clear();
  }

  close(): Promise<void> {
    this.switchTo(this.target);
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('cluster: Socket.IO over the Redis Streams adapter (real Redis, real clients)', function () {
  this.timeout(30_000);
  let prefix: string;
  let admin: Redis;
  const nodes: Node[] = [];
  const clients: ClientSocket[] = [];
  const closers: Array<() => Promise<void>> = [];

  async function webNode(): Promise<Node> {
    const redis = connectRedis(REDIS_URL, { name: 'web', offlineQueue: true });
    await waitForRedis(redis);
    const server = http.createServer();
    const io = new Server(server, {
      adapter: clusterAdapter(redis, { prefix }),
      connectionStateRecovery: { maxDisconnectionDuration: 60_000, skipMiddlewares: true },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const node = { io, http: server, port: (server.address() as AddressInfo).port, redis };
    nodes.push(node);
    return node;
  }

  function viewer(port: number): Promise<ClientSocket> {
    const socket = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 200 });
    clients.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  /** Resolves once every node's adapter sees the expected number of sockets cluster-wide. */
  async function clusterSees(io: Server, n: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await io.fetchSockets()).length === n) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`cluster never saw ${n} sockets`);
  }

  beforeEach(() => {
    prefix = uniquePrefix('sio');
    admin = testRedis();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const close of closers.splice(0)) await close();
    for (const n of nodes.splice(0)) {
      await new Promise<void>((resolve) => n.io.close(() => resolve()));
      await closeRedis(n.redis);
    }
    await deletePrefix(admin, prefix);
    await admin.quit();
  });

  it("delivers a worker's programme:live, emitted from a server that never listens, to viewers on both web nodes exactly once", async () => {
    const a = await webNode();
    const b = await webNode();
    const workerRedis = connectRedis(REDIS_URL, { name: 'worker', offlineQueue: true });
    await waitForRedis(workerRedis);
    const { io: worker, close } = emitOnlyServer<{ 'programme:live': (p: { occurrenceId: string }) => void }>(clusterAdapter(workerRedis, { prefix }));
    closers.push(async () => {
      await close();
      await closeRedis(workerRedis);
    });

    const viewers = await Promise.all([viewer(a.port), viewer(a.port), viewer(b.port), viewer(b.port)]);
    await clusterSees(a.io, 4);
    const received = viewers.map(() => [] as string[]);
    viewers.forEach((v, i) => v.on('programme:live', (p: { occurrenceId: string }) => received[i]!.push(p.occurrenceId)));
    const all = Promise.all(viewers.map((v) => new Promise<void>((resolve) => v.once('programme:live', () => resolve()))));
    worker.emit('programme:live', { occurrenceId: 'final@2026-12-12T14:00' });
    await all;

    // A chat message sent on node B reaches node A's viewers too.
    const chatOnA = new Promise<string>((resolve) => viewers[0]!.once('chat:message', (m: string) => resolve(m)));
    b.io.emit('chat:message', 'merhaba');
    expect(await chatOnA).to.equal('merhaba');
    // Exactly once each: a round trip through the same stream after the live event proves
    // nothing more was queued behind it.
    expect(received).to.deep.equal(viewers.map(() => ['final@2026-12-12T14:00']));
  });

  it('recovers a viewer that reconnects through the other node, with the event it missed meanwhile', async () => {
    const a = await webNode();
    const b = await webNode();
    const proxy = new SwitchingProxy(a.port);
    const proxyPort = await proxy.listen();
    closers.push(() => proxy.close());

    const v = await viewer(proxyPort);
    await clusterSees(b.io, 1);
    // The client needs one broadcast with an offset before it can recover.
    const first = new Promise<string>((resolve) => v.once('programme:reminder', (x: string) => resolve(x)));
    a.io.emit('programme:reminder', 'soon');
    expect(await first).to.equal('soon');
    expect(v.recovered).to.equal(false);

    const disconnected = new Promise<void>((resolve) => v.once('disconnect', () => resolve()));
    proxy.switchTo(b.port); // node A is gone for this viewer; the balancer sends it to B
    await disconnected;
    await clusterSees(b.io, 0);

    const missed = new Promise<string>((resolve) => v.once('programme:live', (x: string) => resolve(x)));
    const reconnected = new Promise<void>((resolve) => v.once('connect', () => resolve()));
    // Emitted while the viewer is away (from node A, which is still up for others).
    a.io.emit('programme:live', 'final@2026-12-12T14:00');
    await reconnected;
    expect(v.recovered, 'connection state recovered across nodes').to.equal(true);
    expect(await missed).to.equal('final@2026-12-12T14:00');
    const onB = await b.io.local.fetchSockets();
    expect(onB.map((s) => s.id)).to.include(v.id);
  });
});
