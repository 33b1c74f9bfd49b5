// Pure: the two kinds of ffmpeg command in a broadcast's playout (see playout-pipe.ts).
// A decoder (slate or programme, short-lived) turns its source into the house format —
// the output picture, intra-only MPEG-2 video and PCM audio in MPEG-TS — with timestamps
// placed after what the previous decoder wrote, and writes it into the broadcast's pipe.
// The output (long-lived, one per broadcast) reads that pipe, encodes once (H.264 CBR +
// AAC) and writes every destination through one tee. On the copy path (send-path.ts) the
// slate (made in the programme's format) goes through the output, which copies it, and the
// programme's own ffmpeg copies its packets straight to the destinations (programmeWriterArgs);
// only the lower renditions of a ladder are encoded, from the copied picture.
import {
  AUDIO_KBPS,
  AUDIO_SAMPLE_RATE,
  GOP_SECONDS,
  x264Args,
  videoBitrateKbps,
} from './encoding-profile.js';
import type { InputPart } from './inputs.js';
import { ladderCopyArgs, ladderFilter, ladderMaps, type LadderStreams } from './ladder.js';
import type { VideoFormat } from './media-info.js';

/**
 * Codec arguments of the output's encode: H.264 (no B-frames) with a 2 s GOP at a constant bitrate
 * (x264's HRD in CBR mode pads with filler, b = minrate = maxrate, a one-GOP buffer), as
 * YouTube asks (support.google.com/youtube/answer/2853702), and AAC 128k stereo. A constant frame rate fills
 * the short gap while one decoder hands over to the next with repeated frames, and the
 * resampler fills the audio gap with silence, so the destinations see no hole.
 */
export function encodeArgs(format: VideoFormat, opts: { audioFilter?: boolean } = {}): string[] {
  const kbps = videoBitrateKbps(format);
  const gop = Math.max(1, Math.round(format.fps * GOP_SECONDS));
  return [
    ...x264Args(),
    '-r', String(format.fps),
    '-fps_mode', 'cfr',
    '-g', String(gop),
    '-keyint_min', String(gop),
    '-b:v', `${kbps}k`,
    '-minrate', `${kbps}k`,
    '-maxrate', `${kbps}k`,
    '-bufsize', `${kbps * GOP_SECONDS}k`,
    // With a ladder the resampler sits in its filtergraph instead (ladder.ts).
    ...(opts.audioFilter === false ? [] : ['-af', 'aresample=async=1000']),
    '-c:a', 'aac',
    '-b:a', `${AUDIO_KBPS}k`,
    '-ac', '2',
    '-ar', String(AUDIO_SAMPLE_RATE),
  ];
}

/** The picture filter that brings a source to the output size and rate (none for a picture already fitted). */
export function fitFilter(format: VideoFormat, fitted: boolean): string[] {
  if (fitted) return [];
  return [
    '-vf',
    `scale=${format.width}:${format.height}:force_original_aspect_ratio=decrease,` +
      `pad=${format.width}:${format.height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${format.fps}`,
  ];
}

/** What every supervised ffmpeg starts with: quiet but for warnings, no stdin, progress on stdout. */
function supervised(): string[] {
  return ['-hide_banner', '-nostdin', '-loglevel', 'warning', '-progress', 'pipe:1'];
}

export interface DecoderPlan {
  input: InputPart;
  /** The house picture every decoder of the broadcast produces. */
  format: VideoFormat;
  /** Where this decoder's timestamps start, in seconds on the broadcast's timeline. */
  offsetS: number;
  /** The broadcast's pipe (a FIFO). */
  pipe: string;
  /**
   * The input already is what the output takes — a pre-rendered slate (slate-clip.ts), or
   * the programme on the copy path (send-path.ts) — so its packets are copied. @defaultValue false
   */
  copy?: boolean;
  /** Codec arguments instead of the house format's (a live-drawn slate on the copy path, source-codec.ts). @defaultValue houseCodecArgs() */
  codecArgs?: string[];
}

/** The house format's codecs: intra-only MPEG-2 at high quality and 16-bit stereo PCM (SMPTE 302M). */
export function houseCodecArgs(): string[] {
  return [
    '-pix_fmt', 'yuv420p',
    '-c:v', 'mpeg2video', '-q:v', '2', '-g', '1',
    '-c:a', 's302m', '-strict', '-2', '-sample_fmt', 's16', '-ar', String(AUDIO_SAMPLE_RATE), '-ac', '2',
  ];
}

/**
 * A decoder: the source, fitted to the house format, as MPEG-TS into the pipe. Intra-only
 * MPEG-2 at high quality and PCM audio (SMPTE 302M, the PCM MPEG-TS carries) cost little
 * to make and to read, and let the output start decoding at any frame, so a decoder can
 * be cut at any moment.
 */
export function decoderArgs(plan: DecoderPlan): string[] {
  return [
    // Progress on stdout: the decoder's liveness and how far its timestamps got.
    ...supervised(),
    ...plan.input.args,
    '-map', plan.input.videoMap,
    '-map', plan.input.audioMap,
    // A pre-rendered slate already is the house format: copied, nothing decoded.
    ...(plan.copy ? ['-c', 'copy'] : [...fitFilter(plan.format, plan.input.fitted), ...(plan.codecArgs ?? houseCodecArgs())]),
    '-output_ts_offset', plan.offsetS.toFixed(3),
    '-muxdelay', '0', '-muxpreload', '0',
    '-f', 'mpegts',
    '-y', plan.pipe,
  ];
}

export interface OutputPlan {
  format: VideoFormat;
  /** The broadcast's pipe (a FIFO). */
  pipe: string;
  /** The tee slaves (see tee.ts). */
  slaves: string[];
  /**
   * Where a restarted output's timestamps continue, in seconds (0 at the first start), so
   * a restart continues the HLS timeline instead of starting it over.
   */
  offsetS: number;
  /**
   * The lower renditions a local HLS output with a ladder takes (ladder.ts); then the
   * slaves select their streams. Absent = one rendition (stream 0:v, 0:a).
   */
  ladder?: LadderStreams;
  /** The copy path (send-path.ts): the pipe's packets are copied; only a ladder's lower renditions are encoded (ladderCopyArgs). @defaultValue false */
  copy?: boolean;
  /** One output's own muxer arguments and file (tee.ts directHlsArgs) instead of the tee of `slaves`. @defaultValue the tee */
  direct?: string[];
}

/** The output: reads the pipe, encodes once (or copies), writes every destination through the tee. */
export function outputArgs(plan: OutputPlan): string[] {
  if (plan.slaves.length === 0 && !plan.direct) throw new Error('an output needs at least one destination');
  const codecs = plan.copy
    ? plan.ladder ? ladderCopyArgs(plan.ladder) : ['-map', '0:v:0', '-map', '0:a:0', '-c', 'copy']
    : plan.ladder
      ? ['-filter_complex', ladderFilter(plan.ladder), ...encodeArgs(plan.format, { audioFilter: false }), ...ladderMaps(plan.ladder, GOP_SECONDS)]
      : ['-map', '0:v:0', '-map', '0:a:0', ...encodeArgs(plan.format)];
  return [
    // Machine-readable progress on stdout, parsed into health (progress-parser.ts).
    ...supervised(),
    // The pipe's streams are known (house format): open it without a long probe.
    '-probesize', '262144',
    '-analyzeduration', '300000',
    '-fflags', '+genpts+discardcorrupt',
    '-f', 'mpegts',
    '-i', plan.pipe,
    ...codecs,
    ...(plan.offsetS > 0 ? ['-output_ts_offset', plan.offsetS.toFixed(3)] : []),
    // flv wants the codec headers out of band; mpegts outputs get them back via auto bsf.
    // (An encoder's flag: a copy has no encoder, and the copy path has no flv.)
    ...(plan.copy ? [] : ['-flags', '+global_header']),
    ...(plan.direct ?? ['-f', 'tee', plan.slaves.join('|')]),
  ];
}

export interface WriterPlan {
  /** The programme's input (the copy path: a file, or a playlist in one format). */
  input: InputPart;
  /** Where its timestamps start on the broadcast's timeline (s): after what the output wrote. */
  offsetS: number;
  /** As for the output (OutputPlan). */
  ladder?: LadderStreams;
  slaves: string[];
  direct?: string[];
}

/**
 * The programme writing the destinations itself, on the copy path (send-path.ts): its own
 * packets straight into the output's muxers (the same tee slaves, or one HLS muxer), with
 * no pipe and no output ffmpeg between — one copy's work where a decoder and an output
 * did two. Its streams are mapped as the output maps the pipe's.
 */
export function programmeWriterArgs(plan: WriterPlan): string[] {
  if (plan.slaves.length === 0 && !plan.direct) throw new Error('a writer needs at least one destination');
  const { videoMap, audioMap } = plan.input;
  const streams = plan.ladder ? ladderCopyArgs(plan.ladder, videoMap, audioMap) : ['-map', videoMap, '-map', audioMap, '-c', 'copy'];
  return [
    ...supervised(),
    ...plan.input.args,
    ...streams,
    '-output_ts_offset', plan.offsetS.toFixed(3),
    ...(plan.direct ?? ['-f', 'tee', plan.slaves.join('|')]),
  ];
}
