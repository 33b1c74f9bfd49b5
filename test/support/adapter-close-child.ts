// A process holding only the cluster's Socket.IO adapter (an emit-only server on a Redis
// connection), for the test that it lets go of Redis when closed: prints `{"event":"ready"}`
// once connected; on a `close` line on stdin closes the adapter and its connection, prints
// `{"event":"closed"}`, and should then exit by itself. argv: <redis URL>
import { createInterface } from 'node:readline';
import { closeRedis, connectRedis, waitForRedis } from '../../src/cluster/redis.js';
import { clusterAdapter, emitOnlyServer } from '../../src/cluster/socket-adapter.js';

const url = process.argv[2];
if (!url) throw new Error('usage: adapter-close-child <redis URL>');
const conn = connectRedis(url, { name: 'adapter-close', offlineQueue: true });
await waitForRedis(conn);
const emitter = emitOnlyServer(clusterAdapter(conn, { prefix: 'onair-adapter-close:' }));
console.log(JSON.stringify({ event: 'ready' }));
const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  if (line.trim() !== 'close') return;
  commands.close();
  process.stdin.destroy();
  void emitter
    .close()
    .then(() => closeRedis(conn))
    .then(() => console.log(JSON.stringify({ event: 'closed' })));
});
