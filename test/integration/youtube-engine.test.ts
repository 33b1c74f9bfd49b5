// Faults with the real broadcast engine: the engine drives the YouTube destination
// (googleapis over HTTP), real ffmpeg pushes to the emulator's RTMP ingest, and another
// destination (a port fake) shares each occurrence. Each fault ends in its documented state
// and the other destination carries on. (The happy path and restarts, SIGKILL included, are
// covered with the real binary in youtube-rehearse.test.ts and youtube-e2e.test.ts.)
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BroadcastEngine, DEFAULT_TIMING, type BroadcastRecord, type Destination, type DestinationState, type ScheduleReader } from '../../src/scheduler/index.js';
import type { Occurrence } from '../../src/schedule/types.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { openDatabase, SqliteBroadcastStore, type SqliteDatabase } from '../../src/store/index.js';
import { YoutubeEmulator } from '../../src/emulator/youtube/index.js';
import { QuotaLedger, YoutubeDestination } from '../../src/destinations/youtube/index.js';
import { emulatorApi, makeOccurrence } from '../support/youtube-fixtures.js';
import { lavfiEncoders } from '../support/youtube-encoder.js';
import { waitFor } from '../support/wait.js';

/** The occurrence's other destination: a hand-written fake of the port that records what it is asked. */
function otherDestination() {
  const calls: string[] = [];
  const dest = {
    name: 'other',
    kind: 'local' as const,
    async prepare(_o: Occurrence, state: DestinationState) {
      calls.push('prepare');
      return { ...state, status: 'ready' as const, ingest: { url: '/tmp/onair-test-other/index.m3u8', format: 'hls' as const } };
    },
    async awaitIngest(_o: Occurrence, state: DestinationState) {
      calls.push('awaitIngest');
      return state;
    },
    async goLive(_o: Occurrence, state: DestinationState) {
      calls.push('goLive');
      return { ...state, status: 'live' as const };
    },
    async update(_o: Occurrence, state: DestinationState) {
      return state;
    },
    async end(_o: Occurrence, state: DestinationState) {
      calls.push('end');
      return { ...state, status: 'complete' as const };
    },
    async teardown(_o: Occurrence, state: DestinationState) {
      return { ...state, status: 'cancelled' as const };
    },
  } satisfies Destination;
  return { dest, calls };
}

const schedule = (occs: Occurrence[]): ScheduleReader => ({
  occurrences: (from, to) => occs.filter((o) => o.end >= from && o.start <= to).sort((a, b) => a.start.getTime() - b.start.getTime()),
  find: (id) => occs.find((o) => o.id === id),
  onChange: () => () => {},
});

describe('YouTube with the broadcast engine (emulator, real ffmpeg)', function () {
  this.timeout(90_000);
  let emu: YoutubeEmulator;
  let dir: string;
  let db: SqliteDatabase;
  let encoders: ReturnType<typeof lavfiEncoders>;
  const engines: BroadcastEngine[] = [];

  beforeEach(async () => {
    emu = new YoutubeEmulator({ settleMs: 300, inactiveAfterMs: 1500 });
    await emu.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-yt-engine-'));
    db = openDatabase(dir);
    encoders = lavfiEncoders();
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.stop();
    await encoders.stopAll();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
    await emu.stop();
  });

  function engine(occs: Occurrence[], refreshToken: string, other?: Destination): BroadcastEngine {
    const logger = createLogger('silent');
    const api = emulatorApi(emu, {
      refreshToken,
      logger,
      ledger: new QuotaLedger({ db, clock: systemClock, dailyQuota: 10_000 }),
      retry: { baseDelayMs: 50, maxDelayMs: 200 },
    });
    const youtube = new YoutubeDestination({ name: 'youtube', api, language: 'tr', clock: systemClock, logger, pollMs: 250 });
    const e = new BroadcastEngine({
      schedule: schedule(occs),
      store: new SqliteBroadcastStore(db),
      destinations: (name): Destination => {
        if (name === 'youtube') return youtube;
        if (name === 'other' && other) return other;
        throw new Error(`unknown destination ${name}`);
      },
      encoders,
      clock: systemClock,
      timing: { ...DEFAULT_TIMING, prepareLead: 4000, ffmpegLead: 3500, stopTimeout: 2000 },
      logger,
      replanEvery: 0,
      housekeepingEvery: 0,
      destinationTimeout: 20_000,
    });
    engines.push(e);
    return e;
  }

  function stateOf(e: BroadcastEngine, id: string, want: string): Promise<BroadcastRecord> {
    return new Promise((resolve) => {
      const off = e.on('transition', (r: BroadcastRecord) => {
        if (r.occurrenceId === id && r.state === want) {
          off();
          resolve(r);
        }
      });
    });
  }

  describe('faults: each ends in its documented state and the other destination carries on', () => {
    async function day(fault: (occ: Occurrence, e: BroadcastEngine) => void, durationMs = 4000) {
      const start = new Date(Math.ceil((Date.now() + 5000) / 1000) * 1000);
      const occ = makeOccurrence({ start, end: new Date(start.getTime() + durationMs), destinations: ['youtube', 'other'] });
      const other = otherDestination();
      const e = engine([occ], emu.oauth.issueRefreshToken(), other.dest);
      const complete = stateOf(e, occ.id, 'complete');
      fault(occ, e);
      await e.start();
      const done = await complete;
      return { done, other, youtube: done.destinations.find((d) => d.name === 'youtube')! };
    }

    it('quota exhausted: YouTube fails with quotaExceeded (not retried), the other goes live and completes', async () => {
      const { done, other, youtube } = await day(() => emu.exhaustQuota());
      expect(youtube.status).to.equal('failed');
      expect(youtube.error?.code).to.equal('quotaExceeded');
      expect(youtube.error?.retryable).to.equal(false);
      expect(other.calls).to.include.members(['goLive', 'end']);
      expect(done.liveAt).to.be.a('string');
      expect(emu.broadcasts()).to.have.length(0);
    });

    it('token revoked after prepare: YouTube fails asking for onair auth youtube, the other completes', async () => {
      const { other, youtube } = await day((occ, e) => {
        const off = e.on('transition', (r: BroadcastRecord) => {
          if (r.occurrenceId === occ.id && r.state === 'ready') {
            off();
            emu.revokeTokens();
          }
        });
      });
      expect(youtube.status).to.equal('failed');
      expect(youtube.error?.code).to.equal('youtube-token-revoked');
      expect(youtube.error?.message).to.contain('onair auth youtube');
      expect(other.calls).to.include.members(['goLive', 'end']);
      // The event made before the revocation was not duplicated.
      expect(emu.broadcasts()).to.have.length(1);
    });

    it('a 5xx burst while preparing and a stream drop mid-air: YouTube still goes live and completes', async () => {
      const { other, youtube } = await day((occ, e) => {
        emu.failNext(3, 503);
        const off = e.on('transition', (r: BroadcastRecord) => {
          if (r.occurrenceId === occ.id && r.state === 'live') {
            off();
            // Stands for the 20 s drop: shorter than YouTube's ~1 minute, with the same outcome.
            waitFor('emu.broadcasts()[0]?.status?.lifeCycleStatus === live', () => emu.broadcasts()[0]?.status?.lifeCycleStatus === 'live')
              .then(() => emu.dropStream(emu.streams()[0]!.id!, 3000, { disconnect: true }))
              .catch(() => {});
          }
        });
      }, 8000);
      expect(youtube.status).to.equal('complete');
      expect(other.calls).to.include.members(['goLive', 'end']);
      expect(emu.calls.filter((c) => c.status === 503)).to.have.length(3);
      expect(emu.ingestStats(emu.streams()[0]!.id!).publishes).to.be.at.least(2);
      expect(emu.broadcasts()).to.have.length(1);
      expect(emu.broadcasts()[0]!.status?.lifeCycleStatus).to.equal('complete');
    });
  });
});
