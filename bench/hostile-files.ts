// bench:hostile — does anything dropped into schedules/ delay the server? `onair run` (the
// compiled dist/, as `npm start` runs it) on a schedules folder of its own; /healthz is asked
// every 10 ms the whole time, and its answer times are grouped by what was happening: a quiet
// spell first (the baseline, same run), then each hostile file from the fault campaign, from
// the moment it is written until /api/status reports it. Prints median, p99 and worst per
// phase against the quiet baseline, and the load average. The target: every answer within
// 100 ms while any file is checked (the checks run in a worker thread, off the event loop).
// Usage: npm run bench:hostile
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `n` programmes in flow style, all at the same time on one destination. */
const sameTime = (prefix: string, n: number): string =>
  Array.from({ length: n }, (_, i) => `- {id: ${prefix}-${i}, title: T, duration: 5m, recurrence: {once: "2026-12-30T12:00"}, source: {testPattern: {}}, destinations: [local]}\n`).join('');

interface Phase {
  name: string;
  /** Writes the file(s); returns the file names whose report ends the phase. */
  write: (dir: string) => string[];
}

const PHASES: Phase[] = [
  { name: 'a FIFO', write: (d) => (spawnSync('mkfifo', [path.join(d, 'pipe.yaml')]), ['pipe.yaml']) },
  { name: 'a link to /dev/zero', write: (d) => (fs.symlinkSync('/dev/zero', path.join(d, 'zero.yaml')), ['zero.yaml']) },
  { name: '10,000 YAML documents', write: (d) => (fs.writeFileSync(path.join(d, 'docs.yaml'), Array.from({ length: 10_000 }, (_, i) => `---\nid: d${i}\n`).join('')), ['docs.yaml']) },
  { name: '1,000 overlapping programmes', write: (d) => (fs.writeFileSync(path.join(d, 'overlap.yaml'), sameTime('o', 1000)), ['overlap.yaml']) },
  { name: '60,000 programmes (too big)', write: (d) => (fs.writeFileSync(path.join(d, 'huge.yaml'), sameTime('h', 60_000)), ['huge.yaml']) },
  { name: 'a 400 KB broken file', write: (d) => (fs.writeFileSync(path.join(d, 'broken.yaml'), `id: x\ntitle: [${'a, '.repeat(130_000)}\n`), ['broken.yaml']) },
];

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

async function main(): Promise<void> {
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-bench-hostile-'));
  const schedules = path.join(root, 'schedules');
  fs.mkdirSync(schedules);
  fs.writeFileSync(path.join(schedules, 'story.yaml'), 'id: story\ntitle: Story\nduration: 20m\nrecurrence: { once: "2026-12-20T11:00" }\nsource: { testPattern: {} }\ndestinations: [local]\n');
  const child = spawn(process.execPath, ['bin/onair.js', 'run'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', ONAIR_HOST: '127.0.0.1', ONAIR_SCHEDULES_DIR: schedules, ONAIR_DATA_DIR: path.join(root, 'data'), ONAIR_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.includes('"msg":"onair listening"'));
        const p = line && /"port":(\d+)/.exec(line);
        if (p) resolve(Number(p[1]));
      });
      child.on('close', (code) => reject(new Error(`onair run exited (${code}) before listening`)));
    });
    const base = `http://127.0.0.1:${port}`;

    let phase = 'quiet';
    const samples = new Map<string, number[]>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const t0 = performance.now();
        const res = await fetch(`${base}/healthz`);
        await res.arrayBuffer();
        const ms = performance.now() - t0;
        if (!samples.has(phase)) samples.set(phase, []);
        samples.get(phase)!.push(res.ok ? ms : Infinity);
        await sleep(10);
      }
    })();

    await sleep(5000);
    for (const p of PHASES) {
      phase = p.name;
      const names = p.write(schedules);
      for (;;) {
        const status = (await (await fetch(`${base}/api/status`)).json()) as { files: Array<{ file: string; ok: boolean }> };
        if (names.every((n) => status.files.some((f) => path.basename(f.file) === n && !f.ok))) break;
        await sleep(50);
      }
      phase = `${p.name} (after)`;
      await sleep(1000);
    }
    polling = false;
    await poller;

    console.log(`bench:hostile — /healthz every 10 ms on \`onair run\`; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} cores`);
    console.log('phase                                   answers   median     p99      worst   worst / quiet median');
    const quiet = quantile(samples.get('quiet') ?? [], 0.5);
    for (const name of ['quiet', ...PHASES.map((p) => p.name)]) {
      const xs = samples.get(name) ?? [];
      const worst = Math.max(...xs);
      console.log(
        `${name.padEnd(38)} ${String(xs.length).padStart(7)}  ${quantile(xs, 0.5).toFixed(1).padStart(6)} ms ${quantile(xs, 0.99).toFixed(1).padStart(6)} ms ${worst.toFixed(1).padStart(7)} ms   ${(worst / quiet).toFixed(1)}×`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
