// A child process that writes one JSON object a line on stdout (an onair node's pino lines,
// or a test child's `{ event: … }` lines): keeps its lines and stderr, waits for the n-th line
// that matches (past or future; rejects with the last lines when the process ends first), and
// stops it with a signal.
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A pino line of an onair node. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

export class LoggedProcess<Line extends object = LogLine> {
  readonly logs: Line[] = [];
  /** What it wrote on stderr (empty when its stderr is not piped). */
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Settles once its stdout is closed too, so every line it wrote has been read. */
  readonly #closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #waiters: Array<{ match: (l: Line) => boolean; resolve: (l: Line) => void }> = [];

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let l: Line;
      try {
        l = JSON.parse(text) as Line;
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
    child.stderr?.setEncoding('utf8').on('data', (d: string) => this.stderr.push(d));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    this.#closed = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  }

  /** The `n`-th line (1-based, past or future) that matches. */
  waitFor(match: (l: Line) => boolean, n = 1): Promise<Line> {
    const seen = this.logs.filter(match);
    if (seen.length >= n) return Promise.resolve(seen[n - 1]!);
    let count = seen.length;
    return new Promise((resolve, reject) => {
      this.#waiters.push({ match: (l) => match(l) && ++count >= n, resolve });
      void this.#closed.then(({ code, signal }) =>
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
