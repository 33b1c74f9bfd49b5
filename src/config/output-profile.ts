// What picture an RTMP or YouTube destination takes: a named profile or an explicit one,
// resolved at load to width, height, frame rate and video bitrate. A profile is the most a
// destination takes: the broadcast's picture within it is sent as is (never scaled up),
// a larger one gets its own encode scaled down to it (src/media/destination-profile.ts).
import { z } from 'zod';

export interface OutputProfile {
  width: number;
  height: number;
  fps: number;
  /** Constant video bitrate, kbit/s (audio is always AAC 128 kbit/s). */
  videoKbps: number;
}

/**
 * The named profiles: YouTube's 720p30 and 1080p30 at the low end of its band (3–8 Mbps,
 * ../../docs/youtube.md), and `phone`, a light 360p30 for platforms watched on mobile data.
 */
export const OUTPUT_PROFILES = {
  '720p30': { width: 1280, height: 720, fps: 30, videoKbps: 3000 },
  '1080p30': { width: 1920, height: 1080, fps: 30, videoKbps: 4500 },
  phone: { width: 640, height: 360, fps: 30, videoKbps: 800 },
} as const satisfies Record<string, OutputProfile>;

export type OutputProfileName = keyof typeof OUTPUT_PROFILES;

const names = Object.keys(OUTPUT_PROFILES) as [OutputProfileName, ...OutputProfileName[]];
const evenSize = (max: number) =>
  z.number().int().min(64).max(max).refine((n) => n % 2 === 0, 'must be even (H.264 4:2:0 pictures have even sizes)');

const explicit = z.strictObject({
  width: evenSize(3840),
  height: evenSize(2160),
  fps: z.number().min(1).max(60),
  videoKbps: z.number().int().min(100, 'videoKbps below 100 leaves no picture').max(51_000, 'videoKbps above 51000 is more than YouTube takes (4K60)'),
});

/** `profile:` of a destination: one of the names, or { width, height, fps, videoKbps }. */
export const outputProfile = z.union([z.string(), explicit]).transform((p, ctx): OutputProfile => {
  if (typeof p !== 'string') return p;
  if (Object.hasOwn(OUTPUT_PROFILES, p)) return { ...OUTPUT_PROFILES[p as OutputProfileName] };
  ctx.addIssue({ code: 'custom', message: `"${p}" is not a profile; use one of ${names.join(', ')}, or { width, height, fps, videoKbps }` });
  return z.NEVER;
});
