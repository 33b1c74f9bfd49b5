// A worker-child.ts process seen from a test: its JSON lines, waits on them, and kill().
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type Line = { event: string; [k: string]: unknown };

export class WorkerProcess {
  readonly lines: Line[] = [];
  readonly #waiters: Array<{ pred: (l: Line) => boolean; resolve: (l: Line) => void }> = [];
  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        return;
      }
      this.lines.push(line);
      for (const w of [...this.#waiters]) {
        if (w.pred(line)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    });
  }
  waitFor(pred: (l: Line) => boolean): Promise<Line> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ pred, resolve });
      this.child.once('exit', (code, sig) => reject(new Error(`worker exited (${code ?? sig}) while waiting`)));
    });
  }
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await once(this.child, 'exit');
  }
}


export function startWorkerChild(redisUrl: string, prefix: string, leaseTtlMs: number, occJson: string): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./worker-child.ts', import.meta.url)), redisUrl, prefix, String(leaseTtlMs), occJson],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new WorkerProcess(child);
}
