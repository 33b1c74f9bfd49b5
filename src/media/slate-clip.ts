// The pre-rendered slate: instead of drawing the slate live (lavfi + drawtext + an MPEG-2
// encode for every frame, the whole time it is on air — 32 % of a core, see bench:slate), it is
// rendered once per text and picture into a short clip in the house format (intra-only
// MPEG-2 + PCM in MPEG-TS, see ffmpeg-args.ts) and the slate decoder loops that clip with
// stream copy: it reads and writes packets, it decodes and encodes nothing.
//
// On the copy path (send-path.ts) the output encodes nothing, so the clip is made in the
// programme's own format instead (H.264 + AAC of its size, rate, profile, sample rate and
// channels, source-codec.ts): the clip and the programme follow each other in one output.
//
// Clips are cached under `<data>/slates/<hash>.ts`, the hash taken over everything that
// changes the picture (title and message text, size, rate, font, ffmpeg version, layout), so
// a retitled programme or a new message gets a new clip and an unchanged one is reused
// across broadcasts and restarts. Renders of the same clip at once share one ffmpeg.
// Clips unused for `maxAgeMs` are deleted (their mtime is touched on every use).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../shared/logger.js';
import { AUDIO_SAMPLE_RATE } from './encoding-profile.js';
import { houseCodecArgs } from './ffmpeg-args.js';
import { sourceCodecArgs, type SourceCodec } from './source-codec.js';
import { slateGraph, type InputPart, type SlateText } from './inputs.js';
import type { VideoFormat } from './media-info.js';

/** Length of a clip: one GOP of the output, long enough that looping costs nothing. */
export const SLATE_CLIP_SECONDS = 2;

/** Bumped when the slate's look changes, so older clips are not reused. */
const LAYOUT_VERSION = 1;

export interface SlateClipText {
  /** The title lines (slate-text.ts slateTitle). */
  title: string;
  /** The message lines (slate-text.ts slateMessage). */
  message: string;
}

export interface SlateClipKey extends SlateClipText {
  format: VideoFormat;
  /** The font file, or undefined for a plain slate. */
  fontFile: string | undefined;
  /** The ffmpeg version that renders it (another build may draw text differently). */
  ffmpegVersion: string;
  /** Made in a copied programme's format (source-codec.ts); undefined = the house format. */
  source?: SourceCodec | undefined;
}

/** The cache key: a hash of everything that changes the clip. */
export function slateClipHash(key: SlateClipKey): string {
  const { format } = key;
  const canonical = JSON.stringify([
    LAYOUT_VERSION,
    key.title,
    key.message,
    format.width,
    format.height,
    format.fps,
    key.fontFile ?? null,
    key.ffmpegVersion,
    SLATE_CLIP_SECONDS,
    // Only when set, so house-format clips keep the keys they had.
    ...(key.source ? [['h264+aac', key.source.profile ?? null, key.source.sampleRate, key.source.channels]] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

/**
 * The ffmpeg command rendering a clip to `out`: the slate's picture (read once from the
 * text files) and silence cut in audio frames of exactly one video frame, so the clip's
 * audio and video end together and the loop has no gap.
 */
export function slateClipArgs(format: VideoFormat, text: SlateText | undefined, out: string, source?: SourceCodec): string[] {
  const sampleRate = source?.sampleRate ?? AUDIO_SAMPLE_RATE;
  const samplesPerFrame = Math.round(sampleRate / format.fps);
  // In the source's format the clip is one GOP, so every loop starts on a keyframe.
  const frames = Math.max(1, Math.round(SLATE_CLIP_SECONDS * format.fps));
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-f', 'lavfi', '-i', slateGraph(format, text, { reload: false }),
    '-f', 'lavfi', '-i', `anullsrc=channel_layout=stereo:sample_rate=${sampleRate}:nb_samples=${samplesPerFrame}`,
    '-t', String(SLATE_CLIP_SECONDS),
    '-map', '0:v:0', '-map', '1:a:0',
    ...(source ? sourceCodecArgs(format, source, frames) : houseCodecArgs()),
    '-muxdelay', '0', '-muxpreload', '0',
    '-f', 'mpegts', '-y', out,
  ];
}

/** A decoder's input looping a clip for ever, at real-time speed. */
export function slateClipInput(clip: string): InputPart {
  return { args: ['-re', '-stream_loop', '-1', '-i', clip], videoMap: '0:v:0', audioMap: '0:a:0', fitted: true };
}

export interface SlateClipsDeps {
  ffmpeg: string;
  /** Where clips are cached (`<data>/slates`). */
  dir: string;
  /** Font for the text; none = a plain slate. */
  fontFile?: string;
  /** The ffmpeg's version (part of the key). */
  ffmpegVersion: () => Promise<string>;
  logger: Logger;
  /** How long an unused clip is kept. @defaultValue 30 days */
  maxAgeMs?: number;
  /** How long a render may take before it counts as failed. @defaultValue 60000 */
  renderTimeoutMs?: number;
}

/** The cache of pre-rendered slates, shared by every encoder of a process. */
export class SlateClips {
  readonly #deps: SlateClipsDeps;
  /** Clips being rendered (or rendered) in this process, by hash. */
  readonly #clips = new Map<string, Promise<string>>();
  #pruned = false;
  #seq = 0;

  constructor(deps: SlateClipsDeps) {
    this.#deps = deps;
  }

  /** The clip of `text` in `format` (and `source`'s codecs, on the copy path), rendered first when the cache has none. */
  async clip(text: SlateClipText, format: VideoFormat, source?: SourceCodec): Promise<string> {
    const hash = slateClipHash({ ...text, format, fontFile: this.#deps.fontFile, ffmpegVersion: await this.#deps.ffmpegVersion(), source });
    let clip = this.#clips.get(hash);
    if (!clip) {
      clip = this.#obtain(hash, text, format, source);
      this.#clips.set(hash, clip);
      // A failed render is tried again next time, not remembered.
      clip.catch(() => this.#clips.delete(hash));
    }
    return clip;
  }

  async #obtain(hash: string, text: SlateClipText, format: VideoFormat, source: SourceCodec | undefined): Promise<string> {
    const dir = this.#deps.dir;
    await mkdir(dir, { recursive: true });
    if (!this.#pruned) {
      this.#pruned = true;
      void this.#prune().catch((err: unknown) => this.#deps.logger.warn({ err }, 'could not prune old slate clips'));
    }
    const file = path.join(dir, `${hash}.ts`);
    try {
      const now = new Date();
      await utimes(file, now, now);
      return file;
    } catch {
      // Not cached yet: rendered below.
    }
    // Own temp names per render, renamed into place: a reader never sees half a clip, and
    // two processes rendering the same clip do not clash.
    const tmp = path.join(dir, `${hash}.${process.pid}.${++this.#seq}`);
    const files = { titleFile: `${tmp}.title.txt`, messageFile: `${tmp}.message.txt` };
    try {
      const font = this.#deps.fontFile;
      if (font) {
        await writeFile(files.titleFile, text.title);
        await writeFile(files.messageFile, text.message);
      }
      await this.#render(slateClipArgs(format, font ? { ...files, fontFile: font } : undefined, `${tmp}.ts`, source));
      await rename(`${tmp}.ts`, file);
      this.#deps.logger.info({ clip: file, format, codec: source ? 'h264+aac' : 'house' }, 'slate rendered');
      return file;
    } finally {
      await Promise.all([files.titleFile, files.messageFile, `${tmp}.ts`].map((f) => rm(f, { force: true })));
    }
  }

  #render(args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile(this.#deps.ffmpeg, args, { timeout: this.#deps.renderTimeoutMs ?? 60_000, maxBuffer: 1024 * 1024 }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`rendering the slate failed: ${String(stderr).trim().split('\n').pop() || err.message}`));
        else resolve();
      });
    });
  }

  /** Deletes clips (and leftovers of interrupted renders) not used for `maxAgeMs`. */
  async #prune(): Promise<void> {
    const dir = this.#deps.dir;
    const before = Date.now() - (this.#deps.maxAgeMs ?? 30 * 86_400_000);
    for (const name of await readdir(dir)) {
      const file = path.join(dir, name);
      const s = await stat(file).catch(() => undefined);
      if (s && s.isFile() && s.mtimeMs < before) await rm(file, { force: true });
    }
  }
}
