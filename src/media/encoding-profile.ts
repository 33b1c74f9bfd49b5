// Pure decisions about how a source is sent: stream-copied when it already suits the
// destinations (H.264 + AAC, keyframes at most 2 s apart, per docs/youtube.md),
// otherwise encoded with H.264 (2 s GOP, constant bitrate in the band for the
// resolution) and AAC 128 kbps.
import type { MediaInfo, VideoFormat } from './media-info.js';

/** Longest keyframe distance YouTube accepts without a warning we care about. */
export const MAX_KEYFRAME_GAP_S = 2;
/** Slack for timestamp rounding in the keyframe check. */
const GAP_TOLERANCE_S = 0.05;

export const AUDIO_KBPS = 128;
export const AUDIO_SAMPLE_RATE = 48000;
export const GOP_SECONDS = 2;
export const X264_PRESET = 'veryfast';

/**
 * libx264 as every encode here runs it: `veryfast`, High profile, 4:2:0, no scene cuts (a
 * keyframe only where the GOP or the caller asks), x264's HRD in CBR mode, and no B-frames:
 * each frame leaves the encoder in display order with dts = pts, so a viewer's decoder shows
 * it on arrival instead of holding it to reorder (2-4 frames with x264's B-pyramid, at
 * every receiver), and the latency measured from the dts (pipeline-latency.ts) is the
 * frame's own, whatever type x264 picked at a cut. `stream`: for that output stream only
 * (`v:1`, a ladder's rendition); the video when absent.
 */
export function x264Args(stream?: string): string[] {
  const per = (option: string): string => (stream ? `${option}:${stream}` : option);
  return [
    stream ? `-c:${stream}` : '-c:v', 'libx264',
    per('-preset'), X264_PRESET,
    stream ? `-profile:${stream}` : '-profile:v', 'high',
    per('-pix_fmt'), 'yuv420p',
    per('-sc_threshold'), '0',
    per('-x264-params'), 'nal-hrd=cbr',
    per('-bf'), '0',
  ];
}

export type SendMode = 'copy' | 'encode';

export interface ModeDecision {
  mode: SendMode;
  /** Why, in words for logs and the control room. */
  reason: string;
}

/**
 * Why the source's codecs cannot be copied (H.264 video + AAC audio at 44.1 or 48 kHz are
 * wanted), or undefined when they can. Keyframe spacing is not looked at: that depends on
 * the destinations (send-path.ts).
 */
export function codecsNotCopyable(info: MediaInfo): string | undefined {
  const v = info.video;
  const a = info.audio;
  if (!v) return 'the source has no video stream';
  if (v.codec !== 'h264') return `video is ${v.codec}, not H.264`;
  if (!a) return 'the source has no audio stream';
  if (a.codec !== 'aac') return `audio is ${a.codec}, not AAC`;
  if (a.sampleRate !== 44100 && a.sampleRate !== 48000) return `audio sample rate ${a.sampleRate} Hz is not 44.1 or 48 kHz`;
  if (v.maxKeyframeGapS === undefined) return 'no keyframe found in the probed window';
  return undefined;
}

/** Copy when the source already is what destinations want; say why not otherwise. */
export function decideMode(info: MediaInfo): ModeDecision {
  const why = codecsNotCopyable(info);
  if (why !== undefined) return { mode: 'encode', reason: why };
  // codecsNotCopyable found video and a keyframe.
  const gapS = info.video!.maxKeyframeGapS!;
  if (gapS > MAX_KEYFRAME_GAP_S + GAP_TOLERANCE_S) {
    return { mode: 'encode', reason: `keyframes are ${gapS.toFixed(2)} s apart (more than ${MAX_KEYFRAME_GAP_S} s)` };
  }
  return { mode: 'copy', reason: 'H.264 + AAC with keyframes at most 2 s apart' };
}

const formatKey = (m: MediaInfo): string =>
  `${m.video!.width}x${m.video!.height}@${Math.round(m.video!.fps)} ${m.audio!.sampleRate}Hz/${m.audio!.channels}ch`;

/** Why the items of a playlist (each with video and audio) cannot be copied one after another, or undefined when they share one format. */
export function formatsDiffer(items: readonly MediaInfo[]): string | undefined {
  const first = formatKey(items[0]!);
  const other = items.find((m) => formatKey(m) !== first);
  return other ? `items differ in format (${first} vs ${formatKey(other)})` : undefined;
}

/** All sources of a playlist must suit, and share one format, for a gapless copy. */
export function decidePlaylistMode(items: readonly MediaInfo[]): ModeDecision {
  if (items.length === 0) return { mode: 'encode', reason: 'the playlist is empty' };
  for (const [i, info] of items.entries()) {
    const d = decideMode(info);
    if (d.mode === 'encode') return { mode: 'encode', reason: `item ${i + 1}: ${d.reason}` };
  }
  const differ = formatsDiffer(items);
  if (differ) return { mode: 'encode', reason: differ };
  return { mode: 'copy', reason: 'every item is H.264 + AAC in one format with keyframes at most 2 s apart' };
}

/**
 * Video bitrate (kbit/s) in YouTube's band for the resolution. docs/youtube.md gives 3–8 Mbps
 * for 720p30 and 1080p30; we sit low in the band (the libraries' uplinks are modest),
 * higher for 60 fps. Below 720p YouTube gives no band, so we scale down.
 */
export function videoBitrateKbps(format: VideoFormat): number {
  const high = format.fps > 30;
  if (format.height >= 1080) return high ? 6000 : 4500;
  if (format.height >= 720) return high ? 4500 : 3000;
  if (format.height >= 480) return 1500;
  return 800;
}

const STANDARD_HEIGHTS = [1080, 720, 480, 360] as const;
const WIDTH_FOR: Record<(typeof STANDARD_HEIGHTS)[number], number> = { 1080: 1920, 720: 1280, 480: 854, 360: 640 };

/** The output picture for an encoded source: a standard 16:9 size no larger than the source, ≤ 30/60 fps. */
export function encodeFormatFor(info: MediaInfo | undefined, fallback: VideoFormat): VideoFormat {
  const v = info?.video;
  if (!v || !v.height) return fallback;
  const height = STANDARD_HEIGHTS.find((h) => v.height >= h) ?? 360;
  let fps = 30;
  if (v.fps >= 49) fps = v.fps < 55 ? 50 : 60;
  else if (v.fps >= 24.5 && v.fps < 27) fps = 25;
  return { width: WIDTH_FOR[height], height, fps };
}

/** The output picture in copy mode is the source's own (the slate is made to match it). */
export function copyFormatFor(info: MediaInfo): VideoFormat {
  const v = info.video!;
  return { width: v.width, height: v.height, fps: v.fps > 0 ? Math.round(v.fps * 1000) / 1000 : 30 };
}
