// The tee muxer's output argument: one encode, many outputs. Every destination gets its
// own fifo slave with `onfail=ignore`, so one failing output never drops the others,
// and `attempt_recovery` reconnects that output on its own, in the same ffmpeg, while
// the rest keep going (the fifo queues, then drops, packets while its output is down).
import type { IngestTarget } from '../scheduler/ports.js';
import { escapeTeeOption, escapeTeeSlave } from './escape.js';

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
// append_list + discont_start: after a restart the playlist continues (numbering kept,
// a discontinuity marked) instead of starting over; omit_endlist: a restart or a switch
// to the slate is not the end; delete_segments: old segments are cleaned up.
export const HLS_FLAGS = 'delete_segments+append_list+omit_endlist+discont_start';

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

/** One destination's slave. */
export function targetSlave(target: IngestTarget, recovery: RecoveryOptions = DEFAULT_RECOVERY): string {
  if (target.format === 'flv') {
    return slave([...recovering('flv', recovery), ['onfail', 'ignore']], target.url);
  }
  const hls = options([
    ['hls_time', HLS_TIME_S],
    ['hls_list_size', HLS_LIST_SIZE],
    ['hls_flags', HLS_FLAGS],
  ]);
  // format_opts is itself an option list, parsed once more by the fifo muxer.
  return slave([...recovering('hls', recovery), ['format_opts', hls], ['onfail', 'ignore']], target.url);
}

/**
 * The archive recording of one ffmpeg run: plain MPEG-TS, which stays readable even when
 * ffmpeg is killed, so every run leaves a usable part. No recovery: reopening would
 * truncate the part.
 */
export function recordingSlave(file: string, recovery: RecoveryOptions = DEFAULT_RECOVERY): string {
  return slave(
    [
      ['f', 'fifo'],
      ['fifo_format', 'mpegts'],
      ['queue_size', recovery.queuePackets],
      ['drop_pkts_on_overflow', 1],
      ['onfail', 'ignore'],
    ],
    file,
  );
}

/** The `-f tee` filename joining all slaves. */
export function teeArgument(slaves: readonly string[]): string {
  return slaves.join('|');
}
