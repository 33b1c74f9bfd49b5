// Liveness and readiness for load balancers and process managers.
// `/healthz` answers as long as the process serves HTTP; `/readyz` runs the checks main.ts
// passes (schedules loaded, store and Redis reachable, ffmpeg present) and answers 503
// naming every failing check, so an operator sees what to fix.
import { constants } from 'node:fs';
import { access, rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import express from 'express';
import { strictRouter } from '../router.js';

/** One readiness check: resolves when fine, throws (or rejects) with a message saying what is wrong. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void> | void;
}

export interface HealthRouteDeps {
  checks: readonly ReadinessCheck[];
  /** A check slower than this counts as failed. @defaultValue 2000 */
  timeoutMs?: number;
  /** Set once shutdown began: readiness fails so the balancer stops sending traffic. */
  draining?: () => boolean;
}

export interface CheckResult {
  ok: boolean;
  error?: string;
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(() => check.check()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRouter(deps: HealthRouteDeps): express.Router {
  const router = strictRouter();
  const timeoutMs = deps.timeoutMs ?? 2000;
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(deps.checks.map(async (c) => [c.name, await runCheck(c, timeoutMs)] as const));
    const checks: Record<string, CheckResult> = Object.fromEntries(results);
    if (deps.draining?.()) checks.shutdown = { ok: false, error: 'shutting down' };
    const ready = Object.values(checks).every((c) => c.ok);
    res.status(ready ? 200 : 503).set('Cache-Control', 'no-store').json({ ready, checks });
  });
  return router;
}

/** 1500000 -> "1.5 MB" (decimal units, as disks are sold). */
function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}

/** The file the data folder check writes (and removes) each time. */
export const WRITE_CHECK_FILE = '.readyz-write-check';

/**
 * Ready when the data folder takes a write (a small file written and removed: a full disk,
 * a read-only mount or lost permissions fail it) and its disk has at least `minFreeBytes`
 * free (config engine.minFreeBytes, the encoder's "disk full" line). The HLS muxer does not
 * report failed segment writes, so this is how an operator learns the live stream is not
 * being written.
 */
export function dataFolderCheck(dir: string, minFreeBytes: number): ReadinessCheck {
  return {
    name: 'data',
    async check() {
      const file = path.join(dir, WRITE_CHECK_FILE);
      try {
        await writeFile(file, 'ok\n');
        await rm(file, { force: true });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        throw new Error(`cannot write to the data folder (${code}); free space on its disk, or check that it is mounted writable and owned by onair's user (ONAIR_DATA_DIR)`);
      }
      const fs = await statfs(dir);
      const free = fs.bavail * fs.bsize;
      if (free < minFreeBytes) {
        throw new Error(`only ${bytes(free)} free on the disk of the data folder; onair needs at least ${bytes(minFreeBytes)} (engine.minFreeBytes) to write the live stream and recordings: free space there (old recordings are in <data>/archive)`);
      }
    },
  };
}

/** Ready when `path` is an executable file (ffmpeg, ffprobe); does not run it. */
export function executableCheck(name: string, path: string): ReadinessCheck {
  return {
    name,
    async check() {
      try {
        await access(path, constants.X_OK);
      } catch {
        throw new Error(`${path} is missing or not executable; set ffmpeg.path (ONAIR_FFMPEG_PATH) or install ffmpeg`);
      }
    },
  };
}
