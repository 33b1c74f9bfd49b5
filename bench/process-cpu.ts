// What the benches read off running processes: CPU seconds from /proc, and the ffmpeg that
// a guard process (src/media/guarded-process.ts) runs.
import { execFileSync } from 'node:child_process';
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
