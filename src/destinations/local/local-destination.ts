// The `local` destination (the embedded default): HLS written under the data folder,
// served by express at /hls/<folder>/index.m3u8 and watched in the viewer page; old
// segments are deleted as they leave the playlist (tee.ts); at the end the programme's
// recording becomes an MP4 in the archive.
import { appendFile, mkdir, readFile, readdir, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../shared/logger.js';
import type { Occurrence } from '../../schedule/types.js';
import {
  DestinationError,
  type Destination,
  type DestinationContext,
  type DestinationState,
} from '../../scheduler/ports.js';
import { archiveParts } from './archive.js';
import { hlsRoot, occurrenceFolder, partsDir } from './paths.js';

export interface LocalDestinationDeps {
  name: string;
  dataDir: string;
  ffmpeg: string;
  logger: Logger;
  /** prepare() refuses to start with less free space than this. @defaultValue 500 MB */
  minFreeBytes?: number;
  /** awaitIngest() gives up when no segment appears within this long. @defaultValue 60000 */
  ingestTimeoutMs?: number;
  /** Record the programme and keep it as an MP4 in the archive. @defaultValue true */
  archive?: boolean;
  /**
   * HLS folders of broadcasts that ended longer ago than this are removed when another
   * broadcast on this server ends (viewers still finishing a stream keep it meanwhile).
   * @defaultValue 1 hour
   */
  hlsRetentionMs?: number;
  /**
   * Heights of the lower renditions of the adaptive ladder; the picture itself and an
   * audio-only rendition are always in it (IngestTarget.ladder). @defaultValue [720, 360]
   */
  ladder?: readonly number[];
}

/** The master playlist the encoder writes beside index.m3u8 (media/ladder.ts MASTER_PLAYLIST). */
const MASTER = 'master.m3u8';

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

export class LocalDestination implements Destination {
  readonly name: string;
  readonly kind = 'local' as const;
  readonly #deps: LocalDestinationDeps;

  constructor(deps: LocalDestinationDeps) {
    this.#deps = deps;
    this.name = deps.name;
  }

  #paths(occ: Occurrence): { folder: string; dir: string; playlist: string; master: string; parts: string } {
    const folder = occurrenceFolder(occ.id);
    const dir = path.join(hlsRoot(this.#deps.dataDir), folder);
    return { folder, dir, playlist: path.join(dir, 'index.m3u8'), master: path.join(dir, MASTER), parts: partsDir(this.#deps.dataDir, folder) };
  }

  async prepare(occ: Occurrence, state: DestinationState, _ctx?: DestinationContext): Promise<DestinationState> {
    const p = this.#paths(occ);
    const root = this.#deps.dataDir;
    const need = this.#deps.minFreeBytes ?? 500 * 1024 * 1024;
    try {
      await mkdir(p.dir, { recursive: true });
      const fs = await statfs(root);
      const free = fs.bavail * fs.bsize;
      if (free < need) {
        throw new DestinationError(
          'disk-full',
          `Only ${Math.floor(free / 1048576)} MB are free on the disk holding ${root}; the local stream and its recording need at least ${Math.ceil(need / 1048576)} MB. Free space there (old recordings are in ${path.join(root, 'archive')}) or move ONAIR_DATA_DIR to a larger disk.`,
          true,
        );
      }
    } catch (err) {
      if (err instanceof DestinationError) throw err;
      const e = err as NodeJS.ErrnoException;
      throw new DestinationError(
        e.code === 'ENOSPC' ? 'disk-full' : 'data-dir-unwritable',
        `Cannot write the local stream under ${root} (${e.code ?? e.message}). Check that ONAIR_DATA_DIR exists, is writable by onair and its disk has space.`,
        e.code === 'ENOSPC',
        { cause: err },
      );
    }
    return {
      ...state,
      name: this.name,
      kind: 'local',
      status: state.status === 'pending' ? 'ready' : state.status,
      ingest: {
        url: p.playlist,
        format: 'hls',
        ...(this.#deps.archive === false ? {} : { record: p.parts }),
        ladder: this.#deps.ladder ?? [720, 360],
      },
      // The master playlist: players switch renditions by bandwidth (and the viewer page
      // offers the audio-only one).
      watchUrl: `/hls/${p.folder}/${MASTER}`,
    };
  }

  async awaitIngest(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
    const { playlist, master } = this.#paths(occ);
    const limit = this.#deps.ingestTimeoutMs ?? 60_000;
    const deadline = ctx.now().getTime() + limit;
    while (!ctx.signal.aborted) {
      try {
        // Viewers open the master playlist: wait for it too.
        if (/^[^#].*\.ts\s*$/m.test(await readFile(playlist, 'utf8')) && (await readFile(master, 'utf8')).includes('#EXT-X-STREAM-INF')) return state;
      } catch {
        // Not written yet.
      }
      if (ctx.now().getTime() > deadline) break;
      await sleep(250, ctx.signal);
    }
    if (ctx.signal.aborted) throw new DestinationError('aborted', 'The broadcast was stopped while waiting for the local stream.', false);
    throw new DestinationError(
      'no-data',
      `No video reached the local stream within ${Math.round(limit / 1000)} s (${playlist} has no segment). Check the encoder's errors for this broadcast.`,
      true,
    );
  }

  async goLive(_occ: Occurrence, state: DestinationState, _ctx?: DestinationContext): Promise<DestinationState> {
    return { ...state, status: 'live' };
  }

  async update(_occ: Occurrence, state: DestinationState, _ctx?: DestinationContext): Promise<DestinationState> {
    // Nothing remote to change: the page reads titles from the schedule.
    return state;
  }

  /**
   * Marks the playlist ended (players stop waiting for more) and keeps the programme's
   * recording in the archive. A failed archive throws (disk-full: not retryable) and
   * keeps the parts, so end() can be called again once space is freed.
   */
  async end(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
    const p = this.#paths(occ);
    // Every rendition's media playlist (index.m3u8, 360p.m3u8, audio.m3u8, ...), not the master.
    const playlists = (await readdir(p.dir).catch(() => [] as string[])).filter((n) => n.endsWith('.m3u8') && n !== MASTER);
    for (const name of playlists) {
      const file = path.join(p.dir, name);
      try {
        const text = await readFile(file, 'utf8');
        if (!text.includes('#EXT-X-ENDLIST')) await appendFile(file, '#EXT-X-ENDLIST\n');
      } catch {
        // Gone meanwhile: nothing to end.
      }
    }
    const entry =
      this.#deps.archive === false
        ? undefined
        : await archiveParts(occ, p.folder, p.parts, { ffmpeg: this.#deps.ffmpeg, dataDir: this.#deps.dataDir }, ctx.signal);
    if (entry) this.#deps.logger.info({ occurrence: occ.id, file: entry.url, durationS: entry.durationS }, 'local: recording archived');
    // Finished streams would otherwise pile up under <data>/hls (several MB each).
    const removed = await removeOldHls(this.#deps.dataDir, this.#deps.hlsRetentionMs ?? 3_600_000, ctx.now());
    if (removed.length) this.#deps.logger.info({ folders: removed }, 'local: removed finished HLS streams');
    const remote = entry ? { ...state.remote, archive: entry.url } : state.remote;
    return { ...state, status: 'complete', remote };
  }

  /** Removes what a cancelled broadcast left: its HLS folder and recorded parts. */
  async teardown(occ: Occurrence, state: DestinationState, _ctx?: DestinationContext): Promise<DestinationState> {
    const p = this.#paths(occ);
    await rm(p.dir, { recursive: true, force: true });
    await rm(p.parts, { recursive: true, force: true });
    return { ...state, status: 'cancelled' };
  }
}

/**
 * Deletes HLS folders of broadcasts that ended more than `olderThanMs` ago (nightly
 * housekeeping); a live playlist (no ENDLIST) is never touched. Returns the folders removed.
 */
export async function removeOldHls(dataDir: string, olderThanMs: number, now: Date): Promise<string[]> {
  const root = hlsRoot(dataDir);
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return removed;
  }
  for (const n of names) {
    const playlist = path.join(root, n, 'index.m3u8');
    try {
      const [text, st] = await Promise.all([readFile(playlist, 'utf8'), stat(playlist)]);
      if (text.includes('#EXT-X-ENDLIST') && now.getTime() - st.mtimeMs > olderThanMs) {
        await rm(path.join(root, n), { recursive: true, force: true });
        removed.push(n);
      }
    } catch {
      // Not a broadcast folder.
    }
  }
  return removed;
}
