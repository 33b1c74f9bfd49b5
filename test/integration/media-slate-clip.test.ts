// The pre-rendered slate against real ffmpeg: the slate is rendered once per text and
// picture into <data>/slates, and its decoder loops that clip with stream copy (no lavfi,
// no drawtext, no encode); the other messages are rendered ahead; a second broadcast of the
// same title renders nothing; a message change while the slate is up ("starting soon" ->
// "we'll be right back") replaces the clip; and what reaches HLS is the slate's picture.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { SupervisedEncoder } from '../../src/media/index.js';
import { findSlateFont } from '../../src/media/binaries.js';
import { SLATE_COLOUR } from '../../src/media/inputs.js';
import { createLogger } from '../../src/shared/logger.js';
import type { SourceSpec } from '../../src/schedule/types.js';
import { binaries, ffmpegChildOf, hlsSegments, waitFor } from '../support/ffmpeg-tools.js';
import { testOccurrence } from '../support/test-occurrence.js';
import { testEncoderFactory } from '../support/test-encoder-factory.js';

/** A camera nobody answers: the programme stays down and the slate stays up. */
const deadCamera: SourceSpec = { kind: 'url', url: 'rtmp://127.0.0.1:9/live/none' };

describe('media: the pre-rendered slate (real ffmpeg)', function () {
  this.timeout(90_000);
  let dir: string;
  const encoders: SupervisedEncoder[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-slate-'));
  });
  after(async () => {
    await Promise.all(encoders.splice(0).map((e) => e.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  // One factory, as in the server: its encoders share the cache.
  const factory = (): ReturnType<typeof testEncoderFactory> => testEncoderFactory(dir, { stopTimeoutMs: 3000 }, { fontFile: findSlateFont(), logger });
  let shared: ReturnType<typeof testEncoderFactory> | undefined;

  function start(id: string, title: { tr: string; en: string }): { e: SupervisedEncoder; playlist: string } {
    shared ??= factory();
    const playlist = path.join(dir, 'hls', id.replace(/\W/g, '_'), 'index.m3u8');
    const e = shared.create({
      occurrence: testOccurrence(id, { source: deadCamera, title }),
      outputs: [{ destination: 'local', target: { url: playlist, format: 'hls' } }],
    });
    encoders.push(e);
    e.start('slate');
    return { e, playlist };
  }

  /** The command line of the running slate decoder, once there is one. */
  const slateDecoder = (e: SupervisedEncoder) => () => {
    const d = e.decoder;
    if (d?.kind !== 'slate') return undefined;
    const pid = ffmpegChildOf(d.pid);
    if (!pid) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  };
  const clipOf = (args: string[]): string => args[args.indexOf('-i') + 1]!;
  const rendered = (): number => logs.filter((l) => l['msg'] === 'slate rendered').length;
  const slates = (): string[] => readdirSync(path.join(dir, 'slates')).filter((f) => /^[0-9a-f]{32}\.ts$/.test(f));

  let firstClip: string;

  it('loops a clip rendered once under <data>/slates with stream copy, and renders the other messages ahead', async () => {
    const { e, playlist } = start('story@2026-12-05T11:00', { tr: 'Masal Saati', en: 'Story Hour' });
    const args = await waitFor('the slate decoder', slateDecoder(e), 30_000);
    expect(args).to.include.members(['-stream_loop', '-c']);
    expect(args[args.indexOf('-c') + 1]).to.equal('copy');
    expect(args.join(' ')).to.not.match(/lavfi|drawtext|mpeg2video/);
    firstClip = clipOf(args);
    expect(path.dirname(firstClip)).to.equal(path.join(dir, 'slates'));
    // "starting soon", "we'll be right back", "has ended": one clip each.
    await waitFor('three clips', () => slates().length === 3 && rendered() === 3, 30_000);

    // What viewers get is the slate: a segment whose picture is the slate's blue.
    await waitFor('an HLS segment of the slate', () => hlsSegments(playlist).length >= 1, 30_000);
    const segment = hlsSegments(playlist)[0]!;
    const rgb = execFileSync(binaries().ffmpeg, ['-v', 'error', '-i', segment, '-frames:v', '1', '-vf', 'crop=8:8:0:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'])
      .subarray(0, 3);
    const want = [1, 3, 5].map((i) => Number.parseInt(SLATE_COLOUR.slice(1 + i, 3 + i), 16));
    for (let i = 0; i < 3; i++) expect(Math.abs(rgb[i]! - want[i]!), `channel ${i}: ${[...rgb].join(',')} vs ${want.join(',')}`).to.be.below(12);
  });

  it('renders nothing for a second broadcast of the same title, and a new clip for another title', async () => {
    const before = rendered();
    const same = start('story@2026-12-12T11:00', { tr: 'Masal Saati', en: 'Story Hour' });
    const args = await waitFor('the second slate decoder', slateDecoder(same.e), 30_000);
    expect(clipOf(args)).to.equal(firstClip);
    const other = start('chess@2026-12-05T15:00', { tr: 'Satranç Kursu', en: 'Chess Class' });
    const otherArgs = await waitFor('the other title’s slate decoder', slateDecoder(other.e), 30_000);
    expect(clipOf(otherArgs)).to.not.equal(firstClip);
    await waitFor('the other title’s three clips', () => slates().length === 6, 30_000);
    expect(rendered()).to.equal(before + 3);
  });

  it('replaces the clip when the message changes while the slate is on air', async () => {
    const e = encoders[0]!;
    expect(clipOf((await waitFor('the slate decoder', slateDecoder(e), 30_000)))).to.equal(firstClip);
    // The programme is asked for but its camera is down: the slate stays, now saying "we'll be right back".
    e.show('programme');
    const args = await waitFor('a slate decoder with another clip', () => {
      const a = slateDecoder(e)();
      return a && clipOf(a) !== firstClip ? a : undefined;
    }, 30_000);
    expect(slates()).to.include(path.basename(clipOf(args)));
  });
});
