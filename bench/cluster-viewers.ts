// Bench viewers in their own process (a process holds at most ~20,000 sockets here): N
// socket.io-client connections spread over the given ports. Prints {"connected": n} once all
// are up, then one {"round": r, "latencies": [...]} line each time every viewer received
// the r-th programme:live. Latency = arrival - sentAt, both on the machine's wall clock in
// sub-millisecond resolution (performance.timeOrigin + performance.now()).
// argv: n port[,port...]
import { io as connect, type Socket } from 'socket.io-client';

const [nText, portsText] = process.argv.slice(2);
if (!nText || !portsText) throw new Error('usage: cluster-viewers <n> <port,port,...>');
const n = Number(nText);
const ports = portsText.split(',').map(Number);
const now = (): number => performance.timeOrigin + performance.now();
const sockets: Socket[] = [];
const rounds = new Map<number, number[]>();

for (let i = 0; i < n; i += 250) {
  await Promise.all(
    Array.from({ length: Math.min(250, n - i) }, (_, j) => {
      const s = connect(`http://127.0.0.1:${ports[(i + j) % ports.length]}`, { transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(s);
      s.on('programme:live', (p: { sentAt: number; round: number }) => {
        const list = rounds.get(p.round) ?? [];
        list.push(now() - p.sentAt);
        rounds.set(p.round, list);
        if (list.length === n) {
          process.stdout.write(`${JSON.stringify({ round: p.round, latencies: list.map((x) => Math.round(x * 10) / 10) })}\n`);
          rounds.delete(p.round);
        }
      });
      return new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
    }),
  );
}
process.stdout.write(`${JSON.stringify({ connected: sockets.length })}\n`);
process.on('SIGTERM', () => {
  for (const s of sockets) s.disconnect();
  process.exit(0);
});
setInterval(() => {}, 1 << 30);
