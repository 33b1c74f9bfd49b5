// Sources against real ffmpeg: a file on the local destination alone is copied as it is, and
// one with sparse keyframes bound for RTMP is encoded, saying why; a playlist whose next item disappears mid-way puts the slate up, says so, and
// goes back to the programme when the file is back.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decideMode, probeFile, type SupervisedEncoder } from '../../src/media/index.js';
import type { EncoderHealth, EncoderSpec } from '../../src/scheduler/ports.js';
import type { Occurrence, SourceSpec } from '../../src/schedule/types.js';
import { FakeCamera } from '../support/ffmpeg-camera.js';
import { makeClip } from '../support/ffmpeg-fixtures.js';
import { binaries, ffmpegChildOf, hlsSegments, waitFor } from '../support/ffmpeg-tools.js';
import { collectEncoderEvents } from '../support/encoder-events.js';
import { testOccurrence } from '../support/test-occurrence.js';
import { testEncoderFactory } from '../support/test-encoder-factory.js';

const occurrence = (id: string, source: SourceSpec): Occurrence => testOccurrence(id, { source });

describe('media: sources (real ffmpeg)', function () {
  this.timeout(60_000);
  let dir: string;
  const encoders: SupervisedEncoder[] = [];

  const create = (id: string, source: SourceSpec, rtmp?: string): SupervisedEncoder => {
    const outputs: EncoderSpec['outputs'] = [{ destination: 'local', target: { url: path.join(dir, id.split('@')[0]!, 'index.m3u8'), format: 'hls' } }];
    if (rtmp) outputs.push({ destination: 'relay', target: { url: rtmp, format: 'flv' } });
    const e = testEncoderFactory(dir, { sourceRetryMs: 1000 }).create({ occurrence: occurrence(id, source), outputs });
    encoders.push(e);
    return e;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-sources-'));
  });
  afterEach(async () => {
    await Promise.all(encoders.splice(0).map((e) => e.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('probes files: H.264/AAC on local HLS alone is copied; a 5 s GOP bound for RTMP is encoded', async () => {
    const good = makeClip(path.join(dir, 'good.mp4'), { seconds: 6 });
    const sparse = makeClip(path.join(dir, 'sparse.mp4'), { seconds: 12, gopS: 5 });
    const info = await probeFile(good, binaries());
    expect(info.video).to.deep.include({ codec: 'h264', width: 320, height: 180 });
    expect(info.video!.maxKeyframeGapS).to.be.closeTo(2, 0.05);
    expect(info.audio).to.deep.include({ codec: 'aac', sampleRate: 48000 });

    const copy = create('copy@x', { kind: 'file', path: good });
    const health: EncoderHealth[] = [];
    copy.on('health', (h) => health.push(h));
    copy.start('programme');
    await waitFor('the copied programme on air', () => health.some((h) => h.phase === 'programme' && h.fps > 0), 20_000);
    expect(decideMode(info).mode).to.equal('copy');
    expect(copy.mode!.mode).to.equal('copy');
    expect(copy.mode!.reason).to.match(/every destination is local HLS.*copied as it is/);
    await waitFor('HLS segments', () => hlsSegments(path.join(dir, 'copy', 'index.m3u8')).length >= 1, 20_000);

    // Nothing listens there: the mode is decided before any connection.
    const enc = create('enc@x', { kind: 'file', path: sparse }, 'rtmp://127.0.0.1:9/live/nobody');
    enc.start('slate');
    await waitFor('prepared', () => enc.mode, 20_000);
    expect(enc.mode!.mode).to.equal('encode');
    expect(enc.mode!.reason).to.match(/"relay" is RTMP, which needs keyframes at most 2 s apart; the source's are 5\.\d\d s apart/);
  });

  it('runs no scale/pad/fps for a file already in the broadcast\'s picture, and fits one that is not', async () => {
    const cmdline = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const decoderArgsOf = async (e: SupervisedEncoder): Promise<string[]> => {
      await waitFor('the programme on air', () => e.decoder?.kind === 'programme' && e.health.phase === 'programme', 20_000);
      return cmdline(await waitFor('its decoder', () => ffmpegChildOf(e.decoder!.pid), 5000));
    };
    // Keyframes 2 s apart: it lends the broadcast its own picture (320x180 at 25 fps), encoded for RTMP.
    const same = create('same@x', { kind: 'file', path: makeClip(path.join(dir, 'same.mp4'), { seconds: 8 }) }, 'rtmp://127.0.0.1:9/live/nobody');
    same.start('programme');
    const sameArgs = await decoderArgsOf(same);
    expect(same.mode!.mode).to.equal('encode');
    expect(sameArgs, 'no fit filter').to.not.include('-vf');
    expect(sameArgs).to.include('mpeg2video');
    // 4:3 with sparse keyframes: encoded at a 16:9 size, so scaled and padded.
    const other = create('other@x', { kind: 'file', path: makeClip(path.join(dir, 'other.mp4'), { seconds: 8, size: '320x240', gopS: 5 }) }, 'rtmp://127.0.0.1:9/live/nobody');
    other.start('programme');
    const otherArgs = await decoderArgsOf(other);
    expect(otherArgs[otherArgs.indexOf('-vf') + 1]).to.match(/^scale=\d+:\d+:force_original_aspect_ratio=decrease,pad=/);
  });

  it('puts the slate up when the next playlist item is missing, and returns to the programme when it is back', async () => {
    const a = makeClip(path.join(dir, 'a.mp4'), { seconds: 3 });
    const b = makeClip(path.join(dir, 'b.mp4'), { seconds: 30 });
    const e = create('list@x', { kind: 'playlist', items: [a, b] });
    const { problems, fatals, health } = collectEncoderEvents(e);
    e.start('programme');
    await waitFor('the programme on air', () => health.some((h) => h.phase === 'programme' && h.fps > 0), 20_000);
    renameSync(b, `${b}.away`); // gone before the playlist reaches it
    const problem = await waitFor('a source problem', () => problems.find((p) => p.code === 'source-unavailable'), 20_000);
    expect(problem.message).to.include('b.mp4').and.include('slate');
    const slateAt = health.length;
    await waitFor('the slate on air', () => health.slice(slateAt).some((h) => h.phase === 'slate' && h.fps > 0), 20_000);
    renameSync(`${b}.away`, b);
    const backAt = health.length;
    await waitFor('the programme back', () => health.slice(backAt).some((h) => h.phase === 'programme' && h.fps > 0), 20_000);
    expect(fatals).to.deep.equal([]);
    expect(e.health.restarts, 'a missing source is not a crash').to.equal(0);
  });

  it('shows the slate ("has ended") when the media ends before the scheduled end', async () => {
    const clip = makeClip(path.join(dir, 'short.mp4'), { seconds: 3 });
    const e = create('short@x', { kind: 'file', path: clip });
    const { problems, health } = collectEncoderEvents(e);
    e.start('programme');
    await waitFor('the programme on air', () => health.some((h) => h.phase === 'programme' && h.fps > 0), 20_000);
    const ended = await waitFor('the end of the media', () => problems.find((p) => p.code === 'source-ended'), 20_000);
    expect(ended.retryable).to.equal(false);
    const at = health.length;
    await waitFor('the slate after the end', () => health.slice(at).some((h) => h.phase === 'slate' && h.fps > 0), 20_000);
    expect(e.health.restarts, 'the end of a file is not a crash').to.equal(0);
  });

  it('puts the slate up when the camera goes away mid-air, and returns to it when it is back', async () => {
    const camera = await FakeCamera.start();
    try {
      const e = create('cam@x', { kind: 'url', url: camera.url });
      const { problems, health } = collectEncoderEvents(e);
      e.start('programme');
      await waitFor('the camera on air', () => health.some((h) => h.phase === 'programme' && h.fps > 0), 30_000);
      await camera.switchOff();
      const gone = await waitFor('a source problem', () => problems.find((p) => p.code === 'source-unavailable'), 20_000);
      expect(gone.message).to.include('camera').and.include(`127.0.0.1:${camera.port}`);
      const at = health.length;
      await waitFor('the slate on air', () => health.slice(at).some((h) => h.phase === 'slate' && h.fps > 0), 20_000);
      await camera.switchOn();
      const back = health.length;
      await waitFor('the camera back on air', () => health.slice(back).some((h) => h.phase === 'programme' && h.fps > 0), 30_000);
    } finally {
      await camera.switchOff();
    }
  });
});
