// npm run bench:schedule — schedule validation and expansion at scale: 1,000 files holding
// 10,000 programmes, validated and expanded over one year; then a one-file reload with the
// rest unchanged. Targets on the 2-core CI machine: full < 1 s, reload < 50 ms.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { Expander, listScheduleFiles, loadSchedules, parseScheduleText, ScheduleService, validateScheduleText, type ValidationContext } from '../src/schedule/index.js';
import { createLogger } from '../src/shared/logger.js';
import { systemClock } from '../src/shared/clock.js';

const FILES = 1000;
const PER_FILE = 10;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function programme(f: number, k: number, shift = 0): string {
  const id = `p-${f}-${k}`;
  const at = `${String(8 + k + shift).padStart(2, '0')}:00`;
  const recurrence =
    k % 5 === 4
      ? [`  monthly: { nth: first, weekday: ${DAYS[k % 7]}, at: "${at}" }`]
      : k % 5 === 3
        ? [`  cron: "0 ${8 + k + shift} * * ${k % 7}"`]
        : [`  weekly: { days: [${DAYS[k % 7]}], at: "${at}" }`];
  return [
    `- id: ${id}`,
    `  title: { tr: Program ${f}-${k}, en: Programme ${f}-${k} }`,
    '  category: workshop',
    '  duration: 45m',
    '  recurrence:',
    ...recurrence.map((l) => `  ${l}`),
    '    from: 2026-01-01',
    '    except: [2026-12-31]',
    '  source: { testPattern: {} }',
    `  destinations: [d${f % 100}-${Math.floor(f / 100)}]`,
  ].join('\n');
}

function file(f: number, shift = 0): string {
  return Array.from({ length: PER_FILE }, (_, k) => programme(f, k, shift)).join('\n');
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-bench-'));
const media = path.join(dir, 'media');
const schedules = path.join(dir, 'schedules');
mkdirSync(media);
mkdirSync(schedules);
for (let f = 0; f < FILES; f++) writeFileSync(path.join(schedules, `file-${String(f).padStart(4, '0')}.yaml`), file(f));
const destinations = Array.from({ length: FILES }, (_, f) => `d${f % 100}-${Math.floor(f / 100)}`);
const ctx: ValidationContext = { mediaRoot: media, destinations, defaultTimezone: 'Europe/Istanbul', maxDurationMs: 12 * 3600_000 };
const now = new Date();

/** Median of a list of figures. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
const REPEATS = 5;
/** Phases are slower (the yaml library alone takes seconds): fewer runs each. */
const PHASE_REPEATS = 3;

try {
  // 1. What `onair validate` does: read, parse, validate, expand a year, check ids and overlaps.
  // The first run is the headline (a CLI run is always a fresh process); the repeats show
  // the same work once the code is warm.
  let t0 = performance.now();
  const expander = new Expander();
  const files = listScheduleFiles([schedules]);
  const load = loadSchedules(files, ctx, { now, expander });
  const full = performance.now() - t0;
  const errors = load.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`bench schedules should be valid: ${errors[0]!.message}`);
  const warmFull: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    t0 = performance.now();
    loadSchedules(files, ctx, { now, expander: new Expander() });
    warmFull.push(performance.now() - t0);
  }
  t0 = performance.now();
  const year = expander.slotsAll(load.programmes, now.getTime(), now.getTime() + 365 * 86_400_000);
  const expandOnly = performance.now() - t0;

  // Where the time goes, phase by phase (warm; each the median of PHASE_REPEATS runs).
  const phase = (fn: () => void): number => {
    const runs: number[] = [];
    for (let i = 0; i < PHASE_REPEATS; i++) {
      t0 = performance.now();
      fn();
      runs.push(performance.now() - t0);
    }
    return median(runs);
  };
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const readOnly = phase(() => files.forEach((f) => readFileSync(f, 'utf8')));
  const yamlOnly = phase(() => texts.forEach((t, i) => parseScheduleText(t, files[i]!)));
  const validateOnly = phase(() => {
    const ex = new Expander();
    texts.forEach((t, i) => validateScheduleText(t, files[i]!, ctx, ex));
  });

  // 2. The server: load everything, then reload one changed file with the rest unchanged.
  t0 = performance.now();
  const service = new ScheduleService({
    ...ctx,
    dir: schedules,
    debounceMs: 150,
    clock: systemClock,
    logger: createLogger('silent'),
    watch: false,
  });
  await service.start();
  const serviceStart = performance.now() - t0;
  const changed = path.join(schedules, 'file-0500.yaml');
  const reloads: number[] = [];
  for (let i = 1; i <= 5; i++) {
    writeFileSync(changed, file(500, i % 2));
    t0 = performance.now();
    service.reloadFile(changed);
    service.occurrences(now, new Date(now.getTime() + 2 * 86_400_000)); // the engine's next read
    reloads.push(performance.now() - t0);
  }
  const snap = service.snapshot();
  if (snap.files.some((f) => f.diagnostics.some((d) => d.severity === 'error'))) throw new Error('a reload failed');
  await service.stop();

  // 3. A real save seen by the watcher (debounce 150 ms, then a stability re-read).
  const small = path.join(dir, 'small');
  mkdirSync(small);
  writeFileSync(path.join(small, 'a.yaml'), file(1));
  const watched = new ScheduleService({ ...ctx, dir: small, debounceMs: 150, clock: systemClock, logger: createLogger('silent') });
  await watched.start();
  const saves: number[] = [];
  for (let i = 1; i <= 3; i++) {
    const seen = new Promise<number>((resolve) => {
      const off = watched.onChange(() => {
        off();
        resolve(performance.now());
      });
    });
    t0 = performance.now();
    writeFileSync(path.join(small, 'a.yaml'), file(1, i % 2));
    saves.push((await seen) - t0);
  }
  await watched.stop();

  console.log(`schedule benchmark: ${files.length} files, ${load.programmes.length} programmes, ${year.length} occurrences in one year`);
  console.log(`  full validate + expand one year (onair validate), cold: ${full.toFixed(0)} ms   (target < 1000 ms)`);
  console.log(`    the same again, warm (median of ${REPEATS}):            ${median(warmFull).toFixed(0)} ms   (all: ${warmFull.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  its phases, warm (medians of ${PHASE_REPEATS}):`);
  console.log(`    reading the files:                            ${readOnly.toFixed(0)} ms`);
  console.log(`    parsing with the yaml library:                ${yamlOnly.toFixed(0)} ms`);
  console.log(`    validating every file:                        ${validateOnly.toFixed(0)} ms`);
  console.log(`    expanding one year again:                     ${expandOnly.toFixed(0)} ms`);
  console.log(`  server start (load + index everything):         ${serviceStart.toFixed(0)} ms`);
  console.log(`  saved file -> in force, via the watcher:        ${saves.map((x) => x.toFixed(0)).join(', ')} ms   (target < 1000 ms)`);
  console.log(`  one-file reload, rest unchanged (median of 5):  ${median(reloads).toFixed(1)} ms   (target < 50 ms; all: ${reloads.map((r) => r.toFixed(1)).join(', ')})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
