// One bench web node in its own process: an HTTP server with Socket.IO on the cluster's
// Streams adapter (the web-node flavour, as `onair web` uses). Prints {"port": n} when ready.
// With redisUrl "single" it is the single-process baseline instead: no adapter, and it emits
// programme:live itself for each "emit <round>" line on stdin.
// argv: redisUrl|single prefix
import http from 'node:http';
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { clusterAdapter, connectRedis, waitForRedis, webAdapter } from '../src/cluster/index.js';

const [url, prefix] = process.argv.slice(2);
if (!url || !prefix) throw new Error('usage: cluster-web-node <redisUrl> <prefix>');
const single = url === 'single';
const redis = single ? undefined : connectRedis(url, { name: 'bench-web', offlineQueue: true });
if (redis) await waitForRedis(redis);
const server = http.createServer();
// The worker's programme:live arrives through the stream, which the web filter never touches.
const io = new Server(server, {
  ...(redis ? { adapter: webAdapter(clusterAdapter(redis, { prefix })) } : {}),
  perMessageDeflate: false,
  httpCompression: false,
  connectionStateRecovery: { maxDisconnectionDuration: 120_000 },
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
if (single) {
  createInterface({ input: process.stdin }).on('line', (line) => {
    const round = Number(line.split(' ')[1]);
    io.emit('programme:live', { round, sentAt: performance.timeOrigin + performance.now() });
  });
}
process.on('SIGTERM', () => {
  void io.close(() => process.exit(0));
});
void io;
