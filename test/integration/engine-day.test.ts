// The engine end to end, black-box: the real `onair run` process with real ffmpeg (lavfi
// test patterns), the real local (HLS) destination served over HTTP and the real rtmp
// destination pushing to an RTMP receiver on loopback. Leads and durations are short
// (seconds) through a test config dir; start times are to the second (six-field cron).
// "On time" is asserted in the broadcasts' own records and in the order of events (ready
// before the second, live at or after it, ended at or after the end and before the next
// programme is due); how close to the second is measured by `npm run bench:start -- --real`.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RtmpReceiver } from '../support/rtmp-receiver.js';
import { ffmpegProcessesMentioning, makeOnairDirs, OnairProcess, type OnairDirs } from '../support/onair-process.js';
import { firstMediaPlaylist } from '../support/stream-check.js';
import {
  expectLiveOnItsSecond,
  getBroadcast,
  getTransitions,
  occurrenceId,
  secondsFromNow,
  transitionAt,
  until,
  untilState,
  writeSchedule,
  type ProgrammeSpec,
} from './engine-support.js';

const ENGINE = { prepareLead: '5s', ffmpegLead: '4s', lateStartGrace: '20s', planAhead: '1h', stopTimeout: '3s' };
const NORMAL_PATH = ['∅→scheduled', 'scheduled→preparing', 'preparing→ready', 'ready→live', 'live→ending', 'ending→complete'];

function path_(t: Array<{ from?: string; to: string }>): string[] {
  return t.map((e) => `${e.from ?? '∅'}→${e.to}`);
}

/** Segment URIs of an HLS playlist served by onair (watch URL relative to the server). */
/** The segment URLs (absolute) of the top rendition behind a watch URL (a master playlist, or a media one). */
async function playlistSegments(onair: OnairProcess, watchUrl: string): Promise<string[]> {
  const read = async (url: URL): Promise<string | undefined> => {
    const res = await fetch(url);
    return res.ok ? res.text() : undefined;
  };
  const watch = new URL(watchUrl, onair.baseUrl);
  const text = await read(watch);
  if (text === undefined) return [];
  const media = new URL(firstMediaPlaylist(watch.pathname, text), onair.baseUrl);
  const list = media.pathname === watch.pathname ? text : await read(media);
  return (list ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => new URL(l, media).href);
}

describe('engine end to end: a two-minute day (real onair, ffmpeg, HLS, RTMP)', function () {
  this.timeout(240_000);
  let dirs: OnairDirs;
  let receiver: RtmpReceiver;
  let onair: OnairProcess | undefined;

  beforeEach(async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-rtmp-'));
    receiver = await RtmpReceiver.start(tmp);
    dirs = makeOnairDirs({
      engine: ENGINE,
      // The local stream without its lower renditions (the ladder has tests of its own in
      // media-delivery and destination-local): one x264 encode less per programme, so this
      // wall-speed day keeps its timing when the suite loads the machine.
      destinations: { local: { type: 'local', ladder: [] }, relay: { type: 'rtmp', url: receiver.baseUrl, keyEnv: 'ONAIR_RELAY_KEY' } },
    });
  });

  afterEach(async () => {
    await onair?.stop();
    onair = undefined;
    await receiver.stop();
    // No ffmpeg of this test may outlive it.
    const left = ffmpegProcessesMentioning(dirs.root);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    expect(left, 'ffmpeg processes left behind').to.deep.equal([]);
    fs.rmSync(dirs.root, { recursive: true, force: true });
    fs.rmSync(receiver.dir, { recursive: true, force: true });
  });

  const start = (): Promise<OnairProcess> =>
    OnairProcess.start({ dirs, env: { ONAIR_RELAY_KEY: receiver.key } });

  it('airs three occurrences on time, survives an ffmpeg kill, and ends a cancelled one mid-air', async () => {
    // Timed from readiness, not from a guess at how long onair takes to start on a busy machine.
    onair = await start();
    const t0 = secondsFromNow(12_000);
    const a: ProgrammeSpec = { id: 'day-a', start: t0, seconds: 20, destinations: ['local', 'relay'] };
    const b: ProgrammeSpec = { id: 'day-b', start: new Date(t0.getTime() + 25_000), seconds: 20, destinations: ['local'] };
    const c: ProgrammeSpec = { id: 'day-c', start: new Date(t0.getTime() + 50_000), seconds: 30, destinations: ['local'] };
    writeSchedule(dirs.schedules, 'day.yaml', [a, b, c]);
    const [ida, idb, idc] = [a, b, c].map(occurrenceId) as [string, string, string];

    // A: local + rtmp, live on its second.
    const liveA = await untilState(onair, ida, 'live', 30_000);
    expectLiveOnItsSecond(liveA, await getTransitions(onair, ida), 'A');
    const localA = liveA.destinations.find((d) => d.name === 'local')!;
    expect(localA.watchUrl, 'local watch URL').to.be.a('string');
    const segsA = await until('A playlist to list segments', async () => {
      const s = await playlistSegments(onair!, localA.watchUrl!);
      return s.length >= 2 ? s : undefined;
    }, 15_000, 250);
    const seg = await fetch(segsA[0]!);
    expect(seg.status).to.equal(200);
    expect((await seg.arrayBuffer()).byteLength).to.be.greaterThan(1000);
    await until('A relay to be live', async () => (await getBroadcast(onair!, ida))?.destinations.find((d) => d.name === 'relay')?.status === 'live', 10_000);

    const doneA = await untilState(onair, ida, 'complete', 30_000);
    const histA = await getTransitions(onair, ida);
    expect(path_(histA)).to.deep.equal(NORMAL_PATH);
    // Ended at its end, not before, and before B is due on air.
    expect(transitionAt(histA, 'ending'), 'A ending not before its end').to.be.at.least(Date.parse(doneA.scheduledEnd));
    expect(transitionAt(histA, 'ending'), 'A ending before B is due').to.be.below(b.start.getTime());
    expect(await receiver.framesReceived(), 'video frames the RTMP receiver got').to.be.greaterThan(150);

    // B: kill its ffmpeg mid-air; data flows again while B is still on air.
    const liveB = await untilState(onair, idb, 'live', 30_000);
    expectLiveOnItsSecond(liveB, await getTransitions(onair, idb), 'B');
    const watchB = liveB.destinations[0]!.watchUrl!;
    await until('B playlist to list segments', async () => (await playlistSegments(onair!, watchB)).length >= 2, 15_000, 250);
    // B's own encoder: its HLS folder is in its arguments. (The whole data folder also
    // matched A's short-lived archive join, which could exit before the kill: ESRCH.)
    const folderB = watchB.split('/')[2]!;
    const victims = await until('B ffmpeg to run', async () => {
      const p = ffmpegProcessesMentioning(folderB);
      return p.length ? p : undefined;
    }, 5_000);
    const before = new Set(await playlistSegments(onair, watchB));
    let killed = 0;
    for (const pid of victims) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    }
    expect(killed, 'B ffmpeg processes killed').to.be.at.least(1);
    await until('a new B segment after the kill', async () => {
      const now = await playlistSegments(onair!, watchB);
      return now.some((s) => !before.has(s));
    }, 10_000, 100);
    // The new segment came while B was on air: its record still live, its end not reached.
    const afterKill = await getBroadcast(onair, idb);
    expect(afterKill!.state).to.equal('live');
    expect(afterKill!.health?.restarts ?? 0).to.be.at.least(1);
    const doneB = await untilState(onair, idb, 'complete', 30_000);
    const histB = await getTransitions(onair, idb);
    expect(path_(histB)).to.deep.equal(NORMAL_PATH);
    expect(transitionAt(histB, 'ending'), 'B on air until its end').to.be.at.least(Date.parse(doneB.scheduledEnd));
    expect(doneB.health?.restarts ?? 0, 'restarts recorded on the finished record').to.be.at.least(1);

    // C: cancelled in the schedule file while live: ended at once, with the reason.
    const liveC = await untilState(onair, idc, 'live', 30_000);
    expectLiveOnItsSecond(liveC, await getTransitions(onair, idc), 'C');
    await until('C to have aired a few seconds', async () => Date.now() - Date.parse(liveC.liveAt!) > 5000, 10_000);
    const cancelledAt = Date.now();
    writeSchedule(dirs.schedules, 'day.yaml', [a, b, { ...c, cancelled: true }]);
    const doneC = await untilState(onair, idc, 'complete', 30_000);
    expect(doneC.reason).to.match(/cancelled in the schedule; ended while live/);
    // Ended because of the edit (after it), long before its scheduled end.
    const histC = await getTransitions(onair, idc);
    expect(transitionAt(histC, 'ending'), 'C ending after the edit').to.be.at.least(cancelledAt);
    expect(Date.parse(doneC.endedAt!)).to.be.below(Date.parse(doneC.scheduledEnd) - 10_000);
    expect(path_(histC)).to.deep.equal(NORMAL_PATH);
  });

  it('resumes a live broadcast after onair is SIGKILLed, firing nothing twice and leaving no ffmpeg', async () => {
    onair = await start();
    const t0 = secondsFromNow(12_000);
    const d: ProgrammeSpec = { id: 'restart-d', start: t0, seconds: 30, destinations: ['local'] };
    writeSchedule(dirs.schedules, 'day.yaml', [d]);
    const id = occurrenceId(d);
    const live = await untilState(onair, id, 'live', 30_000);
    const watch = live.destinations[0]!.watchUrl!;
    await until('segments before the kill', async () => (await playlistSegments(onair!, watch)).length >= 2, 15_000, 250);

    await onair.kill();
    const killedAt = Date.now();
    // The guard takes ffmpeg down with onair.
    await until('ffmpeg to die with onair', async () => ffmpegProcessesMentioning(dirs.root).length === 0, 5_000);

    onair = await start();
    const resumed = await untilState(onair, id, 'live', 10_000);
    expect(resumed.liveAt).to.equal(live.liveAt);
    const seen = new Set(await playlistSegments(onair, watch));
    await until('new segments after the restart', async () => (await playlistSegments(onair!, watch)).some((s) => !seen.has(s)), 10_000, 250);

    const done = await untilState(onair, id, 'complete', 40_000);
    const hist = await getTransitions(onair, id);
    expect(path_(hist)).to.deep.equal(NORMAL_PATH);
    // It ends at its scheduled end: not before, and not a whole programme after the restart
    // (which a resumed broadcast counting its duration afresh would do).
    expect(transitionAt(hist, 'ending'), 'ending not before the end').to.be.at.least(Date.parse(done.scheduledEnd));
    expect(transitionAt(hist, 'ending'), 'ending before a fresh 30 s from the restart').to.be.below(killedAt + d.seconds * 1000);
  });
});
