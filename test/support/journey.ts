// The journey harness: starts the real composed server — startOnair, the same code `npm start`
// runs — on its own temp schedules/data/media folders, port 0 on loopback, a test clock that
// starts at a chosen instant and runs at wall speed (real ffmpeg runs in real time), and a
// small ffmpeg picture so a 2-core machine can carry it. Journey tests act on it as a user
// would: through HTTP, Socket.IO and Chromium, never by reaching into its parts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startOnair, type Onair } from '../../src/main.js';
import { composeOnair } from '../../src/compose/onair.js';
import { ScaledClock } from '../../src/cli/scaled-clock.js';
import type { Clock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { SMALL_FORMAT } from './test-encoder-factory.js';

export interface JourneyOptions<C extends Clock = ScaledClock> {
  /** Schedule files by name (e.g. `story.yaml`), written before the server starts. */
  schedules?: Record<string, string>;
  /** Where the test clock starts; it runs at wall speed from there. @defaultValue the wall clock's now */
  start?: Date | string;
  /**
   * Another clock instead (e.g. a ManualClock that stands still, for a test counting in the
   * rate limits' windows); `start` is then ignored. @defaultValue a ScaledClock at speed 1 from `start`
   */
  clock?: C;
  /** Config overrides as a nested object (`{ engine: { ffmpegLead: '3s' } }`). */
  config?: Record<string, unknown>;
  /** Extra environment: secrets such as ONAIR_MODERATOR_TOKEN or a stream key's variable. */
  env?: Record<string, string>;
  /** Files to put under media/ (relative name → absolute path to copy). */
  media?: Record<string, string>;
  /** A data folder of the test's own, to start again on what an earlier server left (kept at stop). @defaultValue a fresh one under the journey's temp folder */
  dataDir?: string;
  /**
   * `web`: a cluster's web node (`onair web`: pages, API, Socket.IO, no engine), which needs
   * ONAIR_REDIS_URL in `env`. @defaultValue 'all' (what `npm start` runs)
   */
  role?: 'all' | 'web';
}

export interface JourneyDirs {
  root: string;
  schedules: string;
  data: string;
  media: string;
}

export interface Journey<C extends Clock = ScaledClock> {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  clock: C;
  config: Readonly<Config>;
  dirs: JourneyDirs;
  onair: Onair;
  /** Every log line the server wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  writeSchedule(name: string, text: string): void;
  removeSchedule(name: string): void;
  stop(): Promise<void>;
}

/**
 * Engine leads short enough for tests: prepared 5 s before air, slate from 3 s before; the
 * small test picture (config engine.picture, as an operator would set it). Tests
 * poll the API far faster than a person does: the API limit itself is tested with the
 * shipped figure in rate-limits.test.ts.
 */
const TEST_DEFAULTS = { engine: { prepareLead: '5s', ffmpegLead: '3s', picture: SMALL_FORMAT }, server: { apiRequestsPerMinute: 20_000 } };

function flatten(tree: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else out[key] = v;
  }
  return out;
}

export async function startJourney<C extends Clock = ScaledClock>(options: JourneyOptions<C> = {}): Promise<Journey<C>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-journey-'));
  const dirs: JourneyDirs = {
    root,
    schedules: path.join(root, 'schedules'),
    data: options.dataDir ?? path.join(root, 'data'),
    media: path.join(root, 'media'),
  };
  for (const d of [dirs.schedules, dirs.data, dirs.media]) fs.mkdirSync(d, { recursive: true });
  for (const [name, text] of Object.entries(options.schedules ?? {})) fs.writeFileSync(path.join(dirs.schedules, name), text);
  for (const [name, from] of Object.entries(options.media ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dirs.media, name)), { recursive: true });
    fs.copyFileSync(from, path.join(dirs.media, name));
  }

  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    ...options.env,
    PORT: '0',
    ONAIR_HOST: '127.0.0.1',
    ONAIR_SCHEDULES_DIR: dirs.schedules,
    ONAIR_DATA_DIR: dirs.data,
    ONAIR_MEDIA_DIR: dirs.media,
  };
  const config = loadConfig({ env, overrides: flatten({ ...flatten(TEST_DEFAULTS), ...flatten(options.config ?? {}) }) });

  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          logs.push({ msg: line });
        }
      }
      done();
    },
  });
  const logger = createLogger(process.env['ONAIR_TEST_LOG_LEVEL'] ?? 'info', sink);
  const clock = options.clock ?? (new ScaledClock(options.start ? new Date(options.start) : new Date(), 1) as Clock as C);
  const onair =
    options.role === 'web'
      ? await composeOnair(config, { clock, logger, role: 'web' })
      : await startOnair(config, { clock, logger });
  let stopped = false;

  return {
    url: `http://127.0.0.1:${onair.port}`,
    port: onair.port,
    clock,
    config,
    dirs,
    onair,
    logs,
    writeSchedule(name, text) {
      fs.writeFileSync(path.join(dirs.schedules, name), text);
    },
    removeSchedule(name) {
      fs.rmSync(path.join(dirs.schedules, name), { force: true });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await onair.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
