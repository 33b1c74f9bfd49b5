// bench:cluster — what cluster mode costs and how fast it fails over, on this machine.
//
// 1. Fan-out: `programme:live` from a worker's emit-only Socket.IO server to N viewers spread
//    over 3 web node processes (Redis Streams adapter), against one process with the same N
//    viewers and no Redis, in the same run. Latency = receive time - emit time (one clock:
//    every viewer lives in this process). p50/p99 over several emits.
// 2. Failover: two real `onair worker` processes and a live local-HLS broadcast (real ffmpeg);
//    the leader is SIGKILLed 5 times; time until the other leads and its ffmpeg runs again,
//    and checks that the broadcast never went live twice (one →live in its log) and how many
//    ffmpeg processes for it were running right after each takeover (1 = the old one is gone).
//
// Env: BENCH_VIEWERS (default 3000), BENCH_EMITS (default 10), BENCH_KILLS (default 5),
// ONAIR_TEST_REDIS_URL (default redis://127.0.0.1:6379). Prints figures; asserts nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { clusterAdapter, connectRedis, emitOnlyServer, waitForRedis, RedisBroadcastStore } from '../src/cluster/index.js';
import { ffmpegProcessesMentioning } from '../test/support/onair-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REDIS_URL = process.env['ONAIR_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const VIEWERS = Number(process.env['BENCH_VIEWERS'] ?? 3000);
const EMITS = Number(process.env['BENCH_EMITS'] ?? 10);
const KILLS = Number(process.env['BENCH_KILLS'] ?? 5);

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function connectViewers(ports: number[], n: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  const batch = 200;
  for (let i = 0; i < n; i += batch) {
    const chunk = Array.from({ length: Math.min(batch, n - i) }, (_, j) => {
      const port = ports[(i + j) % ports.length]!;
      const s = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(s);
      return new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
    });
    await Promise.all(chunk);
  }
  return sockets;
}

/** Emits `EMITS` times, each once every viewer got the previous one; returns latencies (ms). */
async function measure(sockets: Socket[], emit: (sentAt: number) => void): Promise<number[]> {
  const latencies: number[] = [];
  for (let round = 0; round < EMITS; round++) {
    let pending = sockets.length;
    const done = new Promise<void>((resolve) => {
      for (const s of sockets) {
        s.once('programme:live', (p: { sentAt: number }) => {
          latencies.push(performance.now() - p.sentAt);
          if (--pending === 0) resolve();
        });
      }
    });
    emit(performance.now());
    await done;
  }
  return latencies.sort((a, b) => a - b);
}

function closeAll(sockets: Socket[]): void {
  for (const s of sockets) s.disconnect();
}

async function fanout(): Promise<void> {
  console.log(`\n== programme:live fan-out to ${VIEWERS} viewers, ${EMITS} emits (2-core machine, viewers in this process) ==`);

  // Single process, no Redis.
  const server = http.createServer();
  const single = new Server(server, { perMessageDeflate: false, httpCompression: false });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let sockets = await connectViewers([(server.address() as AddressInfo).port], VIEWERS);
  const singleLat = await measure(sockets, (sentAt) => single.emit('programme:live', { sentAt }));
  closeAll(sockets);
  await new Promise<void>((resolve) => single.close(() => resolve()));
  console.log(`single process : p50 ${pct(singleLat, 50).toFixed(1)} ms  p99 ${pct(singleLat, 99).toFixed(1)} ms  max ${pct(singleLat, 100).toFixed(1)} ms`);

  // Three web node processes + an emit-only worker server in this process.
  const prefix = `onair-bench:${process.pid}:`;
  const nodes: ChildProcess[] = [];
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/cluster-web-node.ts'), REDIS_URL, prefix], { stdio: ['ignore', 'pipe', 'inherit'] });
    nodes.push(child);
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    ports.push((JSON.parse(line) as { port: number }).port);
  }
  const workerRedis = connectRedis(REDIS_URL, { name: 'bench-worker', offlineQueue: true });
  await waitForRedis(workerRedis);
  const worker = emitOnlyServer(clusterAdapter(workerRedis, { prefix }));
  sockets = await connectViewers(ports, VIEWERS);
  const clusterLat = await measure(sockets, (sentAt) => worker.io.emit('programme:live', { sentAt }));
  closeAll(sockets);
  console.log(`3 web nodes    : p50 ${pct(clusterLat, 50).toFixed(1)} ms  p99 ${pct(clusterLat, 99).toFixed(1)} ms  max ${pct(clusterLat, 100).toFixed(1)} ms  (worker → Redis stream → 3 processes → viewers)`);
  await worker.close();
  workerRedis.disconnect();
  for (const n of nodes) {
    n.kill('SIGKILL');
    await once(n, 'exit');
  }
  const admin = new Redis(REDIS_URL);
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length) await admin.del(...keys);
  admin.disconnect();
}

interface Worker {
  child: ChildProcess;
  lines: string[];
}

function startWorker(env: NodeJS.ProcessEnv): Worker {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/onair.js'), 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const w: Worker = { child, lines: [] };
  createInterface({ input: child.stdout! }).on('line', (l) => w.lines.push(l));
  child.stderr!.on('data', () => {});
  return w;
}

async function waitLine(w: Worker, re: RegExp, from: number, timeoutMs = 60_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const i = w.lines.findIndex((l, idx) => idx >= from && re.test(l));
    if (i >= 0) return i;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${re}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function failover(): Promise<void> {
  console.log(`\n== leader failover, ${KILLS} SIGKILLs of the worker running a live local-HLS broadcast (real ffmpeg, lease ttl 10 s) ==`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-bench-cluster-'));
  const prefix = `onair-bench-fo:${process.pid}:`;
  for (const d of ['schedules', 'data', 'media']) fs.mkdirSync(path.join(root, d));
  // On air from 20 s from now, for an hour, in the machine's zone (UTC is fine: explicit).
  const start = new Date(Date.now() + 20_000);
  const local = start.toISOString().slice(0, 16);
  fs.writeFileSync(
    path.join(root, 'schedules', 'bench.yaml'),
    `id: bench\ntitle: { tr: Deneme, en: Bench }\ndescription: { tr: x, en: x }\ncategory: other\ntimezone: UTC\nduration: 1h\nrecurrence:\n  once: ${local}\nsource: { testPattern: {} }\ndestinations: [demo]\n`,
  );
  const env = {
    ...process.env,
    ONAIR_REDIS_URL: REDIS_URL,
    ONAIR_SCHEDULES_DIR: path.join(root, 'schedules'),
    ONAIR_DATA_DIR: path.join(root, 'data'),
    ONAIR_MEDIA_DIR: path.join(root, 'media'),
    ONAIR_REDIS_PREFIX: prefix,
    PORT: '0',
    ONAIR_LOG_LEVEL: 'info',
  };
  const redis = new Redis(REDIS_URL);
  const occId = `bench@${local}`;
  const workers = [startWorker(env), startWorker(env)];
  const times: number[] = [];
  let maxEncoders = 0;
  try {
    // Whoever leads first: wait for the broadcast to be live.
    const leaderOf = async (): Promise<Worker> => {
      for (;;) {
        for (const w of workers) if (w.lines.some((l) => l.includes('now leads'))) return w;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    let leader = await leaderOf();
    await waitLine(leader, /"to":"live"/, 0, 90_000);
    console.log(`broadcast ${occId} live; killing the leader ${KILLS} times`);
    for (let k = 0; k < KILLS; k++) {
      const standby = workers.find((w) => w !== leader)!;
      const mark = standby.lines.length;
      const killedAt = Date.now();
      leader.child.kill('SIGKILL');
      await once(leader.child, 'exit');
      await waitLine(standby, /now leads/, mark);
      const ledAt = Date.now();
      await waitLine(standby, /"msg":"ffmpeg started"/, mark);
      const ffmpegAt = Date.now();
      times.push(ledAt - killedAt);
      maxEncoders = Math.max(maxEncoders, ffmpegProcessesMentioning(root).length);
      console.log(
        `kill ${k + 1}: new leader after ${((ledAt - killedAt) / 1000).toFixed(1)} s, its ffmpeg running after ${((ffmpegAt - killedAt) / 1000).toFixed(1)} s; ffmpeg processes for the broadcast now: ${ffmpegProcessesMentioning(root).length}`,
      );
      // A fresh standby replaces the killed process.
      const replacement = startWorker(env);
      workers[workers.indexOf(leader)] = replacement;
      leader = standby;
    }
    const store = new RedisBroadcastStore({ redis, prefix, fenceKey: `${prefix}leader:fence`, fencingToken: () => undefined });
    const log = await store.transitions(occId);
    const lives = log.filter((t) => t.to === 'live').length;
    const record = await store.get(occId);
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `failover: min ${(sorted[0]! / 1000).toFixed(1)} s  median ${(pct(sorted, 50) / 1000).toFixed(1)} s  max ${(sorted[sorted.length - 1]! / 1000).toFixed(1)} s  (target ≤ 15 s)`,
    );
    console.log(`broadcast state after ${KILLS} kills: ${record?.state}; transitions to live in its log: ${lives} (1 = no duplicate go-live); most ffmpeg processes seen at once: ${maxEncoders}`);
  } finally {
    for (const w of workers) {
      if (w.child.exitCode === null && w.child.signalCode === null) {
        w.child.kill('SIGTERM');
        await once(w.child, 'exit');
      }
    }
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

console.log(`bench:cluster on ${os.cpus().length} cores, Node ${process.version}`);
await fanout();
await failover();
process.exit(0);
