// When and how the RTMP receivers of one encoder are sampled for delivery-watch.ts: one `ss`
// every 5 s for all of the output ffmpeg's RTMP connections (about 30 ms of CPU each on a
// loaded 2-core machine, so 0.6 % of a core), well inside the 10 s and 60 s it judges by. The
// endpoints are resolved once; a new output ffmpeg (new connections) starts the judging
// afresh; without `ss` (not Linux, not installed) it says so once and judges nothing; a
// sample that fails otherwise (ss timed out under load) is said once and tried again.
import { DeliveryWatch, resolveTargets, rtmpEndpoint, sampleDelivery, type DeliveryVerdict, type DeliveryWatchOptions } from './delivery-watch.js';

const SAMPLE_EVERY_MS = 5000;

export interface DeliverySamplerDeps extends DeliveryWatchOptions {
  /** Every output of the encoder: its destination and URL (only rtmp:// ones are watched). */
  outputs: ReadonlyArray<{ destination: string; url: string }>;
  now: () => number;
  /** True once the encoder stops: a sample that ends then judges nothing. */
  stopped: () => boolean;
  signal: AbortSignal;
  /** Told once when `ss` cannot be run. */
  warn: (message: string) => void;
}

export class DeliverySampler {
  readonly #d: DeliverySamplerDeps;
  readonly #watch: DeliveryWatch;
  #targets: ReturnType<typeof resolveTargets> | undefined;
  /** The output ffmpeg the samples are of. */
  #pid: number | undefined;
  #sampling = false;
  #sampledAt = 0;
  #off = false;
  /** A failed sample was reported (once). */
  #warned = false;

  constructor(d: DeliverySamplerDeps) {
    this.#d = d;
    this.#watch = new DeliveryWatch(d);
  }

  /** A sample of output `pid` when one is due (the caller tracks the promise), else undefined. */
  sampleIfDue(pid: number, now: number): Promise<void> | undefined {
    if (this.#sampling || this.#off || now - this.#sampledAt < SAMPLE_EVERY_MS) return undefined;
    this.#sampling = true;
    this.#sampledAt = now;
    return this.#sample(pid).finally(() => (this.#sampling = false));
  }

  /** Destinations whose receiver has stopped taking data, each once (DeliveryWatch.due). */
  due(now: number): DeliveryVerdict[] {
    return this.#watch.due(now);
  }

  /** Destinations whose receiver has started taking the stream, each once per time (DeliveryWatch.back). */
  back(): string[] {
    return this.#watch.back();
  }

  /** One sample; never throws (a failed sample judges nothing). */
  async #sample(pid: number): Promise<void> {
    try {
      this.#targets ??= resolveTargets(
        this.#d.outputs.flatMap((o) => {
          const end = rtmpEndpoint(o.url);
          return end ? [{ destination: o.destination, ...end }] : [];
        }),
      );
      const targets = await this.#targets;
      if (targets.length === 0) {
        this.#off = true;
        return;
      }
      const acked = await sampleDelivery(pid, targets, 'ss', this.#d.signal);
      if (this.#d.stopped()) return;
      if (pid !== this.#pid) {
        this.#watch.reset();
        this.#pid = pid;
      }
      const now = this.#d.now();
      for (const [destination, bytes] of acked) this.#watch.observe(destination, bytes, now);
    } catch (err) {
      if (this.#d.stopped()) return;
      // Without ss nothing can be judged. Any other failure (ss timed out on a loaded machine)
      // judges nothing this time only: turning the watch off for it left, in one loaded run
      // of the frozen-receiver journey, two frozen receivers `live` for ever.
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      if (missing) this.#off = true;
      if (missing || !this.#warned) this.#d.warn((err as Error).message);
      this.#warned = true;
    }
  }
}
