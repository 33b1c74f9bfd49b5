// The whole cost of a pre-rolled programme switch (pipeline-latency.ts SwitchCost.airMs),
// kept across restarts in `<data>/run/switch-cost.json`: the first broadcast after a restart
// is cued with the figure the last run measured on this machine, not the lower one of a
// slate rehearsal (preroll.ts), nor none. Only a plausible number is taken back; a missing or
// damaged file is simply no figure.
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class SwitchCostFile {
  #writes: Promise<void> = Promise.resolve();
  #count = 0;

  constructor(readonly file: string) {}

  load(): number | undefined {
    try {
      const { airMs } = JSON.parse(readFileSync(this.file, 'utf8')) as { airMs?: unknown };
      return typeof airMs === 'number' && airMs > -1000 && airMs < 5000 ? airMs : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Keeps `airMs`, after the writes before it (so the last figure told is the one kept),
   * by rename (a reader never sees half a file). Resolves once written; rejects on failure.
   */
  save(airMs: number): Promise<void> {
    const write = this.#writes.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}-${++this.#count}.tmp`;
      await writeFile(tmp, `${JSON.stringify({ airMs: Math.round(airMs), at: new Date().toISOString() })}\n`);
      await rename(tmp, this.file);
    });
    this.#writes = write.catch(() => undefined);
    return write;
  }
}
