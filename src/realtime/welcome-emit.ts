// What one viewer gets when it connects (its `schedule` snapshot, its signed identity),
// sent without a copy in the recovery buffer. With connection state recovery socket.io
// keeps every emit — one socket's too — in its adapter for the whole window (2 minutes),
// with two Sets of its own: 1.6 KB of heap per viewer in bench:fanout, the largest part of
// what onair adds to socket.io's own cost. A viewer still needs an offset to be recovered at
// all (socket.io recovers from the last offset the client received), so these packets carry
// the offset of the newest packet already in the buffer: a recovered viewer then gets
// everything broadcast after it, which is everything it could have missed (its snapshot is
// newer than the rest). When that packet is older than `reuseMs` (a quiet server) or the
// adapter keeps no local buffer (the cluster's Redis streams adapter has its own offsets),
// the emit is an ordinary stored one.
import type { Socket } from 'socket.io';

/** The in-memory SessionAwareAdapter's buffer: newest last (socket.io-adapter). */
interface BufferedPacket {
  id: string;
  emittedAt: number;
}

/** socket.io-parser's EVENT packet type. */
const EVENT = 2;

/**
 * The offset of the newest packet in the namespace's recovery buffer when it is recent,
 * else undefined. Recent: a viewer's recovery window is measured from that packet (the
 * adapter prunes by age), so an old one would shorten it.
 */
function recentOffset(socket: Socket, now: number, reuseMs: number): string | undefined {
  const packets = (socket.nsp.adapter as { packets?: unknown }).packets;
  if (!Array.isArray(packets) || packets.length === 0) return undefined;
  const newest = packets[packets.length - 1] as BufferedPacket;
  return typeof newest.id === 'string' && now - newest.emittedAt <= reuseMs ? newest.id : undefined;
}

/**
 * Sends one event to one socket as `socket.emit` would, with a recovery offset but without
 * a copy in the recovery buffer when a recent buffered packet can lend its offset.
 * @param reuseMs how old the lent offset may be. @defaultValue 1000
 */
export function emitWelcome(socket: Socket, event: string, payload: unknown, now = Date.now(), reuseMs = 1000): void {
  const offset = socket.nsp.server._opts.connectionStateRecovery ? recentOffset(socket, now, reuseMs) : undefined;
  if (offset === undefined) {
    (socket.emit as (e: string, p: unknown) => boolean)(event, payload);
    return;
  }
  socket.client._packet({ type: EVENT, nsp: socket.nsp.name, data: [event, payload, offset] }, { compress: false });
}
