// Probing sources. ffprobe is spawned directly (README.md says why): we need a hard
// timeout, an abort signal and a fallback, because the static ffprobe that
// @ffprobe-installer ships crashes (SIGSEGV) on every MPEG-TS input; then the
// stream facts are read from `ffmpeg -i`'s listing instead. Keyframe spacing is measured
// with ffmpeg (decoding only keyframes), which works for every container.
import { execFile } from 'node:child_process';
import { OnairError } from '../shared/errors.js';
import type { AudioInfo, MediaInfo, VideoInfo } from './media-info.js';
import { ffmpegDialect } from './binaries.js';
import { liveInput } from './inputs.js';

export type ProbeErrorCode = 'media-missing' | 'media-outside' | 'media-unreadable' | 'source-unreachable';

export class ProbeError extends OnairError {
  constructor(
    readonly code: ProbeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ProbeOptions {
  ffmpeg: string;
  ffprobe: string;
  /** Each probe command is killed after this long. @defaultValue 15000 */
  timeoutMs?: number;
  /** Seconds read to measure keyframe spacing. @defaultValue 20 */
  keyframeWindowS?: number;
  signal?: AbortSignal;
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      bin,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 32 * 1024 * 1024, signal },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : 1) : 0,
          signal: e?.signal ?? null,
          stdout: String(stdout),
          stderr: String(stderr),
        });
      },
    );
  });
}

interface FfprobeJson {
  format?: { duration?: string };
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    profile?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    sample_rate?: string;
    channels?: number;
  }>;
}

const rate = (r: string | undefined): number => {
  if (!r) return 0;
  const [n, d] = r.split('/').map(Number);
  return n && d ? n / d : 0;
};

/** Parses ffprobe's JSON into MediaInfo (without keyframe spacing). */
export function parseFfprobeJson(text: string): MediaInfo {
  const j = JSON.parse(text) as FfprobeJson;
  const v = j.streams?.find((s) => s.codec_type === 'video');
  const a = j.streams?.find((s) => s.codec_type === 'audio');
  const duration = Number.parseFloat(j.format?.duration ?? '');
  return {
    durationS: Number.isFinite(duration) ? duration : undefined,
    video: v
      ? { codec: v.codec_name ?? 'unknown', width: v.width ?? 0, height: v.height ?? 0, fps: rate(v.avg_frame_rate) || rate(v.r_frame_rate), ...(v.profile ? { profile: v.profile } : {}) }
      : undefined,
    audio: a
      ? { codec: a.codec_name ?? 'unknown', sampleRate: Number(a.sample_rate ?? 0), channels: a.channels ?? 0 }
      : undefined,
  };
}

/** Parses the stream listing `ffmpeg -i` prints to stderr. */
export function parseFfmpegListing(stderr: string): MediaInfo {
  const d = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(stderr);
  const durationS = d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : undefined;
  let video: VideoInfo | undefined;
  let audio: AudioInfo | undefined;
  for (const line of stderr.split('\n')) {
    const vm = /Stream #\d+:\d+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})/.exec(line);
    if (vm && !video) {
      const fps = /([\d.]+) fps/.exec(line) ?? /([\d.]+) tbr/.exec(line);
      video = { codec: vm[1]!, width: Number(vm[2]), height: Number(vm[3]), fps: fps ? Number(fps[1]) : 0 };
    }
    const am = /Stream #\d+:\d+.*?: Audio: (\w+).*?, (\d+) Hz, ([^,]+)/.exec(line);
    if (am && !audio) {
      const layout = am[3]!.trim();
      const channels = layout === 'mono' ? 1 : layout === 'stereo' ? 2 : Number.parseInt(layout, 10) || 2;
      audio = { codec: am[1]!, sampleRate: Number(am[2]), channels };
    }
  }
  return { durationS, video, audio };
}

/**
 * Longest keyframe distance in `showinfo` output. When the window stopped before the end
 * of the file, the stretch after the last keyframe is a lower bound of the next gap and
 * counts too (one keyframe in a 20 s window means a GOP of at least ~20 s).
 */
export function keyframeGap(showinfo: string, windowS: number, wholeFile: boolean): number | undefined {
  const times: number[] = [];
  for (const line of showinfo.split('\n')) {
    if (!line.includes('iskey:1')) continue;
    const m = /pts_time:(-?[\d.]+)/.exec(line);
    if (m) times.push(Number(m[1]));
  }
  if (times.length === 0) return undefined;
  times.sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!);
  if (!wholeFile) gap = Math.max(gap, windowS - times[times.length - 1]!);
  return gap;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines[lines.length - 1] ?? 'no output';
}

/** Probes a local file: streams, duration and keyframe spacing. */
export async function probeFile(file: string, o: ProbeOptions): Promise<MediaInfo> {
  const timeout = o.timeoutMs ?? 15_000;
  const window = o.keyframeWindowS ?? 20;
  const p = await run(o.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], timeout, o.signal);
  let info: MediaInfo;
  if (p.code === 0 && !p.signal) {
    info = parseFfprobeJson(p.stdout);
  } else {
    if (/No such file or directory/.test(p.stderr)) throw new ProbeError('media-missing', `${file} does not exist`);
    // Crashed (see the header) or failed: ffmpeg's own listing decides.
    const f = await run(o.ffmpeg, ['-hide_banner', '-nostdin', '-i', file], timeout, o.signal);
    if (/No such file or directory/.test(f.stderr)) throw new ProbeError('media-missing', `${file} does not exist`);
    info = parseFfmpegListing(f.stderr);
    if (!info.video && !info.audio) {
      throw new ProbeError('media-unreadable', `${file} is not a playable media file (${lastLine(f.stderr)})`);
    }
  }
  if (!info.video && !info.audio) throw new ProbeError('media-unreadable', `${file} holds no audio or video stream`);
  if (info.video) {
    const span = Math.min(window, info.durationS ?? window);
    const k = await run(
      o.ffmpeg,
      ['-hide_banner', '-nostdin', '-skip_frame', 'nokey', '-t', String(span), '-i', file, '-map', '0:v:0', '-vf', 'showinfo', '-f', 'null', '-'],
      timeout,
      o.signal,
    );
    info.video.maxKeyframeGapS = keyframeGap(k.stderr, span, span < window);
  }
  return info;
}

/**
 * Checks that a live source answers and reads its streams, by decoding one frame.
 * Bounded by the input timeouts (inputs.ts) and `timeoutMs`.
 */
export async function probeLive(url: string, o: ProbeOptions): Promise<MediaInfo> {
  const input = liveInput(url, true, ffmpegDialect(o.ffmpeg).rtspTimeout);
  const args = ['-hide_banner', '-nostdin', ...input.args, '-map', '0:v:0?', '-frames:v', '1', '-f', 'null', '-'];
  const r = await run(o.ffmpeg, args, o.timeoutMs ?? 8_000, o.signal);
  const info = parseFfmpegListing(r.stderr);
  if (r.code !== 0 || r.signal || (!info.video && !info.audio)) {
    const why = r.signal ? `no answer within ${Math.round((o.timeoutMs ?? 8_000) / 1000)} s` : lastLine(r.stderr);
    throw new ProbeError('source-unreachable', why);
  }
  return info;
}
