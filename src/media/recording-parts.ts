// Keeps the archive to the programme. The output records the whole broadcast in ~2 s
// MPEG-TS parts (tee.ts recordingSlave) because it never restarts for a switch; this
// remembers when the programme was on air and deletes the parts that hold none of it.
// A part is judged once it is complete (a newer part exists) or at the end. A part is cut
// at a keyframe, so on the copy path (send-path.ts) it is as long as the source's GOP, not 2 s.
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { RECORDING_PART_S } from './tee.js';


export class RecordingParts {
  /** [from, to) wall-clock ms while the programme was on air; `to` undefined = still on. */
  readonly #programme: Array<{ from: number; to: number | undefined }> = [];
  readonly #judged = new Set<string>();
  /** How far a part's content reaches back before its last write (one part plus slack). */
  readonly #spanMs: number;

  /** `partS`: the longest a part can be (the source's keyframe spacing when copied). @defaultValue RECORDING_PART_S */
  constructor(readonly dirs: readonly string[], partS = RECORDING_PART_S) {
    this.#spanMs = Math.max(partS, RECORDING_PART_S) * 1000 * 2;
  }

  /** The programme went on air (true) or off (false) at `now`. */
  showing(programme: boolean, now: number): void {
    const last = this.#programme.at(-1);
    const on = last !== undefined && last.to === undefined;
    if (programme && !on) this.#programme.push({ from: now, to: undefined });
    if (!programme && on) last.to = now;
  }

  #hadProgramme(from: number, to: number): boolean {
    return this.#programme.some((p) => p.from < to && (p.to === undefined || p.to > from));
  }

  /** Deletes complete parts without programme; with `final`, the last one too. */
  async prune(final = false): Promise<void> {
    for (const dir of this.dirs) {
      let files: string[];
      try {
        files = (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort();
      } catch {
        continue;
      }
      const complete = final ? files : files.slice(0, -1);
      for (const f of complete) {
        const file = path.join(dir, f);
        if (this.#judged.has(file)) continue;
        this.#judged.add(file);
        try {
          const written = (await stat(file)).mtimeMs;
          if (!this.#hadProgramme(written - this.#spanMs, written)) await rm(file, { force: true });
        } catch {
          // Gone meanwhile.
        }
      }
    }
  }
}
