// What the benches read off running processes: CPU seconds from /proc, and the ffmpeg that
// a guard process (src/media/guarded-process.ts) runs.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { binaries } from '../test/support/ffmpeg-tools.js';

/** Clock ticks per second (utime and stime in /proc/<pid>/stat count them). */
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime + stime of a process, in seconds (0 when gone). */
export function cpuOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return 0;
  }
}

/** The ffmpeg child of a guard process, if it runs. */
export function childOf(pid: number): number | undefined {
  try {
    return Number(execFileSync('pgrep', ['-P', String(pid), '-f', binaries().ffmpeg], { encoding: 'utf8' }).split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a bare ffmpeg with `args` (which must include `-progress pipe:1`), waits for its first
 * progress line — as for an onair run — and returns its CPU seconds over the next `seconds`.
 */
export async function bareCpu(args: string[], seconds: number, stderr: 'inherit' | 'ignore' = 'ignore'): Promise<number> {
  const child = spawn(binaries().ffmpeg, args, { stdio: ['ignore', 'pipe', stderr] });
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', function first(chunk: Buffer) {
      if (chunk.toString().includes('progress=')) {
        child.stdout!.off('data', first);
        child.stdout!.resume();
        resolve();
      }
    });
  });
  const t0 = cpuOf(child.pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = cpuOf(child.pid) - t0;
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  return cpu;
}
