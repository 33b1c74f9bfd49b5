// The tee muxer's output argument: one encode, many outputs. Every destination gets its
// own fifo slave with `onfail=ignore`, so one failing output never drops the others,
// and `attempt_recovery` reconnects that output on its own, in the same ffmpeg, while
// the rest keep going (the fifo queues, then drops, packets while its output is down).
// drop_pkts_on_overflow also means the tee never waits for a slave: a receiver that freezes
// without closing blocks only its own fifo thread (delivery-watch.ts reports it).
import path from 'node:path';
import type { IngestTarget } from '../scheduler/ports.js';
import { escapeTeeOption, escapeTeeSlave } from './escape.js';
import { MASTER_PLAYLIST } from './ladder.js';

/** How an output behaves when it fails, as fifo options. */
export interface RecoveryOptions {
  /** Seconds between reconnect attempts of one failed output. @defaultValue 1 */
  waitS: number;
  /** Packets buffered per output before dropping (about 12 s at 30 fps + audio). @defaultValue 600 */
  queuePackets: number;
}

export const DEFAULT_RECOVERY: RecoveryOptions = { waitS: 1, queuePackets: 600 };

/** HLS settings of the local destination. */
export const HLS_TIME_S = 2;
export const HLS_LIST_SIZE = 10;
// No append_list: ffmpeg 5.1 marks a discontinuity at every start with it (and never
// writes EXT-X-DISCONTINUITY-SEQUENCE when that leaves the window). A restarted output
// instead starts a new playlist whose media sequence and segment names continue the old
// one (`start_number`, hls-playlist.ts) and whose timestamps continue too (outputArgs'
// offset), so nothing is discontinuous and no tag is needed. omit_endlist: a restart is
// not the end. temp_file: the playlist (and each segment) is written under a temporary
// name and renamed, so a reader never sees a half-written or empty playlist.
// independent_segments: every segment starts on a keyframe (fixed GOP).
// delete_segments: old segments are cleaned up.
export const HLS_FLAGS = 'delete_segments+omit_endlist+temp_file+independent_segments';

function options(entries: Array<[string, string | number]>): string {
  return entries.map(([k, v]) => `${k}=${escapeTeeOption(String(v))}`).join(':');
}

function slave(opts: Array<[string, string | number]>, file: string): string {
  return escapeTeeSlave(`[${options(opts)}]${file}`);
}

function recovering(format: string, recovery: RecoveryOptions): Array<[string, string | number]> {
  return [
    ['f', 'fifo'],
    ['fifo_format', format],
    ['queue_size', recovery.queuePackets],
    ['drop_pkts_on_overflow', 1],
    ['attempt_recovery', 1],
    ['recover_any_error', 1],
    ['recovery_wait_time', recovery.waitS],
    ['restart_with_keyframe', 1],
  ];
}

/**
 * Which of the output's streams a slave takes, when the output has a ladder (ladder.ts):
 * `select` (stream indices or specifiers) and, for an HLS output with renditions, its
 * `var_stream_map`. Empty = every stream, one rendition.
 */
export interface SlaveStreams {
  select?: string;
  varStreamMap?: string;
}

function selecting(streams: SlaveStreams): Array<[string, string | number]> {
  return streams.select ? [['select', streams.select]] : [];
}

/** One tee slave, and whether it writes to a network receiver (RTMP) rather than a file or pipe. */
export interface OrderedSlave {
  slave: string;
  network: boolean;
}

/**
 * The slaves in the order the tee is to finish them at a stop: files and pipes first,
 * network outputs last. ffmpeg writes the tee's trailers one slave after another; an RTMP
 * slave whose receiver never answered its handshake blocks there until the stop's second
 * SIGINT (guarded-process.ts), which also cuts every write after it — a slave listed behind
 * it would lose its trailer (an HLS playlist missing its last segment, a recording part
 * ffprobe cannot read). Otherwise stable.
 */
export function inFinishingOrder(slaves: readonly OrderedSlave[]): string[] {
  return [...slaves.filter((s) => !s.network), ...slaves.filter((s) => s.network)].map((s) => s.slave);
}

/** One destination's slave; an HLS playlist's segments are numbered from `hlsStartNumber`. */
export function targetSlave(target: IngestTarget, recovery: RecoveryOptions = DEFAULT_RECOVERY, hlsStartNumber = 0, streams: SlaveStreams = {}): string {
  if (target.format === 'flv') {
    return slave([...selecting(streams), ...recovering('flv', recovery), ['onfail', 'ignore']], target.url);
  }
  const ladder: Array<[string, string | number]> = streams.varStreamMap
    ? [['master_pl_name', MASTER_PLAYLIST], ['var_stream_map', streams.varStreamMap]]
    : [];
  const hls = options([
    ['hls_time', HLS_TIME_S],
    ['hls_list_size', HLS_LIST_SIZE],
    ['hls_flags', HLS_FLAGS],
    ['start_number', hlsStartNumber],
    ...ladder,
  ]);
  // With renditions, each gets a playlist named by var_stream_map (%v), beside the master.
  const file = streams.varStreamMap ? path.join(path.dirname(target.url), '%v.m3u8') : target.url;
  // format_opts is itself an option list, parsed once more by the fifo muxer.
  return slave([...selecting(streams), ...recovering('hls', recovery), ['format_opts', hls], ['onfail', 'ignore']], file);
}

/**
 * One HLS output written by its own muxer instead of a tee slave (`-f hls` and its options,
 * the same as targetSlave's): a copying output with one destination and no recording
 * (send-path.ts) has nothing to fan out, and the tee and its fifo thread cost a third of
 * such an output's CPU. A failure then stops the output, which the encoder restarts.
 */
export function directHlsArgs(target: IngestTarget, hlsStartNumber = 0, streams: SlaveStreams = {}): string[] {
  if (target.format !== 'hls') throw new Error('only an HLS output is written without the tee');
  const file = streams.varStreamMap ? path.join(path.dirname(target.url), '%v.m3u8') : target.url;
  return [
    '-f', 'hls',
    '-hls_time', String(HLS_TIME_S),
    '-hls_list_size', String(HLS_LIST_SIZE),
    '-hls_flags', HLS_FLAGS,
    '-start_number', String(hlsStartNumber),
    ...(streams.varStreamMap ? ['-master_pl_name', MASTER_PLAYLIST, '-var_stream_map', streams.varStreamMap] : []),
    file,
  ];
}

/**
 * The output's own clock (pipeline-latency.ts): one text line per encoded video packet
 * (ffmpeg's framecrc: stream, dts, pts, ...) on ffmpeg's stderr, flushed as each is written,
 * so onair sees when each frame leaves the encoder for the destinations.
 */
export function timingSlave(select = 'v:0'): string {
  return slave([['f', 'framecrc'], ['select', select], ['flush_packets', 1], ['onfail', 'ignore']], 'pipe:2');
}

/** Length of one archive recording part. */
export const RECORDING_PART_S = 2;

/**
 * The archive recording of one output run: plain MPEG-TS parts of about 2 s
 * (`<prefix>-00000.ts`, ...), which stay readable even when ffmpeg is killed. The output
 * records all the time; the encoder deletes the parts made while the slate was on air
 * (recording-parts.ts), so the archive keeps the programme. No recovery: reopening would
 * overwrite a part.
 */
export function recordingSlave(prefix: string, recovery: RecoveryOptions = DEFAULT_RECOVERY, streams: SlaveStreams = {}): string {
  const segment = options([
    ['segment_time', RECORDING_PART_S],
    ['segment_format', 'mpegts'],
    ['reset_timestamps', 0],
  ]);
  return slave(
    [
      ...selecting(streams),
      ['f', 'fifo'],
      ['fifo_format', 'segment'],
      ['format_opts', segment],
      ['queue_size', recovery.queuePackets],
      ['drop_pkts_on_overflow', 1],
      ['onfail', 'ignore'],
    ],
    `${prefix}-%05d.ts`,
  );
}

/** The `-f tee` filename joining all slaves. */
export function teeArgument(slaves: readonly string[]): string {
  return slaves.join('|');
}
