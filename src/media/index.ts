// Public face of media/: ffmpeg binaries, probing, pure argument building, and the
// supervised encoder that implements the engine's Encoder port.
export { resolveBinaries, findSlateFont, type Binaries, type BinaryOptions } from './binaries.js';
export { ffmpegCapabilities, assertPlayoutCapable, unsupportedOutput, type FfmpegCapabilities } from './ffmpeg-capabilities.js';
export { probeFile, probeLive, ProbeError, type ProbeOptions } from './probe.js';
export type { MediaInfo, VideoFormat } from './media-info.js';
export { decideMode, decidePlaylistMode, videoBitrateKbps, type ModeDecision } from './encoding-profile.js';
export { decoderArgs, outputArgs, encodeArgs, type DecoderPlan, type OutputPlan } from './ffmpeg-args.js';
export { killLeftovers, GuardedProcess } from './guarded-process.js';
export {
  SupervisedEncoder,
  DEFAULT_ENCODER_OPTIONS,
  safeName,
  type EncoderDeps,
  type EncoderOptions,
} from './supervised-encoder.js';
export { FfmpegEncoderFactory, createEncoderFactory } from './encoder-factory.js';
