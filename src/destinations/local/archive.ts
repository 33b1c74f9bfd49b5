// The local archive: each completed local broadcast becomes one MP4 (the programme's
// recorded parts joined without re-encoding) plus a JSON sidecar with what the archive
// listing shows. The city keeps these as part of its digital archive.
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArchiveEntry, ArchiveReader } from '../../scheduler/ports.js';
import { DestinationError } from '../../scheduler/ports.js';
import type { Occurrence } from '../../schedule/types.js';
import { archiveRoot } from './paths.js';

const DISK_FULL = /No space left on device|ENOSPC/i;

/** The duration ffmpeg reports at the end of a copy ("time=00:01:02.50"), in seconds. */
export function lastTime(stderr: string): number {
  const all = [...stderr.matchAll(/time=\s*(\d+):(\d\d):(\d\d(?:\.\d+)?)/g)];
  const m = all[all.length - 1];
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
}

export interface ArchiveDeps {
  ffmpeg: string;
  dataDir: string;
  /** A join is killed after this long. @defaultValue 600000 */
  timeoutMs?: number;
}

/**
 * Joins the parts in `parts` into `<archive>/<folder>.mp4` and writes the sidecar.
 * Idempotent: an existing archive entry is returned as is. Parts are removed only after
 * the MP4 and sidecar are written, so a failed attempt can be retried.
 */
export async function archiveParts(occ: Occurrence, folder: string, parts: string, deps: ArchiveDeps, signal?: AbortSignal): Promise<ArchiveEntry | undefined> {
  const dir = archiveRoot(deps.dataDir);
  const mp4 = path.join(dir, `${folder}.mp4`);
  const sidecar = path.join(dir, `${folder}.json`);
  try {
    return JSON.parse(await readFile(sidecar, 'utf8')) as ArchiveEntry;
  } catch {
    // Not archived yet.
  }
  let files: string[];
  try {
    files = (await readdir(parts)).filter((f) => f.endsWith('.ts')).sort();
  } catch {
    return undefined; // The programme never ran (slate only): nothing to keep.
  }
  if (files.length === 0) return undefined;
  await mkdir(dir, { recursive: true });
  const list = path.join(parts, 'parts.ffconcat');
  await writeFile(list, `ffconcat version 1.0\n${files.map((f) => `file '${f}'\n`).join('')}`);
  const tmp = `${mp4}.part`;
  const stderr = await new Promise<string>((resolve, reject) => {
    execFile(
      deps.ffmpeg,
      ['-hide_banner', '-nostdin', '-loglevel', 'info', '-f', 'concat', '-safe', '0', '-i', list,
        '-map', '0', '-c', 'copy', '-bsf:a', 'aac_adtstoasc', '-movflags', '+faststart', '-f', 'mp4', '-y', tmp],
      { timeout: deps.timeoutMs ?? 600_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, signal },
      (err, _out, errText) => {
        const text = String(errText);
        if (!err) return resolve(text);
        if (DISK_FULL.test(text)) {
          reject(new DestinationError('disk-full', `The disk holding ${dir} is full, so the recording of this broadcast could not be saved. Free space on that disk; the recorded parts are kept in ${parts} and are saved at the next attempt.`, false));
        } else {
          reject(new DestinationError('archive-failed', `The recording could not be saved (${text.trim().split('\n').pop() ?? err.message}); the parts are kept in ${parts}.`, true));
        }
      },
    );
  }).catch(async (err: unknown) => {
    await rm(tmp, { force: true });
    throw err;
  });
  await rename(tmp, mp4);
  const entry: ArchiveEntry = {
    occurrenceId: occ.id,
    programmeId: occ.programmeId,
    title: occ.title,
    localStart: occ.localStart,
    start: occ.start.toISOString(),
    durationS: Math.round(lastTime(stderr) * 10) / 10,
    sizeBytes: (await stat(mp4)).size,
    url: `/archive/${folder}.mp4`,
    createdAt: new Date().toISOString(),
  };
  await writeFile(`${sidecar}.tmp`, JSON.stringify(entry, null, 2));
  await rename(`${sidecar}.tmp`, sidecar);
  await rm(parts, { recursive: true, force: true });
  return entry;
}

/** Lists the archive from its sidecars, newest first. */
export class LocalArchive implements ArchiveReader {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = archiveRoot(dataDir);
  }

  async list(): Promise<ArchiveEntry[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((f) => f.endsWith('.json'));
    } catch {
      return [];
    }
    const entries: ArchiveEntry[] = [];
    for (const n of names) {
      try {
        entries.push(JSON.parse(await readFile(path.join(this.dir, n), 'utf8')) as ArchiveEntry);
      } catch {
        // A sidecar being written or damaged is left out rather than failing the listing.
      }
    }
    return entries.sort((a, b) => b.start.localeCompare(a.start));
  }
}
