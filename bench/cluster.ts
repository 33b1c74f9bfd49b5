// bench:cluster — what cluster mode costs and how fast it fails over, on this machine.
//
// 1. Fan-out: `programme:live` from a worker's emit-only Socket.IO server to N viewers spread
//    over 3 web node processes (Redis Streams adapter), against one server process with the
//    same N viewers and no Redis, in the same run. Viewers live in two client processes (one
//    process may hold 20,000 sockets here); latency = arrival - emit on the machine's clock.
// 2. Failover: two real `onair worker` processes and a live local-HLS broadcast (real ffmpeg);
//    the leader is SIGKILLed 5 times; the clock stops at the first NEW HLS segment in the
//    playlist (what a viewer's player gets next), one the new leader's ffmpeg wrote — not at
//    a log line. Also printed: when the other led and when its ffmpeg started; and checks that the broadcast never went live twice (one →live in its log) and how many
//    ffmpeg processes for it were running right after each takeover (2 = one output and one decoder: the old leader's are gone).
//
// Env: BENCH_VIEWERS (default 3000), BENCH_EMITS (default 10), BENCH_KILLS (default 5),
// BENCH_PARTS (default "fanout,failover"), ONAIR_TEST_REDIS_URL (default
// redis://127.0.0.1:6379). Prints figures and the load average; asserts nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { clusterAdapter, connectRedis, emitOnlyServer, waitForRedis, RedisBroadcastStore } from '../src/cluster/index.js';
import { ffmpegProcessesMentioning } from '../test/support/onair-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REDIS_URL = process.env['ONAIR_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const VIEWERS = Number(process.env['BENCH_VIEWERS'] ?? 3000);
const EMITS = Number(process.env['BENCH_EMITS'] ?? 10);
const KILLS = Number(process.env['BENCH_KILLS'] ?? 5);
const PARTS = new Set((process.env['BENCH_PARTS'] ?? 'fanout,failover').split(','));
const load = (): string => `load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} cores)`;

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Child {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
}

function child(script: string, args: string[], stdin = false): Child {
  const c = spawn(process.execPath, ['--max-old-space-size=4096', '--import', 'tsx', path.join(ROOT, script), ...args], {
    stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'inherit'],
  });
  const out: Child = { child: c, lines: [] };
  createInterface({ input: c.stdout! }).on('line', (l) => {
    try {
      out.lines.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      /* not ours */
    }
  });
  return out;
}

async function until<T>(fn: () => T | undefined, timeoutMs = 300_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error('bench step timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stopChild(c: Child): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  c.child.kill('SIGKILL');
  await once(c.child, 'exit');
}

/** Viewers in 2 processes over `ports`; `emit(round)` sends round r; returns sorted latencies. */
async function measure(ports: number[], emit: (round: number) => void): Promise<number[]> {
  const per = [Math.ceil(VIEWERS / 2), Math.floor(VIEWERS / 2)].filter((n) => n > 0);
  const viewers = per.map((n) => child('bench/cluster-viewers.ts', [String(n), ports.join(',')]));
  try {
    const t0 = Date.now();
    for (const v of viewers) await until(() => (v.lines.some((l) => 'connected' in l) ? true : undefined));
    console.log(`  ${VIEWERS} viewers connected in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const latencies: number[] = [];
    for (let round = 1; round <= EMITS; round++) {
      emit(round);
      for (const v of viewers) {
        const line = await until(() => v.lines.find((l) => l['round'] === round));
        latencies.push(...(line['latencies'] as number[]));
      }
    }
    return latencies.sort((a, b) => a - b);
  } finally {
    for (const v of viewers) await stopChild(v);
  }
}

function figures(label: string, lat: number[]): void {
  console.log(`${label}: p50 ${pct(lat, 50).toFixed(1)} ms  p99 ${pct(lat, 99).toFixed(1)} ms  max ${pct(lat, 100).toFixed(1)} ms  (${lat.length} deliveries)`);
}

async function fanout(): Promise<void> {
  console.log(`\n== programme:live fan-out to ${VIEWERS} viewers (in 2 client processes), ${EMITS} emits, 2-core machine ==`);

  // Single process, no Redis: the server emits itself.
  const single = child('bench/cluster-web-node.ts', ['single', '-'], true);
  const port = Number((await until(() => single.lines.find((l) => 'port' in l)))['port']);
  const singleLat = await measure([port], (round) => single.child.stdin!.write(`emit ${round}\n`));
  await stopChild(single);
  figures('single process       ', singleLat);

  // Three web node processes; the worker's emit-only server (here) emits through Redis.
  const prefix = `onair-bench:${process.pid}:`;
  const nodes = [0, 1, 2].map(() => child('bench/cluster-web-node.ts', [REDIS_URL, prefix]));
  const ports: number[] = [];
  for (const n of nodes) ports.push(Number((await until(() => n.lines.find((l) => 'port' in l)))['port']));
  const workerRedis = connectRedis(REDIS_URL, { name: 'bench-worker', offlineQueue: true });
  await waitForRedis(workerRedis);
  const worker = emitOnlyServer(clusterAdapter(workerRedis, { prefix }));
  const now = (): number => performance.timeOrigin + performance.now();
  const clusterLat = await measure(ports, (round) => worker.io.emit('programme:live', { round, sentAt: now() }));
  figures('worker + 3 web nodes ', clusterLat);
  console.log('  (worker → Redis stream → 3 web processes → viewers; the single figure has no Redis hop)');
  await worker.close();
  workerRedis.disconnect();
  for (const n of nodes) await stopChild(n);
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

async function waitLine(w: Worker, re: RegExp | ((line: string) => boolean), from: number, timeoutMs = 60_000): Promise<number> {
  const t0 = Date.now();
  const matches = typeof re === 'function' ? re : (l: string): boolean => re.test(l);
  for (;;) {
    const i = w.lines.findIndex((l, idx) => idx >= from && matches(l));
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
  /** The segments the broadcast's playlist lists now (renamed into place, so never half-written). */
  const segments = (): string[] => {
    const hls = path.join(root, 'data', 'hls');
    for (const folder of fs.existsSync(hls) ? fs.readdirSync(hls) : []) {
      try {
        return fs.readFileSync(path.join(hls, folder, 'index.m3u8'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
      } catch {
        /* not written yet */
      }
    }
    return [];
  };
  const firstNewSegment = async (seen: Set<string>, timeoutMs = 60_000): Promise<string> => {
    const t0 = Date.now();
    for (;;) {
      const fresh = segments().find((s) => !seen.has(s));
      if (fresh) return fresh;
      if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting for a new HLS segment');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const outputStarted = (l: string): boolean => l.includes('"msg":"ffmpeg started"') && l.includes('"role":"output"');
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
      // What viewers had at the kill; a segment the dying ffmpeg still finished is not the new leader's.
      const seen = new Set(segments());
      const killedAt = Date.now();
      leader.child.kill('SIGKILL');
      await once(leader.child, 'exit');
      await waitLine(standby, /now leads/, mark);
      const ledAt = Date.now();
      await waitLine(standby, outputStarted, mark);
      const ffmpegAt = Date.now();
      for (const s of segments()) seen.add(s);
      const segment = await firstNewSegment(seen);
      const segmentAt = Date.now();
      times.push(segmentAt - killedAt);
      maxEncoders = Math.max(maxEncoders, ffmpegProcessesMentioning(root).length);
      console.log(
        `kill ${k + 1}: first new HLS segment (${segment}) after ${((segmentAt - killedAt) / 1000).toFixed(1)} s; new leader after ${((ledAt - killedAt) / 1000).toFixed(1)} s, its output ffmpeg started after ${((ffmpegAt - killedAt) / 1000).toFixed(1)} s; ffmpeg processes for the broadcast now: ${ffmpegProcessesMentioning(root).length}`,
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
      `failover, kill → first new HLS segment: min ${(sorted[0]! / 1000).toFixed(1)} s  median ${(pct(sorted, 50) / 1000).toFixed(1)} s  max ${(sorted[sorted.length - 1]! / 1000).toFixed(1)} s  (target ≤ 15 s); ${load()}`,
    );
    console.log(`broadcast state after ${KILLS} kills: ${record?.state}; transitions to live in its log: ${lives} (1 = no duplicate go-live); most ffmpeg processes seen at once: ${maxEncoders} (2 = one output + one decoder)`);
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

console.log(`bench:cluster on ${os.cpus().length} cores, Node ${process.version}; ${load()}`);
if (PARTS.has('fanout')) await fanout();
if (PARTS.has('failover')) await failover();
console.log(`done; ${load()}`);
process.exit(0);
