// Runs ffmpeg so that it can never outlive onair. Node has no PR_SET_PDEATHSIG, so
// ffmpeg is started by a tiny POSIX sh guard: the guard holds the read end of a pipe
// whose only writer is onair (the guard's stdin). When onair dies for any reason,
// SIGKILL included, the kernel closes that pipe, the guard's `cat` sees EOF and the
// guard SIGKILLs ffmpeg. The guard leads its own process group (detached), so a stop
// that must be forced kills guard, ffmpeg and watcher together with one signal.
// A pidfile per process lets a restarted onair kill leftovers of a crash anyway.
// Why no wrapper library spawns ffmpeg for us: see README.md ("Why ffmpeg is spawned directly").
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** argv[0] of the guard; also how killLeftovers recognises our processes. */
export const GUARD_NAME = 'onair-ffmpeg-guard';

// SIGINT/SIGTERM to the guard are passed to ffmpeg (a graceful stop). fd 3 keeps the
// pipe for the watcher, because POSIX sh gives background jobs /dev/null as stdin.
const GUARD_SCRIPT = `
exec 3<&0
"$@" </dev/null 3<&- &
child=$!
trap 'kill -INT $child 2>/dev/null' INT
trap 'kill -TERM $child 2>/dev/null' TERM
( cat <&3 >/dev/null; kill -KILL $child 2>/dev/null ) &
watcher=$!
exec 3<&-
status=0
while :; do
  wait $child
  status=$?
  kill -0 $child 2>/dev/null || break
done
kill $watcher 2>/dev/null
exit $status
`;

// A held (pre-rolled) run: ffmpeg writes into its own FIFO ($1) that nobody reads yet, so
// it opens and probes its input (and seeks) and then waits in open() of that FIFO. SIGUSR1
// (release()) starts a `cat` from that FIFO into the real output ($2): ffmpeg's open
// returns and its first frame follows at once. The trap is set first, before anything can
// be released. After ffmpeg ends, the relay is given its end of file (a writer that comes
// and goes at once, in case ffmpeg never opened the FIFO) and waited for, so what ffmpeg
// wrote last still reaches the output.
const HELD_GUARD_SCRIPT = `
trap 'cat "$hold" >"$out" & relay=$!' USR1
hold=$1 out=$2
shift 2
${GUARD_SCRIPT.replace('kill $watcher 2>/dev/null\nexit $status', `if [ -n "$relay" ]; then
  exec 4<>"$hold"
  exec 4>&-
  wait $relay
fi
kill $watcher 2>/dev/null
exit $status`)}`;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface GuardedOptions {
  /** Where to record the guard's pid (= process group id) while it runs. */
  pidFile?: string;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /**
   * Hold the run: ffmpeg's output must be the FIFO `fifo` (made beforehand), which is
   * relayed into `out` from release() on (see HELD_GUARD_SCRIPT).
   */
  hold?: { fifo: string; out: string };
}

export class GuardedProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  readonly #child: ChildProcess;
  #exit: ExitInfo | undefined;
  #held: boolean;

  constructor(binary: string, args: readonly string[], options: GuardedOptions = {}) {
    const script = options.hold ? ['-c', HELD_GUARD_SCRIPT, GUARD_NAME, options.hold.fifo, options.hold.out] : ['-c', GUARD_SCRIPT, GUARD_NAME];
    this.#held = options.hold !== undefined;
    this.#child = spawn('sh', [...script, binary, ...args], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (this.#child.pid === undefined) throw new Error(`cannot start ${binary}`);
    this.pid = this.#child.pid;
    const pidFile = options.pidFile;
    if (pidFile) {
      mkdirSync(path.dirname(pidFile), { recursive: true });
      writeFileSync(pidFile, `${this.pid}\n`);
    }
    // The guard never reads its stdin; errors on it (EPIPE once it exits) are expected.
    this.#child.stdin!.on('error', () => {});
    if (options.onStdoutLine) createInterface({ input: this.#child.stdout! }).on('line', options.onStdoutLine);
    else this.#child.stdout!.resume();
    if (options.onStderrLine) createInterface({ input: this.#child.stderr! }).on('line', options.onStderrLine);
    else this.#child.stderr!.resume();
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        this.#child.stdin!.destroy();
        // The guard's watcher (`cat`) may outlive the guard by a moment: end the group.
        try {
          process.kill(-this.pid, 'SIGKILL');
        } catch {
          // The group is already empty.
        }
        if (pidFile) rmSync(pidFile, { force: true });
        // SIGKILL is sent, not done: a forced stop under load can leave ffmpeg tearing down
        // for a moment. `exited` (and so stop()) resolves once nothing of the group runs.
        void groupEnded(this.pid).then(() => resolve(this.#exit!));
      });
    });
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** A held run that has not been released yet. */
  get held(): boolean {
    return this.#held && this.running;
  }

  /** Lets a held run's output through (see GuardedOptions.hold); once. */
  release(): void {
    if (!this.held) return;
    this.#held = false;
    try {
      process.kill(this.pid, 'SIGUSR1');
    } catch {
      // Gone meanwhile: its exit is reported as usual.
    }
  }

  /** Kills guard, ffmpeg and watcher at once. */
  kill(): void {
    if (!this.running) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  /**
   * SIGINT (ffmpeg finishes its outputs), a second SIGINT after `interruptAfterMs`, then
   * SIGKILL of the group at `timeoutMs`. One SIGINT ends ffmpeg's main loop, but its
   * trailers are written one tee slave after another, and an RTMP slave whose receiver
   * never answered (a black hole) waits there in its handshake for good: ffmpeg only gives
   * up blocking I/O once it has had more signals than when its transcoding began, i.e. at
   * the second one. That second SIGINT also cuts every write still to come, so the tee
   * lists the file outputs before the network ones (tee.ts inFinishingOrder) and they are
   * finished by then. The guard passes each SIGINT on to ffmpeg.
   * @defaultValue interruptAfterMs the smaller of 2000 and half of timeoutMs
   */
  async stop(timeoutMs: number, interruptAfterMs = Math.min(2000, timeoutMs / 2)): Promise<ExitInfo> {
    if (!this.running) return this.exited;
    const interrupt = (): void => {
      try {
        process.kill(this.pid, 'SIGINT');
      } catch {
        // Already gone.
      }
    };
    interrupt();
    const again = setTimeout(() => this.running && interrupt(), interruptAfterMs);
    const timer = setTimeout(() => this.kill(), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(again);
      clearTimeout(timer);
    }
  }
}

/** Live (not zombie) members of process group `pgid`, read from /proc (Linux; elsewhere none). */
function liveGroupMembers(pgid: number): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  let live = 0;
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') live++;
    } catch {
      // Exited while we looked.
    }
  }
  return live;
}

/** Waits (at most `limitMs`) until no live process is left in group `pgid`. */
async function groupEnded(pgid: number, limitMs = 5000): Promise<void> {
  const until = Date.now() + limitMs;
  while (liveGroupMembers(pgid) > 0 && Date.now() < until) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      return; // The group is empty.
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function isOurs(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(GUARD_NAME);
  } catch {
    return false;
  }
}

/**
 * Kills the process groups recorded in `runDir/*.pid` that still run our guard
 * (a pid reused by another program is left alone), and removes the pidfiles.
 * Returns the pids killed. Call once at start, before any encoder runs.
 */
export function killLeftovers(runDir: string): number[] {
  const killed: number[] = [];
  let files: string[];
  try {
    files = readdirSync(runDir).filter((f) => f.endsWith('.pid'));
  } catch {
    return killed;
  }
  for (const f of files) {
    const file = path.join(runDir, f);
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(pid) && pid > 1 && isOurs(pid)) {
      try {
        process.kill(-pid, 'SIGKILL');
        killed.push(pid);
      } catch {
        // Gone meanwhile.
      }
    }
    rmSync(file, { force: true });
  }
  return killed;
}
