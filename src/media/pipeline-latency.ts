// How early a cued switch must be made for the programme's first frame to leave the output
// at the cued second, measured in the product rather than set by hand:
//   - the output's pipeline latency: how far the frames leaving the output's encoder (their
//     dts, one line each from the output's timing slave, tee.ts) run behind what the
//     decoder has written into the pipe at the same instant. The decoders write in real
//     time, so that distance in stream seconds is the time a frame spends in the output:
//     x264's lookahead, frame threads and B-frame reordering. (The output's -progress
//     out_time cannot tell it: it follows the audio, which is not delayed.) Sampled while one
//     decoder runs steadily; per broadcast.
//   - the switch's own cost: from the decision to switch (the slate is stopped) to the
//     programme's first frame in the pipe, for a pre-rolled decoder (preroll.ts). Shared by
//     the factory's encoders, since the first switch of a broadcast is the one that counts.
// Both are medians of recent samples, so one slow moment does not move the next start.

/** The median of the numbers, undefined for none. */
function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A window of recent samples and their median. */
export class RecentMedian {
  readonly #xs: number[] = [];

  constructor(readonly size: number) {}

  push(x: number): void {
    if (!Number.isFinite(x)) return;
    this.#xs.push(x);
    if (this.#xs.length > this.size) this.#xs.shift();
  }

  get count(): number {
    return this.#xs.length;
  }

  get value(): number | undefined {
    return median(this.#xs);
  }
}

/** Fewer samples than this and the output's latency is not trusted yet (about 1 s of frames, one in 5 sampled). */
const MIN_LATENCY_SAMPLES = 6;

/**
 * Reads the output's timing slave (framecrc on stderr): '#tb 0: 1/30' gives the time base,
 * then '0,   dts,   pts, ...' one line per video packet as it leaves the encoder.
 */
export class OutputClock {
  #tb = 0;

  /** The packet's dts in seconds; 'header' for the slave's other lines; undefined for a line not its own. */
  push(line: string): number | 'header' | undefined {
    if (line.startsWith('#')) {
      const tb = /^#tb 0: (\d+)\/(\d+)/.exec(line);
      if (tb) this.#tb = Number(tb[1]) / Number(tb[2]);
      return /^#(tb|extradata|software|media_type|codec_id|dimensions|sar) /.test(line) ? 'header' : undefined;
    }
    const m = /^0,\s+(-?\d+),\s+-?\d+,\s+\d+,/.exec(line);
    if (!m || this.#tb === 0) return undefined;
    return Number(m[1]) * this.#tb;
  }
}

/**
 * The switch cost shared by a factory's encoders (see the file's head), and the output
 * latency its encoders measured last: what a broadcast cued before its own output has
 * been measured goes by.
 */
export class SwitchCost {
  readonly #ms = new RecentMedian(9);
  readonly #airMs = new RecentMedian(9);
  readonly #writerMs = new RecentMedian(9);
  /** The programme median a previous run kept (switch-cost-file.ts). */
  readonly #savedMs: number | undefined;
  readonly #save: ((airMs: number) => void) | undefined;
  /** The last rehearsal's whole cost (recordRehearsal). */
  #rehearsalMs: number | undefined;

  /** `saved`: the median an earlier run measured; `save`: told each new median. */
  constructor(o: { saved?: number; save?: (airMs: number) => void } = {}) {
    this.#savedMs = o.saved;
    this.#save = o.save;
  }
  /** The pipeline latency an encoder of this factory measured last (ms). */
  lastLatencyMs: number | undefined;

  /** A pre-rolled switch's cost: decision to first frame in the pipe (ms). */
  record(ms: number): void {
    if (ms >= 0 && ms < 5000) this.#ms.push(ms);
  }

  /** The median cost, 0 before any pre-rolled switch was measured. */
  get ms(): number {
    return this.#ms.value ?? 0;
  }

  /**
   * A pre-rolled switch's whole cost as the output's encoder shows it: from the decision
   * to the programme's first frame leaving the encoder, less the output latency the lead
   * counted (ms). It holds the cost above and what the steady latency does not: the
   * timestamp gap a held programme leaves after the slate (preroll.ts) is filled by the
   * output with repeated frames all at once, and x264 works through them before the
   * programme's first frame (about 60 of them: 0.1-0.2 s at 720p on two busy cores).
   */
  recordAir(ms: number): void {
    if (!(ms > -1000 && ms < 5000)) return;
    this.#airMs.push(ms);
    this.#save?.(this.#airMs.value!);
  }

  /**
   * A rehearsal's whole cost (slate switched to itself, preroll.ts): what leads count until
   * a programme's switch is measured. Kept apart, since it is lower than a programme's
   * (measured: 50 ms against 186-208 at 720p; the slate is copied into the pipe, not
   * decoded), and would otherwise pull the median down for the starts after it.
   */
  recordRehearsal(ms: number): void {
    if (ms > -1000 && ms < 5000) this.#rehearsalMs = ms;
  }

  /**
   * A switch to a programme that writes the destinations itself (the copy path): from the
   * decision to its first frame written, through the output's stop and that ffmpeg's start
   * and file open (ms).
   */
  recordWriter(ms: number): void {
    if (ms >= 0 && ms < 5000) this.#writerMs.push(ms);
  }

  /** The median cost of such switches, undefined before one was measured. */
  get writerMs(): number | undefined {
    return this.#writerMs.value;
  }

  /**
   * The median whole cost of this run's programme switches, else the median the last run
   * kept, else the rehearsal's; undefined before any was measured.
   */
  get airMs(): number | undefined {
    return this.#airMs.value ?? this.#savedMs ?? this.#rehearsalMs;
  }
}

/** One broadcast's output latency (see the file's head). */
export class PipelineLatency {
  readonly #ms = new RecentMedian(31);

  /**
   * One sample: where the decoder's frames have reached on the broadcast's timeline and
   * where the frames leaving the output's encoder have, both now (s).
   */
  sample(decoderAtS: number, outputAtS: number): void {
    const ms = (decoderAtS - outputAtS) * 1000;
    // Outside this, one of the two positions is not what it seems (a restart, a handover).
    if (ms > -100 && ms < 10_000) this.#ms.push(ms);
  }

  /** The median latency (ms), undefined until enough samples were taken. */
  get ms(): number | undefined {
    return this.#ms.count >= MIN_LATENCY_SAMPLES ? this.#ms.value : undefined;
  }
}
