// One bench web node in its own process: an HTTP server with Socket.IO on the cluster's
// Streams adapter (the web-node flavour, as `onair web` uses). Prints {"port": n} when ready.
// argv: redisUrl prefix
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { clusterAdapter, connectRedis, waitForRedis, webAdapter } from '../src/cluster/index.js';

const [url, prefix] = process.argv.slice(2);
if (!url || !prefix) throw new Error('usage: cluster-web-node <redisUrl> <prefix>');
const redis = connectRedis(url, { name: 'bench-web', offlineQueue: true });
await waitForRedis(redis);
const server = http.createServer();
// The worker's programme:live arrives through the stream, which the web filter never touches.
const io = new Server(server, {
  adapter: webAdapter(clusterAdapter(redis, { prefix })),
  perMessageDeflate: false,
  httpCompression: false,
  connectionStateRecovery: { maxDisconnectionDuration: 120_000 },
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
process.on('SIGTERM', () => {
  void io.close(() => process.exit(0));
});
void io;
