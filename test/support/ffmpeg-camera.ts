// A stand-in for a camera encoder on loopback: ffmpeg serving a live test pattern over
// RTMP to whoever connects (`-listen 1` on the output). ffmpeg serves one client per run,
// so a new listener starts after each client until stop() — "the camera is switched off".
import { readFileSync } from 'node:fs';
import { GuardedProcess } from '../../src/media/guarded-process.js';
import { freePort } from './free-port.js';
import { binaries } from './ffmpeg-tools.js';

function listening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .some((l) => l.includes(`:${hex} `) && / 0A /.test(l));
}

export class FakeCamera {
  #proc: GuardedProcess | undefined;
  #on = false;

  private constructor(readonly port: number) {}

  static async start(): Promise<FakeCamera> {
    const c = new FakeCamera(await freePort());
    await c.switchOn();
    return c;
  }

  get url(): string {
    return `rtmp://127.0.0.1:${this.port}/live/cam`;
  }

  async switchOn(): Promise<void> {
    this.#on = true;
    this.#serve();
    const deadline = Date.now() + 10_000;
    while (!listening(this.port)) {
      if (Date.now() > deadline) throw new Error(`camera did not listen on ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  #serve(): void {
    const proc = new GuardedProcess(binaries().ffmpeg, [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25',
      '-re', '-f', 'lavfi', '-i', 'sine=frequency=500:sample_rate=44100',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-c:a', 'aac',
      '-f', 'flv', '-listen', '1', this.url,
    ]);
    this.#proc = proc;
    void proc.exited.then(() => {
      if (this.#on && this.#proc === proc) this.#serve();
    });
  }

  async switchOff(): Promise<void> {
    this.#on = false;
    const proc = this.#proc;
    if (proc) {
      proc.kill();
      await proc.exited;
    }
  }
}
