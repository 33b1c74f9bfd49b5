// directFanOut on a real socket.io server (port 0, connection state recovery as onair runs
// it) with real socket.io-client viewers: a broadcast reaches an idle WebSocket viewer in one
// direct write and every other viewer through socket.io's own path, with the same arguments
// (recovery offset included), to the same rooms, in the order it was sent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { directFanOut, textFrame } from '../../../src/realtime/direct-fan-out.js';

/** What engine.io's own write path creates per packet (the direct write creates none). */
interface EngineConn {
  on(event: 'packetCreate', fn: (packet: { type: string; data?: unknown }) => void): void;
}

describe('realtime: direct fan-out', function () {
  this.timeout(15_000);
  let server: http.Server;
  let io: Server;
  let url: string;
  const clients: Socket[] = [];
  /** Engine.IO message packets each server-side socket's connection created, by socket id. */
  const created = new Map<string, string[]>();
  const joined = new Map<string, ServerSocket>();

  before(async () => {
    server = http.createServer();
    io = new Server(server, { perMessageDeflate: false, httpCompression: false, connectionStateRecovery: { maxDisconnectionDuration: 120_000 } });
    expect(directFanOut(io.of('/').adapter)).to.equal(true);
    io.on('connection', (socket) => {
      joined.set(socket.id, socket);
      const mine: string[] = [];
      created.set(socket.id, mine);
      (socket.conn as unknown as EngineConn).on('packetCreate', (p) => {
        if (p.type === 'message') mine.push(String(p.data));
      });
      socket.on('join', (room: string, ack: () => void) => {
        void socket.join(room);
        ack();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const c of clients) c.disconnect();
    await new Promise<void>((r) => io.close(() => r()));
  });

  async function viewer(transports: string[] = ['websocket']): Promise<{ client: Socket; server: ServerSocket }> {
    const client = connect(url, { transports, forceNew: true, reconnection: false });
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    return { client, server: joined.get(client.id!)! };
  }

  /** The next `event` the client receives, with every argument (the recovery offset last). */
  function next(client: Socket, event: string): Promise<unknown[]> {
    return new Promise((resolve) => client.once(event, (...args: unknown[]) => resolve(args)));
  }

  it('writes a broadcast straight to an idle WebSocket viewer and through socket.io to a polling one, with the same arguments and offset', async () => {
    const ws = await viewer();
    const polling = await viewer(['polling']);
    const before = { ws: created.get(ws.server.id)!.length, polling: created.get(polling.server.id)!.length };
    const gotWs = next(ws.client, 'programme:live');
    const gotPolling = next(polling.client, 'programme:live');
    io.emit('programme:live', { title: { tr: 'Masal Saati', en: 'Fairy Tale Time' } });
    const [a, b] = await Promise.all([gotWs, gotPolling]);
    expect(a).to.deep.equal(b);
    expect(a[0]).to.deep.equal({ title: { tr: 'Masal Saati', en: 'Fairy Tale Time' } });
    // The offset the recovery buffer stored for this broadcast: a dropped viewer is recovered from it.
    const buffered = (io.of('/').adapter as unknown as { packets: Array<{ id: string }> }).packets;
    expect(a[1]).to.be.a('string').and.equal(buffered[buffered.length - 1]!.id);
    expect(created.get(ws.server.id)!.length - before.ws, 'engine.io packets for the WebSocket viewer').to.equal(0);
    expect(created.get(polling.server.id)!.length - before.polling, 'engine.io packets for the polling viewer').to.equal(1);
  });

  it('keeps a broadcast behind what engine.io is still writing to that viewer', async () => {
    const v = await viewer();
    const order: string[] = [];
    const done = new Promise<void>((resolve) => {
      v.client.on('first', () => order.push('first'));
      v.client.on('second', () => {
        order.push('second');
        resolve();
      });
    });
    // The first is in engine.io's write path (its transport not writable until written);
    // the broadcast right after must not overtake it.
    v.server.emit('first', 'x'.repeat(200_000));
    io.emit('second');
    await done;
    expect(order).to.deep.equal(['first', 'second']);
  });

  it('reaches only the rooms it is sent to, minus the excepted ones', async () => {
    const inRoom = await viewer();
    const excepted = await viewer();
    const outside = await viewer();
    await inRoom.client.emitWithAck('join', 'p:fairy-tales');
    await excepted.client.emitWithAck('join', 'p:fairy-tales');
    await excepted.client.emitWithAck('join', 'muted');
    const seen: string[] = [];
    for (const [name, v] of [['inRoom', inRoom], ['excepted', excepted], ['outside', outside]] as const) v.client.on('programme:reminder', () => seen.push(name));
    const got = next(inRoom.client, 'programme:reminder');
    io.to('p:fairy-tales').except('muted').emit('programme:reminder', { offsetMs: 900_000 });
    // A second, later broadcast to everyone: once it has arrived everywhere, the first had its chance to.
    const all = [inRoom, excepted, outside].map((v) => next(v.client, 'flush'));
    io.emit('flush');
    await Promise.all([got, ...all]);
    expect(seen).to.deep.equal(['inRoom']);
  });

  it('leaves broadcasts that expect acknowledgements to socket.io', async () => {
    const v = await viewer();
    v.client.on('ping:me', (ack: (r: string) => void) => ack('pong'));
    const replies = await io.to(v.server.id).timeout(5000).emitWithAck('ping:me');
    expect(replies).to.deep.equal(['pong']);
  });

  it('frames payloads of every WebSocket length class', async () => {
    for (const size of [10, 125, 126, 65_535, 65_536, 200_000]) {
      const frame = textFrame('x'.repeat(size));
      const head = frame.length - size;
      expect(head, `header of ${size}`).to.equal(size < 126 ? 2 : size < 65_536 ? 4 : 10);
      expect(frame[0]).to.equal(0x81);
    }
    const v = await viewer();
    const big = 'ü'.repeat(40_000);
    const got = next(v.client, 'big');
    io.emit('big', big);
    expect((await got)[0]).to.equal(big);
  });
});
