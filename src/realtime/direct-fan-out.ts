// A broadcast written straight to each viewer's WebSocket. socket.io encodes a broadcast
// once (and since 4.7 frames it once), but then hands it to every viewer through engine.io's
// per-connection write path: a packet object, its writeBuffer, two 'flush' events, a
// corked two-part write and a completion callback per viewer, then 'drain' and 'ready'
// events when the callback runs. With 10,000 viewers that path costs the server about twice
// bare `ws`'s CPU per viewer (bench:fanout). Here the adapter's own broadcast still decides
// who gets the packet (rooms, except, the recovery buffer's offset: all socket.io's), and
// each viewer whose connection is an open, idle WebSocket gets one whole frame in one write;
// any other (long polling, upgrading, a write queued in engine.io, compression, outgoing
// listeners) goes through socket.io's path as before, so ordering and semantics hold.
import type { Namespace } from 'socket.io';

type Adapter = Namespace['adapter'];
type BroadcastOptions = Parameters<Adapter['broadcast']>[1];

/** socket.io-parser's EVENT packet type: the only kind sent directly. */
const EVENT = 2;

/** What the direct write reads of a socket.io Socket and its engine.io connection. */
interface ViewerSocket {
  _anyOutgoingListeners?: unknown[];
  client: {
    conn: {
      readyState: string;
      writeBuffer: unknown[];
      transport: {
        name: string;
        writable: boolean;
        perMessageDeflate?: unknown;
        socket?: { readyState: number; _sender?: { sendFrame?: (frames: Buffer[], cb?: (err?: Error) => void) => void } };
      };
    };
  };
}

/** The adapter's private fan-out loop (socket.io-adapter 2.5: apply(opts, callback)). */
type Apply = (opts: BroadcastOptions, callback: (socket: ViewerSocket) => void) => void;

interface Encoder {
  encode(packet: unknown): unknown[];
}

/** An unmasked, final WebSocket text frame (RFC 6455 §5.2) holding `text`, header and payload in one buffer. */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, head);
  return frame;
}

/**
 * Writes `frame` to the viewer's WebSocket if nothing of engine.io's could be ahead of it or
 * reshape it; false when the viewer must go through socket.io's own path.
 */
function writeDirect(socket: ViewerSocket, frame: Buffer): boolean {
  if (socket._anyOutgoingListeners?.length) return false;
  const conn = socket.client.conn;
  const transport = conn.transport;
  // Not 'open' (closing: engine.io drops it), packets waiting in engine.io (they go first),
  // a write in flight (writable false), not a WebSocket (polling, or before the upgrade).
  if (conn.readyState !== 'open' || conn.writeBuffer.length > 0 || !transport.writable || transport.name !== 'websocket' || transport.perMessageDeflate) return false;
  const ws = transport.socket;
  const sendFrame = ws?._sender?.sendFrame;
  // 1: ws's OPEN.
  if (!ws || ws.readyState !== 1 || typeof sendFrame !== 'function') return false;
  sendFrame.call(ws._sender, [frame]);
  return true;
}

/**
 * Makes `adapter`'s broadcasts of events without an acknowledgement go straight to each
 * viewer's WebSocket (see the head of this file). Leaves the adapter as it is when its
 * fan-out loop is not the one this was written for (another socket.io-adapter version).
 * Returns whether it did.
 */
export function directFanOut(adapter: Adapter): boolean {
  const internals = adapter as unknown as { apply?: Apply; broadcast: Adapter['broadcast']; nsp: { server: { encoder: Encoder } } };
  const apply = internals.apply;
  if (typeof apply !== 'function' || apply.length !== 2) return false;
  const encoder = internals.nsp.server.encoder;
  const broadcast = internals.broadcast;
  /** The packet of the broadcast whose fan-out loop runs next. */
  let pending: { type: number; id?: number; data?: unknown[] } | undefined;
  internals.broadcast = function (this: Adapter, packet: { type: number; id?: number }, opts: BroadcastOptions): void {
    pending = packet.type === EVENT && packet.id === undefined ? packet : undefined;
    try {
      broadcast.call(this, packet, opts);
    } finally {
      pending = undefined;
    }
  };
  internals.apply = function (this: Adapter, opts: BroadcastOptions, callback: (socket: ViewerSocket) => void): void {
    const packet = pending;
    pending = undefined;
    // Encoded here, after the adapter has added the recovery offset and the namespace: the
    // same text socket.io would send. Several parts mean binary attachments: its own path.
    const encoded = packet ? encoder.encode(packet) : [];
    if (encoded.length !== 1 || typeof encoded[0] !== 'string') {
      apply.call(this, opts, callback);
      return;
    }
    // "4": an Engine.IO message packet.
    const frame = textFrame(`4${encoded[0]}`);
    apply.call(this, opts, (socket) => {
      if (!writeDirect(socket, frame)) callback(socket);
    });
  };
  return true;
}
