// Pure: the adaptive ladder of a local HLS output. The output ffmpeg decodes the pipe once,
// splits the picture and scales it to each lower rendition, encodes the audio once per
// rendition (the HLS muxer puts each stream in one playlist only) and writes them with the
// hls muxer's `var_stream_map` and a master playlist: the broadcast's own picture (encoded
// anyway for RTMP and the archive) on top, the configured lower heights, and an audio-only
// rendition for viewers on mobile data and listeners who need no picture. Every rendition
// comes from the same encode settings (2 s GOP, no scene cuts), so their segments align.
// The same graph carries the branches of destinations whose profile is smaller than the
// picture (destination-profile.ts): their videos come after the renditions' and take audio 0.
import path from 'node:path';
import type { IngestTarget } from '../scheduler/ports.js';
import { branchIndex, profileBranches, type ProfileBranch } from './destination-profile.js';
import { GOP_SECONDS, videoBitrateKbps, x264Args } from './encoding-profile.js';
import type { VideoFormat } from './media-info.js';

/** The master playlist's name, beside the renditions' playlists. */
export const MASTER_PLAYLIST = 'master.m3u8';
/** The audio-only rendition's playlist name (`audio.m3u8`). */
export const AUDIO_ONLY_RENDITION = 'audio';

export interface Rendition {
  /** Playlist and segment name prefix: `360p` -> `360p.m3u8`, `360p0.ts`. */
  name: string;
  width: number;
  height: number;
  videoKbps: number;
}

/** Bitrate of a lower rendition: YouTube's band from 360p up, scaled by area below (tiny test ladders). */
function rungKbps(height: number, fps: number): number {
  if (height >= 360) return videoBitrateKbps({ width: 0, height, fps });
  return Math.max(100, Math.round((videoBitrateKbps({ width: 0, height: 360, fps }) * height * height) / (360 * 360)));
}

/**
 * The lower renditions for a broadcast picture: each configured height below the picture's
 * (never scaled up; the picture itself is the top), widest first, width from the picture's
 * aspect ratio rounded to even (H.264 4:2:0 needs even sizes).
 */
export function lowerRenditions(format: VideoFormat, heights: readonly number[]): Rendition[] {
  const below = [...new Set(heights.map((h) => h - (h % 2)))].filter((h) => h >= 2 && h < format.height).sort((a, b) => b - a);
  return below.map((height) => {
    const width = Math.max(2, Math.round((format.width * height) / format.height / 2) * 2);
    return { name: `${height}p`, width, height, videoKbps: rungKbps(height, format.fps) };
  });
}

/**
 * The output's streams when it makes more than one picture (an HLS ladder, or a destination
 * whose profile is smaller than the picture, destination-profile.ts): video 0 is the
 * broadcast picture, videos 1..n the lower renditions, videos n+1..n+m the profiles'
 * branches; audio 0 goes with video 0 (and with every branch), audio i with video i, and
 * with a ladder the last audio is the audio-only rendition's.
 */
export interface LadderStreams {
  renditions: readonly Rendition[];
  /** The profiles' own encodes. @defaultValue none */
  branches?: readonly ProfileBranch[];
  /** An audio-only rendition (any HLS output has a ladder). @defaultValue true */
  audioOnly?: boolean;
  /** The broadcast picture the branches were made for (to find a target's branch). */
  format?: VideoFormat;
}

function audioCount(l: LadderStreams): number {
  return l.audioOnly === false ? 1 : l.renditions.length + 2;
}

/** The filtergraph making every rendition and branch from one decode of the pipe. */
export function ladderFilter(l: LadderStreams): string {
  const n = l.renditions.length;
  const branches = l.branches ?? [];
  const videoOuts = ['[v0]', ...l.renditions.map((_, i) => `[s${i + 1}]`), ...branches.map((_, j) => `[t${j + 1}]`)].join('');
  const scales = l.renditions.map((r, i) => `;[s${i + 1}]scale=${r.width}:${r.height},setsar=1[v${i + 1}]`).join('');
  const fitted = branches.map((b, j) => `;[t${j + 1}]scale=${b.width}:${b.height},setsar=1,fps=${b.fps}[v${n + 1 + j}]`).join('');
  const a = audioCount(l);
  const audioOuts = Array.from({ length: a }, (_, i) => `[a${i}]`).join('');
  // aresample fills the gap at a decoder handover with silence (see encodeArgs), once for all.
  const audio = a === 1 ? '[0:a:0]aresample=async=1000[a0]' : `[0:a:0]aresample=async=1000,asplit=${a}${audioOuts}`;
  return `[0:v:0]split=${1 + n + branches.length}${videoOuts}${scales}${fitted};${audio}`;
}

function constantRate(stream: string, kbps: number, gopSeconds: number): string[] {
  const k = `${kbps}k`;
  return [`-b:${stream}`, k, `-minrate:${stream}`, k, `-maxrate:${stream}`, k, `-bufsize:${stream}`, `${kbps * gopSeconds}k`];
}

/** `-map` and per-stream arguments (after the house encode's, which they override for videos 1..n+m). */
export function ladderMaps(l: LadderStreams, gopSeconds: number): string[] {
  const n = l.renditions.length;
  const branches = l.branches ?? [];
  const args: string[] = [];
  for (let i = 0; i <= n + branches.length; i++) args.push('-map', `[v${i}]`);
  for (let i = 0; i < audioCount(l); i++) args.push('-map', `[a${i}]`);
  l.renditions.forEach((r, i) => args.push(...constantRate(`v:${i + 1}`, r.videoKbps, gopSeconds)));
  branches.forEach((b, j) => {
    const s = `v:${n + 1 + j}`;
    // Its own frame rate, and a GOP of the same 2 s in its frames.
    const gop = String(Math.max(1, Math.round(b.fps * gopSeconds)));
    args.push(...constantRate(s, b.videoKbps, gopSeconds), `-r:${s}`, String(b.fps), `-g:${s}`, gop, `-keyint_min:${s}`, gop);
  });
  return args;
}

/**
 * What a copying run (send-path.ts's copy path: the output, or the programme writing the
 * destinations itself) makes of its input with a ladder: the picture copied as it is on top;
 * each lower rendition scaled from its decode and encoded (x264 CBR, no B-frames, keyframes
 * exactly where the source has them and nowhere else — `-force_key_frames source`, no scene
 * cuts — so every rendition is cut into segments at the copied picture's frames); and the
 * audio copied once per audio stream (the audio-only rendition takes its own copy, as the
 * HLS muxer puts each stream in one playlist only). `video`, `audio`: the input's streams.
 */
export function ladderCopyArgs(l: LadderStreams, video = '0:v:0', audio = '0:a:0'): string[] {
  if ((l.branches?.length ?? 0) > 0) throw new Error('a copying output makes no branches');
  const n = l.renditions.length;
  const args: string[] = [];
  if (n > 0) {
    const outs = l.renditions.map((_, i) => `[s${i + 1}]`).join('');
    const scales = l.renditions.map((r, i) => `;[s${i + 1}]scale=${r.width}:${r.height},setsar=1[v${i + 1}]`).join('');
    args.push('-filter_complex', `[${video}]split=${n}${outs}${scales}`);
  }
  args.push('-map', video);
  for (let i = 1; i <= n; i++) args.push('-map', `[v${i}]`);
  for (let i = 0; i < audioCount(l); i++) args.push('-map', audio);
  args.push('-c:v:0', 'copy', '-c:a', 'copy');
  l.renditions.forEach((r, i) => {
    const s = `v:${i + 1}`;
    args.push(...x264Args(s), `-force_key_frames:${s}`, 'source', `-g:${s}`, String(NO_OWN_KEYFRAMES), ...constantRate(s, r.videoKbps, GOP_SECONDS));
  });
  return args;
}

/** A GOP length x264 never reaches on its own: a copied rendition's keyframes are the source's. */
const NO_OWN_KEYFRAMES = 100_000;

/** What a single-rendition output (RTMP, the archive, HLS without a ladder) takes from a laddered output. */
export const MAIN_STREAMS = 'v:0,a:0';

/**
 * The output's renditions for its targets: the union of the HLS targets' ladders below the
 * picture; undefined when no target has a ladder (the output then has one rendition).
 */
export function outputLadder(format: VideoFormat, targets: readonly IngestTarget[]): LadderStreams | undefined {
  const laddered = targets.filter((t) => t.format === 'hls' && t.ladder);
  const branches = profileBranches(format, targets);
  if (laddered.length === 0 && branches.length === 0) return undefined;
  return {
    renditions: lowerRenditions(format, laddered.flatMap((t) => t.ladder ?? [])),
    ...(branches.length > 0 ? { branches, format } : {}),
    ...(laddered.length === 0 ? { audioOnly: false } : {}),
  };
}

/** The streams one target takes from the output (see tee.ts SlaveStreams). */
export function slaveStreams(l: LadderStreams | undefined, target: IngestTarget): { select?: string; varStreamMap?: string } {
  if (!l) return {};
  if (target.format === 'flv' && l.branches && l.format) {
    const j = branchIndex(l.format, l.branches, target);
    if (j >= 0) return { select: `v:${l.renditions.length + 1 + j},a:0` };
  }
  if (target.format !== 'hls' || !target.ladder) return { select: MAIN_STREAMS };
  return ladderSelection(l, target.ladder, path.basename(target.url, '.m3u8'));
}

/**
 * For an HLS output with the ladder `heights`: the output's stream indices it takes and
 * its `var_stream_map` (in the slave's own stream numbering); the top rendition's playlist
 * is `topName`.m3u8.
 */
export function ladderSelection(l: LadderStreams, heights: readonly number[], topName: string): { select: string; varStreamMap: string } {
  const n = l.renditions.length;
  const wanted = new Set(heights.map((h) => h - (h % 2)));
  const mine = l.renditions.map((r, i) => ({ r, i: i + 1 })).filter(({ r }) => wanted.has(r.height));
  // Output stream indices: videos 0..n+m (m profile branches), then audios n+m+1..2n+m+2.
  const audio = (i: number): number => n + (l.branches?.length ?? 0) + 1 + i;
  const indices = [0, ...mine.map((m) => m.i), audio(0), ...mine.map((m) => audio(m.i)), audio(n + 1)];
  const variants = [
    `v:0,a:0,name:${topName}`,
    ...mine.map((m, j) => `v:${j + 1},a:${j + 1},name:${m.r.name}`),
    `a:${mine.length + 1},name:${AUDIO_ONLY_RENDITION}`,
  ];
  return { select: indices.join(','), varStreamMap: variants.join(' ') };
}
