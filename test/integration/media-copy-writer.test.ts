// The copy path's programme writes the destinations itself (supervised-encoder.ts
// #spawnWriter): while it is on air no output ffmpeg runs (one process where a decoder and
// an output each did a copy's work), and the slate before and after it goes through the
// output as before. Viewers must not see the seams: real ffmpeg, with ffprobe and an
// RFC 8216 playlist reader as the judges — one playlist whose numbers and timestamps only
// go forward, no discontinuity, and (with an archive) parts that keep the programme.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SupervisedEncoder } from '../../src/media/index.js';
import { findSlateFont } from '../../src/media/binaries.js';
import { collectEncoderEvents } from '../support/encoder-events.js';
import { makeClip } from '../support/ffmpeg-fixtures.js';
import { binaries, ffmpegChildOf, hlsSegments, waitFor } from '../support/ffmpeg-tools.js';
import { ffmpegProcessesMentioning } from '../support/onair-process.js';
import { probePackets, readMediaPlaylist } from '../support/stream-check.js';
import { testEncoderFactory } from '../support/test-encoder-factory.js';
import { testOccurrence } from '../support/test-occurrence.js';

const cmdline = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

describe('media: on the copy path the programme writes the HLS itself (real ffmpeg)', function () {
  this.timeout(120_000);
  let dir: string;
  let e: SupervisedEncoder | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-writer-'));
  });

  afterEach(async () => {
    await e?.stop();
    e = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  function create(id: string, clip: string, record?: string, minFreeBytes?: number, ladder: number[] = []): SupervisedEncoder {
    e = testEncoderFactory(dir, { stopTimeoutMs: 3000, ...(minFreeBytes ? { minFreeBytes } : {}) }, { fontFile: findSlateFont() }).create({
      occurrence: testOccurrence(`${id}@2026-12-05T11:00`, { source: { kind: 'file', path: clip } }),
      outputs: [{ destination: 'local', target: { url: path.join(dir, 'hls', 'index.m3u8'), format: 'hls', ladder, ...(record ? { record } : {}) } }],
    });
    return e;
  }

  /** Start times (s) of the first video packet of every segment listed, in playlist order. */
  async function segmentStarts(playlist: string): Promise<number[]> {
    const starts: number[] = [];
    for (const s of hlsSegments(playlist)) {
      const first = (await probePackets(s)).find((p) => p.type === 'video');
      if (first) starts.push(first.dts);
    }
    return starts;
  }

  it('on a disk full from the start, the programme writes the live HLS without the recording', async () => {
    const clip = makeClip(path.join(dir, 'clip.mp4'), { seconds: 40, gopS: 1 });
    const archive = path.join(dir, 'archive');
    // Full from the first look (the real statfs against a threshold no disk meets).
    const enc = create('full', clip, archive, Number.MAX_SAFE_INTEGER);
    const seen = collectEncoderEvents(enc);
    const playlist = path.join(dir, 'hls', 'index.m3u8');
    enc.start('programme');
    const full = await waitFor('the disk-full problem', () => seen.problems.find((p) => p.code === 'disk-full'), 30_000);
    expect(full.message).to.include('recording of this broadcast is stopped').and.include('live stream goes on');
    await waitFor('the programme on air', () => enc.decoder?.kind === 'programme' && enc.health.phase === 'programme' && enc.health.fps > 0, 30_000);
    const before = new Set(hlsSegments(playlist));
    await waitFor('two more HLS segments', () => hlsSegments(playlist).filter((s) => !before.has(s)).length >= 2, 30_000);
    expect(ffmpegProcessesMentioning(archive), 'no ffmpeg writes the recording').to.deep.equal([]);
    expect(existsSync(archive) ? readdirSync(archive).filter((f) => f.endsWith('.ts')) : [], 'no part recorded').to.deep.equal([]);
    expect(enc.pid, 'no output: the programme writes the HLS').to.equal(undefined);
    expect(enc.health.restarts).to.equal(0);
    expect(seen.fatals).to.deep.equal([]);
  });

  it('with a ladder: the picture copied, the lower rendition encoded with the same keyframes, their segments aligned through the switches', async () => {
    const clip = makeClip(path.join(dir, 'clip.mp4'), { seconds: 6, gopS: 1 });
    const profile = (file: string): string =>
      execFileSync(binaries().ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=profile,width,height', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim().split('\n')[0]!;
    const enc = create('ladder', clip, undefined, undefined, [90]);
    const seen = collectEncoderEvents(enc);
    const hls = path.join(dir, 'hls');
    enc.start('slate');
    await waitFor('the slate on air', () => enc.decoder?.kind === 'slate' && enc.health.phase === 'slate' && enc.health.fps > 0, 30_000);
    expect(enc.mode?.mode).to.equal('copy');
    expect(enc.mode?.reason).to.match(/its lower renditions \(90p\) are encoded from it/);
    enc.show('programme');
    await waitFor('the programme on air', () => enc.decoder?.kind === 'programme' && enc.health.phase === 'programme' && enc.health.fps > 0, 30_000);
    const writer = cmdline(await waitFor('the programme ffmpeg', () => ffmpegChildOf(enc.decoder!.pid), 5000));
    expect(writer[writer.indexOf('-c:v:0') + 1]).to.equal('copy');
    expect(writer[writer.indexOf('-c:v:1') + 1]).to.equal('libx264');
    await waitFor('the end of the media', () => seen.problems.some((p) => p.code === 'source-ended'), 30_000);
    await waitFor('the slate back, through an output', () => enc.decoder?.kind === 'slate' && enc.pid !== undefined && enc.health.fps > 0, 30_000);
    const after = hlsSegments(path.join(hls, 'index.m3u8')).length;
    await waitFor('slate segments after the programme', () => hlsSegments(path.join(hls, 'index.m3u8')).length >= after + 2, 30_000);
    await enc.stop();

    const top = readMediaPlaylist(path.join(hls, 'index.m3u8'));
    const low = readMediaPlaylist(path.join(hls, '90p.m3u8'));
    for (const pl of [top, low]) {
      expect(pl.problems).to.deep.equal([]);
      expect(pl.segments.filter((x) => x.discontinuity)).to.deep.equal([]);
    }
    const byNumber = (pl: typeof top): Map<number, number> => new Map(pl.segments.map((x) => [Number(/(\d+)\.ts$/.exec(x.uri)![1]), x.duration]));
    const topN = byNumber(top);
    const lowN = byNumber(low);
    const common = [...topN.keys()].filter((n) => lowN.has(n));
    expect(common.length, 'segment numbers both renditions have').to.be.at.least(5);
    for (const n of common) expect(Math.abs(topN.get(n)! - lowN.get(n)!), `segment ${n}: the same length in both`).to.be.below(0.1);
    // The picture is the file's own (x264 ultrafast: Constrained Baseline); the rendition is onair's encode.
    const programmeSegment = top.segments.map((x) => path.join(hls, x.uri)).find((f) => profile(f).startsWith('Constrained Baseline,320,180'));
    expect(programmeSegment, 'a segment of the copied picture').to.be.a('string');
    expect(profile(programmeSegment!.replace(/index(\d+)\.ts$/, '90p$1.ts'))).to.equal('High,160,90');
    expect(seen.fatals).to.deep.equal([]);
    expect(enc.health.restarts).to.equal(0);
  });

  for (const record of [false, true]) {
    it(`slate -> programme (one ffmpeg, no output) -> slate at the file's end, one timeline${record ? ', archive kept to the programme' : ''}`, async () => {
      const clip = makeClip(path.join(dir, 'clip.mp4'), { seconds: 5, gopS: 1 });
      const archive = record ? path.join(dir, 'archive') : undefined;
      const enc = create(record ? 'rec' : 'plain', clip, archive);
      const seen = collectEncoderEvents(enc);
      const playlist = path.join(dir, 'hls', 'index.m3u8');
      enc.start('slate');
      await waitFor('the slate on air', () => enc.decoder?.kind === 'slate' && enc.health.phase === 'slate' && enc.health.fps > 0, 30_000);
      await waitFor('2 slate segments', () => hlsSegments(playlist).length >= 2, 30_000);
      expect(enc.mode?.mode).to.equal('copy');
      expect(enc.pid, 'the output runs while the slate is up').to.be.a('number');

      enc.show('programme');
      await waitFor('the programme on air', () => enc.decoder?.kind === 'programme' && enc.health.phase === 'programme' && enc.health.fps > 0, 30_000);
      expect(enc.pid, 'no output ffmpeg while the programme writes').to.equal(undefined);
      const writer = await waitFor('the programme ffmpeg', () => ffmpegChildOf(enc.decoder!.pid), 5000);
      const args = cmdline(writer);
      expect(args.slice(args.indexOf('-i'), args.indexOf('-i') + 2)).to.deep.equal(['-i', clip]);
      expect(args.join(' '), 'the programme ffmpeg writes the playlists itself').to.include(path.join(dir, 'hls') + '/');
      expect(args.join(' ')).to.include('-c:v:0 copy -c:a copy');
      expect(args.join(' '), 'nothing goes through the pipe').not.to.include('playout.ts');

      // The 5 s file ends: the slate ("has ended") goes up through the output again.
      await waitFor('the end of the media', () => seen.problems.some((p) => p.code === 'source-ended'), 30_000);
      await waitFor('the slate back, through an output', () => enc.decoder?.kind === 'slate' && enc.pid !== undefined && enc.health.fps > 0, 30_000);
      const after = hlsSegments(playlist).length;
      await waitFor('slate segments after the programme', () => hlsSegments(playlist).length >= after + 2, 30_000);
      await enc.stop();

      const pl = readMediaPlaylist(playlist);
      expect(pl.problems).to.deep.equal([]);
      expect(pl.segments.filter((s) => s.discontinuity), 'discontinuities in the playlist').to.deep.equal([]);
      const numbers = pl.segments.map((s) => Number(/(\d+)\.ts$/.exec(s.uri)![1]));
      expect(numbers, 'segment numbers only go forward, without a repeat').to.deep.equal([...new Set(numbers)].sort((a, b) => a - b));
      const starts = await segmentStarts(playlist);
      expect(starts.length).to.be.at.least(5);
      expect(starts, 'segment start times only go forward').to.deep.equal([...starts].sort((a, b) => a - b));
      // The programme's own picture (testsrc2 from the file) is in the playlist between the slates.
      const durations = pl.segments.reduce((a, s) => a + s.duration, 0);
      expect(durations).to.be.at.least(7);
      expect(seen.fatals).to.deep.equal([]);
      expect(enc.health.restarts, 'the end of a file and the switches are not crashes').to.equal(0);
      if (archive) {
        const parts = readdirSync(archive).filter((f) => f.endsWith('.ts'));
        expect(parts.length, 'programme parts kept').to.be.at.least(2);
        const seconds = (await Promise.all(parts.map(async (f) => {
          const v = (await probePackets(path.join(archive, f))).filter((p) => p.type === 'video');
          return v.length / 25;
        }))).reduce((a, b) => a + b, 0);
        // The programme is 5 s; the slate's parts around it are deleted, give or take a part at each end.
        expect(seconds, 'seconds of picture in the archive').to.be.within(4, 11);
      }
    });
  }
});
