// Pure: how a broadcast is sent, decided from its source AND its destinations. On the copy
// path the programme's own H.264 + AAC packets are copied to the destinations (and a slate
// pre-rendered in the same format, slate-clip.ts): only a local ladder's lower renditions are
// encoded, from the copied picture (ladder.ts ladderCopyArgs). On the encode path the output
// encodes once for every destination (ffmpeg-args.ts).
//
// What each destination needs: local HLS (and its archive recording) takes any keyframe
// spacing — its segments are then as long as the source's GOP, which a local player
// accepts; RTMP/YouTube need keyframes at most 2 s apart and a constant bitrate, so any RTMP
// destination takes the encode. A local ladder's renditions below the picture are encoded
// with their keyframes where the source has them (their segments align with the copied
// picture's). Test patterns and cameras are always encoded.
import type { IngestTarget } from '../scheduler/ports.js';
import { codecsNotCopyable, copyFormatFor, formatsDiffer, MAX_KEYFRAME_GAP_S } from './encoding-profile.js';
import { lowerRenditions } from './ladder.js';
import type { MediaInfo } from './media-info.js';

export type SendPath = 'copy' | 'encode';

export interface SendPathDecision {
  path: SendPath;
  /** Why, in words for the log and the control room. */
  reason: string;
}

/** What the programme plays: probed files (one, or each item of a playlist), or a source that is always encoded. */
export type SendSource = { kind: 'testPattern' } | { kind: 'url' } | { kind: 'files'; items: readonly MediaInfo[] };

/** Copy when every destination takes the source as it is; encode (saying why) otherwise. */
export function decideSendPath(source: SendSource, outputs: ReadonlyArray<{ destination: string; target: IngestTarget }>): SendPathDecision {
  const encode = (reason: string): SendPathDecision => ({ path: 'encode', reason });
  if (source.kind === 'testPattern') return encode('a generated test pattern is drawn and encoded');
  if (source.kind === 'url') return encode('a live source is always encoded (its keyframes and timestamps are not ours to trust)');
  const items = source.items;
  if (items.length === 0) return encode('the playlist is empty');
  for (const [i, info] of items.entries()) {
    const why = codecsNotCopyable(info);
    if (why !== undefined) return encode(items.length > 1 ? `item ${i + 1}: ${why}` : why);
  }
  const differ = formatsDiffer(items);
  if (differ) return encode(differ);
  if (outputs.length === 0) return encode('the broadcast has no destination');
  const gapS = Math.max(...items.map((m) => m.video!.maxKeyframeGapS ?? 0));
  const picture = copyFormatFor(items[0]!);
  for (const { destination, target } of outputs) {
    if (target.format === 'flv') {
      return encode(
        gapS > MAX_KEYFRAME_GAP_S + 0.05
          ? `destination "${destination}" is RTMP, which needs keyframes at most ${MAX_KEYFRAME_GAP_S} s apart; the source's are ${gapS.toFixed(2)} s apart`
          : `destination "${destination}" is RTMP, which takes the encoded output (constant bitrate, ${MAX_KEYFRAME_GAP_S} s keyframes)`,
      );
    }
  }
  const lower = [...new Set(outputs.flatMap(({ target }) => lowerRenditions(picture, target.ladder ?? []).map((r) => r.name)))];
  const encoded = lower.length > 0 ? `; its lower renditions (${lower.join(', ')}) are encoded from it` : '';
  return {
    path: 'copy',
    reason: `every destination is local HLS and the source is H.264 + AAC: its picture copied as it is (keyframes ${gapS.toFixed(2)} s apart, so segments as long)${encoded}`,
  };
}
