// Pure: the extra encodes an output makes for destinations whose profile is smaller than
// the broadcast's picture (config `profile`, IngestTarget.profile). A profile is the most a
// destination takes: a picture within it goes out as is, from the main encode; a larger one
// (or a higher frame rate) is scaled down to fit at the picture's aspect ratio and encoded
// once more at the profile's constant bitrate. Destinations that come to the same branch
// share one encode.
import type { IngestTarget } from '../scheduler/ports.js';
import type { VideoFormat } from './media-info.js';

/** One extra encode: its picture and constant video bitrate. */
export interface ProfileBranch extends VideoFormat {
  videoKbps: number;
}

const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);

/** The branch `target` needs from an output of `format`; undefined = the main encode suits it. */
export function branchFor(format: VideoFormat, target: IngestTarget): ProfileBranch | undefined {
  const p = target.format === 'flv' ? target.profile : undefined;
  if (!p) return undefined;
  const fits = format.width <= p.width && format.height <= p.height;
  if (fits && format.fps <= p.fps) return undefined;
  const scale = fits ? 1 : Math.min(p.width / format.width, p.height / format.height);
  return {
    width: fits ? format.width : even(format.width * scale),
    height: fits ? format.height : even(format.height * scale),
    fps: Math.min(format.fps, p.fps),
    videoKbps: p.videoKbps,
  };
}

const key = (b: ProfileBranch): string => `${b.width}x${b.height}@${b.fps}/${b.videoKbps}`;

/** The distinct branches an output of `format` makes for `targets`, in target order. */
export function profileBranches(format: VideoFormat, targets: readonly IngestTarget[]): ProfileBranch[] {
  const out = new Map<string, ProfileBranch>();
  for (const t of targets) {
    const b = branchFor(format, t);
    if (b && !out.has(key(b))) out.set(key(b), b);
  }
  return [...out.values()];
}

/** Index of `target`'s branch in `branches`, or -1 when it takes the main encode. */
export function branchIndex(format: VideoFormat, branches: readonly ProfileBranch[], target: IngestTarget): number {
  const b = branchFor(format, target);
  return b ? branches.findIndex((x) => key(x) === key(b)) : -1;
}
