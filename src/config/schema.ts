// The configuration's shape, validated at start. Defaults live in config/default.yaml,
// where each key is documented; this schema only states types and limits.
import { z } from 'zod';
import { parseDuration } from '../shared/duration.js';
import { outputProfile } from './output-profile.js';

/** A duration written as staff write it ("10m", "90s"), turned into milliseconds. */
export const durationMs = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration; write e.g. 90s, 10m or 1h30m` });
    return z.NEVER;
  }
  return ms;
});

const localDestination = z.strictObject({
  type: z.literal('local'),
  /** Keep an MP4 of each broadcast in the archive. @defaultValue true */
  archive: z.boolean().default(true),
  /**
   * Heights of the lower renditions of the adaptive ladder (config/default.yaml); the
   * broadcast's own picture and an audio-only rendition are always in it. [] = picture + audio only.
   * @defaultValue [720, 360]
   */
  ladder: z
    .array(z.number().int().min(90, 'a rendition must be at least 90 lines high').max(2160, 'a rendition can be at most 2160 lines high (4K)'))
    .max(5, 'at most 5 renditions: each costs an encode')
    .default([720, 360]),
});
const rtmpDestination = z.strictObject({
  type: z.literal('rtmp'),
  url: z.string().regex(/^rtmps?:\/\//, 'must start with rtmp:// or rtmps://'),
  /** Name of the environment variable that holds the stream key. */
  keyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name').optional(),
  /** The most this destination takes (output-profile.ts). @defaultValue none: the broadcast's own picture */
  profile: outputProfile.optional(),
});
const youtubeDestination = z.strictObject({
  type: z.literal('youtube'),
  /** The most YouTube takes (output-profile.ts). @defaultValue 720p30 */
  profile: outputProfile.prefault('720p30'),
});

export const destinationConfig = z.discriminatedUnion('type', [localDestination, rtmpDestination, youtubeDestination]);
export type DestinationConfig = z.infer<typeof destinationConfig>;

export const configSchema = z.strictObject({
  server: z.strictObject({
    port: z.coerce.number().int().min(0).max(65535),
    host: z.string(),
    publicUrl: z.string(),
    corsOrigins: z.array(z.string()),
    /** Behind a reverse proxy: take viewers' addresses from X-Forwarded-For (chat limits, bans). */
    trustProxy: z.boolean().default(false),
    /** Host names the server answers to besides publicUrl's, localhost and IP addresses (DNS rebinding guard). */
    allowedHosts: z.array(z.string().regex(/^[A-Za-z0-9.-]+$/, 'a host name without port or scheme, e.g. yayin.kutuphane.example')).default([]),
    /** Socket.IO connections one address may hold at once (a school's NAT fits). */
    maxSocketsPerAddress: z.number().int().min(1).default(256),
    /** API requests one address may make a minute. */
    apiRequestsPerMinute: z.number().int().min(1).default(300),
    /** Serve /metrics without a credential to a scraper on loopback with no proxy header. @defaultValue true */
    metricsFromLoopback: z.boolean().default(true),
  }),
  paths: z.strictObject({ schedules: z.string(), media: z.string(), data: z.string() }),
  schedule: z.strictObject({
    timezone: z.string(),
    language: z.enum(['tr', 'en']),
    reloadDebounce: durationMs,
    maxDuration: durationMs,
  }),
  engine: z.strictObject({
    prepareLead: durationMs,
    ffmpegLead: durationMs,
    switchLead: durationMs,
    /** Open the programme ahead and switch early by the measured output latency (media/preroll.ts). @defaultValue true */
    preroll: z.boolean().default(true),
    lateStartGrace: durationMs,
    planAhead: durationMs,
    stopTimeout: durationMs,
    /** An output failing mid-stream this long without a break is reported failed. */
    outputRetryBudget: durationMs,
    /** Free bytes on the data folder's disk below which it counts as full. */
    minFreeBytes: z.number().int().min(0),
    /**
     * Picture of test patterns, live sources and the slate (a file keeps its own).
     * @defaultValue 1280x720 at 30 fps
     */
    picture: z
      .strictObject({
        width: z.number().int().min(16).max(3840).refine((n) => n % 2 === 0, 'use an even number'),
        height: z.number().int().min(16).max(2160).refine((n) => n % 2 === 0, 'use an even number'),
        fps: z.number().int().min(1).max(60),
      })
      .default({ width: 1280, height: 720, fps: 30 }),
  }),
  ffmpeg: z.strictObject({ path: z.string(), probePath: z.string() }),
  destinations: z.record(z.string().regex(/^[a-z0-9-]+$/, 'destination names use a-z, 0-9 and -'), destinationConfig),
  youtube: z.strictObject({
    apiRoot: z.url(),
    tokenUrl: z.url(),
    dailyQuota: z.coerce.number().int().positive(),
  }),
  chat: z.strictObject({
    opensBefore: durationMs,
    closesAfter: durationMs,
    maxLength: z.number().int().min(1).max(5000),
    rateLimitPerConnection: z.number().int().min(1),
    rateLimitPerIp: z.number().int().min(1),
    allowLinks: z.boolean(),
    bannedWords: z.array(z.string()),
  }),
  moderation: z.strictObject({
    sessionTtl: durationMs,
    accounts: z.array(z.strictObject({ name: z.string().min(1), passwordHash: z.string().min(1) })),
  }),
  cluster: z.strictObject({
    redisUrl: z.string(),
    keyPrefix: z.string().regex(/^[A-Za-z0-9:_.-]*$/, 'use letters, digits and : _ . - (e.g. "onair:")'),
    leaseTtl: durationMs.refine((ms) => ms >= 1000 && ms <= 60_000, 'must be between 1s and 60s'),
    /** Refuse to start on a Redis without an append-only file. @defaultValue false */
    requireAppendOnly: z.boolean().default(false),
  }),
  log: z.strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) }),
});

/** Secrets, read from the environment only; never logged, never in config files. */
export interface Secrets {
  youtubeClientId?: string;
  youtubeClientSecret?: string;
  youtubeRefreshToken?: string;
  moderatorToken?: string;
  /** Bearer token a Prometheus scraper sends to read /metrics (ONAIR_METRICS_TOKEN). */
  metricsToken?: string;
  /** Key that signs viewers' chat identities (ONAIR_VIEWER_ID_SECRET); else generated into the data folder. */
  viewerIdSecret?: string;
  /** Stream keys of rtmp destinations, by destination name. */
  streamKeys: Record<string, string>;
}

export type Config = z.infer<typeof configSchema> & {
  /** Absolute paths, resolved from `paths` against the working directory. */
  dirs: { schedules: string; media: string; data: string };
  secrets: Secrets;
};

/** Names of the configured destinations that are YouTube channels (`type: youtube`). */
export function youtubeDestinationNames(config: Pick<Config, 'destinations'>): string[] {
  return Object.entries(config.destinations)
    .filter(([, d]) => d.type === 'youtube')
    .map(([name]) => name);
}
