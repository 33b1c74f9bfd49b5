// Builds one SupervisedEncoder per occurrence (the EncoderFactory port).
import type { EncoderFactory, EncoderSpec } from '../scheduler/ports.js';
import { SupervisedEncoder, type EncoderDeps } from './supervised-encoder.js';

export class FfmpegEncoderFactory implements EncoderFactory {
  readonly #deps: EncoderDeps;

  constructor(deps: EncoderDeps) {
    this.#deps = deps;
  }

  create(spec: EncoderSpec): SupervisedEncoder {
    return new SupervisedEncoder(spec, this.#deps);
  }
}

export function createEncoderFactory(deps: EncoderDeps): FfmpegEncoderFactory {
  return new FfmpegEncoderFactory(deps);
}
