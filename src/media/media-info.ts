// What ffprobe told us about a source, reduced to what the copy-or-encode decision needs.

export interface VideoInfo {
  codec: string;
  width: number;
  height: number;
  /** Frames per second (average), 0 when unknown. */
  fps: number;
  /** ffprobe's profile name (H.264: "High", "Main", "Constrained Baseline"), when it said. */
  profile?: string;
  /**
   * Longest distance between two keyframes seen in the probed window, in seconds;
   * undefined when the window held no keyframe at all.
   */
  maxKeyframeGapS?: number;
}

export interface AudioInfo {
  codec: string;
  sampleRate: number;
  channels: number;
}

export interface MediaInfo {
  /** Seconds; undefined for live sources. */
  durationS?: number;
  video?: VideoInfo;
  audio?: AudioInfo;
}

/** The picture every output of one occurrence gets (slate and programme alike). */
export interface VideoFormat {
  width: number;
  height: number;
  fps: number;
}
