// Makes small real media files for tests with ffmpeg's lavfi sources.
import { execFileSync } from 'node:child_process';
import { binaries } from './ffmpeg-tools.js';

export interface ClipOptions {
  seconds: number;
  /** Keyframe interval in seconds. @defaultValue 2 */
  gopS?: number;
  fps?: number;
  size?: string;
  videoCodec?: 'libx264' | 'mpeg4';
}

/** Writes an H.264 (or MPEG-4) + AAC clip of a test pattern and a tone. */
export function makeClip(file: string, o: ClipOptions): string {
  const fps = o.fps ?? 25;
  execFileSync(binaries().ffmpeg, [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-f', 'lavfi', '-i', `testsrc2=size=${o.size ?? '320x180'}:rate=${fps}`,
    '-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=48000',
    '-t', String(o.seconds),
    '-c:v', o.videoCodec ?? 'libx264', ...(o.videoCodec === 'mpeg4' ? [] : ['-preset', 'ultrafast']),
    '-g', String(Math.round(fps * (o.gopS ?? 2))), '-keyint_min', String(Math.round(fps * (o.gopS ?? 2))), '-sc_threshold', '0',
    '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-ac', '2',
    '-movflags', '+faststart', '-y', file,
  ]);
  return file;
}
