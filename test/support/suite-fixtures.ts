// Mocha global fixtures (loaded by .mocharc.json's `require`; they run in the main process,
// also in parallel mode, where each worker runs whole test files): print the suite's wall time
// and the load average at the end (the suite must stay well under 10 minutes on the shared
// 2-core machine, and a slow run means little without the load), and name anything still
// holding the event loop open once every test file is done. `exit: true` used to hide such
// handles by killing the process in silence; now a leftover handle is named after a short
// grace, and the run then ends with mocha's verdict instead of hanging.
import { readFileSync } from 'node:fs';
import os from 'node:os';

let started = 0;

export function mochaGlobalSetup(): void {
  started = Date.now();
}

export function mochaGlobalTeardown(): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  process.stdout.write(`\nsuite wall time: ${seconds} s (load average ${load}, ${os.cpus().length} cores)\n`);
  // Only a handle some test left open keeps the process alive this long: name it, then end
  // with mocha's own verdict (a leak is reported, not allowed to hang CI).
  setTimeout(() => {
    process.stderr.write(`still open 10 s after the suite: ${leftOpen().join(', ') || '(unnamed)'}; a test left a server, socket, child process or timer running\n`);
    process.exit(process.exitCode ?? 0);
  }, 10_000).unref();
}

/**
 * What keeps the event loop alive, named: handles other than this process's own stdout and
 * stderr (pipes when the output is piped, as on CI, which are no leak), and timers still
 * referenced (this file's own is unref'd).
 */
function leftOpen(): string[] {
  const own = new Set<unknown>([process.stdout, process.stderr]);
  const handles = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles().filter((h) => !own.has(h));
  const named = handles.map((h) => {
    const o = h as { constructor: { name: string }; spawnfile?: string; pid?: number; remoteAddress?: string; remotePort?: number; address?: () => unknown };
    if (o.spawnfile) return `child process ${o.spawnfile} (pid ${o.pid})`;
    if (o.remotePort) return `${o.constructor.name} to ${o.remoteAddress}:${o.remotePort}`;
    const address = typeof o.address === 'function' ? o.address() : undefined;
    if (address && typeof address === 'object' && 'port' in address) return `${o.constructor.name} on port ${String(address.port)}`;
    return o.constructor.name;
  });
  const timers = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  return timers ? [...named, `${timers} timer(s)`] : named;
}

/**
 * Each test file's wall time, hooks included (server starts, ffmpeg runs), printed as the file
 * ends, with the CPU it cost: the suite's time is the sum of a few heavy files, and this names
 * them — and tells a file that waits (wall far above CPU) from one that works.
 */
export const mochaHooks = {
  beforeAll(this: Mocha.Context): void {
    fileStarted.set(fileOf(this), { at: Date.now(), cpu: cpuSeconds() });
  },
  afterAll(this: Mocha.Context): void {
    const file = fileOf(this);
    const since = fileStarted.get(file);
    if (since === undefined) return;
    const wall = ((Date.now() - since.at) / 1000).toFixed(1);
    const cpu = (cpuSeconds() - since.cpu).toFixed(1);
    process.stdout.write(`  file time: ${file} ${wall} s (CPU ${cpu} s)\n`);
  },
};

const fileStarted = new Map<string, { at: number; cpu: number }>();

/**
 * CPU seconds of this process and of the children it has reaped (ffmpeg, servers, Chromium:
 * a child's own children count once it reaped them), from /proc/self/stat; 0 off Linux.
 */
function cpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const [utime, stime, cutime, cstime] = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 15).map(Number);
    return (utime! + stime! + cutime! + cstime!) / 100;
  } catch {
    return 0;
  }
}

function fileOf(context: Mocha.Context): string {
  const root = context.test?.parent;
  const file = root?.file ?? root?.suites.find((s) => s.file)?.file ?? '(unknown file)';
  return file.replace(`${process.cwd()}/`, '');
}
