// The programme's first frame vs its scheduled second, where viewers are
// (`npm run bench:start -- --receiver`): the real `onair run` (real ffmpeg) broadcasts N
// programmes one after another to a real RTMP server on loopback and to its local HLS, twice
// in the same run: first with config engine.preroll false (the baseline: the switch is made at
// the scheduled second), then with pre-roll (the programme opened ahead, the switch made early
// by the output's measured latency). The programme is a solid red file, the slate dark blue.
//   - RTMP: the receiver (test/support/rtmp-frame-watcher.ts) decodes every frame as it
//     arrives and stamps it; the error is the wall-clock arrival of the first red frame minus
//     the scheduled second.
//   - HLS: when the segment holding the first red frame appeared in the playlist (polled every
//     10 ms), less the stream time from that frame to the segment's end: when the frame was
//     written into the HLS output (a player sees it only once its segment is listed, 2 s later
//     at most; this figure is the frame's own time, comparable with the RTMP one).
// Prints each start's errors, the median and worst |error| and the load average.
// Env: BENCH_STARTS (default 20), BENCH_LOAD=n adds n busy loops (a loaded run),
// BENCH_MODES=preroll skips the baseline, BENCH_DEBUG=1 prints onair's switch log per start,
// BENCH_COPY=1 sends to the local destination alone: the copy path (send-path.ts), where the
// switch parks the output and the programme's ffmpeg writes the HLS itself (HLS figures only).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeColourClip } from '../test/support/ffmpeg-fixtures.js';
import { binaries } from '../test/support/ffmpeg-tools.js';
import { makeOnairDirs, OnairProcess } from '../test/support/onair-process.js';
import { near, rgbOf, RtmpFrameWatcher, type Rgb } from '../test/support/rtmp-frame-watcher.js';
import { getBroadcast, occurrenceId, secondsFromNow, until, writeSchedule, type ProgrammeSpec } from '../test/integration/engine-support.js';

const STARTS = Number(process.env.BENCH_STARTS ?? 20);
const LOAD = Number(process.env.BENCH_LOAD ?? 0);
const COPY = process.env.BENCH_COPY === '1';
/** The encoder starts this long before air: the slate is up long enough for the output's latency to be measured. */
const FFMPEG_LEAD_S = 10;
const DURATION_S = 5;
const SPACING_MS = (FFMPEG_LEAD_S + DURATION_S + 3) * 1000;
const RED: Rgb = rgbOf('0xff0000');
const KEY = 'bench-start';

const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** The programme: 30 s of solid red (H.264 + AAC, 720p30), unlike anything on the slate. */
function makeProgramme(media: string): string {
  makeColourClip(path.join(media, 'red.mp4'), [{ colour: 'red', seconds: 30 }], { size: '1280x720', fps: 30 });
  return 'red.mp4';
}

/** Each video frame of a segment: its time in the segment (s) and mean colour. */
function segmentFrames(file: string): Promise<Array<{ t: number; rgb: Rgb }>> {
  return new Promise((resolve, reject) => {
    execFile(
      binaries().ffmpeg,
      ['-hide_banner', '-loglevel', 'info', '-i', file, '-map', '0:v:0', '-vf', 'scale=1:1,showinfo', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
      { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(err);
        const times = [...String(stderr).matchAll(/pts_time:([\d.]+)/g)].map((m) => Number(m[1]));
        resolve(times.map((t, i) => ({ t: t - times[0]!, rgb: [stdout[i * 3]!, stdout[i * 3 + 1]!, stdout[i * 3 + 2]!] as Rgb })));
      },
    );
  });
}

/** Polls an HLS playlist every 10 ms and stamps when each segment was first listed. */
function watchPlaylist(file: string): { listed: Map<string, number>; stop: () => void } {
  const listed = new Map<string, number>();
  const timer = setInterval(() => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return;
    }
    const now = Date.now();
    for (const line of text.split('\n')) if (line && !line.startsWith('#') && !listed.has(line)) listed.set(line, now);
  }, 10);
  return { listed, stop: () => clearInterval(timer) };
}

/** When the first red frame was written into the HLS output (see the file's head), or undefined. */
async function hlsFirstRed(dir: string, listed: Map<string, number>, after: number): Promise<number | undefined> {
  for (const [name, at] of [...listed].sort((a, b) => a[1] - b[1])) {
    if (at < after) continue;
    const frames = await segmentFrames(path.join(dir, name)).catch(() => []);
    const i = frames.findIndex((f) => near(f.rgb, RED, 60));
    if (i < 0) continue;
    const end = frames.at(-1)!.t + 1 / 30;
    return at - (end - frames[i]!.t) * 1000;
  }
  return undefined;
}

interface Result {
  id: string;
  rtmp?: number;
  hls?: number;
}

async function runMode(preroll: boolean, programmeFile: (media: string) => string): Promise<Result[]> {
  const watcher = await RtmpFrameWatcher.start(KEY);
  const dirs = makeOnairDirs({
    engine: { prepareLead: `${FFMPEG_LEAD_S + 4}s`, ffmpegLead: `${FFMPEG_LEAD_S}s`, lateStartGrace: '20s', planAhead: '1h', stopTimeout: '2s', preroll },
    destinations: {
      local: { type: 'local', archive: false, ladder: [] },
      relay: { type: 'rtmp', url: watcher.baseUrl, keyEnv: 'ONAIR_BENCH_KEY' },
    },
  });
  const source = programmeFile(dirs.media);
  const t0 = secondsFromNow(FFMPEG_LEAD_S * 1000 + 15_000);
  const programmes: ProgrammeSpec[] = Array.from({ length: STARTS }, (_, i) => ({
    id: `bench-${preroll ? 'preroll' : 'baseline'}-${i}`,
    start: new Date(t0.getTime() + i * SPACING_MS),
    seconds: DURATION_S,
    destinations: COPY ? ['local'] : ['local', 'relay'],
    source: `{ file: ${source} }`,
  }));
  writeSchedule(dirs.schedules, 'bench.yaml', programmes);
  const onair = await OnairProcess.start({ dirs, env: { ONAIR_LOG_LEVEL: 'info', ONAIR_BENCH_KEY: KEY } });
  const results: Result[] = [];
  try {
    for (const p of programmes) {
      const id = occurrenceId(p);
      const start = p.start.getTime();
      // The HLS folder is made when the broadcast is prepared.
      const playlist = await until(`${id}'s playlist`, () => {
        const root = path.join(dirs.data, 'hls');
        const folder = fs.existsSync(root) ? fs.readdirSync(root).find((f) => f.includes(p.id)) : undefined;
        return folder ? path.join(root, folder, 'index.m3u8') : undefined;
      }, 60_000, 50);
      const hls = watchPlaylist(playlist);
      const rtmp = new Promise<number>((resolve) => {
        const off = watcher.onFrame((f) => {
          if (f.at > start - SPACING_MS / 2 && near(f.rgb, RED, 60)) {
            off();
            resolve(f.at);
          }
        });
      });
      const rtmpAt = COPY ? undefined : await Promise.race([rtmp, new Promise<undefined>((r) => setTimeout(r, start - Date.now() + 8_000))]);
      // The segment holding the first red frame is listed 2 s later at most.
      await new Promise((r) => setTimeout(r, Math.max(0, start + 3_500 - Date.now())));
      hls.stop();
      const hlsAt = await hlsFirstRed(path.dirname(playlist), hls.listed, start - 4_000);
      const r: Result = { id, ...(rtmpAt !== undefined ? { rtmp: rtmpAt - start } : {}), ...(hlsAt !== undefined ? { hls: Math.round(hlsAt - start) } : {}) };
      results.push(r);
      const b = await getBroadcast(onair, id);
      if (process.env.BENCH_DEBUG) {
        for (const l of onair.logs) if (typeof l.msg === 'string' && /cued|pre-roll|let through|on air|ffmpeg started|transition|live|cost/.test(l.msg) && String(l['occurrence'] ?? '').includes(p.id)) console.log('   ', (l['time'] as number) - start, l.msg, l['kind'] ?? '', l['leadMs'] ?? '', l['costMs'] ?? '', l['held'] ?? '', l['offsetS'] ?? '', l['after'] ?? '', l['gapS'] ?? '', l['airMs'] ?? '');
      }
      console.log(`${id.padEnd(40)} RTMP ${String(r.rtmp ?? '—').padStart(6)} ms  HLS ${String(r.hls ?? '—').padStart(6)} ms  (${b?.state})  load ${load()}`);
    }
  } finally {
    await onair.stop();
    await watcher.stop();
    fs.rmSync(dirs.root, { recursive: true, force: true });
  }
  return results;
}

function summary(name: string, results: Result[]): void {
  for (const where of COPY ? (['hls'] as const) : (['rtmp', 'hls'] as const)) {
    const errs = results.map((r) => r[where]).filter((e): e is number => e !== undefined);
    const abs = errs.map(Math.abs);
    console.log(
      `${name.padEnd(9)} ${where.toUpperCase().padEnd(4)}: first programme frame − scheduled second over ${errs.length}/${results.length}: median ${median(errs)} ms, median |error| ${median(abs)} ms, worst |error| ${Math.max(...abs)} ms (target ≤ 33 median, ≤ 100 worst)`,
    );
  }
}

const burners: ChildProcess[] = Array.from({ length: LOAD }, () => spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
try {
  console.log(`bench:start --receiver: ${STARTS} starts per mode, ffmpeg ${binaries().ffmpeg}, extra busy loops: ${LOAD}, load average at start: ${load()}`);
  // BENCH_MODES=preroll skips the baseline (while tuning).
  const baseline = process.env.BENCH_MODES === 'preroll' ? [] : await runMode(false, makeProgramme);
  console.log(`load average after the baseline: ${load()}`);
  const preroll = await runMode(true, makeProgramme);
  console.log(`\nload average at end: ${load()}`);
  summary('baseline', baseline);
  summary('pre-roll', preroll);
} finally {
  for (const b of burners) b.kill('SIGKILL');
}
