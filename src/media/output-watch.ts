// Which outputs (destinations) have been failing for too long. ffmpeg's fifo slaves
// reconnect a failed output on their own, about once a second, and say so on stderr each
// time ("Error opening rtmp://…: Connection refused"); the encoder reports each line here.
// An output whose failures go on without a break longer than `budgetMs` is due to be
// reported failed, once: a receiver that went away mid-stream and did not come back. A
// break of `quietMs` without a failure line starts the count again (it reconnected).
//
// What it cannot see: an output that stops delivering without ffmpeg saying anything (a
// receiver that freezes mid-handshake or mid-stream): delivery-watch.ts judges those by the
// bytes the receiver acknowledges.

export interface OutputWatchOptions {
  /** Failing this long without a break = failed. */
  budgetMs: number;
  /** No failure line for this long = the output is back. @defaultValue 5000 */
  quietMs?: number;
}

interface Failing {
  since: number;
  last: number;
  detail: string;
  reported: boolean;
}

export class OutputWatch {
  readonly #budgetMs: number;
  readonly #quietMs: number;
  readonly #failing = new Map<string, Failing>();

  constructor(o: OutputWatchOptions) {
    this.#budgetMs = o.budgetMs;
    this.#quietMs = o.quietMs ?? 5000;
  }

  /** ffmpeg said this output failed (again), at `now`. */
  failed(destination: string, detail: string, now: number): void {
    const f = this.#failing.get(destination);
    if (f && now - f.last <= this.#quietMs) {
      f.last = now;
      f.detail = detail;
      return;
    }
    this.#failing.set(destination, { since: now, last: now, detail, reported: f?.reported ?? false });
  }

  /** The output is delivering again (its receiver takes the stream): a later failure counts afresh, and is reported again. */
  clear(destination: string): void {
    this.#failing.delete(destination);
  }

  /** Outputs failing for the whole budget and not reported yet; each is returned once. */
  due(now: number): Array<{ destination: string; detail: string; failingMs: number }> {
    const out: Array<{ destination: string; detail: string; failingMs: number }> = [];
    for (const [destination, f] of this.#failing) {
      if (f.reported || now - f.last > this.#quietMs) continue;
      if (now - f.since < this.#budgetMs) continue;
      f.reported = true;
      out.push({ destination, detail: f.detail, failingMs: now - f.since });
    }
    return out;
  }
}
