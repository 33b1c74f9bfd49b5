// One continuous output per broadcast, checked through real ffmpeg and a real RTMP
// receiver on loopback, with ffprobe and an RFC 8216 playlist reader as independent
// judges: slate -> programme -> slate -> programme, and a killed programme decoder, all
// happen inside one RTMP publish whose timestamps only go forward, in one HLS playlist
// without a discontinuity, written atomically; a killed output is the one thing that
// reconnects, and its playlist and timeline continue.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SupervisedEncoder } from '../../src/media/index.js';
import { findSlateFont } from '../../src/media/binaries.js';
import type { SourceSpec } from '../../src/schedule/types.js';
import { createLogger } from '../../src/shared/logger.js';
import { collectEncoderEvents } from '../support/encoder-events.js';
import { countVideoFrames, ffmpegChildOf, hlsSegments, waitFor } from '../support/ffmpeg-tools.js';
import { RtmpReceiver } from '../support/rtmp-receiver.js';
import { probePackets, probeStreams, readMediaPlaylist, timestampRegressions } from '../support/stream-check.js';
import { testEncoderFactory } from '../support/test-encoder-factory.js';
import { testOccurrence } from '../support/test-occurrence.js';

const pattern: SourceSpec = { kind: 'testPattern', pattern: 'testsrc2', toneHz: 440 };

/** Reads the playlist 20 times a second and counts reads that found it empty. */
function pollPlaylist(file: string): { stop: () => { reads: number; empty: number } } {
  let reads = 0;
  let empty = 0;
  const timer = setInterval(() => {
    if (!existsSync(file)) return;
    try {
      reads++;
      if (readFileSync(file, 'utf8').length === 0) empty++;
    } catch {
      // Renamed away between the check and the read: not an empty read.
    }
  }, 50);
  return { stop: () => (clearInterval(timer), { reads, empty }) };
}

describe('media: one continuous output per broadcast (real ffmpeg, real RTMP receiver)', function () {
  this.timeout(120_000);
  let dir: string;
  let receiver: RtmpReceiver;
  let e: SupervisedEncoder;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-continuity-'));
    receiver = await RtmpReceiver.start(dir);
  });

  afterEach(async () => {
    await e?.stop();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Kinds of the decoders started, in order, read from the encoder's log as it writes it. */
  let decodersStarted: string[];

  function create(id: string, playlist: string, ladder?: number[]): SupervisedEncoder {
    decodersStarted = [];
    const logger = createLogger('info', {
      write: (line: string) => {
        const entry = JSON.parse(line) as { msg?: string; role?: string; kind?: string };
        if (entry.msg === 'ffmpeg started' && entry.role === 'decoder' && entry.kind) decodersStarted.push(entry.kind);
      },
    });
    e = testEncoderFactory(dir, { stopTimeoutMs: 3000 }, { fontFile: findSlateFont(), logger }).create({
      occurrence: testOccurrence(`${id}@2026-12-05T11:00`, { source: pattern }),
      outputs: [
        { destination: 'local', target: { url: playlist, format: 'hls', ...(ladder ? { ladder } : {}) } },
        { destination: 'relay', target: { url: receiver.url, format: 'flv' } },
      ],
    });
    return e;
  }

  it('switches slate -> programme -> slate -> programme and survives a killed decoder inside one publish', async () => {
    const playlist = path.join(dir, 'hls', 'index.m3u8');
    const enc = create('switch', playlist);
    const seen = collectEncoderEvents(enc);
    const poll = pollPlaylist(playlist);
    const onAir = (kind: 'slate' | 'programme') =>
      waitFor(`the ${kind} on air`, () => enc.decoder?.kind === kind && enc.health.phase === kind && enc.health.fps > 0, 30_000);
    const framesGrow = async (what: string) => {
      const before = await receiver.framesReceived();
      await waitFor(what, async () => (await receiver.framesReceived()) >= before + 25, 30_000, 300);
    };

    enc.start('slate');
    await onAir('slate');
    await framesGrow('slate frames at the receiver');
    enc.show('programme');
    await onAir('programme');
    await framesGrow('programme frames at the receiver');
    enc.show('slate');
    await onAir('slate');
    await framesGrow('slate frames again');
    enc.show('programme');
    await onAir('programme');
    await framesGrow('programme frames again');

    // A decoder that dies is replaced by the slate, then the programme comes back.
    const decoder = enc.decoder!;
    const ffmpeg = await waitFor('the programme decoder', () => ffmpegChildOf(decoder.pid), 5000);
    const startedBefore = decodersStarted.length;
    process.kill(ffmpeg, 'SIGKILL');
    await waitFor('the slate after the kill', () => decodersStarted[startedBefore] === 'slate', 10_000);
    await onAir('programme');
    await framesGrow('programme frames after the kill');
    await waitFor('4 HLS segments', () => hlsSegments(playlist).length >= 4, 30_000);

    expect(receiver.recordings.length, 'RTMP connections (a reconnect starts a new recording)').to.equal(1);
    const packets = await probePackets(receiver.recordings[0]!);
    expect(packets.filter((p) => p.type === 'video').length).to.be.above(100);
    expect(timestampRegressions(packets), 'timestamps going back at the receiver').to.deep.equal([]);

    const pl = readMediaPlaylist(playlist);
    expect(pl.problems).to.deep.equal([]);
    expect(pl.independentSegments).to.equal(true);
    expect(pl.segments.filter((s) => s.discontinuity), 'discontinuities in the playlist').to.deep.equal([]);
    // The newest segments: older ones may be deleted as the window slides.
    for (const s of hlsSegments(playlist).slice(-3)) {
      const seg = await probePackets(s);
      expect(seg.find((p) => p.type === 'video')?.key, `${path.basename(s)} starts with a keyframe`).to.equal(true);
      expect(timestampRegressions(seg)).to.deep.equal([]);
    }
    const { reads, empty } = poll.stop();
    expect(reads).to.be.above(20);
    expect(empty, 'playlist reads that found it empty').to.equal(0);
    expect(enc.health.restarts, 'the killed decoder counts as one restart').to.equal(1);
    expect(seen.problems.map((p) => p.code)).to.include('ffmpeg-exit');
    expect(seen.fatals).to.deep.equal([]);
  });

  it('restarts a killed output at once: a new publish, and the HLS timeline continues in every rendition of the ladder', async () => {
    const playlist = path.join(dir, 'hls', 'index.m3u8');
    // The picture, a 90p rendition and audio only; RTMP keeps the picture alone.
    const enc = create('output', playlist, [90]);
    const seen = collectEncoderEvents(enc);
    enc.start('programme');
    await waitFor('3 HLS segments', () => hlsSegments(playlist).length >= 3, 30_000);
    const decoderBefore = enc.decoder!.pid;
    const output = await waitFor('the output ffmpeg', () => ffmpegChildOf(enc.pid!), 5000);
    const segmentsBefore = hlsSegments(playlist).length;
    process.kill(output, 'SIGKILL');
    // The receiver starts a new recording when a publisher leaves: the second one fills.
    await waitFor('a second RTMP publish', async () => receiver.recordings.length === 2 && (await countVideoFrames(receiver.recordings[1]!)) >= 25, 30_000, 300);
    await waitFor('new HLS segments', () => hlsSegments(playlist).length >= segmentsBefore + 3, 30_000);
    expect(enc.decoder?.pid, 'the decoder kept running').to.equal(decoderBefore);
    expect(receiver.recordings.length, 'one reconnect, no more').to.equal(2);
    expect(enc.health.restarts).to.equal(1);
    expect(seen.problems.map((p) => p.code)).to.include('ffmpeg-exit');
    const pl = readMediaPlaylist(playlist);
    expect(pl.problems).to.deep.equal([]);
    // The restarted output continues the timeline, so no discontinuity is needed.
    expect(pl.segments.filter((s) => s.discontinuity)).to.deep.equal([]);
    const all: number[] = [];
    for (const s of hlsSegments(playlist)) {
      const first = (await probePackets(s)).find((p) => p.type === 'video');
      if (first) all.push(first.dts);
    }
    expect(all, 'segment start times only go forward').to.deep.equal([...all].sort((a, b) => a - b));
    // Every rendition continued too, cut at the same keyframes: the same segment numbers.
    const numbers = (file: string): number[] => readMediaPlaylist(file).segments.map((x) => Number(/(\d+)\.ts$/.exec(x.uri)![1]));
    const top = numbers(playlist);
    for (const name of ['90p.m3u8', 'audio.m3u8']) {
      const other = path.join(dir, 'hls', name);
      const pl2 = readMediaPlaylist(other);
      expect(pl2.problems, name).to.deep.equal([]);
      expect(pl2.segments.filter((x) => x.discontinuity), name).to.deep.equal([]);
      const mine = numbers(other);
      expect(mine, `${name} numbers only go forward`).to.deep.equal([...mine].sort((a, b) => a - b));
      // Each playlist is written on its own: compare where both are.
      const common = mine.filter((n) => top.includes(n));
      expect(common.length, `${name} shares segment numbers with index.m3u8`).to.be.at.least(3);
      expect(Math.max(...mine)).to.be.greaterThan(segmentsBefore);
    }
    expect(readFileSync(path.join(dir, 'hls', 'master.m3u8'), 'utf8')).to.include('audio.m3u8');
    // The relay got the picture alone: one video stream, one audio stream.
    const relay = await probeStreams(receiver.recordings[1]!);
    expect(relay.map((x) => `${x.codec_type}${x.width ? ` ${x.width}x${x.height}` : ''}`)).to.deep.equal(['video 320x180', 'audio']);
  });
});
