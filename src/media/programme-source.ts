// The programme's source as the encoder sees it: probed once before the first run (copy
// or encode — send-path.ts, from the source and the destinations —, format, nominal bitrate, item durations), checked again after a run fails
// (is the camera answering, are the files still there), and turned into ffmpeg's input for
// a run that resumes at the wall-clock position of the programme. Media files are checked
// against the media folder each time (src/shared/media-path.ts), and ffmpeg reads their real paths.
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SourceSpec } from '../schedule/types.js';
import { ffmpegDialect } from './binaries.js';
import {
  AUDIO_KBPS,
  copyFormatFor,
  decideMode,
  decidePlaylistMode,
  encodeFormatFor,
  videoBitrateKbps,
  type SendMode,
} from './encoding-profile.js';
import { concatList, fileInput, liveInput, playlistInput, testPatternInput, type InputPart } from './inputs.js';
import type { MediaInfo, VideoFormat } from './media-info.js';
import { checkMediaFiles } from '../shared/media-path.js';
import type { IngestTarget } from '../scheduler/ports.js';
import { decideSendPath, type SendPathDecision } from './send-path.js';
import { sourceCodecOf, type SourceCodec } from './source-codec.js';
import { ProbeError, probeFile, probeLive } from './probe.js';
import { maskUrlsIn } from './stderr-watch.js';

export interface PreparedSource {
  /** Whether the source itself suits every destination as it is (keyframes at most 2 s apart: decideMode). */
  mode: SendMode;
  reason: string;
  /** How the broadcast is sent, from the source and its destinations (send-path.ts). */
  path: SendPathDecision;
  /** On the copy path: the source's codec parameters, which the slate is made to match. */
  sourceCodec?: SourceCodec;
  /** On the copy path: the longest keyframe spacing of the source (s): recording parts are as long. */
  keyframeGapS?: number;
  format: VideoFormat;
  /** Nominal output kbit/s, reported when ffmpeg says N/A (it does through the tee). */
  nominalKbps: number;
  hasAudio: boolean;
  /**
   * Every item's picture already is `format` (size and rate): its decoder runs no
   * scale/pad/fps filter (5-7 % of an encode-path decoder's CPU at 720p30, for nothing).
   */
  fitsFormat?: boolean;
  /** Item durations of a file or playlist, for resuming at the right place. */
  durationsS: number[];
  liveInfo?: MediaInfo;
}

export interface SourceProbeDeps {
  ffmpeg: string;
  ffprobe: string;
  signal: AbortSignal;
  /** Picture of test patterns, live sources and their slate. */
  defaultFormat: VideoFormat;
  /** The media folder every file must really lie under (config paths.media); none = not checked. */
  mediaRoot?: string | undefined;
  /** The broadcast's destinations, which decide copy or encode with the source (send-path.ts). @defaultValue none: encoded */
  outputs?: ReadonlyArray<{ destination: string; target: IngestTarget }>;
}

/** Nominal kbit/s of an encoded run in this format (video + audio). */
export function encodedKbps(format: VideoFormat): number {
  return videoBitrateKbps(format) + AUDIO_KBPS;
}

/**
 * Probes the source before the first run. A camera that does not answer is not an error
 * here: `downReason` says why, and the encoder shows the slate and retries it.
 * Throws ProbeError for a file that is missing or unplayable.
 */
export async function prepareSource(source: SourceSpec, deps: SourceProbeDeps): Promise<{ prepared: PreparedSource; downReason?: string }> {
  const fallback = deps.defaultFormat;
  const outputs = deps.outputs ?? [];
  const probeOpts = { ffmpeg: deps.ffmpeg, ffprobe: deps.ffprobe, signal: deps.signal };
  switch (source.kind) {
    case 'testPattern':
      return { prepared: { mode: 'encode', reason: 'a generated test pattern', path: decideSendPath(source, outputs), format: fallback, nominalKbps: encodedKbps(fallback), hasAudio: true, durationsS: [] } };
    case 'url': {
      // Cameras are always encoded: their GOP and timestamps are not ours to trust,
      // and re-encoding gives every destination one steady format across reconnects.
      let liveInfo: MediaInfo | undefined;
      let downReason: string | undefined;
      try {
        liveInfo = await probeLive(source.url, probeOpts);
      } catch (err) {
        if (!(err instanceof ProbeError)) throw err;
        downReason = `the camera at ${maskUrlsIn(source.url)} does not answer (${maskUrlsIn(err.message)})`;
      }
      const prepared: PreparedSource = { mode: 'encode', reason: 'a live source', path: decideSendPath(source, outputs), format: fallback, nominalKbps: encodedKbps(fallback), hasAudio: liveInfo?.audio !== undefined, durationsS: [], liveInfo };
      return downReason === undefined ? { prepared } : { prepared, downReason };
    }
    case 'file':
    case 'playlist': {
      const checked = await checkMediaFiles(source.kind === 'file' ? [source.path] : source.items, deps.mediaRoot);
      if (!checked.ok) throw new ProbeError(checked.code, checked.reason);
      const files = checked.real;
      const infos: MediaInfo[] = [];
      for (const f of files) infos.push(await probeFile(f, probeOpts));
      const decision = source.kind === 'file' ? decideMode(infos[0]!) : decidePlaylistMode(infos);
      const sendPath = decideSendPath({ kind: 'files', items: infos }, outputs);
      const copied = sendPath.path === 'copy';
      // A source that suits lends the output its own picture; a copied one is that picture.
      const format = decision.mode === 'copy' || copied ? copyFormatFor(infos[0]!) : encodeFormatFor(infos[0], fallback);
      let nominalKbps = encodedKbps(format);
      if (decision.mode === 'copy' || copied) {
        const first = infos[0]!;
        const size = (await stat(files[0]!)).size;
        if (first.durationS) nominalKbps = Math.round((size * 8) / first.durationS / 1000);
      }
      return {
        prepared: {
          mode: decision.mode,
          reason: decision.reason,
          path: sendPath,
          ...(copied ? { sourceCodec: sourceCodecOf(infos[0]!), keyframeGapS: Math.max(...infos.map((i) => i.video?.maxKeyframeGapS ?? 0)) } : {}),
          format,
          nominalKbps,
          hasAudio: infos.every((i) => i.audio !== undefined),
          fitsFormat: infos.every((i) => i.video !== undefined && i.video.width === format.width && i.video.height === format.height && Math.abs(i.video.fps - format.fps) < 0.01),
          durationsS: infos.map((i) => i.durationS ?? 0),
        },
      };
    }
  }
}

/** What staff read when the programme's media cannot be used at all (a fatal error). */
export function mediaMessage(programmeId: string, err: ProbeError): string {
  if (err.code === 'media-missing') {
    return `Programme "${programmeId}": the media file is missing (${err.message}). Copy the file there, or correct \`source:\` in the programme's schedule file.`;
  }
  if (err.code === 'media-outside') {
    return `Programme "${programmeId}": ${err.message}. Put the video file itself (not a link) in the media folder, or correct \`source:\` in the programme's schedule file.`;
  }
  return `Programme "${programmeId}": ${err.message}. Replace the file with a working video, or correct \`source:\` in the programme's schedule file.`;
}

/**
 * Why the source cannot be played now, or undefined when it can. A camera that answers
 * updates `prepared.hasAudio` (it may have gained or lost its audio since).
 */
export async function sourceDownReason(source: SourceSpec, prepared: PreparedSource, deps: Omit<SourceProbeDeps, 'defaultFormat'>): Promise<string | undefined> {
  switch (source.kind) {
    case 'testPattern':
      return undefined;
    case 'url':
      try {
        const info = await probeLive(source.url, { ffmpeg: deps.ffmpeg, ffprobe: deps.ffprobe, signal: deps.signal });
        prepared.hasAudio = info.audio !== undefined;
        return undefined;
      } catch (err) {
        return `the camera at ${maskUrlsIn(source.url)} does not answer (${maskUrlsIn((err as Error).message)})`;
      }
    case 'file':
    case 'playlist': {
      const checked = await checkMediaFiles(source.kind === 'file' ? [source.path] : source.items, deps.mediaRoot);
      return checked.ok ? undefined : checked.reason;
    }
  }
}

/** Where in the programme's media to be `elapsedS` after the programme began, or 'ended'. */
export function programmePosition(source: SourceSpec, prepared: PreparedSource, elapsedS: number): { index: number; offsetS: number } | 'ended' {
  const total = prepared.durationsS.reduce((a, b) => a + b, 0);
  let t = elapsedS;
  const loop = (source.kind === 'file' || source.kind === 'playlist') && source.loop === true;
  if (total > 0) {
    if (loop) t %= total;
    else if (t >= total - 1) return 'ended';
  }
  let index = 0;
  while (index < prepared.durationsS.length - 1 && t >= prepared.durationsS[index]!) {
    t -= prepared.durationsS[index]!;
    index++;
  }
  return { index, offsetS: t < 1 ? 0 : t };
}

/**
 * ffmpeg's input for a programme run starting `elapsedS` in (a playlist writes its concat
 * list into `scratch`). Media files are checked right here, just before the spawn, and given
 * to ffmpeg by their real paths; `{ down }` says why they cannot be read now.
 */
export async function programmeInput(
  source: SourceSpec,
  prepared: PreparedSource,
  elapsedS: number,
  files: { ffmpeg: string; scratch: string; mediaRoot?: string | undefined },
): Promise<InputPart | 'ended' | { down: string }> {
  switch (source.kind) {
    case 'testPattern':
      return testPatternInput(source.pattern, source.toneHz, prepared.format);
    case 'url':
      return liveInput(source.url, prepared.hasAudio, ffmpegDialect(files.ffmpeg).rtspTimeout);
    case 'file': {
      const pos = programmePosition(source, prepared, elapsedS);
      if (pos === 'ended') return 'ended';
      const checked = await checkMediaFiles([source.path], files.mediaRoot);
      if (!checked.ok) return { down: checked.reason };
      return fileInput(checked.real[0]!, { loop: source.loop, seekS: pos.offsetS, hasAudio: prepared.hasAudio, fitted: prepared.fitsFormat === true });
    }
    case 'playlist': {
      const pos = programmePosition(source, prepared, elapsedS);
      if (pos === 'ended') return 'ended';
      const checked = await checkMediaFiles(source.items.slice(pos.index), files.mediaRoot);
      if (!checked.ok) return { down: checked.reason };
      const listFile = path.join(files.scratch, 'playlist.ffconcat');
      await writeFile(listFile, concatList(checked.real, pos.offsetS));
      return playlistInput(listFile, { loop: source.loop, hasAudio: prepared.hasAudio, fitted: prepared.fitsFormat === true });
    }
  }
}
