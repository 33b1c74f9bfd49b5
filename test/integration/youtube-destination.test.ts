// The YouTube destination against the emulator: googleapis over HTTP, real ffmpeg pushing
// lavfi video to the emulator's RTMP ingest. Lifecycle, idempotence across crashes, and
// each fault ending in its documented state.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DestinationError, type DestinationState } from '../../src/scheduler/ports.js';
import { YoutubeEmulator, EMULATOR_CLIENT } from '../../src/emulator/youtube/index.js';
import { QuotaLedger, YoutubeApi, YoutubeDestination, createYoutubeServices, occurrenceMarker } from '../../src/destinations/youtube/index.js';
import { createDestinationFactory } from '../../src/destinations/index.js';
import { loadConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { createLogger } from '../../src/shared/logger.js';
import { systemClock } from '../../src/shared/clock.js';
import { destinationFor, initialState, makeOccurrence, RecordingContext, type DestinationRig, emulatorEnv } from '../support/youtube-fixtures.js';
import { startPush, type Push } from '../support/youtube-push.js';
import { waitFor } from '../support/wait.js';

async function failure(p: Promise<unknown>): Promise<DestinationError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(DestinationError);
    return err as DestinationError;
  }
  throw new Error('expected a DestinationError');
}

describe('YouTube destination (emulator, real ffmpeg)', function () {
  this.timeout(60_000);
  let emu: YoutubeEmulator;
  let rig: DestinationRig;
  let push: Push | undefined;

  beforeEach(async () => {
    emu = new YoutubeEmulator({ settleMs: 300, inactiveAfterMs: 1000 });
    await emu.start();
    rig = destinationFor(emu);
  });
  afterEach(async () => {
    await push?.stop();
    push = undefined;
    rig.close();
    await emu.stop();
  });

  async function prepared(occ = makeOccurrence(), ctx = new RecordingContext()): Promise<{ state: DestinationState; ctx: RecordingContext }> {
    const state = await rig.destination.prepare(occ, initialState(), ctx);
    return { state, ctx };
  }

  it('is built from config with its profile (720p30 unless set), which its ingest carries to the output', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-yt-profile-'));
    const db = openDatabase(dir);
    try {
      const build = (overrides: Record<string, unknown>) => {
        const config = loadConfig({
          env: {
            ...emulatorEnv(emu),
          },
          overrides: { 'paths.data': dir, ...overrides },
        });
        const logger = createLogger('silent');
        const youtube = createYoutubeServices({ config, clock: systemClock, logger, db });
        return createDestinationFactory({ config, logger, ffmpeg: 'ffmpeg', youtube })('youtube');
      };
      const byDefault = await build({}).prepare(makeOccurrence(), initialState(), new RecordingContext());
      expect(byDefault.ingest?.profile).to.deep.equal({ width: 1280, height: 720, fps: 30, videoKbps: 3000 });
      const full = await build({ 'destinations.youtube.profile': '1080p30' }).prepare(makeOccurrence(), initialState(), new RecordingContext());
      expect(full.ingest?.profile).to.deep.equal({ width: 1920, height: 1080, fps: 30, videoKbps: 4500 });
      // The stream declares that profile to YouTube in Google's values, not "variable".
      const cdn = (s: DestinationState) => {
        const c = emu.stream(s.remote.streamId!)!.cdn!;
        return { resolution: c.resolution, frameRate: c.frameRate };
      };
      expect(cdn(byDefault)).to.deep.equal({ resolution: '720p', frameRate: '30fps' });
      expect(cdn(full)).to.deep.equal({ resolution: '1080p', frameRate: '30fps' });
      const odd = await build({ 'destinations.youtube.profile': { width: 1024, height: 576, fps: 25, videoKbps: 2000 } }).prepare(makeOccurrence(), initialState(), new RecordingContext());
      expect(cdn(odd)).to.deep.equal({ resolution: 'variable', frameRate: 'variable' });
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prepare → push → awaitIngest → goLive → end: one broadcast, real video, ids persisted first', async () => {
    const occ = makeOccurrence();
    const { state, ctx } = await prepared(occ);
    // The first thing persisted is the broadcast id, before the stream exists.
    expect(ctx.saved[0]!.remote.broadcastId).to.be.a('string');
    expect(ctx.saved[0]!.remote.streamId).to.equal(undefined);
    expect(state.status).to.equal('ready');
    expect(state.ingest?.format).to.equal('flv');
    expect(state.ingest?.url.startsWith(`${emu.ingestionAddress}/`)).to.equal(true);
    const b = emu.broadcast(state.remote.broadcastId!)!;
    expect(b.snippet?.title).to.equal('Masal Saati');
    expect(b.snippet?.description).to.contain(occurrenceMarker(occ.id));
    expect(b.status?.privacyStatus).to.equal('unlisted');
    expect(b.status?.selfDeclaredMadeForKids).to.equal(true);
    expect(b.contentDetails?.monitorStream?.enableMonitorStream).to.equal(false);
    expect(b.contentDetails?.enableAutoStart).to.equal(false);
    expect(b.contentDetails?.enableAutoStop).to.equal(false);
    expect(b.contentDetails?.boundStreamId).to.equal(state.remote.streamId);
    expect(emu.stream(state.remote.streamId!)?.contentDetails?.isReusable).to.equal(false);

    push = startPush(state.ingest!.url);
    const seen = await rig.destination.awaitIngest(occ, state, ctx);
    const t0 = Date.now();
    const live = await rig.destination.goLive(occ, seen, ctx);
    const goLiveMs = Date.now() - t0;
    expect(live.status).to.equal('live');
    expect(live.watchUrl).to.equal(`https://www.youtube.com/watch?v=${state.remote.broadcastId}`);
    expect(emu.broadcast(state.remote.broadcastId!)?.status?.lifeCycleStatus).to.equal('live');
    // goLive returns once YouTube reads live; the emulator settles in 300 ms.
    expect(goLiveMs).to.be.below(5000);
    const ended = await rig.destination.end(occ, live, ctx);
    expect(ended.status).to.equal('complete');
    expect(emu.broadcasts()).to.have.length(1);
    expect(emu.broadcasts()[0]!.status?.lifeCycleStatus).to.equal('complete');
    expect(emu.ingestStats(state.remote.streamId!).videoFrames).to.be.greaterThan(0);
    // Our ledger counted exactly what the emulator charged.
    expect(rig.ledger.usage().units).to.equal(emu.quotaUsed());
  });

  it('a crash between insert and persist: prepare again finds the marker, no duplicate', async () => {
    const occ = makeOccurrence();
    const ctx = new RecordingContext();
    ctx.failPersists = 1;
    await failure(rig.destination.prepare(occ, initialState(), ctx));
    expect(emu.broadcasts()).to.have.length(1);
    // After restart: nothing was persisted, the state is the initial one.
    const again = await rig.destination.prepare(occ, initialState(), new RecordingContext());
    expect(emu.broadcasts()).to.have.length(1);
    expect(again.remote.broadcastId).to.equal(emu.broadcasts()[0]!.id);
    expect(emu.streams()).to.have.length(1);
  });

  it('a restart with the persisted state reattaches without inserting anything', async () => {
    const occ = makeOccurrence();
    const { state } = await prepared(occ);
    const inserts = (): number => emu.calls.filter((c) => c.method.endsWith('.insert')).length;
    const before = inserts();
    const again = await rig.destination.prepare(occ, state, new RecordingContext());
    expect(inserts()).to.equal(before);
    expect(again.remote).to.deep.equal(state.remote);
    // A crash after the stream insert but before its persist also finds the stream by marker.
    const noStream = { ...state, remote: { broadcastId: state.remote.broadcastId! } };
    const third = await rig.destination.prepare(occ, noStream, new RecordingContext());
    expect(inserts()).to.equal(before);
    expect(third.remote.streamId).to.equal(state.remote.streamId);
  });

  it('update rewrites every snippet field and keeps the marker; teardown removes an unaired event', async () => {
    const occ = makeOccurrence();
    const { state, ctx } = await prepared(occ);
    const moved = { ...occ, title: { tr: 'Masal Saati (yeni saat)', en: 'Story Time' }, start: new Date(occ.start.getTime() + 3_600_000), end: new Date(occ.end.getTime() + 3_600_000) };
    await rig.destination.update(moved, state, ctx);
    const b = emu.broadcast(state.remote.broadcastId!)!;
    expect(b.snippet?.title).to.equal('Masal Saati (yeni saat)');
    expect(b.snippet?.scheduledStartTime).to.equal(moved.start.toISOString());
    expect(b.snippet?.scheduledEndTime).to.equal(moved.end.toISOString());
    expect(b.snippet?.description).to.contain(occurrenceMarker(occ.id));
    const gone = await rig.destination.teardown(occ, state, ctx);
    expect(gone.status).to.equal('cancelled');
    expect(emu.broadcasts()).to.have.length(0);
    expect(emu.streams()).to.have.length(0);
  });

  it('sets the thumbnail the programme names', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'onair-thumb-'));
    const file = path.join(dir, 'kapak.png');
    writeFileSync(file, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    try {
      const occ = makeOccurrence({ youtube: { privacy: 'public', madeForKids: false, thumbnail: file } });
      const { state } = await prepared(occ);
      expect(emu.thumbnailBytes(state.remote.broadcastId!)).to.equal(16);
      expect(state.remote.thumbnail).to.equal(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('quota exhausted: a non-retryable quotaExceeded that says when it resets', async () => {
    emu.exhaustQuota();
    const err = await failure(prepared());
    expect(err.code).to.equal('quotaExceeded');
    expect(err.retryable).to.equal(false);
    expect(err.message).to.match(/midnight Pacific/);
  });

  it('token revoked mid-way: a non-retryable error telling staff to run onair auth youtube', async () => {
    const occ = makeOccurrence();
    const { state, ctx } = await prepared(occ);
    emu.revokeTokens();
    const err = await failure(rig.destination.goLive(occ, state, ctx));
    expect(err.code).to.equal('youtube-token-revoked');
    expect(err.retryable).to.equal(false);
    expect(err.message).to.contain('onair auth youtube');
    // Logged as the engine might log it, nothing secret comes out.
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => void lines.push(l) });
    logger.error({ err }, 'destination failed');
    expect(lines.join('')).to.contain('youtube-token-revoked');
    expect(lines.join('')).to.not.contain(rig.refreshToken);
    expect(lines.join('')).to.not.contain(EMULATOR_CLIENT.clientSecret);
  });

  it('a 5xx burst and rate limits are retried with backoff, every attempt counted', async () => {
    emu.failNext(2, 503);
    emu.rateLimit(1, 429);
    const { state } = await prepared();
    expect(state.status).to.equal('ready');
    const refused = emu.calls.filter((c) => c.status >= 429);
    expect(refused).to.have.length(3);
    expect(rig.ledger.usage().units).to.equal(emu.quotaUsed());
    expect(emu.broadcasts()).to.have.length(1);
  });

  it('liveStreamingNotEnabled and missing credentials end in clear, non-retryable errors', async () => {
    emu.setLiveStreamingEnabled(false);
    const err = await failure(prepared());
    expect(err.code).to.equal('liveStreamingNotEnabled');
    expect(err.retryable).to.equal(false);
    const unconfigured = new YoutubeDestination({
      name: 'youtube',
      api: { problem: 'YouTube is not set up: ONAIR_YOUTUBE_REFRESH_TOKEN missing' },
      language: 'tr',
      clock: systemClock,
      logger: createLogger('silent'),
    });
    const e2 = await failure(unconfigured.prepare(makeOccurrence(), initialState(), new RecordingContext()));
    expect(e2.code).to.equal('youtube-not-configured');
    expect(e2.message).to.contain('ONAIR_YOUTUBE_REFRESH_TOKEN');
  });

  it('goLive retries errorStreamInactive while the stream settles; redundantTransition is success', async () => {
    const occ = makeOccurrence();
    const { state, ctx } = await prepared(occ);
    // goLive before any data: errorStreamInactive, retried; the push starts meanwhile.
    const going = rig.destination.goLive(occ, state, ctx);
    await waitFor('emu.calls.some((c) => c.reason === errorStreamInactive)', () => emu.calls.some((c) => c.reason === 'errorStreamInactive'));
    push = startPush(state.ingest!.url);
    const live = await going;
    expect(live.status).to.equal('live');
    // A second goLive (a restart mid-air) is harmless.
    const again = await rig.destination.goLive(occ, live, ctx);
    expect(again.status).to.equal('live');
    expect(emu.broadcasts()).to.have.length(1);
  });

  it('awaitIngest gives up (retryable) when no video arrives, instead of polling forever', async () => {
    rig.close();
    rig = destinationFor(emu, { maxWaitMs: 800 });
    const occ = makeOccurrence();
    const { state, ctx } = await prepared(occ);
    const err = await failure(rig.destination.awaitIngest(occ, state, ctx));
    expect(err.code).to.equal('errorStreamInactive');
    expect(err.retryable).to.equal(true);
    const polls = emu.calls.filter((c) => c.method === 'liveStreams.list').length;
    expect(polls).to.be.below(20);
  });

  it('a stream that drops mid-air: the event stays live, the stream comes back, end completes', async () => {
    const occ = makeOccurrence();
    const { state, ctx } = await prepared(occ);
    push = startPush(state.ingest!.url);
    const live = await rig.destination.goLive(occ, await rig.destination.awaitIngest(occ, state, ctx), ctx);
    const streamId = state.remote.streamId!;
    // A 3 s drop stands for the 20 s one: both are shorter than YouTube's ~1 minute no-data end.
    emu.dropStream(streamId, 3000);
    expect(emu.stream(streamId)?.status?.streamStatus).to.equal('inactive');
    await waitFor('emu.stream(streamId)?.status?.streamStatus === active', () => emu.stream(streamId)?.status?.streamStatus === 'active', 20_000);
    expect(emu.broadcast(state.remote.broadcastId!)?.status?.lifeCycleStatus).to.equal('live');
    const ended = await rig.destination.end(occ, live, ctx);
    expect(ended.status).to.equal('complete');
  });

  it('a drop longer than YouTube tolerates: YouTube ends the event and end() reports complete', async () => {
    await emu.stop();
    emu = new YoutubeEmulator({ settleMs: 200, inactiveAfterMs: 500, noDataEndMs: 1500 });
    await emu.start();
    rig.close();
    rig = destinationFor(emu);
    const occ = makeOccurrence();
    const { state, ctx } = await prepared(occ);
    push = startPush(state.ingest!.url);
    const live = await rig.destination.goLive(occ, await rig.destination.awaitIngest(occ, state, ctx), ctx);
    await push.stop();
    push = undefined;
    await waitFor('emu.broadcast(state.remote.broadcastId!)?.status?.lifeCycleStatus ===', () => emu.broadcast(state.remote.broadcastId!)?.status?.lifeCycleStatus === 'complete', 20_000);
    const ended = await rig.destination.end(occ, live, ctx);
    expect(ended.status).to.equal('complete');
  });

  it('warns in the log once when today\'s counted usage passes 80% and 100% of the quota', async () => {
    const lines: string[] = [];
    const logger = createLogger('warn', { write: (l: string) => void lines.push(l) });
    const ledger = new QuotaLedger({ db: rig.db, clock: systemClock, dailyQuota: 120 });
    const api = new YoutubeApi({
      apiRoot: emu.rootUrl,
      tokenUrl: emu.tokenUrl,
      credentials: { ...EMULATOR_CLIENT, refreshToken: rig.refreshToken, source: 'environment' },
      clock: systemClock,
      logger,
      ledger,
    });
    const dest = new YoutubeDestination({ name: 'youtube', api, language: 'en', clock: systemClock, logger, pollMs: 200 });
    const state = await dest.prepare(makeOccurrence(), initialState(), new RecordingContext());
    expect(emu.broadcast(state.remote.broadcastId!)?.snippet?.title).to.equal('Story Time');
    const warnings = lines.filter((l) => l.includes('YouTube quota: onair has used'));
    expect(warnings).to.have.length(2);
  });
});
