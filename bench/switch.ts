// npm run bench:switch — what a viewer and YouTube see across slate/programme switches and a
// killed decoder, read back by independent tools from a real RTMP receiver on loopback:
//   - RTMP connections per broadcast (target 1: switches happen inside one publish)
//   - timestamp regressions at the receiver (target 0), largest gap between video frames
//   - show('programme') → the programme's first frame in the pipe (wall clock, ms)
//   - kill -9 of the programme decoder → the next decoder's first frame (wall clock, ms: the
//     slate, or the programme itself when it is back first) and the frozen stretch a viewer sees (stream time from the last programme frame to the first
//     slate frame, found by the slate's colour in the received video)
//   - constant bitrate: video kbit/s per second at the receiver vs the target (min, median,
//     max deviation) and audio kbit/s per second
// Each figure comes with the load average; BENCH_LOAD=n adds n busy loops for a loaded run.
//   npm run bench:switch                  (idle)
//   BENCH_LOAD=2 npm run bench:switch     (loaded)
// Env: BENCH_SWITCHES (default 6), BENCH_SIZE (default 1280x720), BENCH_FPS (default 30).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEncoderFactory, videoBitrateKbps } from '../src/media/index.js';
import { SLATE_COLOUR } from '../src/media/inputs.js';
import { systemClock } from '../src/shared/clock.js';
import { createLogger } from '../src/shared/logger.js';
import { binaries, ffmpegChildOf, hlsSegments } from '../test/support/ffmpeg-tools.js';
import { RtmpReceiver } from '../test/support/rtmp-receiver.js';
import { bitsPerSecond, largestVideoGap, probePackets, timestampRegressions } from '../test/support/stream-check.js';
import { testOccurrence } from '../test/support/test-occurrence.js';

const SWITCHES = Number(process.env.BENCH_SWITCHES ?? 6);
const [W, H] = (process.env.BENCH_SIZE ?? '1280x720').split('x').map(Number) as [number, number];
const FPS = Number(process.env.BENCH_FPS ?? 30);
const FORMAT = { width: W, height: H, fps: FPS };
const LOAD = Number(process.env.BENCH_LOAD ?? 0);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const burners: ChildProcess[] = Array.from({ length: LOAD }, () => spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-bench-switch-'));
const receiver = await RtmpReceiver.start(dir, 'bench');

/** Wall-clock (Date.now()) of each decoder's first frame in the pipe, from the encoder's log. */
const onAir: Array<{ kind: string; at: number }> = [];
const logger = createLogger('info', {
  write: (line: string) => {
    const l = JSON.parse(line) as { msg?: string; kind?: string };
    if (l.msg === 'on air' && l.kind) onAir.push({ kind: l.kind, at: Date.now() });
  },
});
const factory = createEncoderFactory({ ...binaries(), runDir: path.join(dir, 'run'), clock: systemClock, logger, options: { defaultFormat: FORMAT } });
const playlist = path.join(dir, 'hls', 'index.m3u8');
const e = factory.create({
  occurrence: testOccurrence('bench-switch@2026-12-05T11:00', { source: { kind: 'testPattern', pattern: 'testsrc2', toneHz: 440 } }),
  outputs: [
    { destination: 'local', target: { url: playlist, format: 'hls' } },
    { destination: 'relay', target: { url: receiver.url, format: 'flv' } },
  ],
});

async function until<T>(check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(5);
  }
}

/** Mean colour of each received video frame, as [r, g, b], with its timestamp. */
function frameColours(file: string): Promise<Array<{ t: number; rgb: [number, number, number] }>> {
  return new Promise((resolve, reject) => {
    execFile(
      binaries().ffmpeg,
      ['-hide_banner', '-loglevel', 'info', '-i', file, '-vf', 'scale=1:1,showinfo', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(err);
        const times = [...String(stderr).matchAll(/pts_time:([\d.]+)/g)].map((m) => Number(m[1]));
        const out = times.map((t, i) => ({ t, rgb: [stdout[i * 3]!, stdout[i * 3 + 1]!, stdout[i * 3 + 2]!] as [number, number, number] }));
        resolve(out);
      },
    );
  });
}

const slateRgb = [Number.parseInt(SLATE_COLOUR.slice(2, 4), 16), Number.parseInt(SLATE_COLOUR.slice(4, 6), 16), Number.parseInt(SLATE_COLOUR.slice(6, 8), 16)];
const isSlate = (rgb: [number, number, number]): boolean => rgb.every((c, i) => Math.abs(c - slateRgb[i]!) < 24);

try {
  console.log(`bench:switch — ${W}x${H}@${FPS}, ${SWITCHES} switches + 3 decoder kills, ffmpeg ${binaries().ffmpeg}, extra busy loops: ${LOAD}`);
  console.log(`load average at start: ${load()}`);
  e.start('slate');
  await until(() => onAir.find((o) => o.kind === 'slate'));
  await sleep(3000);
  const switchMs: number[] = [];
  for (let i = 0; i < SWITCHES; i++) {
    const kind = i % 2 === 0 ? 'programme' : 'slate';
    const n = onAir.length;
    const t = Date.now();
    e.show(kind);
    const first = await until(() => onAir.slice(n).find((o) => o.kind === kind));
    if (kind === 'programme') switchMs.push(first.at - t);
    await sleep(3000);
  }
  e.show('programme');
  await until(() => (e.decoder?.kind === 'programme' ? true : undefined));
  await sleep(3000);
  const killMs: number[] = [];
  const killKinds: string[] = [];
  for (let i = 0; i < 3; i++) {
    const pid = await until(() => (e.decoder?.kind === 'programme' ? ffmpegChildOf(e.decoder.pid) : undefined));
    const n = onAir.length;
    const t = Date.now();
    process.kill(pid, 'SIGKILL');
    // The slate replaces it; when the programme's 250 ms backoff ends before the slate's
    // decoder has a frame, the programme itself is the next picture.
    const next = await until(() => onAir[n]);
    killMs.push(next.at - t);
    killKinds.push(next.kind);
    await until(() => onAir.slice(n).find((o) => o.kind === 'programme'));
    await sleep(4000);
  }
  const connections = receiver.recordings.length;
  await e.stop();
  await sleep(500);

  const file = receiver.recordings[0]!;
  const packets = await probePackets(file);
  const regressions = timestampRegressions(packets);
  const target = videoBitrateKbps(FORMAT);
  const videoKbps = bitsPerSecond(packets, 'video').map((b) => b / 1000);
  const audioKbps = bitsPerSecond(packets, 'audio').map((b) => b / 1000);
  const dev = videoKbps.map((k) => ((k - target) / target) * 100);
  // Frozen stretches: from the last programme frame to the first slate frame after it.
  const colours = await frameColours(file);
  const frozen: number[] = [];
  for (let i = 1; i < colours.length; i++) {
    if (isSlate(colours[i]!.rgb) && !isSlate(colours[i - 1]!.rgb)) frozen.push((colours[i]!.t - colours[i - 1]!.t) * 1000);
  }
  console.log(`\nload average at end: ${load()}`);
  console.log(`RTMP connections for the broadcast: ${connections} (target 1)`);
  console.log(`timestamp regressions at the receiver: ${regressions.length} (target 0); largest gap between video frames: ${(largestVideoGap(packets) * 1000).toFixed(0)} ms`);
  console.log(`show('programme') → programme's first frame in the pipe: median ${median(switchMs)} ms, worst ${Math.max(...switchMs)} ms (${switchMs.join(', ')})`);
  console.log(`kill -9 programme decoder → next decoder's first frame in the pipe: ${killMs.map((k, i) => `${k} ms (${killKinds[i]})`).join(', ')}`);
  console.log(`programme → slate at the receiver, stream time between the last programme and first slate frame: ${frozen.map((f) => f.toFixed(0)).join(', ')} ms`);
  console.log(`video kbit/s per second at the receiver (target ${target}): min ${Math.min(...videoKbps).toFixed(0)}, median ${median(videoKbps).toFixed(0)}, max ${Math.max(...videoKbps).toFixed(0)}; deviation median ${median(dev).toFixed(1)} %, worst ${Math.max(...dev.map(Math.abs)).toFixed(1)} %`);
  console.log(`audio kbit/s per second at the receiver (target 128): min ${Math.min(...audioKbps).toFixed(0)}, median ${median(audioKbps).toFixed(0)}, max ${Math.max(...audioKbps).toFixed(0)}`);
  console.log(`HLS segments written: ${hlsSegments(playlist).length} in the window`);
} finally {
  for (const b of burners) b.kill('SIGKILL');
  await e.stop();
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
}
