// A stand-in for onair in the orphan test: starts one encoder (test pattern to HLS in the
// folder given as argv[2]), prints the guard's and ffmpeg's pids once video flows, then
// waits to be killed.
import path from 'node:path';
import { ffmpegChildOf } from './ffmpeg-tools.js';
import { testEncoderFactory } from './test-encoder-factory.js';
import { testOccurrence } from './test-occurrence.js';

const dir = process.argv[2]!;
const start = new Date();
const encoder = testEncoderFactory(dir).create({
  occurrence: testOccurrence('orphan@2026-12-05T11:00', { start }),
  outputs: [{ destination: 'local', target: { url: path.join(dir, 'hls', 'index.m3u8'), format: 'hls' } }],
});
let told = false;
encoder.on('health', (h) => {
  const guard = encoder.pid;
  const ffmpeg = guard && ffmpegChildOf(guard);
  if (told || h.fps <= 0 || !guard || !ffmpeg) return;
  told = true;
  process.stdout.write(`${JSON.stringify({ guard, ffmpeg })}\n`);
});
encoder.start('programme');
setInterval(() => {}, 60_000);
