// A viewer on loopback for the start benches and tests: a real RTMP server (ffmpeg
// `-listen 1`) that decodes what is published as it arrives, one thread and no buffering
// (in the decoder and in the raw output's encoder),
// scales each frame to 8x8 and hands its mean colour to onair's tests with the wall-clock
// time it arrived (Date.now()). So "when did the first programme frame reach a viewer" is
// read where a viewer is, from the pictures themselves. One publisher per listener run; a
// new listener starts when the publisher leaves, until stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { binaries } from './ffmpeg-tools.js';
import { freePort } from './free-port.js';

export type Rgb = [number, number, number];

export interface ReceivedFrame {
  /** Wall-clock arrival (ms since the epoch). */
  at: number;
  rgb: Rgb;
  /** Which publish (connection) it came in, from 1. */
  publish: number;
}

const SIDE = 8;
const FRAME_BYTES = SIDE * SIDE * 3;

/** A colour parsed from ffmpeg's 0xRRGGBB notation. */
export function rgbOf(hex: string): Rgb {
  const h = hex.replace(/^0x|^#/, '');
  return [Number.parseInt(h.slice(0, 2), 16), Number.parseInt(h.slice(2, 4), 16), Number.parseInt(h.slice(4, 6), 16)];
}

/** Whether two colours are the same picture after an encode (each channel within `tolerance`). */
export function near(a: Rgb, b: Rgb, tolerance = 28): boolean {
  return a.every((c, i) => Math.abs(c - b[i]!) <= tolerance);
}

export class RtmpFrameWatcher {
  readonly frames: ReceivedFrame[] = [];
  #proc: ChildProcess | undefined;
  #running = false;
  #publishes = 0;
  #listeners = new Set<(f: ReceivedFrame) => void>();

  private constructor(
    readonly port: number,
    readonly key: string,
  ) {}

  static async start(key = 'watch'): Promise<RtmpFrameWatcher> {
    const w = new RtmpFrameWatcher(await freePort(), key);
    w.#running = true;
    w.#listen();
    const deadline = Date.now() + 10_000;
    while (!w.#accepting()) {
      if (Date.now() > deadline) throw new Error(`RTMP frame watcher did not listen on ${w.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return w;
  }

  /** The ingest URL without the key (what a destination's config holds). */
  get baseUrl(): string {
    return `rtmp://127.0.0.1:${this.port}/live`;
  }

  get url(): string {
    return `${this.baseUrl}/${this.key}`;
  }

  /** Calls `fn` for every frame from now on; returns its remover. */
  onFrame(fn: (f: ReceivedFrame) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Listening, or already connected: a bare TCP probe would take the listener's one connection (see rtmp-receiver.ts). */
  #accepting(): boolean {
    const hex = this.port.toString(16).toUpperCase().padStart(4, '0');
    return readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .some((l) => l.includes(`:${hex} `) && / (0A|01) /.test(l));
  }

  #listen(): void {
    const publish = ++this.#publishes;
    const proc = spawn(
      binaries().ffmpeg,
      [
        '-hide_banner', '-nostdin', '-loglevel', 'error',
        '-fflags', 'nobuffer', '-flags', 'low_delay', '-threads', '1',
        '-listen', '1', '-i', this.url,
        '-map', '0:v:0', '-vf', `scale=${SIDE}:${SIDE}`, '-fps_mode', 'passthrough',
        // The raw output's own encoder in one thread too: rawvideo is frame-threaded, and
        // with ffmpeg's automatic thread count it hands each frame out one or two frames
        // (33-67 ms) after it was decoded, a delay of this watcher's, not of the stream.
        '-threads', '1',
        '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    this.#proc = proc;
    let pending = Buffer.alloc(0);
    proc.stdout!.on('data', (chunk: Buffer) => {
      const at = Date.now();
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= FRAME_BYTES) {
        const px = pending.subarray(0, FRAME_BYTES);
        pending = pending.subarray(FRAME_BYTES);
        const sum: Rgb = [0, 0, 0];
        for (let i = 0; i < FRAME_BYTES; i += 3) for (let c = 0; c < 3; c++) sum[c] = sum[c]! + px[i + c]!;
        const frame: ReceivedFrame = { at, rgb: sum.map((s) => Math.round(s / (SIDE * SIDE))) as Rgb, publish };
        this.frames.push(frame);
        for (const fn of this.#listeners) fn(frame);
      }
    });
    proc.once('exit', () => {
      if (this.#running && this.#proc === proc) this.#listen();
    });
  }

  async stop(): Promise<void> {
    this.#running = false;
    const proc = this.#proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await gone;
    }
  }
}
