// RTMP receivers that freeze without closing, for tests: a black hole that accepts TCP and
// never reads or answers (so the RTMP handshake never completes), and a proxy in front of a
// real receiver that forwards until freeze(), then stops reading — the connection stays open
// and the kernel's buffers fill, as with a server that hangs mid-stream; after drop() too, a
// reconnecting sender is accepted but never answered (its RTMP handshake never completes).
import net from 'node:net';

/** A TCP server on loopback port 0; `onConnection` decides what each connection gets. */
async function listen(onConnection: (socket: net.Socket) => void): Promise<{ server: net.Server; port: number; sockets: Set<net.Socket> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port, sockets };
}

async function close(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Accepts every connection and never reads from it nor writes to it. */
export class BlackHole {
  private constructor(private readonly s: Awaited<ReturnType<typeof listen>>) {}

  static async start(): Promise<BlackHole> {
    return new BlackHole(await listen((socket) => socket.pause()));
  }

  get port(): number {
    return this.s.port;
  }

  /** Connections accepted and still open. */
  get connections(): number {
    return this.s.sockets.size;
  }

  stop(): Promise<void> {
    return close(this.s.server, this.s.sockets);
  }
}

/**
 * Forwards each connection to `targetPort` on loopback until freeze(); after it, connections
 * (old and new) stay open and nothing is read from them or passed on.
 */
export class FreezingProxy {
  #frozen = false;
  readonly #pairs: Array<{ client: net.Socket; upstream: net.Socket }> = [];

  private constructor(private readonly s: Awaited<ReturnType<typeof listen>>) {}

  static async start(targetPort: number): Promise<FreezingProxy> {
    let proxy: FreezingProxy | undefined;
    const s = await listen((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      proxy!.#pairs.push({ client, upstream });
      if (proxy!.#frozen) {
        client.pause();
        return;
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    proxy = new FreezingProxy(s);
    return proxy;
  }

  get port(): number {
    return this.s.port;
  }

  /** From now on nothing is read from the sender nor passed either way; connections stay open. */
  freeze(): void {
    this.#frozen = true;
    for (const { client, upstream } of this.#pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** Closes every connection made so far (the sender sees it drop, and reconnects). */
  drop(): void {
    for (const { client, upstream } of this.#pairs.splice(0)) {
      client.destroy();
      upstream.destroy();
    }
  }

  async stop(): Promise<void> {
    for (const { upstream } of this.#pairs) upstream.destroy();
    await close(this.s.server, this.s.sockets);
  }
}
