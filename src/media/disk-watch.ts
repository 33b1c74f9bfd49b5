// Watches the disk under the local (HLS) outputs: ffmpeg's "No space left" lines and a
// statfs every few seconds (the HLS muxer does not report failed segment writes) both
// count as "full"; a disk that stays full for diskFullGraceMs tells the encoder to fail
// a broadcast whose every output is local.
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { EncoderSpec } from '../scheduler/ports.js';
import type { EncoderOptions } from './encoder-options.js';

/** How often the free space is checked, and how long a "full" finding counts as recent. */
const CHECK_EVERY_MS = 5000;
const RECENT_MS = 10_000;

export interface DiskWatchDeps {
  outputs: EncoderSpec['outputs'];
  options: Pick<EncoderOptions, 'minFreeBytes' | 'diskFullGraceMs'>;
  /** Called when the disk is first found full (again after a quiet spell), with what was seen. */
  onFull: (detail: string) => void;
}

export class DiskWatch {
  #firstFullAt: number | undefined;
  #lastFullAt = 0;
  #lastCheck = 0;

  constructor(private readonly deps: DiskWatchDeps) {}

  /** The disk was found full at `now` (ffmpeg said so, or statfs did). */
  full(detail: string, now: number): void {
    if (this.#firstFullAt === undefined || now - this.#lastFullAt > RECENT_MS) {
      this.#firstFullAt = now;
      this.deps.onFull(detail);
    }
    this.#lastFullAt = now;
  }

  /** Whether a statfs check is due at `now` (and marks it done). */
  checkDue(now: number): boolean {
    if (now - this.#lastCheck < CHECK_EVERY_MS) return false;
    this.#lastCheck = now;
    return true;
  }

  async check(now: () => number): Promise<void> {
    for (const o of this.deps.outputs) {
      if (o.target.format !== 'hls') continue;
      const dir = path.dirname(o.target.url);
      try {
        const fs = await statfs(dir);
        const free = fs.bavail * fs.bsize;
        if (free < this.deps.options.minFreeBytes) this.full(`${Math.round(free / 1024)} KiB free under ${dir}`, now());
      } catch {
        // The folder is made at launch; a failed check is not a finding.
      }
    }
  }

  /** The disk has been full for the whole grace period and every output is local. */
  mustFail(now: number): boolean {
    const since = this.#firstFullAt;
    if (since === undefined || now - this.#lastFullAt >= RECENT_MS || now - since < this.deps.options.diskFullGraceMs) return false;
    return this.deps.outputs.every((o) => o.target.format === 'hls');
  }
}
