// End to end: the real onair binary (engine, supervised ffmpeg, YouTube destination) on a
// short day against the YouTube emulator. SIGKILL between the event's insert and its bind,
// and again mid-air: each restart reuses the same event, none is duplicated, it goes live
// within 1 s of its scheduled second and completes on time.
import { emulatorEnv } from '../support/youtube-fixtures.js';
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { YoutubeEmulator } from '../../src/emulator/youtube/index.js';
import { ffmpegProcessesMentioning, makeOnairDirs, OnairProcess, type OnairDirs } from '../support/onair-process.js';
import { waitFor } from '../support/wait.js';

describe('onair + YouTube emulator end to end (real binary, SIGKILL)', function () {
  this.timeout(180_000);
  let emu: YoutubeEmulator;
  let dirs: OnairDirs;
  const procs: OnairProcess[] = [];

  beforeEach(async () => {
    emu = new YoutubeEmulator({ settleMs: 500 });
    await emu.start();
    dirs = makeOnairDirs({ engine: { prepareLead: '15s', ffmpegLead: '6s', stopTimeout: '2s' } });
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.stop();
    await emu.stop();
    fs.rmSync(dirs.root, { recursive: true, force: true });
  });

  async function launch(env: Record<string, string>): Promise<OnairProcess> {
    const p = await OnairProcess.start({ dirs, env });
    procs.push(p);
    return p;
  }

  it('SIGKILL between insert and bind, and mid-air: one event, live on time, complete on time', async () => {
    // A whole second 25 s away (a six-field cron, to the second): time for the prepare lead
    // (15 s), the first launch's insert and kill, and the relaunch before air.
    const startAt = DateTime.now().setZone('Europe/Istanbul').plus({ seconds: 25 }).startOf('second').plus({ seconds: 1 });
    const start = startAt.toJSDate();
    const end = new Date(start.getTime() + 20_000);
    fs.writeFileSync(
      path.join(dirs.schedules, 'youtube-day.yaml'),
      [
        'id: masal-youtube',
        'title: { tr: Masal Saati YouTube, en: Story Time on YouTube }',
        'description: { tr: Prova, en: Rehearsal }',
        'category: reading',
        'audience: [children]',
        'timezone: Europe/Istanbul',
        'duration: 20s',
        `recurrence: { cron: "${startAt.toFormat('s m H d L')} *" }`,
        'source: { testPattern: {} }',
        'destinations: [youtube]',
        'youtube: { privacy: unlisted, madeForKids: true }',
        'chat: { enabled: false }',
        '',
      ].join('\n'),
    );
    const env = emulatorEnv(emu);

    // 1. Hold the bind so onair is killed after the insert, before the bind.
    emu.setLatency(4000, ['liveBroadcasts.bind']);
    const first = await launch(env);
    await waitFor('emu.calls.some((c) => c.method === liveStreams.insert', () => emu.calls.some((c) => c.method === 'liveStreams.insert'), 60_000, 50);
    await first.kill();
    emu.setLatency(0);
    expect(emu.broadcasts()).to.have.length(1);

    // 2. Restart: the same event is found, bound, and goes live at its second; kill mid-air.
    const second = await launch(env);
    await waitFor('emu.broadcasts()[0]?.status?.lifeCycleStatus === live', () => emu.broadcasts()[0]?.status?.lifeCycleStatus === 'live', 90_000);
    const accepted = emu.calls.find((c) => c.method === 'liveBroadcasts.transition' && c.status === 200)!;
    // Never public before its second (how close to it: npm run bench:youtube).
    expect(Date.parse(accepted.at), 'the transition to live not before the second').to.be.at.least(start.getTime());
    await waitFor('Date.now() > start.getTime() + 6000', () => Date.now() > start.getTime() + 6000, 30_000, 200);
    await second.kill();

    // 3. Restart mid-air: it reattaches and completes the same event at the end.
    const relaunchedAt = Date.now();
    await launch(env);
    const ended = await waitFor('emu.broadcasts()[0]?.status?.lifeCycleStatus === complete && emu.broad', () => emu.broadcasts()[0]?.status?.lifeCycleStatus === 'complete' && emu.broadcasts()[0], 90_000);
    // At its end: not cut short by the restarts, and not a fresh 20 s counted from the last one.
    expect(Date.parse(ended.snippet!.actualEndTime!), 'ended not before the end').to.be.at.least(end.getTime());
    expect(Date.parse(ended.snippet!.actualEndTime!), 'ended before 20 s from the last restart').to.be.below(relaunchedAt + 20_000);
    expect(emu.broadcasts()).to.have.length(1);
    expect(emu.calls.filter((c) => c.method === 'liveBroadcasts.insert')).to.have.length(1);
    expect(emu.streams()).to.have.length(1);
    expect(emu.ingestStats(emu.streams()[0]!.id!).videoFrames).to.be.greaterThan(30);
    for (const p of procs.splice(0)) await p.stop();
    expect(ffmpegProcessesMentioning(dirs.root)).to.deep.equal([]);
  });
});
