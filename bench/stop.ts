// npm run bench:stop — how long stopping ffmpeg takes, with and without an RTMP black hole (a
// server that accepts TCP and never answers the handshake) in the output's tee, side by side
// in one run. First the encoder's stop, what a broadcast's end waits for (a real
// SupervisedEncoder on the small test picture: local HLS with its recording, and the black
// hole listed first), with how its output ffmpeg ended (its own exit, or the SIGKILL at the
// stop timeout). Then the process stop on its own (GuardedProcess, ffmpeg on lavfi inputs):
// the baseline, the black hole with the stop as it is (SIGINT, a second SIGINT after its
// grace, SIGKILL at the timeout), and the black hole with one SIGINT only (the stop as it
// was: SIGKILL at the timeout), each with whether ffmpeg finished its playlist (ENDLIST).
// Env: BENCH_RUNS (default 3) per case, BENCH_TIMEOUT_MS (default 5000, engine.stopTimeout).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { GuardedProcess } from '../src/media/guarded-process.js';
import { createLogger } from '../src/shared/logger.js';
import { testEncoderFactory } from '../test/support/test-encoder-factory.js';
import { testOccurrence } from '../test/support/test-occurrence.js';
import { inFinishingOrder, recordingSlave, targetSlave, type OrderedSlave } from '../src/media/tee.js';
import { BlackHole } from '../test/support/frozen-receivers.js';
import { binaries, hlsSegments, waitFor } from '../test/support/ffmpeg-tools.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const TIMEOUT_MS = Number(process.env['BENCH_TIMEOUT_MS'] ?? 5000);

interface Case {
  name: string;
  hole: boolean;
  /** When the second SIGINT goes; undefined = the stop's default. */
  interruptAfterMs?: number;
}

const CASES: Case[] = [
  { name: 'no black hole (baseline)', hole: false },
  { name: 'black hole, stop as is', hole: true },
  { name: 'black hole, one SIGINT only', hole: true, interruptAfterMs: TIMEOUT_MS },
];

async function once(c: Case, hole: BlackHole): Promise<{ ms: number; how: string; endlist: boolean }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-bench-stop-'));
  try {
    const playlist = path.join(dir, 'live.m3u8');
    const slaves: OrderedSlave[] = [
      // ffmpeg's own ENDLIST shows its HLS trailer ran (the encoder leaves it to the local destination).
      { slave: targetSlave({ url: playlist, format: 'hls' }).replace('omit_endlist+', ''), network: false },
      { slave: recordingSlave(path.join(dir, 'part')), network: false },
    ];
    if (c.hole) slaves.unshift({ slave: targetSlave({ url: `rtmp://127.0.0.1:${hole.port}/live/key`, format: 'flv' }), network: true });
    const proc = new GuardedProcess(binaries().ffmpeg, [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-re',
      '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-map', '0:v', '-map', '1:a',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
      '-flags', '+global_header', '-f', 'tee', inFinishingOrder(slaves).join('|'),
    ]);
    await waitFor('two HLS segments', () => hlsSegments(playlist).length >= 2, 30_000);
    const t0 = performance.now();
    const exit = await proc.stop(TIMEOUT_MS, c.interruptAfterMs);
    const ms = performance.now() - t0;
    const how = exit.signal ? `killed (${exit.signal})` : `exit ${exit.code}`;
    return { ms, how, endlist: readFileSync(playlist, 'utf8').includes('#EXT-X-ENDLIST') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One encoder run: on air until three HLS segments, then stopped; how long and how its output ended. */
async function encoderOnce(withHole: boolean, hole: BlackHole): Promise<{ ms: number; how: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-bench-stop-'));
  const said: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.includes('output ffmpeg')) said.push(String((JSON.parse(line) as { msg: string }).msg));
      done();
    },
  });
  try {
    const playlist = path.join(dir, 'hls', 'index.m3u8');
    const hls = { destination: 'local', target: { url: playlist, format: 'hls' as const, record: path.join(dir, 'parts') } };
    const rtmp = { destination: 'hole', target: { url: `rtmp://127.0.0.1:${hole.port}/live/key`, format: 'flv' as const } };
    const e = testEncoderFactory(dir, { stopTimeoutMs: TIMEOUT_MS }, { logger: createLogger('info', sink) }).create({
      occurrence: testOccurrence('bench@2026-12-05T11:00', { source: { kind: 'testPattern', pattern: 'testsrc2', toneHz: 440 } }),
      outputs: withHole ? [rtmp, hls] : [hls],
    });
    e.start('programme');
    await waitFor('three HLS segments', () => hlsSegments(playlist).length >= 3, 60_000);
    const t0 = performance.now();
    await e.stop();
    const ms = performance.now() - t0;
    const how = said.some((m) => m.includes('killed')) ? 'SIGKILL at the timeout' : said.some((m) => m.includes('ended')) ? 'its own exit' : 'not said';
    return { ms, how };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const hole = await BlackHole.start();
  console.log(`stop timeout ${TIMEOUT_MS} ms, ${RUNS} runs per case, ffmpeg ${binaries().ffmpeg}`);
  console.log(`load average at start: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  try {
    console.log(`\nthe encoder's stop (SupervisedEncoder, local HLS + recording)`);
    console.log(`${'case'.padEnd(30)} ${'stop ms (each run)'.padEnd(26)} output ended by`);
    for (const withHole of [false, true]) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await encoderOnce(withHole, hole));
      const name = withHole ? 'black hole listed first' : 'no black hole (baseline)';
      console.log(`${name.padEnd(30)} ${runs.map((r) => r.ms.toFixed(0)).join(' ').padEnd(26)} ${[...new Set(runs.map((r) => r.how))].join(', ')}`);
    }
    console.log(`\nthe process stop alone (GuardedProcess, ffmpeg on lavfi inputs, HLS + recording)`);
    console.log(`${'case'.padEnd(30)} ${'stop ms (each run)'.padEnd(26)} ended by / ENDLIST`);
    for (const c of CASES) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await once(c, hole));
      const times = runs.map((r) => r.ms.toFixed(0)).join(' ');
      const ends = [...new Set(runs.map((r) => `${r.how} / ${r.endlist ? 'yes' : 'no'}`))].join(', ');
      console.log(`${c.name.padEnd(30)} ${times.padEnd(26)} ${ends}`);
    }
  } finally {
    await hole.stop();
  }
  console.log(`load average at end: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
