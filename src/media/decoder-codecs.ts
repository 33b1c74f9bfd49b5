// Pure: what a decoder does with its source's packets before the pipe (ffmpeg-args.ts
// decoderArgs). A pre-rendered slate clip is already what the output takes: copied. On the
// copy path (send-path.ts) the programme is copied too, and a slate drawn live (its render
// failed) is encoded in the programme's format (source-codec.ts); otherwise a source is
// fitted and made into the house format.
import type { DecoderPlan } from './ffmpeg-args.js';
import type { PreparedSource } from './programme-source.js';
import { SLATE_CLIP_SECONDS } from './slate-clip.js';
import { sourceCodecArgs } from './source-codec.js';

/** The codec half of a decoder's plan: copy, the source's format, or (nothing set) the house format. */
export function decoderCodecs(prepared: Pick<PreparedSource, 'path' | 'sourceCodec' | 'format'>, kind: 'slate' | 'programme', clip: string | undefined): Pick<DecoderPlan, 'copy' | 'codecArgs'> {
  if (clip !== undefined) return { copy: true };
  if (prepared.path.path !== 'copy' || !prepared.sourceCodec) return {};
  if (kind === 'programme') return { copy: true };
  const gop = Math.max(1, Math.round(SLATE_CLIP_SECONDS * prepared.format.fps));
  return { codecArgs: sourceCodecArgs(prepared.format, prepared.sourceCodec, gop) };
}
