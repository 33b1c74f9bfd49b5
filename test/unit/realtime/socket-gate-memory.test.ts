// What the gate lets go once a WebSocket connection is admitted, on a real socket.io server
// with the gate wired as RealtimeServer wires it: engine.io's upgrade response (kept alive by
// its 'close' listener on the TCP socket) and engine.io's pre-upgrade error listener.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { expect } from 'chai';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { SocketGate, type RawConnection } from '../../../src/realtime/socket-gate.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

describe('realtime: socket gate memory', function () {
  this.timeout(15_000);
  let server: http.Server;
  let io: Server;
  let client: Socket | undefined;
  const responses: Array<WeakRef<object>> = [];
  const admitted: RawConnection[] = [];

  before(async () => {
    server = http.createServer();
    io = new Server(server, { perMessageDeflate: false });
    const gate = new SocketGate({ corsOrigins: [], maxSocketsPerAddress: 10 });
    io.engine.use((req: http.IncomingMessage, res: object, next: (err?: unknown) => void) => gate.noteResponse(req, res, next));
    // After the gate's: keeps only a weak reference to each upgrade's response.
    io.engine.use((_req: http.IncomingMessage, res: object, next: () => void) => {
      if (!(res instanceof http.ServerResponse)) responses.push(new WeakRef(res));
      next();
    });
    io.engine.on('connection', (raw: RawConnection) => {
      gate.admit(raw);
      admitted.push(raw);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });

  after(async () => {
    client?.disconnect();
    await new Promise<void>((r) => io.close(() => r()));
  });

  it('lets the upgrade response and the pre-upgrade error listener go once a WebSocket viewer is admitted', async () => {
    client = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      client!.once('connect', resolve);
      client!.once('connect_error', reject);
    });
    expect(responses).to.have.length(1);
    const ws = admitted[0]!.transport!.socket!;
    expect(ws.listeners('error').map((fn) => fn.name)).to.not.include('onUpgradeError');
    // Collected while the connection stays open: nothing holds the response any more.
    await new Promise((r) => setImmediate(r));
    gc();
    expect(responses[0]!.deref(), 'the upgrade response').to.equal(undefined);
    expect(client.connected).to.equal(true);
  });

  it('gives every connection the same close listener, and still counts a closed one out', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const more = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<Socket>((resolve, reject) => {
            const c = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
            c.once('connect', () => resolve(c));
            c.once('connect_error', reject);
          }),
      ),
    );
    const closeListeners = (raw: RawConnection): unknown[] => (raw as unknown as { listeners(e: string): unknown[] }).listeners('close');
    const raws = admitted.slice(-2);
    const [a, b] = raws.map(closeListeners);
    // The gate's listener is the one both connections share (engine.io's and socket.io's own are per connection).
    const shared = a!.filter((fn) => b!.includes(fn));
    expect(shared, 'listeners shared by two connections').to.have.length(1);
    // Per-address cap 10, one connection still open from the first test: nine more fit only
    // if the two closed ones were counted out.
    const closed = raws.map((raw) => new Promise<void>((resolve) => raw.once('close', resolve)));
    for (const c of more) c.disconnect();
    await Promise.all(closed);
    const many = await Promise.all(
      Array.from(
        { length: 9 },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const c = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
            c.once('connect', () => resolve(c));
            c.once('connect_error', reject);
          }),
      ),
    );
    for (const c of many) c.disconnect();
  });
});
