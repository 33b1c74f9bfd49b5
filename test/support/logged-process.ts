// A child process that logs pino JSON lines on stdout (an onair node): keeps its lines and
// stderr, waits for the n-th line that matches (past or future; rejects with the last lines
// when the process exits first), and stops it with a signal.
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

export class LoggedProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #waiters: Array<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = [];

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let l: LogLine;
      try {
        l = JSON.parse(text) as LogLine;
      } catch {
        return;
      }
      this.logs.push(l);
      for (const w of [...this.#waiters]) {
        if (w.match(l)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(l);
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => this.stderr.push(d));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The `n`-th log line (1-based, past or future) that matches. */
  waitFor(match: (l: LogLine) => boolean, n = 1): Promise<LogLine> {
    const seen = this.logs.filter(match);
    if (seen.length >= n) return Promise.resolve(seen[n - 1]!);
    let count = seen.length;
    return new Promise((resolve, reject) => {
      this.#waiters.push({ match: (l) => match(l) && ++count >= n, resolve });
      void this.exited.then(({ code, signal }) =>
        reject(new Error(`node exited (${code ?? signal}) while waiting:\n${this.stderr.join('')}\n${this.logs.slice(-20).map((x) => JSON.stringify(x)).join('\n')}`)),
      );
    });
  }

  /** Sends `signal` unless the process has already exited, and waits for its exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
