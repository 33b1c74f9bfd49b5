// Pure: what is made to sit beside a copied programme (send-path.ts's copy path) in one
// output. The output copies packets and never encodes, so the slate must already be in the
// programme's own format — H.264 in the same picture size, rate and profile, AAC at the same
// sample rate and channels — for slate and programme to follow each other in one HLS stream.
import type { MediaInfo, VideoFormat } from './media-info.js';

/** The copied source's codec parameters a slate made for it matches (its picture is the VideoFormat). */
export interface SourceCodec {
  sampleRate: number;
  channels: number;
  /** ffprobe's H.264 profile name ("High", "Main", "Constrained Baseline"); undefined = High. */
  profile?: string;
}

/** The codec parameters of a copyable source (video and audio present). */
export function sourceCodecOf(info: MediaInfo): SourceCodec {
  return {
    sampleRate: info.audio!.sampleRate,
    channels: info.audio!.channels,
    ...(info.video?.profile ? { profile: info.video.profile } : {}),
  };
}

/** libx264's name for an ffprobe profile name; High for anything it does not know. */
export function x264Profile(profile: string | undefined): 'baseline' | 'main' | 'high' {
  const p = (profile ?? '').toLowerCase();
  if (p.includes('baseline')) return 'baseline';
  if (p === 'main') return 'main';
  return 'high';
}

/**
 * Codec arguments making a still picture and silence into the source's format: H.264 with
 * one keyframe every `gopFrames` (a clip of one GOP loops into whole segments), no B-frames,
 * tuned for a still image (a few kbit/s), and AAC at the source's rate and channels.
 */
export function sourceCodecArgs(format: VideoFormat, codec: SourceCodec, gopFrames: number): string[] {
  return [
    '-c:v', 'libx264',
    '-preset', 'veryfast',
    '-tune', 'stillimage',
    '-profile:v', x264Profile(codec.profile),
    '-pix_fmt', 'yuv420p',
    '-r', String(format.fps),
    '-g', String(gopFrames),
    '-keyint_min', String(gopFrames),
    '-sc_threshold', '0',
    '-bf', '0',
    '-c:a', 'aac',
    '-b:a', '96k',
    '-ar', String(codec.sampleRate),
    '-ac', String(codec.channels),
  ];
}
