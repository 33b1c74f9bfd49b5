// A real RTMP server on loopback for tests: an ffmpeg listener (`-listen 1`) that
// records what is published to an FLV file, so a test can count the video frames that
// really arrived. ffmpeg serves one publisher per run; when the publisher leaves, a new
// listener (and a new recording) starts on the same port until stop().
import path from 'node:path';
import { GuardedProcess } from '../../src/media/guarded-process.js';
import { freePort } from './free-port.js';
import { binaries, countVideoFrames } from './ffmpeg-tools.js';

export class RtmpReceiver {
  readonly recordings: string[] = [];
  #proc: GuardedProcess | undefined;
  #running = false;

  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly key: string,
  ) {}

  static async start(dir: string, key = 'test-key'): Promise<RtmpReceiver> {
    const r = new RtmpReceiver(await freePort(), dir, key);
    await r.start();
    return r;
  }

  /** A receiver with a free port of its own that does not listen yet (a server that is down): start() it later. */
  static async onFreePort(dir: string, key = 'test-key'): Promise<RtmpReceiver> {
    return new RtmpReceiver(await freePort(), dir, key);
  }

  /** The ingest URL without the key (what a destination's config holds). */
  get baseUrl(): string {
    return `rtmp://127.0.0.1:${this.port}/live`;
  }

  get url(): string {
    return `${this.baseUrl}/${this.key}`;
  }

  /** Starts listening; resolves once the port accepts connections. */
  async start(): Promise<void> {
    this.#running = true;
    this.#listen();
    const deadline = Date.now() + 10_000;
    while (!(await this.#accepting())) {
      if (Date.now() > deadline) throw new Error(`RTMP receiver did not listen on ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  #accepting(): Promise<boolean> {
    // Probing with a bare TCP connect would take the listener's single connection, so
    // look at the kernel's table of sockets instead: listening (0A), or already connected
    // (01) — an encoder retrying every second can take the listener the moment it opens.
    return import('node:fs').then(({ readFileSync }) => {
      const hex = this.port.toString(16).toUpperCase().padStart(4, '0');
      return readFileSync('/proc/net/tcp', 'utf8')
        .split('\n')
        .some((l) => l.includes(`:${hex} `) && / (0A|01) /.test(l));
    });
  }

  #listen(): void {
    const file = path.join(this.dir, `received-${this.port}-${this.recordings.length + 1}.flv`);
    this.recordings.push(file);
    const proc = new GuardedProcess(binaries().ffmpeg, [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      '-listen', '1', '-i', this.url,
      '-c', 'copy', '-f', 'flv', '-y', file,
    ]);
    this.#proc = proc;
    void proc.exited.then(() => {
      if (this.#running && this.#proc === proc) this.#listen();
    });
  }

  /** Video frames in all recordings so far. */
  async framesReceived(): Promise<number> {
    let n = 0;
    for (const f of this.recordings) n += await countVideoFrames(f);
    return n;
  }

  /** Stops listening (the publisher's connection drops). */
  async stop(): Promise<void> {
    this.#running = false;
    const proc = this.#proc;
    if (proc) {
      proc.kill();
      await proc.exited;
    }
  }
}
