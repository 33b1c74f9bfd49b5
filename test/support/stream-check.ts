// Independent readers of what onair delivered, for tests and benches: ffprobe's packet
// list of a received RTMP recording or an HLS segment, timestamp regressions in it, and
// an HLS media playlist parsed and checked against RFC 8216 (the parts onair relies on).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { binaries } from './ffmpeg-tools.js';

export interface Packet {
  type: 'video' | 'audio';
  /** Decoding time in seconds (NaN when ffprobe reports none). */
  dts: number;
  pts: number;
  key: boolean;
  size: number;
}

/** Every packet ffprobe reads from `file`, in file order. */
export function probePackets(file: string): Promise<Packet[]> {
  return new Promise((resolve, reject) => {
    execFile(
      binaries().ffprobe,
      ['-v', 'error', '-show_entries', 'packet=codec_type,dts_time,pts_time,flags,size', '-of', 'csv=p=0', file],
      { maxBuffer: 256 * 1024 * 1024, timeout: 60_000 },
      (err, stdout) => {
        if (err) return reject(err);
        const packets: Packet[] = [];
        for (const line of String(stdout).split('\n')) {
          const [type, pts, dts, size, flags] = line.split(',');
          if (type !== 'video' && type !== 'audio') continue;
          packets.push({ type, pts: Number(pts), dts: Number(dts), size: Number(size), key: (flags ?? '').includes('K') });
        }
        resolve(packets);
      },
    );
  });
}

export interface StreamInfo {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
}

/** The streams ffprobe finds in `file`. */
export function probeStreams(file: string): Promise<StreamInfo[]> {
  return new Promise((resolve, reject) => {
    execFile(
      binaries().ffprobe,
      ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', file],
      { timeout: 60_000 },
      (err, stdout) => (err ? reject(err) : resolve((JSON.parse(String(stdout)) as { streams: StreamInfo[] }).streams)),
    );
  });
}

export interface Regression {
  type: Packet['type'];
  from: number;
  to: number;
}

/** Places where a stream's decoding timestamps go backwards. */
export function timestampRegressions(packets: readonly Packet[]): Regression[] {
  const last: Partial<Record<Packet['type'], number>> = {};
  const out: Regression[] = [];
  for (const p of packets) {
    if (Number.isNaN(p.dts)) continue;
    const prev = last[p.type];
    if (prev !== undefined && p.dts < prev) out.push({ type: p.type, from: prev, to: p.dts });
    last[p.type] = p.dts;
  }
  return out;
}

/** Largest gap between consecutive video packets (seconds): a stall the viewer would see. */
export function largestVideoGap(packets: readonly Packet[]): number {
  let gap = 0;
  let prev: number | undefined;
  for (const p of packets) {
    if (p.type !== 'video' || Number.isNaN(p.dts)) continue;
    if (prev !== undefined) gap = Math.max(gap, p.dts - prev);
    prev = p.dts;
  }
  return gap;
}

/** Bits per whole second of one stream type, from packet sizes and timestamps. */
export function bitsPerSecond(packets: readonly Packet[], type: Packet['type']): number[] {
  const bySecond = new Map<number, number>();
  for (const p of packets) {
    if (p.type !== type || Number.isNaN(p.dts)) continue;
    const s = Math.floor(p.dts);
    bySecond.set(s, (bySecond.get(s) ?? 0) + p.size * 8);
  }
  const seconds = [...bySecond.keys()].sort((a, b) => a - b);
  // The first and last seconds are partial.
  return seconds.slice(1, -1).map((s) => bySecond.get(s)!);
}

export interface MediaPlaylist {
  version?: number;
  targetDuration?: number;
  mediaSequence: number;
  discontinuitySequence?: number;
  independentSegments: boolean;
  segments: Array<{ uri: string; duration: number; discontinuity: boolean }>;
  /** RFC 8216 violations found while parsing. */
  problems: string[];
}

/** Parses an HLS media playlist's text and lists what breaks RFC 8216. */
export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const pl: MediaPlaylist = { mediaSequence: 0, independentSegments: false, segments: [], problems: [] };
  if (lines[0] !== '#EXTM3U') pl.problems.push('the first line is not #EXTM3U (4.3.1.1)');
  let duration: number | undefined;
  let discontinuity = false;
  for (const line of lines.slice(1)) {
    const [tag, value = ''] = line.split(/:(.*)/s);
    if (tag === '#EXT-X-VERSION') pl.version = Number(value);
    else if (tag === '#EXT-X-TARGETDURATION') pl.targetDuration = Number(value);
    else if (tag === '#EXT-X-MEDIA-SEQUENCE') pl.mediaSequence = Number(value);
    else if (tag === '#EXT-X-DISCONTINUITY-SEQUENCE') pl.discontinuitySequence = Number(value);
    else if (tag === '#EXT-X-INDEPENDENT-SEGMENTS') pl.independentSegments = true;
    else if (tag === '#EXT-X-DISCONTINUITY') discontinuity = true;
    else if (tag === '#EXTINF') duration = Number.parseFloat(value);
    else if (!line.startsWith('#')) {
      if (duration === undefined) pl.problems.push(`segment ${line} has no #EXTINF (4.3.2.1)`);
      pl.segments.push({ uri: line, duration: duration ?? 0, discontinuity });
      duration = undefined;
      discontinuity = false;
    }
  }
  if (pl.targetDuration === undefined) pl.problems.push('no #EXT-X-TARGETDURATION (4.3.3.1)');
  for (const s of pl.segments) {
    if (pl.targetDuration !== undefined && Math.round(s.duration) > pl.targetDuration) {
      pl.problems.push(`segment ${s.uri} lasts ${s.duration} s, more than the target duration ${pl.targetDuration} (4.3.3.1)`);
    }
  }
  return pl;
}

export function readMediaPlaylist(file: string): MediaPlaylist {
  return parseMediaPlaylist(readFileSync(file, 'utf8'));
}

/** One variant of an HLS master playlist: its EXT-X-STREAM-INF attributes (quotes kept) and URI. */
export interface MasterVariant {
  uri: string;
  attrs: Record<string, string>;
}

/** The variants of an HLS master playlist, in order. */
export function parseMasterPlaylist(text: string): MasterVariant[] {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const out: MasterVariant[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith('#EXT-X-STREAM-INF:')) return;
    const attrs: Record<string, string> = {};
    for (const m of line.slice('#EXT-X-STREAM-INF:'.length).matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) attrs[m[1]!] = m[2]!;
    out.push({ uri: lines[i + 1]!, attrs });
  });
  return out;
}

/**
 * The URL path of the first media playlist behind a watch URL path: the master's first
 * variant (the top rendition), or the playlist itself when it is a media playlist.
 */
export function firstMediaPlaylist(watchPath: string, text: string): string {
  const first = parseMasterPlaylist(text)[0];
  return first ? watchPath.replace(/[^/]+$/, first.uri) : watchPath;
}
