// npm run bench:slate — what the pre-air slate costs, with real ffmpeg at 720p30 to local HLS
// (what the minute before every broadcast runs). Printed per minute of slate and as % of one
// core, with the load average, all in one run:
//  - onair: the SupervisedEncoder showing the slate — its slate decoder (looping the
//    pre-rendered clip with stream copy) and its output (the one H.264 encode), apart;
//  - the decoder as it was before the slate was pre-rendered (lavfi + drawtext + MPEG-2 each
//    frame, the same arguments as onair ran), run bare into /dev/null;
//  - the new decoder's command run bare into /dev/null (the same work as onair's, alone);
//  - the minimal bare command for a slate on air: one ffmpeg looping the clip into one
//    x264 encode to HLS (the floor for any design that encodes the slate live).
//  - onair on the copy path (send-path.ts: an H.264/AAC file on the local destination alone,
//    no lower renditions): the slate is a clip pre-rendered in the file's own format,
//    looped with copy into an output that copies too — nothing is encoded while it is up.
//    The encode path's slate above (its output's live x264 encode) is the baseline.
// The target is ≤ 5 % of a core for the pre-air slate.
// Env: BENCH_SLATE_S (default 30) seconds per measurement.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEncoderFactory, decoderArgs, encodeArgs, findSlateFont, type SupervisedEncoder } from '../src/media/index.js';
import { slateInput } from '../src/media/inputs.js';
import { slateClipInput } from '../src/media/slate-clip.js';
import { slateMessage, slateTitle } from '../src/media/slate-text.js';
import type { EncoderHealth } from '../src/scheduler/ports.js';
import type { Occurrence } from '../src/schedule/types.js';
import { systemClock } from '../src/shared/clock.js';
import { createLogger } from '../src/shared/logger.js';
import { bareCpu, childOf, cpuOf } from './process-cpu.js';
import { binaries } from '../test/support/ffmpeg-tools.js';
import { makeClip } from '../test/support/ffmpeg-fixtures.js';

const SECONDS = Number(process.env.BENCH_SLATE_S ?? 30);
const HD = { width: 1280, height: 720, fps: 30 };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const TITLE = { tr: 'Yazar Söyleşisi', en: 'Author Talk' };

const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-bench-slate-'));
const logs: Array<Record<string, unknown>> = [];
const factory = createEncoderFactory({
  ...binaries(),
  runDir: path.join(dir, 'run'),
  fontFile: findSlateFont(),
  clock: systemClock,
  logger: createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) }),
  options: { defaultFormat: HD },
});

function occurrence(id: string, source: Occurrence['source'] = { kind: 'testPattern', pattern: 'testsrc2', toneHz: 440 }): Occurrence {
  const start = new Date(Date.now() + 3_600_000);
  return {
    id, programmeId: id.split('@')[0]!, title: TITLE, description: { tr: '', en: '' }, category: 'other',
    audience: [], timezone: 'UTC', start, end: new Date(start.getTime() + 3_600_000), localStart: '', localEnd: '',
    source,
    destinations: ['local'], youtube: { privacy: 'unlisted', madeForKids: false }, chat: { enabled: false, slowModeMs: 0 },
    remindersMs: [], cancelled: false,
  };
}

function onHealth(e: SupervisedEncoder, fn: (h: EncoderHealth) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const off = e.on('health', (h) => {
      if (fn(h)) {
        off();
        resolve();
      }
    });
  });
}

/** The slate on air through onair for SECONDS: CPU of its decoder and output ffmpeg, and of the Node process. */
async function viaOnair(id: string, file?: string): Promise<{ decoder: number; output: number; node: number; clip: string; mode: string }> {
  mkdirSync(path.join(dir, 'hls', id), { recursive: true });
  // A test pattern is encoded; a file on local alone with no lower renditions takes the copy path.
  const e = factory.create({
    occurrence: occurrence(`${id}@2026-12-05T12:00`, file ? { kind: 'file', path: file, loop: false } : undefined),
    outputs: [{ destination: 'local', target: { url: path.join(dir, 'hls', id, 'index.m3u8'), format: 'hls', ...(file ? { ladder: [] } : {}) } }],
  });
  e.start('slate');
  await onHealth(e, (h) => h.phase === 'slate' && h.fps > 0);
  await sleep(2000); // the other messages' clips are rendered ahead just after start
  const decoder = childOf(e.decoder!.pid);
  const output = childOf(e.pid!);
  const d0 = cpuOf(decoder);
  const o0 = cpuOf(output);
  const n0 = process.cpuUsage();
  await sleep(SECONDS * 1000);
  const n = process.cpuUsage(n0);
  const result = { mode: e.mode?.mode ?? '?', decoder: cpuOf(decoder) - d0, output: cpuOf(output) - o0, node: (n.user + n.system) / 1e6, clip: readFileSync(`/proc/${decoder}/cmdline`, 'utf8').split('\0').find((a) => a.endsWith('.ts') && a.includes('slates')) ?? '' };
  await e.stop();
  return result;
}

/** A bare ffmpeg for SECONDS after its first progress: its CPU. */
function bare(args: string[]): Promise<number> {
  return bareCpu(['-hide_banner', '-nostdin', '-loglevel', 'error', '-progress', 'pipe:1', ...args], SECONDS, 'inherit');
}

/** A decoder's arguments writing into /dev/null instead of the broadcast's pipe (the -progress pipe:1 of decoderArgs is dropped: bare() adds its own). */
function decoderToNull(plan: Parameters<typeof decoderArgs>[0]): string[] {
  const args = decoderArgs(plan);
  return args.slice(args.indexOf('pipe:1') + 1);
}

const row = (name: string, cpu: number): string => `${name.padEnd(64)} | ${((cpu / SECONDS) * 60).toFixed(2).padStart(9)} | ${((cpu / SECONDS) * 100).toFixed(1).padStart(7)} %`;

try {
  const font = findSlateFont();
  console.log(`bench:slate — ${SECONDS} s of pre-air slate, 720p30 to local HLS, ffmpeg ${binaries().ffmpeg}, font ${font ?? 'none (a plain slate)'}`);
  console.log(`load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} cores)`);
  const onair = await viaOnair('talk');
  const clip = onair.clip;
  // A 720p30 H.264/AAC file, keyframes 8.33 s apart (x264's default 250 frames).
  const film = makeClip(path.join(dir, 'film.mp4'), { seconds: 20, size: '1280x720', fps: 30, gopS: 250 / 30 });
  const copied = await viaOnair('film', film);
  if (copied.mode !== 'copy') throw new Error(`the file should take the copy path, took ${copied.mode}`);

  // The decoder as it was: lavfi + drawtext (reload=1 from text files) + MPEG-2, every frame.
  const title = path.join(dir, 'title.txt');
  const message = path.join(dir, 'message.txt');
  writeFileSync(title, slateTitle(TITLE));
  writeFileSync(message, slateMessage('starting'));
  const live = slateInput(HD, font ? { titleFile: title, messageFile: message, fontFile: font } : undefined);
  const liveDecoder = await bare(decoderToNull({ input: live, format: HD, offsetS: 0, pipe: '/dev/null' }));
  const clipDecoder = await bare(decoderToNull({ input: slateClipInput(clip), format: HD, offsetS: 0, pipe: '/dev/null', copy: true }));
  mkdirSync(path.join(dir, 'hls', 'bare'), { recursive: true });
  const minimal = await bare(['-re', '-stream_loop', '-1', '-i', clip, ...encodeArgs(HD), '-f', 'hls', '-hls_time', '2', '-hls_list_size', '10', path.join(dir, 'hls', 'bare', 'index.m3u8')]);

  console.log('\nCPU of the pre-air slate');
  console.log(`${'what'.padEnd(64)} | s per min | of a core`);
  console.log(row('onair: slate decoder (pre-rendered clip, stream copy)', onair.decoder));
  console.log(row('onair: output (the one x264 encode to HLS)', onair.output));
  console.log(row('onair: Node process (supervision, progress parsing)', onair.node));
  console.log(row('onair: all of it', onair.decoder + onair.output + onair.node));
  console.log(row('before: slate decoder drawing live (lavfi+drawtext+MPEG-2), bare', liveDecoder));
  console.log(row('before: decoder + output (the live decoder + onair output now)', liveDecoder + onair.output));
  console.log(row('now: slate decoder (clip, copy), bare', clipDecoder));
  console.log(row('minimal bare: loop the clip into one x264 encode to HLS', minimal));
  console.log(row('copy path: slate decoder (clip in the file\'s format, copy)', copied.decoder));
  console.log(row('copy path: output (copy to HLS, no encode)', copied.output));
  console.log(row('copy path: Node process', copied.node));
  console.log(row('copy path: all of it', copied.decoder + copied.output + copied.node));
  const renders = logs.filter((l) => l['msg'] === 'slate rendered').length;
  console.log(`\nclips rendered: ${renders} (starting / back soon / ended), ${readdirSync(path.join(dir, 'slates')).length} files in <data>/slates`);
  const whole = (r: { decoder: number; output: number; node: number }): number => ((r.decoder + r.output + r.node) / SECONDS) * 100;
  console.log(`decoder: ${(liveDecoder / Math.max(clipDecoder, 0.01)).toFixed(0)}× less CPU than the live drawtext decoder`);
  console.log(`the whole pre-air slate, target ≤ 5 % of a core: copy path ${whole(copied).toFixed(1)} %, against ${whole(onair).toFixed(1)} % encoded live by the output (encode path, same run)`);
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} cores)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
