// The local destination end to end: prepare gives an HLS ingest, the real encoder writes
// it, express serves it safely, and end() leaves an MP4 in the archive listed at
// GET /api/archive with programme, date and duration.
import { expect } from 'chai';
import express from 'express';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LocalArchive, LocalDestination } from '../../src/destinations/index.js';
import { hlsRoot } from '../../src/destinations/local/index.js';
import { archiveRouter } from '../../src/http/routes/archive.js';
import { hlsRouter } from '../../src/http/routes/hls.js';
import { DestinationError, type DestinationContext, type DestinationState } from '../../src/scheduler/ports.js';
import type { Occurrence } from '../../src/schedule/types.js';
import { createLogger } from '../../src/shared/logger.js';
import { binaries, countVideoFrames, hlsSegments } from '../support/ffmpeg-tools.js';
import { parseMasterPlaylist, probeStreams } from '../support/stream-check.js';
import { testOccurrence } from '../support/test-occurrence.js';
import { testEncoderFactory } from '../support/test-encoder-factory.js';

/** On a fixed day, so the archive lists a known date. */
function occurrence(id: string): Occurrence {
  const start = new Date('2026-12-05T08:00:00Z');
  return testOccurrence(id, { start, localStart: '2026-12-05T11:00:00.000+03:00', localEnd: '2026-12-05T11:01:00.000+03:00' });
}

const pending = (name: string): DestinationState => ({ name, kind: 'local', status: 'pending', remote: {} });

function context(): DestinationContext & { persisted: DestinationState[] } {
  const persisted: DestinationState[] = [];
  return {
    persisted,
    persist: async (s) => {
      persisted.push(s);
    },
    signal: new AbortController().signal,
    now: () => new Date(),
  };
}

describe('local destination (real ffmpeg, real HTTP)', function () {
  this.timeout(60_000);
  let dir: string;
  let server: http.Server;
  let base: string;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-local-'));
    const app = express();
    app.use(hlsRouter({ dir: hlsRoot(dir) }));
    app.use(archiveRouter({ archive: new LocalArchive(dir) }));
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams an HLS ladder (picture, a smaller one, audio only) that express serves, and archives the programme as an MP4 listed at /api/archive', async () => {
    // A tiny ladder under the tests' 320x180 picture keeps the CPU low: 180p, 90p, audio.
    const dest = new LocalDestination({ name: 'local', dataDir: dir, ffmpeg: binaries().ffmpeg, logger: createLogger('silent'), minFreeBytes: 1, ladder: [720, 90] });
    const occ = occurrence('story@2026-12-05T11:00');
    const ctx = context();
    let state = await dest.prepare(occ, pending('local'), ctx);
    expect(state.status).to.equal('ready');
    expect(state.ingest).to.deep.include({ format: 'hls' });
    expect(state.watchUrl).to.equal('/hls/story_2026-12-05T11-00/master.m3u8');
    expect(state.ingest!.record).to.be.a('string');

    const encoder = testEncoderFactory(dir).create({ occurrence: occ, outputs: [{ destination: 'local', target: state.ingest! }] });
    try {
      encoder.start('programme');
      state = await dest.awaitIngest(occ, state, ctx);
      state = await dest.goLive(occ, state, ctx);
      expect(state.status).to.equal('live');

      const master = await fetch(base + state.watchUrl!);
      expect(master.status).to.equal(200);
      expect(master.headers.get('content-type')).to.include('application/vnd.apple.mpegurl');
      expect(master.headers.get('cache-control')).to.equal('public, max-age=1');
      // Every rendition, with what a player chooses by: 720 is above the picture, so left out.
      const variants = parseMasterPlaylist(await master.text());
      expect(variants.map((v) => v.uri)).to.deep.equal(['index.m3u8', '90p.m3u8', 'audio.m3u8']);
      expect(variants.map((v) => v.attrs.RESOLUTION)).to.deep.equal(['320x180', '160x90', undefined]);
      for (const v of variants) expect(Number(v.attrs.BANDWIDTH), v.uri).to.be.greaterThan(0);
      expect(variants[0]!.attrs.CODECS).to.match(/^"avc1\.[0-9a-f]{6},mp4a\.40\.2"$/);
      expect(variants[1]!.attrs.CODECS).to.match(/^"avc1\.[0-9a-f]{6},mp4a\.40\.2"$/);
      expect(variants[2]!.attrs.CODECS).to.equal('"mp4a.40.2"');
      expect(Number(variants[0]!.attrs.BANDWIDTH)).to.be.greaterThan(Number(variants[1]!.attrs.BANDWIDTH));
      expect(Number(variants[1]!.attrs.BANDWIDTH)).to.be.greaterThan(Number(variants[2]!.attrs.BANDWIDTH));
      // Each rendition's first segment, served and read back by ffprobe (not by our code).
      const expected = [
        { video: '320x180', audio: true },
        { video: '160x90', audio: true },
        { video: undefined, audio: true },
      ];
      for (const [i, v] of variants.entries()) {
        const text = await (await fetch(`${base}/hls/story_2026-12-05T11-00/${v.uri}`)).text();
        const segment = text.split('\n').find((l) => l.endsWith('.ts'))!;
        const seg = await fetch(`${base}/hls/story_2026-12-05T11-00/${segment}`);
        expect(seg.status).to.equal(200);
        expect(seg.headers.get('content-type')).to.equal('video/mp2t');
        const file = path.join(dir, `probe-${i}.ts`);
        writeFileSync(file, Buffer.from(await seg.arrayBuffer()));
        const streams = await probeStreams(file);
        const video = streams.find((s) => s.codec_type === 'video');
        expect(video ? `${video.width}x${video.height}` : undefined, v.uri).to.equal(expected[i]!.video);
        expect(streams.some((s) => s.codec_type === 'audio' && s.codec_name === 'aac'), v.uri).to.equal(expected[i]!.audio);
      }
      // Let a few seconds of programme be recorded.
      await new Promise<void>((resolve) => {
        const off = encoder.on('health', (h) => {
          if (h.lastProgressAt && hlsSegments(state.ingest!.url).length >= 2) (off(), resolve());
        });
      });
    } finally {
      await encoder.stop();
    }

    state = await dest.end(occ, state, ctx);
    expect(state.status).to.equal('complete');
    for (const name of ['index.m3u8', '90p.m3u8', 'audio.m3u8']) {
      expect(readFileSync(path.join(path.dirname(state.ingest!.url), name), 'utf8'), name).to.include('#EXT-X-ENDLIST');
    }
    const res = await fetch(`${base}/api/archive`);
    expect(res.status).to.equal(200);
    const { items } = (await res.json()) as { items: Array<Record<string, unknown>> };
    expect(items).to.have.length(1);
    expect(items[0]).to.deep.include({
      occurrenceId: occ.id,
      programmeId: 'story',
      title: { tr: 'Masal Saati', en: 'Story Time' },
      localStart: '2026-12-05T11:00:00.000+03:00',
      url: '/archive/story_2026-12-05T11-00.mp4',
    });
    expect(items[0]!.durationS).to.be.greaterThan(2);
    const mp4 = path.join(dir, 'archive', 'story_2026-12-05T11-00.mp4');
    expect(await countVideoFrames(mp4)).to.be.greaterThan(50);
    // The archive keeps the picture alone, not the ladder's other renditions.
    expect((await probeStreams(mp4)).map((x) => `${x.codec_type}${x.width ? ` ${x.width}x${x.height}` : ''}`)).to.deep.equal(['video 320x180', 'audio']);
    const video = await fetch(`${base}/archive/story_2026-12-05T11-00.mp4`, { headers: { range: 'bytes=0-99' } });
    expect(video.status).to.equal(206);
    expect(video.headers.get('content-type')).to.equal('video/mp4');
    // end() again is harmless (idempotent) and keeps the same entry.
    await dest.end(occ, state, ctx);
    expect(await new LocalArchive(dir).list()).to.have.length(1);
  });

  it('without archive keeps no recording, and clears finished streams older than the retention', async () => {
    const dest = new LocalDestination({ name: 'demo', dataDir: dir, ffmpeg: binaries().ffmpeg, logger: createLogger('silent'), minFreeBytes: 1, archive: false, hlsRetentionMs: 3_600_000 });
    const occ = occurrence('demo@2026-12-05T11:00');
    const ctx = context();
    const state = await dest.prepare(occ, pending('demo'), ctx);
    expect(state.ingest!.record).to.equal(undefined);
    // Two finished streams on disk: one ended two hours ago, one a minute ago.
    for (const [name, ageMs] of [['old_2026-12-05T08-00', 7_200_000], ['recent_2026-12-05T10-58', 60_000]] as const) {
      const folder = path.join(hlsRoot(dir), name);
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, 'index.m3u8'), '#EXTM3U\n#EXT-X-ENDLIST\n');
      const then = new Date(Date.now() - ageMs);
      utimesSync(path.join(folder, 'index.m3u8'), then, then);
    }
    const ended = await dest.end(occ, state, ctx);
    expect(ended.status).to.equal('complete');
    expect(ended.remote.archive).to.equal(undefined);
    expect(await new LocalArchive(dir).list()).to.have.length(0);
    expect(existsSync(path.join(hlsRoot(dir), 'old_2026-12-05T08-00'))).to.equal(false);
    expect(existsSync(path.join(hlsRoot(dir), 'recent_2026-12-05T10-58'))).to.equal(true);
  });

  it('refuses traversal and odd names', async () => {
    for (const p of ['/hls/..%2F..%2Fetc/passwd', '/hls/x/..%2F..%2Fpasswd.ts', '/hls/.hidden/index.m3u8', '/hls/a/index.m3u8.bak', '/archive/..%2Fx.mp4', '/hls/nope/index.m3u8']) {
      const res = await fetch(base + p);
      expect(res.status, p).to.equal(404);
    }
  });

  it('refuses to prepare on a disk without the space it needs, saying what to do', async () => {
    const dest = new LocalDestination({ name: 'local', dataDir: dir, ffmpeg: binaries().ffmpeg, logger: createLogger('silent'), minFreeBytes: Number.MAX_SAFE_INTEGER });
    const err = await dest.prepare(occurrence('full@2026-12-05T11:00'), pending('local'), context()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(DestinationError);
    expect((err as DestinationError).code).to.equal('disk-full');
    expect((err as DestinationError).message).to.include('Free space').and.include(dir);
  });

  it('tears down a cancelled broadcast: its HLS folder and parts are removed', async () => {
    const dest = new LocalDestination({ name: 'local', dataDir: dir, ffmpeg: binaries().ffmpeg, logger: createLogger('silent'), minFreeBytes: 1 });
    const occ = occurrence('gone@2026-12-05T11:00');
    const state = await dest.prepare(occ, pending('local'), context());
    expect(existsSync(path.dirname(state.ingest!.url))).to.equal(true);
    const after = await dest.teardown(occ, state, context());
    expect(after.status).to.equal('cancelled');
    expect(existsSync(path.dirname(state.ingest!.url))).to.equal(false);
    // Nothing recorded: end() on a broadcast that never ran keeps no archive entry.
    expect(await new LocalArchive(dir).list()).to.deep.equal([]);
  });
});
