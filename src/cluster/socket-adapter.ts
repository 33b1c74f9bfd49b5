// Socket.IO across nodes: the Redis Streams adapter (@socket.io/redis-streams-adapter).
// Chosen over the Pub/Sub redis-adapter because it keeps connection state recovery working
// across nodes (a viewer who drops and comes back through another node gets what it missed),
// and over @socket.io/redis-emitter because the emitter does not reach clients of the Streams
// adapter: a worker that emits holds a Socket.IO Server bound to this same adapter instead.
import type { Redis } from 'ioredis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Server, type ServerOptions } from 'socket.io';

export interface ClusterAdapterOptions {
  /** Key prefix shared by the cluster, e.g. "onair:". */
  prefix: string;
  /** Entries kept in the stream; a viewer can recover at most this far back. @defaultValue 10000 */
  maxLen?: number;
}

/**
 * The adapter factory for `new Server({ adapter })`. `redis` must queue commands while
 * offline (connectRedis(..., { offlineQueue: true })) so the adapter's XREAD loop resumes
 * by itself after Redis comes back; the adapter duplicates it for its blocking reads.
 *
 * Closing the last namespace's adapter also disconnects those duplicates. The library only
 * drops its stream reader once the pending blocking XREAD returns (up to 5 s), and with Redis
 * away that read is held for the reconnect and never returns: the reader kept reconnecting
 * after its node had stopped. The library makes both duplicates while createAdapter runs
 * (synchronously), which is when they are recorded here.
 */
export function clusterAdapter(redis: Redis, options: ClusterAdapterOptions): NonNullable<ServerOptions['adapter']> {
  const duplicates: Redis[] = [];
  const duplicate = redis.duplicate;
  const ownProperty = Object.prototype.hasOwnProperty.call(redis, 'duplicate');
  redis.duplicate = (...args: Parameters<Redis['duplicate']>): Redis => {
    const copy = duplicate.apply(redis, args);
    duplicates.push(copy);
    return copy;
  };
  let inner: (nsp: unknown) => { close(): Promise<void> | void };
  try {
    inner = createAdapter(redis, {
      streamName: `${options.prefix}socket.io`,
      channelPrefix: `${options.prefix}socket.io`,
      sessionKeyPrefix: `${options.prefix}sio:session:`,
      maxLen: options.maxLen ?? 10_000,
    }) as unknown as typeof inner;
  } finally {
    if (ownProperty) redis.duplicate = duplicate;
    else delete (redis as { duplicate?: unknown }).duplicate;
  }
  let open = 0;
  // A plain function, not an arrow: socket.io calls the factory with `new`.
  return function closingAdapter(nsp: unknown) {
    const adapter = inner(nsp);
    open++;
    const close = adapter.close.bind(adapter);
    adapter.close = async () => {
      try {
        await close();
      } finally {
        if (--open === 0) for (const d of duplicates) d.disconnect();
      }
    };
    return adapter;
  } as unknown as NonNullable<ServerOptions['adapter']>;
}

/** A Socket.IO server that never listens, and how to close it. */
export interface EmitOnlyServer<S extends Record<string, (...args: any[]) => void>> {
  io: Server<Record<string, never>, S>;
  /** Closes the adapters of every namespace used (Server.close() throws without an engine). */
  close(): Promise<void>;
}

/**
 * A Socket.IO server that never listens, bound to the cluster adapter: what the worker uses
 * to emit to viewers connected to the web nodes.
 */
export function emitOnlyServer<S extends Record<string, (...args: any[]) => void>>(
  adapter: NonNullable<ServerOptions['adapter']>,
): EmitOnlyServer<S> {
  const io = new Server<Record<string, never>, S>({ adapter, serveClient: false });
  return {
    io,
    async close() {
      await Promise.allSettled([...io._nsps.values()].map(async (nsp) => nsp.adapter.close()));
    },
  };
}
