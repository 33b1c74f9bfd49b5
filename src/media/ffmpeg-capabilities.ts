// What the chosen ffmpeg can do, read once per binary at start: its version, encoders,
// muxers and protocols. onair logs which ffmpeg it uses and, when it lacks what the
// playout needs (libx264, the house format's codecs, the muxers behind the tee), logs an
// error at start and fails every broadcast before air with a message that says what to
// install; a broadcast also refuses an output whose protocol (rtmps needs TLS) the build
// does not have — instead of an ffmpeg error mid-air.
import { execFile } from 'node:child_process';
import { ConfigError } from '../shared/errors.js';

export interface FfmpegCapabilities {
  path: string;
  /** e.g. "5.1.9-0+deb12u1", or "unknown". */
  version: string;
  encoders: ReadonlySet<string>;
  muxers: ReadonlySet<string>;
  protocols: ReadonlySet<string>;
}

/** Encoders and muxers every broadcast needs (ffmpeg-args.ts, tee.ts). */
export const REQUIRED_ENCODERS = ['libx264', 'aac', 'mpeg2video', 's302m'] as const;
export const REQUIRED_MUXERS = ['tee', 'fifo', 'hls', 'flv', 'mpegts', 'segment'] as const;

function run(ffmpeg: string, flag: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(ffmpeg, ['-hide_banner', flag], { encoding: 'utf8', timeout: 30_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) => resolve(err ? '' : stdout));
  });
}

/** Parses `ffmpeg -version` / `-encoders` / `-muxers` / `-protocols` text. */
export function parseCapabilities(path: string, text: { version: string; encoders: string; muxers: string; protocols: string }): FfmpegCapabilities {
  const version = /ffmpeg version (\S+)/.exec(text.version)?.[1] ?? 'unknown';
  // " V....D libx264   description" / " E mp4   description": the name is the second column.
  const names = (listing: string, flags: RegExp): Set<string> =>
    new Set(
      listing
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter((cols) => cols.length >= 2 && flags.test(cols[0]!))
        .flatMap((cols) => cols[1]!.split(',')),
    );
  const encoders = names(text.encoders, /^[VAS][.A-Z]{5}$/);
  const muxers = names(text.muxers, /^D?E$/);
  // Protocols: a plain list under "Input:" and "Output:"; output ones are what we write to.
  const out = text.protocols.split(/Output:/)[1] ?? '';
  const protocols = new Set(out.split('\n').map((l) => l.trim()).filter((l) => /^[a-z0-9_]+$/.test(l)));
  return { path, version, encoders, muxers, protocols };
}

const cache = new Map<string, Promise<FfmpegCapabilities>>();

/**
 * Reads (once per path, in the background: four short ffmpeg runs take seconds on a busy
 * machine, which must not block start) what `ffmpeg` can do.
 */
export function ffmpegCapabilities(ffmpeg: string): Promise<FfmpegCapabilities> {
  let caps = cache.get(ffmpeg);
  if (!caps) {
    caps = Promise.all([run(ffmpeg, '-version'), run(ffmpeg, '-encoders'), run(ffmpeg, '-muxers'), run(ffmpeg, '-protocols')]).then(
      ([version, encoders, muxers, protocols]) => parseCapabilities(ffmpeg, { version, encoders, muxers, protocols }),
    );
    cache.set(ffmpeg, caps);
  }
  return caps;
}

/** Throws ConfigError (key ffmpeg.path) naming what `caps` lacks of what every broadcast needs. */
export function assertPlayoutCapable(caps: FfmpegCapabilities): void {
  const missing = [
    ...REQUIRED_ENCODERS.filter((e) => !caps.encoders.has(e)).map((e) => `the ${e} encoder`),
    ...REQUIRED_MUXERS.filter((m) => !caps.muxers.has(m)).map((m) => `the ${m} muxer`),
  ];
  if (missing.length > 0) {
    throw new ConfigError(
      'ffmpeg.path',
      `${caps.path} (ffmpeg ${caps.version}) lacks ${missing.join(', ')}. Install a full build (Debian/Ubuntu: apt install ffmpeg) or point ffmpeg.path (ONAIR_FFMPEG_PATH) at one.`,
    );
  }
}

/**
 * Why `caps` cannot write to `url`, or undefined when it can (local files always can).
 * rtmps needs an ffmpeg built with TLS (gnutls or openssl).
 */
export function unsupportedOutput(caps: FfmpegCapabilities, url: string): string | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (caps.protocols.size === 0 || caps.protocols.has(scheme)) return undefined;
  const tls = scheme === 'rtmps' || scheme === 'https' ? ' (it needs TLS: a build with gnutls or openssl, such as Debian’s ffmpeg package)' : '';
  return `${caps.path} (ffmpeg ${caps.version}) cannot send to ${scheme}:// addresses${tls}. Install such an ffmpeg or point ffmpeg.path (ONAIR_FFMPEG_PATH) at one.`;
}
