// npm run bench:schedule — what schedule work costs a user, in realistic shapes:
// `onair validate` as a fresh process (process start included) on the shipped schedules
// (the 10-minute demo among them) and on 100, 1,000 and 2,000 files with every programme on
// ONE destination (as the shipped schedules are: the shape where overlap checking can go
// quadratic), printing the 2,000/1,000 ratio (target ≤ 2.1×: linear); then the server's
// side: ScheduleService start on 1,000 files and a one-file reload. Baselines measured in
// the same run: a bare `node` start and `onair validate` of an empty folder. The load
// average is printed before and after: on a shared 2-core machine, read figures beside it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ScheduleService } from '../src/schedule/index.js';
import { createLogger } from '../src/shared/logger.js';
import { systemClock } from '../src/shared/clock.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const PER_FILE = 5;
const REPEATS = 3;

/** Programme `idx` on `local`: 20 a day at distinct hours, 45 minutes each, never overlapping. */
function programme(idx: number, shift = 0): string {
  const day = new Date(Date.UTC(2027, 0, 1) + Math.floor(idx / 20) * 86_400_000).toISOString().slice(0, 10);
  const hour = String(3 + (idx % 20)).padStart(2, '0');
  return [
    `- id: p-${idx}`,
    `  title: { tr: Program ${idx}, en: Programme ${idx} }`,
    '  category: workshop',
    `  duration: ${45 - shift}m`,
    `  recurrence: { once: "${day}T${hour}:00" }`,
    '  source: { testPattern: {} }',
    '  destinations: [local]',
  ].join('\n');
}

function file(f: number, shift = 0): string {
  return Array.from({ length: PER_FILE }, (_, k) => programme(f * PER_FILE + k, shift)).join('\n') + '\n';
}

function folder(base: string, files: number): string {
  const dir = path.join(base, `files-${files}`);
  mkdirSync(dir);
  for (let f = 0; f < files; f++) writeFileSync(path.join(dir, `file-${String(f).padStart(4, '0')}.yaml`), file(f));
  return dir;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall time of a fresh process, median of REPEATS (the exit code is not judged: errors are output). */
function timed(args: string[]): number {
  const runs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    try {
      execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } });
    } catch {
      // validate exits 1 when it finds errors: still a measurement
    }
    runs.push(performance.now() - t0);
  }
  return median(runs);
}

const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const validate = (dir: string): string[] => ['--import', 'tsx', 'src/cli/main.ts', 'validate', dir];

const base = mkdtempSync(path.join(os.tmpdir(), 'onair-bench-schedule-'));
try {
  const loadBefore = load();
  const empty = path.join(base, 'empty');
  mkdirSync(empty);
  const dirs = { 100: folder(base, 100), 1000: folder(base, 1000), 2000: folder(base, 2000) };

  const node = timed(['-e', '0']);
  const emptyRun = timed(validate(empty));
  const shipped = timed(validate(path.join(ROOT, 'schedules')));
  const runs = Object.fromEntries(Object.entries(dirs).map(([n, d]) => [n, timed(validate(d))])) as Record<keyof typeof dirs, number>;

  // The server: start on 1,000 files (checked off the main thread), then one file reloaded.
  const t0 = performance.now();
  const service = new ScheduleService({
    dir: dirs[1000],
    mediaRoot: base,
    destinations: ['local'],
    defaultTimezone: 'Europe/Istanbul',
    maxDurationMs: 12 * 3600_000,
    debounceMs: 150,
    clock: systemClock,
    logger: createLogger('silent'),
    watch: false,
  });
  await service.start();
  const serviceStart = performance.now() - t0;
  const changed = path.join(dirs[1000], 'file-0500.yaml');
  const reloads: number[] = [];
  for (let i = 1; i <= 5; i++) {
    writeFileSync(changed, file(500, i % 2));
    const t = performance.now();
    await service.reloadFile(changed);
    service.occurrences(new Date(), new Date(Date.now() + 2 * 86_400_000)); // the engine's next read
    reloads.push(performance.now() - t);
  }
  const bad = service.snapshot().files.filter((f) => f.diagnostics.some((d) => d.severity === 'error'));
  await service.stop();
  if (bad.length) throw new Error(`bench schedules should be valid: ${bad[0]!.diagnostics[0]!.message}`);

  const ms = (x: number): string => `${x.toFixed(0).padStart(6)} ms`;
  console.log(`schedule benchmark (every programme on one destination, ${PER_FILE} per file; medians of ${REPEATS} fresh processes)`);
  console.log(`  load average before: ${loadBefore}`);
  console.log(`  baseline: bare node start                      ${ms(node)}`);
  console.log(`  baseline: onair validate, empty folder         ${ms(emptyRun)}`);
  console.log(`  onair validate, the shipped schedules/         ${ms(shipped)}   (the 10-minute demo included)`);
  for (const [n, t] of Object.entries(runs)) console.log(`  onair validate, ${n.padStart(4)} files                   ${ms(t)}   (${ms(t - emptyRun).trim()} above the empty folder)`);
  console.log(`  ratio 2,000 / 1,000 files: ${(runs[2000] / runs[1000]).toFixed(2)}x   (target <= 2.1x; above the empty-folder baseline: ${((runs[2000] - emptyRun) / (runs[1000] - emptyRun)).toFixed(2)}x)`);
  console.log(`  server: ScheduleService start on 1,000 files   ${ms(serviceStart)}   (checked in a worker thread)`);
  console.log(`  server: one-file reload + next 2 days read     ${median(reloads).toFixed(1)} ms median   (all: ${reloads.map((r) => r.toFixed(1)).join(', ')})`);
  console.log(`  load average after:  ${load()}`);
} finally {
  rmSync(base, { recursive: true, force: true });
}
