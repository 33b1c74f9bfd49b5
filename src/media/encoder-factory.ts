// Builds one SupervisedEncoder per occurrence (the EncoderFactory port). At construction it
// starts reading what the chosen ffmpeg can do, then logs which ffmpeg and version onair
// uses, or — for one that cannot play out (ffmpeg-capabilities.ts) — an error saying what
// to install; every broadcast then fails before air with that message.
import path from 'node:path';
import type { EncoderFactory, EncoderSpec } from '../scheduler/ports.js';
import { assertPlayoutCapable, ffmpegCapabilities, type FfmpegCapabilities } from './ffmpeg-capabilities.js';
import { SwitchCost } from './pipeline-latency.js';
import { SwitchCostFile } from './switch-cost-file.js';
import { SupervisedEncoder, slateClipsFor, type EncoderDeps } from './supervised-encoder.js';

export class FfmpegEncoderFactory implements EncoderFactory {
  readonly #deps: EncoderDeps;
  readonly #ready: Promise<FfmpegCapabilities>;

  constructor(deps: EncoderDeps) {
    const caps = Promise.resolve(deps.capabilities ?? ffmpegCapabilities(deps.ffmpeg));
    const withCaps = { ...deps, capabilities: caps };
    // One cache of pre-rendered slates for every broadcast: a render is shared, never repeated.
    // One measure of a cued switch's cost too: a broadcast's first switch is its start.
    // Kept across restarts (switch-cost-file.ts), so the first start after one is on time.
    const costFile = new SwitchCostFile(path.join(deps.runDir, 'switch-cost.json'));
    const switchCost =
      deps.switchCost ??
      new SwitchCost({
        saved: costFile.load(),
        save: (ms) => void costFile.save(ms).catch((err: unknown) => deps.logger.warn({ err }, 'could not keep the measured switch cost')),
      });
    this.#deps = { ...withCaps, slates: deps.slates ?? slateClipsFor(withCaps), switchCost };
    this.#ready = caps.then((c) => {
      assertPlayoutCapable(c);
      const from = /@ffmpeg-installer/.test(c.path) ? 'the npm-installed build (a last resort: install ffmpeg from your system)' : 'configured or on PATH';
      deps.logger.info({ ffmpeg: c.path, version: c.version, from, ffprobe: deps.ffprobe }, `using ffmpeg ${c.version} at ${c.path}`);
      return c;
    });
    this.#ready.catch((err: unknown) => deps.logger.error({ err }, (err as Error).message));
  }

  /** Resolves with what the ffmpeg can do once read; rejects with a ConfigError saying what it lacks. */
  ready(): Promise<FfmpegCapabilities> {
    return this.#ready;
  }

  create(spec: EncoderSpec): SupervisedEncoder {
    return new SupervisedEncoder(spec, this.#deps);
  }
}

export function createEncoderFactory(deps: EncoderDeps): FfmpegEncoderFactory {
  return new FfmpegEncoderFactory(deps);
}
