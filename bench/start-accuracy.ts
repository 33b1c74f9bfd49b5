// Start accuracy of the broadcast engine: 20 occurrences on the wall clock, each going live
// at its scheduled second; prints |liveAt - scheduledStart| per occurrence and the maximum
// (target: max ≤ 1 s). The store is the real SQLite one (its writes are on the path to
// going live); destinations and encoder are in-memory stand-ins, so this measures the
// engine's own timing, not ffmpeg's start-up (the encoder starts ffmpegLead earlier anyway).
//   npm run bench:start            (the engine alone)
//   npm run bench:start -- --real  (the whole onair process with real ffmpeg)
//   npm run bench:start -- --receiver  (the programme's first frame at a real RTMP receiver
//                                       and in the HLS output, with and without pre-roll)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BroadcastEngine } from '../src/scheduler/engine.js';
import type {
  Destination,
  DestinationState,
  Encoder,
  EncoderFactory,
  EncoderHealth,
  ScheduleReader,
} from '../src/scheduler/ports.js';
import type { Occurrence } from '../src/schedule/types.js';
import { systemClock } from '../src/shared/clock.js';
import { createLogger } from '../src/shared/logger.js';
import { openDatabase } from '../src/store/sqlite/database.js';
import { SqliteBroadcastStore } from '../src/store/sqlite/broadcast-store.js';

// `-- --real` runs the same measurement on the whole onair process instead (start-accuracy-onair.ts).
if (process.argv.includes('--real')) {
  await import('./start-accuracy-onair.js');
  process.exit(0);
}
if (process.argv.includes('--receiver')) {
  await import('./start-accuracy-receiver.js');
  process.exit(0);
}


const COUNT = 20;
const SPACING_MS = 1_300;
const DURATION_MS = 1_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-bench-start-'));
const db = openDatabase(dir);
const first = Math.ceil((Date.now() + 4_000) / 1000) * 1000;
const occs: Occurrence[] = Array.from({ length: COUNT }, (_, i) => {
  const start = new Date(first + i * SPACING_MS);
  const end = new Date(start.getTime() + DURATION_MS);
  return {
    id: `bench@${i}`,
    programmeId: 'bench',
    title: { tr: 'Ölçüm', en: 'Bench' },
    description: { tr: '', en: '' },
    category: 'other',
    audience: [],
    timezone: 'UTC',
    start,
    end,
    localStart: start.toISOString(),
    localEnd: end.toISOString(),
    source: { kind: 'testPattern', pattern: 'testsrc2', toneHz: 440 },
    destinations: ['mem'],
    youtube: { privacy: 'public', madeForKids: false },
    chat: { enabled: false, slowModeMs: 0 },
    remindersMs: [],
    cancelled: false,
  };
});

const schedule = {
  occurrences: (from: Date, to: Date) => occs.filter((o) => o.start < to && o.end > from),
  find: (id: string) => occs.find((o) => o.id === id),
  standing: () => 'in-force',
  onChange: () => () => undefined,
} satisfies ScheduleReader;

const ok = async (_o: Occurrence, s: DestinationState): Promise<DestinationState> => s;
const destination = {
  name: 'mem',
  kind: 'local',
  prepare: async (_o, s) => ({ ...s, status: 'ready', ingest: { url: '/dev/null', format: 'hls' } }),
  awaitIngest: ok,
  goLive: async (_o, s) => ({ ...s, status: 'live' }),
  update: ok,
  end: async (_o, s) => ({ ...s, status: 'complete' }),
  teardown: ok,
} satisfies Destination;

const health: EncoderHealth = { phase: 'stopped', fps: 0, bitrateKbps: 0, speed: 0, droppedFrames: 0, restarts: 0 };
const encoders = {
  create: (): Encoder => ({
    start: () => undefined,
    show: () => undefined,
    stop: async () => undefined,
    health,
    on: () => () => undefined,
  }),
} satisfies EncoderFactory;

const engine = new BroadcastEngine({
  schedule,
  store: new SqliteBroadcastStore(db),
  destinations: () => destination,
  encoders,
  clock: systemClock,
  timing: { prepareLead: 2_000, ffmpegLead: 1_000, switchLead: 500, lateStartGrace: 60_000, planAhead: 3_600_000, stopTimeout: 1_000 },
  logger: createLogger('silent'),
  replanEvery: 0,
  housekeepingEvery: 0,
});

const errors: number[] = [];
const allDone = new Promise<void>((resolve) => {
  engine.on('transition', (record) => {
    if (record.state === 'live') {
      const err = Date.parse(record.liveAt!) - Date.parse(record.scheduledStart);
      errors.push(err);
      console.log(`${record.occurrenceId.padEnd(10)} scheduled ${record.scheduledStart}  live ${record.liveAt}  error ${err} ms`);
    }
    if (record.state === 'complete' && record.occurrenceId === `bench@${COUNT - 1}`) resolve();
  });
});

// The clock's timers are unref'd (a server keeps the process alive); here nothing else does.
const keepAlive = setInterval(() => undefined, 1000);
await engine.start();
await allDone;
clearInterval(keepAlive);
await engine.stop();
db.close();
fs.rmSync(dir, { recursive: true, force: true });

const abs = errors.map(Math.abs).sort((a, b) => a - b);
console.log(`\nstart accuracy over ${errors.length} occurrences: max |error| ${abs.at(-1)} ms, median ${abs[Math.floor(abs.length / 2)]} ms (target ≤ 1000 ms)`);
