// bench:cli — how fast the `onair` command answers, as staff run it: `validate` and
// `preview` of the shipped schedules and `run` until it listens, each against `node -e 0`
// measured in the same run (the floor any Node command pays), with the load average.
// It builds dist/ first (what `npm ci` / `npm start` do), so the compiled CLI is measured.
// Last, on a running `onair run`: a YAML syntax error saved over a good schedule file, and
// the time until /api/status names it with its line and column (the target: within 2 s).
// Usage: npm run bench:cli [-- --runs N]
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Sample {
  wallMs: number;
  /** user + system CPU of the child, when /usr/bin/time is there to say. */
  cpuMs?: number;
}

/** Runs `args` under /usr/bin/time; resolves when it exits, or (with `until`) once a line matches, then stops it. */
function measure(args: string[], env: NodeJS.ProcessEnv, until?: RegExp): Promise<Sample> {
  return new Promise((resolve, reject) => {
    // A server is stopped by signal, which /usr/bin/time would not pass on: no CPU figure for it.
    const [cmd, ...rest] = TIME && !until ? [TIME, '-f', 'CPU %U %S', process.execPath, ...args] : [process.execPath, ...args];
    const t0 = performance.now();
    let wallMs: number | undefined;
    const child = spawn(cmd!, rest, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (until && wallMs === undefined && until.test(out)) {
        wallMs = performance.now() - t0;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      wallMs ??= performance.now() - t0;
      if (until && !until.test(out)) return reject(new Error(`${args.join(' ')} never became ready (exit ${code}):\n${err}`));
      const cpu = /CPU (\d+\.\d+) (\d+\.\d+)\s*$/.exec(err);
      resolve({ wallMs, ...(cpu ? { cpuMs: (Number(cpu[1]) + Number(cpu[2])) * 1000 } : {}) });
    });
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface StatusFile {
  file: string;
  diagnostics: Array<{ severity: string; line: number; col: number }>;
}

/**
 * Starts `onair run` on a copy of the shipped schedules, then `runs` times: saves a tab-indented
 * line over a good file and times the poll of /api/status (every 20 ms) until that file shows an
 * error with a line and column; then restores the file and waits until it is clean again.
 */
async function brokenSaveToStatus(env: NodeJS.ProcessEnv, runs: number): Promise<number[]> {
  const schedules = mkdtempSync(path.join(os.tmpdir(), 'onair-bench-schedules-'));
  cpSync(path.join(ROOT, 'schedules'), schedules, { recursive: true });
  const child = spawn(process.execPath, ['bin/onair.js', 'run'], { cwd: ROOT, env: { ...env, ONAIR_SCHEDULES_DIR: schedules }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"port":(\d+)[^\n]*"msg":"onair listening"|"msg":"onair listening"[^\n]*"port":(\d+)/.exec(out);
        if (m) resolve(Number(m[1] ?? m[2]));
      });
      child.on('close', (code) => reject(new Error(`onair run exited (${code}) before listening`)));
    });
    const name = 'fairy-tale-time.yaml';
    const file = path.join(schedules, name);
    const good = readFileSync(file, 'utf8');
    const errorsOf = async (): Promise<StatusFile['diagnostics']> => {
      const status = (await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as { files: StatusFile[] };
      return status.files.find((f) => path.basename(f.file) === name)?.diagnostics.filter((d) => d.severity === 'error' && d.line > 0) ?? [];
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      writeFileSync(file, `${good.trimEnd()}\n\tbroken: [tab\n`);
      while ((await errorsOf()).length === 0) await sleep(20);
      times.push(performance.now() - t0);
      writeFileSync(file, good);
      while ((await errorsOf()).length > 0) await sleep(20);
    }
    return times;
  } finally {
    child.kill('SIGTERM');
    rmSync(schedules, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const build0 = performance.now();
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed');
  const buildMs = performance.now() - build0;

  const data = mkdtempSync(path.join(os.tmpdir(), 'onair-bench-cli-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
  const runEnv: NodeJS.ProcessEnv = { ...env, PORT: '0', ONAIR_HOST: '127.0.0.1', ONAIR_DATA_DIR: data, ONAIR_LOG_LEVEL: 'info' };
  const cases: Array<{ name: string; args: string[]; env: NodeJS.ProcessEnv; until?: RegExp }> = [
    { name: 'node -e 0', args: ['-e', '0'], env },
    { name: 'onair validate schedules', args: ['bin/onair.js', 'validate', 'schedules'], env },
    { name: 'onair preview schedules --days 7', args: ['bin/onair.js', 'preview', 'schedules', '--days', '7'], env },
    { name: 'onair run (until listening)', args: ['bin/onair.js', 'run'], env: runEnv, until: /"msg":"onair listening"/ },
  ];
  const results = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  let saves: number[] = [];
  try {
    // Interleaved, so a change of load during the run hits every case alike.
    for (let i = 0; i < RUNS; i++) for (const c of cases) results.get(c.name)!.push(await measure(c.args, c.env, c.until));
    saves = await brokenSaveToStatus(runEnv, RUNS);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }

  const base = results.get('node -e 0')!;
  const baseWall = median(base.map((s) => s.wallMs));
  const baseCpu = base.every((s) => s.cpuMs !== undefined) ? median(base.map((s) => s.cpuMs!)) : undefined;
  console.log(`bench:cli — ${RUNS} runs each, interleaved; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} cores`);
  console.log(`build (scripts/build.mjs, esbuild): ${buildMs.toFixed(0)} ms`);
  console.log('command                              wall median   (min)    over node -e 0   cpu median');
  for (const c of cases) {
    const xs = results.get(c.name)!;
    const wall = median(xs.map((s) => s.wallMs));
    const min = Math.min(...xs.map((s) => s.wallMs));
    const cpu = xs.every((s) => s.cpuMs !== undefined) ? median(xs.map((s) => s.cpuMs!)) : undefined;
    const over = c.name === 'node -e 0' ? '' : `+${(wall - baseWall).toFixed(0)} ms`;
    const cpuText = cpu === undefined ? 'n/a' : `${cpu.toFixed(0)} ms${baseCpu !== undefined && c.name !== 'node -e 0' ? ` (+${(cpu - baseCpu).toFixed(0)})` : ''}`;
    console.log(`${c.name.padEnd(36)} ${wall.toFixed(0).padStart(8)} ms ${`(${min.toFixed(0)})`.padStart(8)}   ${over.padStart(14)}   ${cpuText}`);
  }
  console.log(`broken save -> /api/status shows line:col   ${median(saves).toFixed(0)} ms median   (all: ${saves.map((t) => t.toFixed(0)).join(', ')})`);
  console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

await main();
