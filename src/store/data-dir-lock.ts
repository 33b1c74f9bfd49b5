// One embedded onair per data directory. A second `onair run` on the same folder would
// kill the first one's ffmpeg as "left over" and write the same SQLite records, so it is
// refused at start with a message that says which process holds the folder.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OnairError } from '../shared/errors.js';

export class DataDirLockedError extends OnairError {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dataDir>/onair.lock` for this process, or throws DataDirLockedError when a live
 * process holds it. A lock left by a killed process (its pid no longer runs) is taken over.
 * Returns the release function (idempotent; removes the file only while it is ours).
 */
export function lockDataDir(dataDir: string, pid = process.pid): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'onair.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${pid}\n`, { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (Number(readFileSync(file, 'utf8').trim()) === pid) rmSync(file, { force: true });
        } catch {
          // Already gone.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(file, 'utf8').trim());
    } catch {
      // Removed between our two calls: try again.
    }
    if (Number.isInteger(holder) && holder > 0 && holder !== pid && alive(holder)) {
      throw new DataDirLockedError(
        `another onair (pid ${holder}) is already running with the data folder ${dataDir}; ` +
          'stop it first, or give this one its own folder with ONAIR_DATA_DIR',
      );
    }
    rmSync(file, { force: true }); // stale: its process is gone
  }
  throw new DataDirLockedError(`could not take ${file}; another onair may be starting with the same data folder`);
}
