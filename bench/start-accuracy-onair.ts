// Start accuracy of the whole onair process (`npm run bench:start -- --real`): 20 occurrences
// of a test pattern on the local destination, five seconds apart, run by the real `onair run`
// with real ffmpeg; prints liveAt - scheduled start per occurrence (read back from
// /api/broadcasts) and the maximum |error| (target ≤ 1 s).
import fs from 'node:fs';
import { makeOnairDirs, OnairProcess } from '../test/support/onair-process.js';
import { getBroadcast, occurrenceId, secondsFromNow, until, writeSchedule, type ProgrammeSpec } from '../test/integration/engine-support.js';

const COUNT = 20;
const SPACING_MS = 5_000;
const DURATION_S = 3;

const dirs = makeOnairDirs({
  engine: { prepareLead: '3s', ffmpegLead: '2s', lateStartGrace: '20s', planAhead: '1h', stopTimeout: '2s' },
});
const t0 = secondsFromNow(15_000);
const programmes: ProgrammeSpec[] = Array.from({ length: COUNT }, (_, i) => ({
  id: `bench-${i}`,
  start: new Date(t0.getTime() + i * SPACING_MS),
  seconds: DURATION_S,
  destinations: ['local'],
}));
writeSchedule(dirs.schedules, 'bench.yaml', programmes);
const onair = await OnairProcess.start({ dirs, env: { ONAIR_LOG_LEVEL: 'info' } }).catch(async (err: unknown) => {
  fs.rmSync(dirs.root, { recursive: true, force: true });
  throw err;
});
try {
  const errors: number[] = [];
  for (const p of programmes) {
    const id = occurrenceId(p);
    const done = await until(`${id} to finish`, async () => {
      const b = await getBroadcast(onair, id);
      return b && ['complete', 'failed', 'missed'].includes(b.state) ? b : undefined;
    }, 60_000, 200);
    if (!done.liveAt) {
      console.log(`${id.padEnd(30)} ${done.state}: ${done.reason ?? ''}`);
      continue;
    }
    const err = Date.parse(done.liveAt) - Date.parse(done.scheduledStart);
    errors.push(err);
    console.log(`${id.padEnd(30)} scheduled ${done.scheduledStart}  live ${done.liveAt}  error ${err} ms  → ${done.state}`);
  }
  const abs = errors.map(Math.abs).sort((a, b) => a - b);
  console.log(
    `\nonair process, real ffmpeg: start accuracy over ${errors.length}/${COUNT} occurrences: max |error| ${abs.at(-1)} ms, median ${abs[Math.floor(abs.length / 2)]} ms (target ≤ 1000 ms)`,
  );
} finally {
  await onair.stop();
  fs.rmSync(dirs.root, { recursive: true, force: true });
}
