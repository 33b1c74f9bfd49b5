// Pure: turns ffmpeg's `-progress pipe:1` output (key=value lines, a block ending with
// `progress=continue|end`) into samples for the encoder's health.

export interface ProgressSample {
  frame: number;
  fps: number;
  /** kbit/s; undefined when ffmpeg reports N/A (it does through the tee muxer). */
  bitrateKbps?: number;
  speed: number;
  droppedFrames: number;
  duplicatedFrames: number;
  /** Output time reached, in seconds. */
  outTimeS: number;
  end: boolean;
}

const num = (v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number.parseFloat(v);
  return Number.isFinite(n) ? n : undefined;
};

/** Feed it lines; it returns a sample each time a block completes. */
export class ProgressParser {
  #block = new Map<string, string>();

  push(line: string): ProgressSample | undefined {
    const eq = line.indexOf('=');
    if (eq <= 0) return undefined;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key !== 'progress') {
      this.#block.set(key, value);
      return undefined;
    }
    const b = this.#block;
    this.#block = new Map();
    const outUs = num(b.get('out_time_us')) ?? num(b.get('out_time_ms'));
    const bitrate = b.get('bitrate');
    return {
      frame: num(b.get('frame')) ?? 0,
      fps: num(b.get('fps')) ?? 0,
      bitrateKbps: bitrate && bitrate !== 'N/A' ? num(bitrate.replace(/kbits\/s$/, '')) : undefined,
      speed: num(b.get('speed')?.replace(/x$/, '')) ?? 0,
      droppedFrames: num(b.get('drop_frames')) ?? 0,
      duplicatedFrames: num(b.get('dup_frames')) ?? 0,
      outTimeS: outUs !== undefined && outUs > 0 ? outUs / 1e6 : 0,
      end: value === 'end',
    };
  }
}
