// One embedded onair per data directory. A second `onair run` on the same folder would
// kill the first one's ffmpeg as "left over" and write the same SQLite records, so it is
// refused at start with a message that says which process holds the folder. The lock names
// the process by pid, boot and start time: after a power cut (another boot) or once the pid
// is reused by an unrelated process (another start time) the lock is stale, not a holder.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OnairError } from '../shared/errors.js';

export class DataDirLockedError extends OnairError {}

/** What identifies a process beyond its pid (Linux /proc); undefined where that cannot be read. */
function identity(pid: number): string | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    // Field 22 of /proc/<pid>/stat is the start time in clock ticks since boot; the fields
    // after the command name (in parentheses, which may hold spaces) are space-separated.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return start ? `${boot} ${start}` : undefined;
  } catch {
    return undefined;
  }
}

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
      const who = identity(pid);
      writeFileSync(file, who ? `${pid} ${who}\n` : `${pid}\n`, { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (Number(readFileSync(file, 'utf8').trim().split(' ')[0]) === pid) rmSync(file, { force: true });
        } catch {
          // Already gone.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    let recorded: string | undefined;
    try {
      const [first, ...rest] = readFileSync(file, 'utf8').trim().split(' ');
      holder = Number(first);
      recorded = rest.length > 0 ? rest.join(' ') : undefined;
    } catch {
      // Removed between our two calls: try again.
    }
    // A lock written before identities were recorded (or where /proc is missing) goes by pid alone.
    const same = (h: number): boolean => recorded === undefined || identity(h) === undefined || identity(h) === recorded;
    if (Number.isInteger(holder) && holder > 0 && holder !== pid && alive(holder) && same(holder)) {
      throw new DataDirLockedError(
        `another onair (pid ${holder}) is already running with the data folder ${dataDir}; ` +
          'stop it first, or give this one its own folder with ONAIR_DATA_DIR',
      );
    }
    rmSync(file, { force: true }); // stale: its process is gone (or the pid now names another)
  }
  throw new DataDirLockedError(`could not take ${file}; another onair may be starting with the same data folder`);
}
