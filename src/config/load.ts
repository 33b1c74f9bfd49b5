// Loads config/default.yaml, then config/<NODE_ENV>.yaml, then environment variables,
// validates the result and freezes it. A bad setting stops the start with its key named.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ConfigError } from '../shared/errors.js';
import { configSchema, type Config, type Secrets } from './schema.js';

/** The repository's own config/ folder (holds default.yaml). */
export const DEFAULT_CONFIG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config');

/** Environment variables that override config keys (non-secret). */
const ENV_KEYS: Array<[env: string, key: string]> = [
  ['PORT', 'server.port'],
  ['ONAIR_HOST', 'server.host'],
  ['ONAIR_PUBLIC_URL', 'server.publicUrl'],
  ['ONAIR_SCHEDULES_DIR', 'paths.schedules'],
  ['ONAIR_MEDIA_DIR', 'paths.media'],
  ['ONAIR_DATA_DIR', 'paths.data'],
  ['ONAIR_TIMEZONE', 'schedule.timezone'],
  ['ONAIR_FFMPEG_PATH', 'ffmpeg.path'],
  ['ONAIR_FFPROBE_PATH', 'ffmpeg.probePath'],
  ['ONAIR_YOUTUBE_API_ROOT', 'youtube.apiRoot'],
  ['ONAIR_YOUTUBE_TOKEN_URL', 'youtube.tokenUrl'],
  ['ONAIR_REDIS_URL', 'cluster.redisUrl'],
  ['ONAIR_REDIS_PREFIX', 'cluster.keyPrefix'],
  ['ONAIR_LOG_LEVEL', 'log.level'],
];

export interface LoadOptions {
  /** Folder holding default.yaml and <env>.yaml. Env: ONAIR_CONFIG_DIR. */
  configDir?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Extra overrides by dotted key, applied last (used by CLI flags and tests). */
  overrides?: Record<string, unknown>;
}

type Tree = Record<string, unknown>;

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] = isTree(prev) && isTree(v) ? merge(prev, v) : v;
  }
  return out;
}

function setKey(tree: Tree, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = tree;
  for (const p of parts.slice(0, -1)) {
    if (!isTree(node[p])) node[p] = {};
    node = node[p] as Tree;
  }
  node[parts[parts.length - 1]!] = value;
}

function readYaml(file: string): Tree {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(path.basename(file), `cannot read ${file}: ${(err as Error).message}`);
  }
  if (doc == null) return {};
  if (!isTree(doc)) throw new ConfigError(path.basename(file), `${file} must be a mapping of settings`);
  return doc;
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

function readSecrets(env: NodeJS.ProcessEnv, destinations: Config['destinations']): Secrets {
  const streamKeys: Record<string, string> = {};
  for (const [name, d] of Object.entries(destinations)) {
    if (d.type === 'rtmp' && d.keyEnv && env[d.keyEnv]) streamKeys[name] = env[d.keyEnv]!;
  }
  const opt = (k: string): string | undefined => (env[k] ? env[k] : undefined);
  return {
    youtubeClientId: opt('ONAIR_YOUTUBE_CLIENT_ID'),
    youtubeClientSecret: opt('ONAIR_YOUTUBE_CLIENT_SECRET'),
    youtubeRefreshToken: opt('ONAIR_YOUTUBE_REFRESH_TOKEN'),
    moderatorToken: opt('ONAIR_MODERATOR_TOKEN'),
    metricsToken: opt('ONAIR_METRICS_TOKEN'),
    viewerIdSecret: opt('ONAIR_VIEWER_ID_SECRET'),
    streamKeys,
  };
}

/** Loads and validates the configuration; throws ConfigError naming the bad key. */
export function loadConfig(options: LoadOptions = {}): Readonly<Config> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const dir = options.configDir ?? env.ONAIR_CONFIG_DIR ?? DEFAULT_CONFIG_DIR;

  let tree = readYaml(path.join(dir, 'default.yaml'));
  const nodeEnv = env.NODE_ENV;
  if (nodeEnv && /^[a-z0-9-]+$/i.test(nodeEnv)) {
    const envFile = path.join(dir, `${nodeEnv}.yaml`);
    if (existsSync(envFile)) tree = merge(tree, readYaml(envFile));
  }
  for (const [name, key] of ENV_KEYS) {
    const v = env[name];
    if (v !== undefined && v !== '') setKey(tree, key, v);
  }
  for (const [key, v] of Object.entries(options.overrides ?? {})) setKey(tree, key, v);

  const result = configSchema.safeParse(tree);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.join('.') || '(root)';
    const envName = ENV_KEYS.find(([, k]) => k === key)?.[0];
    const hint = issue.code === 'unrecognized_keys' ? ` (unknown setting ${issue.keys.join(', ')})` : '';
    throw new ConfigError(key, `${issue.message}${hint}${envName ? ` (set by ${envName}?)` : ''}`);
  }
  const c = result.data;
  const dirs = {
    schedules: path.resolve(cwd, c.paths.schedules),
    media: path.resolve(cwd, c.paths.media),
    data: path.resolve(cwd, c.paths.data),
  };
  return deepFreeze({ ...c, dirs, secrets: readSecrets(env, c.destinations) });
}
