// Pure: the whole ffmpeg command of one pipeline run: inputs, then either stream copy
// or the H.264/AAC encode, then one tee output feeding every destination.
import {
  AUDIO_KBPS,
  AUDIO_SAMPLE_RATE,
  GOP_SECONDS,
  X264_PRESET,
  videoBitrateKbps,
  type SendMode,
} from './encoding-profile.js';
import type { InputPart } from './inputs.js';
import type { VideoFormat } from './media-info.js';

export interface PipelinePlan {
  input: InputPart;
  mode: SendMode;
  /** Output picture (encode mode). */
  format: VideoFormat;
  /** The tee slaves (see tee.ts). */
  slaves: string[];
}

/** Codec arguments for the encode: H.264 2 s GOP at constant bitrate, AAC 128k stereo. */
export function encodeArgs(format: VideoFormat, generated: boolean): string[] {
  const kbps = videoBitrateKbps(format);
  const gop = Math.max(1, Math.round(format.fps * GOP_SECONDS));
  const vf = generated
    ? []
    : [
        '-vf',
        `scale=${format.width}:${format.height}:force_original_aspect_ratio=decrease,` +
          `pad=${format.width}:${format.height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${format.fps}`,
      ];
  return [
    ...vf,
    '-c:v', 'libx264',
    '-preset', X264_PRESET,
    '-profile:v', 'high',
    '-pix_fmt', 'yuv420p',
    '-g', String(gop),
    '-keyint_min', String(gop),
    '-sc_threshold', '0',
    '-b:v', `${kbps}k`,
    '-maxrate', `${kbps}k`,
    '-bufsize', `${kbps * 2}k`,
    '-c:a', 'aac',
    '-b:a', `${AUDIO_KBPS}k`,
    '-ac', '2',
    '-ar', String(AUDIO_SAMPLE_RATE),
  ];
}

/** The full argument list (without the binary). */
export function pipelineArgs(plan: PipelinePlan): string[] {
  if (plan.slaves.length === 0) throw new Error('a pipeline needs at least one output');
  // Copied streams keep their container's codec tags (mp4's avc1/mp4a), which the flv
  // muxer behind the tee rejects; 7 and 10 are flv's H.264 and AAC ids (mpegts ignores tags).
  const codec =
    plan.mode === 'copy'
      ? ['-c', 'copy', '-tag:v', '7', '-tag:a', '10']
      : encodeArgs(plan.format, plan.input.generated);
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel', 'warning',
    // Machine-readable progress on stdout, parsed into health (progress-parser.ts).
    '-progress', 'pipe:1',
    ...plan.input.args,
    '-map', plan.input.videoMap,
    '-map', plan.input.audioMap,
    ...codec,
    // flv wants the codec headers out of band; mpegts outputs get them back via auto bsf.
    '-flags', '+global_header',
    '-f', 'tee',
    plan.slaves.join('|'),
  ];
}
