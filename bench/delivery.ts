// npm run bench:delivery — how many viewers' video each server can carry, measured side by
// side in one run: onair's own /hls route (express, the embedded default) and Debian's nginx
// with the shipped deploy/nginx/onair.conf, both serving the same live-sized segment (2 s at
// 3 Mbit/s, made by real ffmpeg) to wrk at 50 and 200 connections.
// A viewer at 3 Mbit/s fetches one 2 s segment every 2 s (plus a small playlist), so the
// viewers a server holds is what it delivers per second divided by 3 Mbit/s.
// Env: BENCH_SECONDS (default 10) per point, BENCH_CONNECTIONS (default "50,200").
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/index.js';
import { startOnair } from '../src/main.js';
import { createLogger } from '../src/shared/logger.js';
import { binaries } from '../test/support/ffmpeg-tools.js';
import { startNginx } from '../test/support/nginx.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = (process.env['BENCH_CONNECTIONS'] ?? '50,200').split(',').map(Number);
const VIEWER_BPS = 3_000_000;

interface Point {
  rps: number;
  p99Ms: number;
  mbitPerS: number;
  errors: number;
}

/** wrk's latency figure ("12.34ms", "1.20s", "800.00us") in milliseconds. */
function ms(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 'ms' ? v : m[2] === 's' ? v * 1000 : v * 60_000;
}

async function wrk(url: string, connections: number): Promise<Point> {
  // Not execFileSync: onair serves from this very process, its event loop must keep running.
  const { stdout: out } = await promisify(execFile)('wrk', ['-t2', `-c${connections}`, `-d${SECONDS}s`, '--latency', '--timeout', '10s', url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const p99 = ms(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? '');
  const transfer = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(out);
  const unit = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[transfer?.[2] ?? 'B'] ?? 1;
  const bytesPerS = Number(transfer?.[1] ?? 0) * unit;
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = (errs ? errs.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + non2xx;
  if (!(rps > 0)) console.error(`wrk on ${url} gave no figure:\n${out}`);
  return { rps, p99Ms: p99, mbitPerS: (bytesPerS * 8) / 1e6, errors };
}

function row(name: string, c: number, p: Point): string {
  const viewers = Math.floor((p.mbitPerS * 1e6) / VIEWER_BPS);
  return `${name.padEnd(16)} ${String(c).padStart(5)}  ${p.rps.toFixed(0).padStart(8)}  ${p.p99Ms.toFixed(1).padStart(9)}  ${p.mbitPerS.toFixed(0).padStart(9)}  ${String(viewers).padStart(8)}  ${String(p.errors).padStart(6)}`;
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-bench-delivery-'));
  const data = path.join(root, 'data');
  const folder = path.join(data, 'hls', 'bench_2026-12-05T12-00');
  fs.mkdirSync(folder, { recursive: true });
  fs.mkdirSync(path.join(root, 'schedules'));
  // One 2 s segment at 3 Mbit/s, as the live stream writes them.
  execFileSync(binaries().ffmpeg, [
    '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', '2', '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '3M', '-minrate', '3M', '-maxrate', '3M', '-bufsize', '3M',
    '-x264-params', 'nal-hrd=cbr', '-c:a', 'aac', '-b:a', '128k', '-f', 'mpegts', path.join(folder, 'seg0.ts'),
  ]);
  const size = fs.statSync(path.join(folder, 'seg0.ts')).size;
  fs.writeFileSync(path.join(folder, 'index.m3u8'), '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg0.ts\n');

  const config = loadConfig({
    env: { PATH: process.env['PATH'], PORT: '0', ONAIR_HOST: '127.0.0.1', ONAIR_DATA_DIR: data, ONAIR_SCHEDULES_DIR: path.join(root, 'schedules'), ONAIR_MEDIA_DIR: root },
  });
  const onair = await startOnair(config, { logger: createLogger('warn') });
  const nginx = await startNginx({ upstreams: [`127.0.0.1:${onair.port}`], dataDir: data });
  const segPath = '/hls/bench_2026-12-05T12-00/seg0.ts';
  try {
    console.log(`bench:delivery — one ${(size / 1024).toFixed(0)} KB segment (2 s at 3 Mbit/s), wrk -t2, ${SECONDS} s per point; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log('server           conns     req/s   p99 (ms)  Mbit/s    viewers  errors');
    const results: Array<{ c: number; onair: Point; nginx: Point }> = [];
    for (const c of CONNECTIONS) {
      const o = await wrk(`http://127.0.0.1:${onair.port}${segPath}`, c);
      console.log(row("onair /hls", c, o));
      const n = await wrk(`${nginx.url}${segPath}`, c);
      console.log(row('nginx (shipped)', c, n));
      results.push({ c, onair: o, nginx: n });
    }
    for (const r of results) {
      console.log(`at ${r.c} connections nginx delivers ${(r.nginx.rps / r.onair.rps).toFixed(1)}× onair's req/s, p99 ${(r.onair.p99Ms / r.nginx.p99Ms).toFixed(1)}× lower`);
    }
    console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await nginx.stop();
    await onair.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
