// Finds the ffmpeg and ffprobe binaries: a configured path wins, then the ones on PATH,
// then the static builds the @ffmpeg-installer / @ffprobe-installer packages ship, so that
// `npm ci` is enough on a machine without ffmpeg.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ConfigError } from '../shared/errors.js';

export interface Binaries {
  ffmpeg: string;
  ffprobe: string;
}

export interface BinaryOptions {
  /** config ffmpeg.path (env ONAIR_FFMPEG_PATH); empty = search. */
  ffmpegPath?: string;
  /** config ffmpeg.probePath (env ONAIR_FFPROBE_PATH); empty = search. */
  probePath?: string;
  /** The PATH to search. @defaultValue process.env.PATH */
  searchPath?: string;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on a PATH string, if any. */
export function findOnPath(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function fromInstaller(pkg: string): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const mod = require(pkg) as { path?: string };
    return mod.path && existsSync(mod.path) ? mod.path : undefined;
  } catch {
    return undefined;
  }
}

function locate(
  name: 'ffmpeg' | 'ffprobe',
  configured: string | undefined,
  key: string,
  pkg: string,
  searchPath: string | undefined,
): string {
  if (configured) {
    if (!isExecutable(configured)) {
      throw new ConfigError(key, `${configured} is not an executable ${name}; fix the path or leave it empty to search PATH`);
    }
    return configured;
  }
  const found = findOnPath(name, searchPath) ?? fromInstaller(pkg);
  if (!found) {
    throw new ConfigError(key, `no ${name} found on PATH and ${pkg} is not installed; install ffmpeg or run npm ci`);
  }
  return found;
}

/** Resolves both binaries; throws ConfigError naming the setting when one is missing. */
export function resolveBinaries(options: BinaryOptions = {}): Binaries {
  const searchPath = options.searchPath ?? process.env.PATH;
  return {
    ffmpeg: locate('ffmpeg', options.ffmpegPath, 'ffmpeg.path', '@ffmpeg-installer/ffmpeg', searchPath),
    ffprobe: locate('ffprobe', options.probePath, 'ffmpeg.probePath', '@ffprobe-installer/ffprobe', searchPath),
  };
}

/** Fonts tried for the slate's text, in order; the slate is drawn without text when none exists. */
export const SLATE_FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
];

export function findSlateFont(candidates: readonly string[] = SLATE_FONT_CANDIDATES): string | undefined {
  return candidates.find((f) => existsSync(f));
}

/** What differs between ffmpeg versions in the arguments we build. */
export interface FfmpegDialect {
  /** libavformat major: 58 = ffmpeg 4.x (the npm build), 59 = 5.x, 60 = 6.x ... */
  avformatMajor: number;
  /** RTSP socket timeout option: `-stimeout` up to ffmpeg 4, `-timeout` from 5 (both µs). */
  rtspTimeout: '-stimeout' | '-timeout';
}

/** Reads the dialect from `ffmpeg -version` text (libavformat's major version). */
export function dialectOf(versionText: string): FfmpegDialect {
  const m = /libavformat\s+(\d+)\./.exec(versionText);
  const avformatMajor = m ? Number(m[1]) : 58;
  return { avformatMajor, rtspTimeout: avformatMajor >= 59 ? '-timeout' : '-stimeout' };
}

const dialects = new Map<string, FfmpegDialect>();

/** The dialect of an ffmpeg binary (asked once per path). */
export function ffmpegDialect(ffmpeg: string): FfmpegDialect {
  let d = dialects.get(ffmpeg);
  if (!d) {
    let text = '';
    try {
      text = execFileSync(ffmpeg, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 });
    } catch {
      // Unknown: assume the npm build's dialect.
    }
    d = dialectOf(text);
    dialects.set(ffmpeg, d);
  }
  return d;
}
