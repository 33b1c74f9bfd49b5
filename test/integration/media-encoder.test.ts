// The supervised encoder against real ffmpeg, a real RTMP receiver on loopback and real
// HLS files: both outputs get video at once, a killed ffmpeg comes back within 5 s, one
// failing output leaves the other alone and recovers, bad sources end in clear states,
// and no ffmpeg survives stop().
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEncoderFactory, type EncoderOptions, type SupervisedEncoder } from '../../src/media/index.js';
import { findSlateFont } from '../../src/media/binaries.js';
import type { ErrorInfo, EncoderSpec } from '../../src/scheduler/ports.js';
import type { Occurrence, SourceSpec } from '../../src/schedule/types.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { binaries, ffmpegChildOf, groupPids, hlsSegments, isAlive, waitFor } from '../support/ffmpeg-tools.js';
import { ffmpegProcessesMentioning } from '../support/onair-process.js';
import { RtmpReceiver } from '../support/rtmp-receiver.js';
import { collectEncoderEvents } from '../support/encoder-events.js';
import { testOccurrence } from '../support/test-occurrence.js';
import { SMALL_FORMAT, testEncoderFactory } from '../support/test-encoder-factory.js';

const occurrence = (id: string, source: SourceSpec): Occurrence => testOccurrence(id, { source });

const pattern: SourceSpec = { kind: 'testPattern', pattern: 'testsrc2', toneHz: 440 };

describe('media: supervised encoder (real ffmpeg)', function () {
  this.timeout(60_000);
  let dir: string;
  const encoders: SupervisedEncoder[] = [];
  const receivers: RtmpReceiver[] = [];

  const factory = (extra: Partial<EncoderOptions> = {}) =>
    testEncoderFactory(dir, { stopTimeoutMs: 3000, diskFullGraceMs: 2000, ...extra }, { fontFile: findSlateFont() });

  function encoder(spec: EncoderSpec, extra: Partial<EncoderOptions> = {}): SupervisedEncoder {
    const e = factory(extra).create(spec);
    encoders.push(e);
    return e;
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-media-'));
  });

  afterEach(async () => {
    await Promise.all(encoders.splice(0).map((e) => e.stop()));
    await Promise.all(receivers.splice(0).map((r) => r.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('pushes the slate, then the programme, to an RTMP receiver and local HLS at once; stop leaves no process', async () => {
    const receiver = await RtmpReceiver.start(dir);
    receivers.push(receiver);
    const playlist = path.join(dir, 'hls', 'index.m3u8');
    const e = encoder({
      occurrence: occurrence('both@2026-12-05T11:00', pattern),
      outputs: [
        { destination: 'local', target: { url: playlist, format: 'hls', record: path.join(dir, 'parts') } },
        { destination: 'relay', target: { url: receiver.url, format: 'flv' } },
      ],
    });
    const seen = collectEncoderEvents(e);
    e.start('slate');
    await waitFor('the slate on air', () => seen.health.some((h) => h.phase === 'slate' && h.fps > 0), 20_000);
    e.show('programme');
    await waitFor('the programme on air', () => seen.health.some((h) => h.phase === 'programme'), 20_000);
    await waitFor('3 HLS segments', () => hlsSegments(playlist).length >= 3, 30_000);
    await waitFor('video at the RTMP receiver', async () => (await receiver.framesReceived()) >= 50, 20_000);
    const pgid = e.pid!;
    const ffmpeg = ffmpegChildOf(pgid)!;
    expect(isAlive(ffmpeg)).to.equal(true);
    expect(seen.fatals).to.deep.equal([]);
    await e.stop();
    expect(e.health.phase).to.equal('stopped');
    expect(isAlive(ffmpeg), 'ffmpeg left after stop()').to.equal(false);
    expect(groupPids(pgid), 'processes left after stop()').to.deep.equal([]);
  });

  it('starts the programme asked for while the encoder is still starting (ffmpeg\'s capabilities being read) into the pipe, not beside it', async () => {
    // A link of its own to the same ffmpeg: its capabilities are read afresh (they are cached
    // per path), as at a server's start, when a broadcast can go live while its encoder boots.
    // The programme's decoder used to be started then, before the pipe existed: ffmpeg made a
    // plain file there, and the output read an empty pipe (no data at all) or failed to make it.
    const ffmpeg = path.join(dir, 'bin', 'ffmpeg');
    mkdirSync(path.dirname(ffmpeg));
    symlinkSync(binaries().ffmpeg, ffmpeg);
    const playlist = path.join(dir, 'hls', 'index.m3u8');
    const e = createEncoderFactory({
      ...binaries(),
      ffmpeg,
      runDir: path.join(dir, 'run'),
      clock: systemClock,
      logger: createLogger('silent'),
      options: { defaultFormat: SMALL_FORMAT, stopTimeoutMs: 3000 },
    }).create({ occurrence: occurrence('early@2026-12-05T11:00', pattern), outputs: [{ destination: 'local', target: { url: playlist, format: 'hls' } }] });
    encoders.push(e);
    const seen = collectEncoderEvents(e);
    e.start('slate');
    // The source is prepared (probing is done): the broadcast goes live now.
    await waitFor('the source prepared', () => e.mode !== undefined, 10_000, 1);
    e.show('programme');
    await waitFor('an HLS segment', () => {
      if (seen.fatals.length > 0) throw new Error(`fatal: ${seen.fatals[0]!.message}`);
      return hlsSegments(playlist).length >= 1;
    }, 30_000);
    expect(seen.fatals).to.deep.equal([]);
    expect(seen.problems.map((p) => p.code)).to.not.include('ffmpeg-stalled');
    expect(e.health.phase).to.equal('programme');
  });

  it('is back on air within 5 s after ffmpeg is killed, and counts the restart', async () => {
    const playlist = path.join(dir, 'hls', 'index.m3u8');
    const e = encoder({
      occurrence: occurrence('crash@2026-12-05T11:00', pattern),
      outputs: [{ destination: 'local', target: { url: playlist, format: 'hls' } }],
    });
    const seen = collectEncoderEvents(e);
    e.start('programme');
    await waitFor('progress', () => seen.health.some((h) => h.fps > 0), 20_000);
    const guard = e.pid!;
    const ffmpeg = await waitFor('the ffmpeg child', () => ffmpegChildOf(guard), 5000);
    const killedAt = Date.now();
    process.kill(ffmpeg, 'SIGKILL');
    const back = await waitFor(
      'progress after the kill',
      () => seen.health.find((h) => h.restarts >= 1 && h.lastProgressAt && Date.parse(h.lastProgressAt) > killedAt),
      15_000,
      50,
    );
    const downMs = Date.parse(back.lastProgressAt!) - killedAt;
    expect(downMs, 'ms from kill to data flowing again').to.be.below(5000);
    expect(e.health.restarts).to.equal(1);
    expect(seen.problems.map((p) => p.code)).to.include('ffmpeg-exit');
  });

  it('restarts an ffmpeg that stalls (no progress) and reports it', async () => {
    const e = encoder(
      {
        occurrence: occurrence('stall@2026-12-05T11:00', pattern),
        outputs: [{ destination: 'local', target: { url: path.join(dir, 'hls', 'index.m3u8'), format: 'hls' } }],
      },
      { stallMs: 3000 },
    );
    const seen = collectEncoderEvents(e);
    e.start('programme');
    await waitFor('progress', () => seen.health.some((h) => h.fps > 0), 20_000);
    const ffmpeg = await waitFor('the ffmpeg child', () => ffmpegChildOf(e.pid!), 5000);
    const frozenAt = Date.now();
    process.kill(ffmpeg, 'SIGSTOP'); // alive but frozen, as when an input hangs
    const stalled = await waitFor('a stall problem', () => seen.problems.find((p) => p.code === 'ffmpeg-stalled'), 15_000);
    expect(stalled.message).to.include('no progress');
    await waitFor(
      'progress after the restart',
      () => seen.health.find((h) => h.restarts >= 1 && h.lastProgressAt && Date.parse(h.lastProgressAt) > frozenAt),
      15_000,
    );
    await waitFor('the frozen ffmpeg gone', () => !isAlive(ffmpeg), 5000);
  });

  it('fails with media-missing when the media file does not exist, and starts no ffmpeg', async () => {
    const e = encoder({
      occurrence: occurrence('missing@2026-12-05T11:00', { kind: 'file', path: path.join(dir, 'nope.mp4') }),
      outputs: [{ destination: 'local', target: { url: path.join(dir, 'hls', 'index.m3u8'), format: 'hls' } }],
    });
    const fatal = new Promise<ErrorInfo>((resolve) => e.on('fatal', resolve));
    e.start('slate');
    const err = await fatal;
    expect(err.code).to.equal('media-missing');
    expect(err.message).to.include('nope.mp4').and.include('source:');
    expect(err.retryable).to.equal(false);
    expect(e.pid).to.equal(undefined);
  });

  it('reports an unreachable camera within seconds and keeps the slate on air', async () => {
    const playlist = path.join(dir, 'hls', 'index.m3u8');
    // A port nothing listens on: connection refused, as for a camera that is off.
    const receiver = await RtmpReceiver.start(dir);
    await receiver.stop();
    const e = encoder({
      occurrence: occurrence('camera@2026-12-05T11:00', { kind: 'url', url: `rtmp://127.0.0.1:${receiver.port}/live/cam` }),
      outputs: [{ destination: 'local', target: { url: playlist, format: 'hls' } }],
    });
    const seen = collectEncoderEvents(e);
    const startedAt = Date.now();
    e.start('programme');
    const problem = await waitFor('a source problem', () => seen.problems.find((p) => p.code === 'source-unavailable'), 20_000);
    expect(Date.now() - startedAt).to.be.below(15_000);
    expect(problem.message).to.include('camera').and.include('127.0.0.1');
    await waitFor('the slate on air', () => seen.health.some((h) => h.phase === 'slate' && h.fps > 0), 20_000);
    await waitFor('HLS segments of the slate', () => hlsSegments(playlist).length >= 1, 20_000);
    expect(seen.fatals).to.deep.equal([]);
  });

  it('keeps HLS going while the RTMP receiver is down, and resumes RTMP when it is back', async () => {
    const receiver = await RtmpReceiver.start(dir);
    receivers.push(receiver);
    const playlist = path.join(dir, 'hls', 'index.m3u8');
    const e = encoder({
      occurrence: occurrence('split@2026-12-05T11:00', pattern),
      outputs: [
        { destination: 'local', target: { url: playlist, format: 'hls' } },
        { destination: 'relay', target: { url: receiver.url, format: 'flv' } },
      ],
    });
    const seen = collectEncoderEvents(e);
    e.start('programme');
    await waitFor('video at the receiver', async () => (await receiver.framesReceived()) >= 25, 20_000);
    await receiver.stop();
    const failed = await waitFor('an output problem', () => seen.problems.find((p) => p.code === 'output-failed'), 15_000);
    expect(failed.message).to.include('"relay"').and.not.include('test-key');
    const before = hlsSegments(playlist).at(-1);
    await waitFor('new HLS segments while RTMP is down', () => hlsSegments(playlist).at(-1) !== before, 15_000);
    const recordingsBefore = receiver.recordings.length;
    await receiver.start();
    await waitFor(
      'video in a new recording',
      async () => receiver.recordings.length > recordingsBefore && (await receiver.framesReceived()) > 0 &&
        (await import('../support/ffmpeg-tools.js')).countVideoFrames(receiver.recordings.at(-1)!).then((n) => n >= 25),
      20_000,
      300,
    );
    expect(e.health.restarts, 'the failed output was recovered inside the running ffmpeg').to.equal(0);
    expect(seen.fatals).to.deep.equal([]);
  });

  it('degrades first on a full disk: stops the recording and keeps the live HLS going', async () => {
    const playlist = path.join(dir, 'hls', 'index.m3u8');
    const record = path.join(dir, 'rec');
    const e = encoder(
      {
        occurrence: occurrence('low@2026-12-05T11:00', pattern),
        outputs: [{ destination: 'local', target: { url: playlist, format: 'hls', record } }],
      },
      // Full from the first look (the real statfs against a threshold no disk meets), with
      // the factory's short grace (2 s): a disk under the threshold that still takes the
      // live stream is no failure.
      { minFreeBytes: Number.MAX_SAFE_INTEGER },
    );
    const seen = collectEncoderEvents(e);
    e.start('programme');
    const full = await waitFor('the disk-full problem', () => seen.problems.find((p) => p.code === 'disk-full'), 20_000);
    expect(full.message).to.include('recording of this broadcast is stopped').and.include('live stream goes on');
    const parts = (): string[] => (existsSync(record) ? readdirSync(record).filter((f) => f.endsWith('.ts')).sort() : []);
    // The output runs again without its recording: HLS grows, the recording does not. (The
    // segments are counted once no ffmpeg writes the recording any more: before, a loaded
    // machine let the old output add parts after the count.)
    await waitFor('no ffmpeg writing the recording', () => ffmpegProcessesMentioning(record).length === 0, 30_000);
    await waitFor('HLS segments after the recording stopped', () => hlsSegments(playlist).length >= 2, 30_000);
    const partsThen = parts();
    const before = new Set(hlsSegments(playlist));
    await waitFor('two more HLS segments', () => hlsSegments(playlist).filter((s) => !before.has(s)).length >= 2, 30_000);
    expect(parts()).to.deep.equal(partsThen);
    expect(e.health.restarts, 'stopping the recording is not a crash').to.equal(0);
    expect(seen.fatals).to.deep.equal([]);
  });

  it('ends in disk-full when the disk of the local output is full and the live stream is no longer written', async () => {
    // ffmpeg's HLS muxer ignores failed segment writes, so the encoder watches free space
    // with statfs and whether the playlist is still rewritten. A real full disk needs a
    // mount (root); here the real statfs of the temp folder is compared with a threshold no
    // disk meets, and writes are made to fail by putting a file where the HLS folder was.
    const e = encoder(
      {
        occurrence: occurrence('full@2026-12-05T11:00', pattern),
        outputs: [{ destination: 'local', target: { url: path.join(dir, 'hls', 'index.m3u8'), format: 'hls' } }],
      },
      { minFreeBytes: Number.MAX_SAFE_INTEGER },
    );
    const seen = collectEncoderEvents(e);
    const fatal = new Promise<ErrorInfo>((resolve) => e.on('fatal', resolve));
    e.start('programme');
    const playlist = path.join(dir, 'hls', 'index.m3u8');
    await waitFor('HLS segments', () => hlsSegments(playlist).length >= 1, 20_000);
    // Full, yet written: not failed.
    expect(seen.problems.map((p) => p.code)).to.include('disk-full');
    expect(seen.fatals).to.deep.equal([]);
    rmSync(path.dirname(playlist), { recursive: true, force: true });
    writeFileSync(path.dirname(playlist), 'not a folder');
    const err = await fatal;
    expect(err.code).to.equal('disk-full');
    expect(err.message).to.include('Free space');
    // POST /start answers 409 for a failed broadcast: the message must not send staff there.
    expect(err.message).to.include('start this broadcast again from the control room (Start again) while its time has not passed');
    expect(seen.problems.map((p) => p.code)).to.include('disk-full');
    expect(e.pid).to.equal(undefined);
  });
});
