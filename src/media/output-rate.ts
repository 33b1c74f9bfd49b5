// The output's measured bitrate. ffmpeg cannot tell it: through the tee muxer its progress
// says bitrate=N/A and total_size=N/A (the tee has no byte stream of its own). So it is
// measured from what the output really wrote: the newest segments of a local HLS playlist,
// their bytes on disk over their durations in the playlist — what a viewer downloads, with
// audio and MPEG-TS overhead. An output with no HLS playlist (RTMP or YouTube only) has no
// measurement; the encoder then reports the nominal rate and says so.
import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';

/** One segment of a media playlist: its URI (relative to the playlist) and its EXTINF duration. */
export interface PlaylistSegment {
  uri: string;
  durationS: number;
}

/** Segments measured at once: about six seconds of output at the 2 s HLS segments. */
export const MEASURED_SEGMENTS = 3;

/** Pure: the segments an HLS media playlist lists, in order. */
export function playlistSegments(text: string): PlaylistSegment[] {
  const segments: PlaylistSegment[] = [];
  let duration: number | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) {
      const d = Number.parseFloat(line.slice('#EXTINF:'.length));
      duration = Number.isFinite(d) ? d : undefined;
    } else if (line && !line.startsWith('#')) {
      if (duration !== undefined && duration > 0) segments.push({ uri: line, durationS: duration });
      duration = undefined;
    }
  }
  return segments;
}

/** Pure: kbit/s of segments of known size, or undefined when they hold no time. */
export function segmentsKbps(segments: ReadonlyArray<{ durationS: number; bytes: number }>): number | undefined {
  const seconds = segments.reduce((s, x) => s + x.durationS, 0);
  if (seconds <= 0) return undefined;
  const bytes = segments.reduce((s, x) => s + x.bytes, 0);
  return (bytes * 8) / seconds / 1000;
}

/**
 * Measures the rate of the last `count` segments of the playlist at `playlist` (a path on
 * disk). Undefined when there is no playlist or segment yet. A segment deleted between the
 * read and its stat (delete_segments) is left out.
 */
export async function measurePlaylistKbps(playlist: string, count = MEASURED_SEGMENTS): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(playlist, 'utf8');
  } catch {
    return undefined;
  }
  const dir = path.dirname(playlist);
  const sized = await Promise.all(
    playlistSegments(text)
      .slice(-count)
      .map(async (s) => {
        try {
          return { durationS: s.durationS, bytes: (await stat(path.resolve(dir, s.uri))).size };
        } catch {
          return undefined;
        }
      }),
  );
  return segmentsKbps(sized.filter((s): s is { durationS: number; bytes: number } => s !== undefined));
}

/**
 * Keeps the latest measurement of one playlist, refreshed at most every `everyMs` and never
 * twice at once. `current` never waits on the disk: it answers with the last figure and
 * starts the next measurement in the background through `run` (the encoder's tracker, so
 * stop() waits for it).
 */
export class PlaylistRate {
  #kbps: number | undefined;
  #lastAt = Number.NEGATIVE_INFINITY;
  #busy = false;

  /** @param everyMs @defaultValue 2000 (one HLS segment) */
  constructor(
    readonly playlist: string,
    readonly everyMs = 2000,
  ) {}

  current(nowMs: number, run: (p: Promise<unknown>) => void): number | undefined {
    if (!this.#busy && nowMs - this.#lastAt >= this.everyMs) {
      this.#busy = true;
      this.#lastAt = nowMs;
      run(
        measurePlaylistKbps(this.playlist).then(
          (kbps) => {
            if (kbps !== undefined) this.#kbps = kbps;
          },
          () => undefined,
        ).finally(() => {
          this.#busy = false;
        }),
      );
    }
    return this.#kbps;
  }
}
