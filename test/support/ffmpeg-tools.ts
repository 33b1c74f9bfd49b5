// Test helpers around the real ffmpeg: finding it, counting what a file really holds,
// reading HLS playlists, waiting for a condition, listing a process group.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveBinaries, type Binaries } from '../../src/media/binaries.js';

let cached: Binaries | undefined;
export function binaries(): Binaries {
  cached ??= resolveBinaries({
    ffmpegPath: process.env.ONAIR_FFMPEG_PATH,
    probePath: process.env.ONAIR_FFPROBE_PATH,
  });
  return cached;
}

/** Video frames ffmpeg can read from a (possibly still growing) file; 0 when unreadable. */
export function countVideoFrames(file: string): Promise<number> {
  return new Promise((resolve) => {
    if (!existsSync(file)) return resolve(0);
    execFile(
      binaries().ffmpeg,
      ['-hide_banner', '-nostdin', '-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-'],
      { timeout: 20_000 },
      (_err, _stdout, stderr) => {
        const all = [...String(stderr).matchAll(/frame=\s*(\d+)/g)];
        resolve(all.length ? Number(all[all.length - 1]![1]) : 0);
      },
    );
  });
}

/** Segment file names listed in an HLS playlist (empty when it does not exist yet). */
export function hlsSegments(playlist: string): string[] {
  if (!existsSync(playlist)) return [];
  return readFileSync(playlist, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => path.join(path.dirname(playlist), l.trim()));
}

/** The one wait helper (test/support/wait.ts), re-exported for the media tests that import it from here. */
export { waitFor } from './wait.js';

/** Live pids in a process group (zombies waiting for init to reap them do not count). */
export function groupPids(pgid: number): number[] {
  try {
    return execFileSync('pgrep', ['-g', String(pgid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter(isAlive);
  } catch {
    return [];
  }
}

/** The ffmpeg child of a guard process, if it runs. */
export function ffmpegChildOf(guardPid: number): number | undefined {
  try {
    const out = execFileSync('pgrep', ['-P', String(guardPid), '-f', binaries().ffmpeg], { encoding: 'utf8' });
    const pid = Number(out.split('\n')[0]);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill(0); /proc tells.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}
