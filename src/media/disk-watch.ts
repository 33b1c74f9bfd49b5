// Watches the disk under the local (HLS) outputs: ffmpeg's "No space left" lines and a
// statfs every few seconds (the HLS muxer does not report failed segment writes) both
// count as "full". A full disk is not yet a failure: the live playlist needs little room
// (the encoder stops the recording first). The encoder fails a broadcast whose every
// output is local only once the disk has stayed full for diskFullGraceMs AND the live
// stream cannot be written: its playlists stopped changing, or the free space left is under
// what a live window of segments needs (FLOOR_BYTES). The floor matters because ffmpeg's HLS
// muxer keeps rewriting its small playlist while every segment it writes is cut short.
import { stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { EncoderSpec } from '../scheduler/ports.js';
import type { EncoderOptions } from './encoder-options.js';

/** How often the free space is checked, and how long a "full" finding counts as recent. */
const CHECK_EVERY_MS = 5000;
const RECENT_MS = 10_000;
/** Under this much free space a live window (a few 2 s segments at up to ~8 Mbit/s) cannot be written. */
const FLOOR_BYTES = 8 * 1024 * 1024;

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
  /**
   * Real time (Date.now(), compared with file times) a live playlist was last seen
   * rewritten; starts when the watch does, so a stream never written counts as stale.
   */
  #lastWriteReal = Date.now();
  /** The least free space the last check found under an HLS output. */
  #lastFree: number | undefined;

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
    let least: number | undefined;
    for (const o of this.deps.outputs) {
      if (o.target.format !== 'hls') continue;
      const dir = path.dirname(o.target.url);
      try {
        // The playlist is renamed into place at every segment while writes work.
        this.#lastWriteReal = Math.max(this.#lastWriteReal, (await stat(o.target.url)).mtimeMs);
      } catch {
        // Not written yet, or its folder is gone: no sign of a write.
      }
      try {
        const fs = await statfs(dir);
        const free = fs.bavail * fs.bsize;
        least = Math.min(least ?? free, free);
        if (free < this.deps.options.minFreeBytes) this.full(`${Math.round(free / 1024)} KiB free under ${dir}`, now());
      } catch {
        // The folder is made at launch; a failed check is not a finding.
      }
    }
    this.#lastFree = least;
  }

  /**
   * The disk has been full for the whole grace period, the live playlists have not been
   * written for a while (RECENT_MS, real time) or the free space is under FLOOR_BYTES, and
   * every output is local.
   */
  mustFail(now: number): boolean {
    const since = this.#firstFullAt;
    if (since === undefined || now - this.#lastFullAt >= RECENT_MS || now - since < this.deps.options.diskFullGraceMs) return false;
    const starved = this.#lastFree !== undefined && this.#lastFree < FLOOR_BYTES;
    if (!starved && Date.now() - this.#lastWriteReal < RECENT_MS) return false;
    return this.deps.outputs.every((o) => o.target.format === 'hls');
  }
}
