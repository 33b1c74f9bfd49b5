// Test helper: an Encoder (the engine's port) made of real ffmpeg processes pushing lavfi
// testsrc2 + sine to each output (one process per RTMP output), restarted when one exits
// while running, as the media layer's supervised encoder does. youtube-engine.test.ts uses it
// to drive the engine's YouTube path with a plain ingest stream; checked against its port
// with `satisfies`.
import { TypedEmitter } from '../../src/shared/typed-emitter.js';
import type { Encoder, EncoderEvents, EncoderFactory, EncoderHealth, EncoderSpec } from '../../src/scheduler/ports.js';
import { startPush, type Push } from './youtube-push.js';

export class LavfiEncoder extends TypedEmitter<EncoderEvents> {
  #pushes = new Map<string, Push>();
  #running = false;
  health: EncoderHealth = { phase: 'stopped', fps: 0, bitrateKbps: 0, speed: 0, droppedFrames: 0, restarts: 0 };

  constructor(readonly spec: EncoderSpec) {
    super();
  }

  start(phase: 'slate' | 'programme'): void {
    this.#running = true;
    this.health = { ...this.health, phase };
    for (const o of this.spec.outputs) if (o.target.format === 'flv') this.#spawn(o.destination, o.target.url);
  }

  show(phase: 'slate' | 'programme'): void {
    this.health = { ...this.health, phase };
  }

  #spawn(name: string, url: string): void {
    const push = startPush(url);
    this.#pushes.set(name, push);
    void push.exited.then(() => {
      if (!this.#running || this.#pushes.get(name) !== push) return;
      this.health = { ...this.health, restarts: this.health.restarts + 1 };
      setTimeout(() => this.#running && this.#spawn(name, url), 300);
    });
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.health = { ...this.health, phase: 'stopped' };
    await Promise.all([...this.#pushes.values()].map((p) => p.stop()));
    this.#pushes.clear();
  }
}

export function lavfiEncoders(): EncoderFactory & { created: LavfiEncoder[]; stopAll(): Promise<void> } {
  const created: LavfiEncoder[] = [];
  return {
    created,
    create(spec: EncoderSpec): Encoder {
      const e = new LavfiEncoder(spec);
      created.push(e);
      return e satisfies Encoder;
    },
    async stopAll() {
      await Promise.all(created.map((e) => e.stop()));
    },
  };
}
