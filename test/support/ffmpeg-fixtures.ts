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

/**
 * A clip of solid colours one after another (H.264 + AAC), e.g. red for its first second and
 * green after: a receiver tells from the colour which part of the programme it sees.
 */
export function makeColourClip(file: string, parts: Array<{ colour: string; seconds: number }>, o: { size?: string; fps?: number } = {}): string {
  const size = o.size ?? '320x180';
  const fps = o.fps ?? 25;
  const inputs = parts.map((p, i) => `color=c=${p.colour}:size=${size}:rate=${fps}:duration=${p.seconds}[c${i}]`).join(';');
  const graph = `${inputs};${parts.map((_, i) => `[c${i}]`).join('')}concat=n=${parts.length}:v=1:a=0[v]`;
  const seconds = parts.reduce((a, p) => a + p.seconds, 0);
  execFileSync(binaries().ffmpeg, [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-filter_complex', graph,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-map', '[v]', '-map', '0:a', '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', String(fps * 2), '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '96k', '-ac', '2', '-movflags', '+faststart', '-y', file,
  ]);
  return file;
}
