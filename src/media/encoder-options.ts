// The supervised encoder's options (with their defaults) and the deps it is built from.
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { FfmpegCapabilities } from './ffmpeg-capabilities.js';
import type { VideoFormat } from './media-info.js';
import type { SwitchCost } from './pipeline-latency.js';
import type { SlateClips } from './slate-clip.js';

export interface EncoderOptions {
  /** SIGINT, then SIGKILL after this long (config engine.stopTimeout). @defaultValue 5000 */
  stopTimeoutMs: number;
  /** No progress line for this long = stalled; ffmpeg is killed and restarted. @defaultValue 10000 */
  stallMs: number;
  /**
   * Waits before the 1st, 2nd, ... restart in a row (capped at the last), short enough that
   * even a crash loop is back on air within 5 s. A crashed output's first restart is
   * immediate (it is what the destinations see); a crashed programme decoder waits, with
   * the slate on air. @defaultValue [250, 500, 1000, 2000]
   */
  backoffMs: readonly number[];
  /** More restarts than this within `restartWindowMs` is fatal. @defaultValue 10 */
  maxRestarts: number;
  /** @defaultValue 300000 (5 min) */
  restartWindowMs: number;
  /** How often a failed source is tried again while the slate is up. @defaultValue 3000 */
  sourceRetryMs: number;
  /** How long a slate/programme switch waits for the old decoder to finish gracefully. @defaultValue 1500 */
  switchTimeoutMs: number;
  /** Picture of test patterns, live sources and their slate. @defaultValue 1280x720 at 30 fps */
  defaultFormat: VideoFormat;
  /**
   * When every output is local (HLS) and writes keep failing with a full disk for this
   * long, the broadcast is failed ('disk-full'); with other outputs it goes on without
   * the local one. @defaultValue 30000
   */
  diskFullGraceMs: number;
  /**
   * Free space below which the disk of a local (HLS) output counts as full. Checked every
   * few seconds with statfs, because ffmpeg's HLS muxer does not report failed segment
   * writes. @defaultValue 100 MB
   */
  minFreeBytes: number;
  /**
   * An output (destination) that keeps failing this long without a break — ffmpeg
   * reconnecting it every second in vain — is reported failed ('outputFailed'); the others
   * go on (config engine.outputRetryBudget). @defaultValue 60000
   */
  outputRetryBudgetMs: number;
  /**
   * A cue (Encoder.cue) pre-rolls the programme and switches early by the measured output
   * latency (preroll.ts); false: cues are ignored and the programme starts when show() asks
   * (config engine.preroll). @defaultValue true
   */
  preroll: boolean;
}

export const DEFAULT_ENCODER_OPTIONS: EncoderOptions = {
  stopTimeoutMs: 5000,
  stallMs: 10_000,
  backoffMs: [250, 500, 1000, 2000],
  maxRestarts: 10,
  restartWindowMs: 300_000,
  sourceRetryMs: 3000,
  switchTimeoutMs: 1500,
  defaultFormat: { width: 1280, height: 720, fps: 30 },
  diskFullGraceMs: 30_000,
  minFreeBytes: 100 * 1024 * 1024,
  outputRetryBudgetMs: 60_000,
  preroll: true,
};

export interface EncoderDeps {
  ffmpeg: string;
  ffprobe: string;
  /** Pidfiles and per-occurrence scratch files (slate text, concat lists): `<dataDir>/run`. */
  runDir: string;
  /**
   * The media folder (config paths.media): a programme's files are read only if they really
   * lie under it, checked at the probe and again at every decoder spawn. none = not checked
   * (an encoder outside a deployment, playing tests' own fixtures).
   */
  mediaRoot?: string;
  /** Font for the slate's text; none = a plain slate. */
  fontFile?: string;
  /** Where pre-rendered slates are cached. @defaultValue `<dataDir>/slates` (beside runDir) */
  slateDir?: string;
  /** The cache of pre-rendered slates, shared by the factory's encoders. @defaultValue one per encoder in slateDir */
  slates?: SlateClips;
  /** The measured cost of a cued switch, shared by the factory's encoders (pipeline-latency.ts). @defaultValue one per encoder */
  switchCost?: SwitchCost;
  clock: Clock;
  logger: Logger;
  options?: Partial<EncoderOptions>;
  /** What `ffmpeg` can do. @defaultValue read from the binary by the factory */
  capabilities?: FfmpegCapabilities | Promise<FfmpegCapabilities>;
}
