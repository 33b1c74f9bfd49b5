// What staff see when the world fails, end to end on the real `onair run`: a media file
// deleted before air, a camera that does not answer, and a disk that fills up mid-air
// (a small tmpfs under the broadcast's HLS folder, in a mount namespace of onair's own).
// Each ends in the state docs/broadcast-states.md documents, with a reason to act on.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { binaries } from '../support/ffmpeg-tools.js';
import { ffmpegProcessesMentioning, makeOnairDirs, OnairProcess, type OnairDirs } from '../support/onair-process.js';
import { expectLiveOnItsSecond, getBroadcast, getTransitions, occurrenceId, secondsFromNow, until, untilState, writeSchedule, type ProgrammeSpec } from './engine-support.js';

const ENGINE = { prepareLead: '5s', ffmpegLead: '4s', lateStartGrace: '20s', planAhead: '1h', stopTimeout: '3s' };

/** A loopback port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

describe('engine end to end: failures end in documented states with reasons', function () {
  this.timeout(180_000);
  let dirs: OnairDirs;
  let onair: OnairProcess | undefined;

  afterEach(async () => {
    await onair?.stop();
    onair = undefined;
    const left = ffmpegProcessesMentioning(dirs.root);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    expect(left, 'ffmpeg processes left behind').to.deep.equal([]);
    fs.rmSync(dirs.root, { recursive: true, force: true });
  });

  it('a missing media file fails before air, a silent camera airs the slate, a full disk fails the broadcast', async () => {
    dirs = makeOnairDirs({
      engine: ENGINE,
      destinations: { cam: { type: 'local' }, tight: { type: 'local' } },
    });
    // A real (tiny) video, so the schedule validates; it is deleted before air.
    execFileSync(binaries().ffmpeg, [
      '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '1',
      '-pix_fmt', 'yuv420p', path.join(dirs.media, 'story.mp4'),
    ]);
    const t0 = secondsFromNow(14_000);
    const missing: ProgrammeSpec = { id: 'gone-file', start: t0, seconds: 20, destinations: ['local'], source: '{ file: story.mp4 }' };
    const camera: ProgrammeSpec = {
      id: 'silent-camera',
      start: t0,
      seconds: 15,
      destinations: ['cam'],
      source: `{ url: "rtmp://127.0.0.1:${await deadPort()}/live/camera" }`,
    };
    const full: ProgrammeSpec = { id: 'full-disk', start: t0, seconds: 60, destinations: ['tight'] };
    writeSchedule(dirs.schedules, 'day.yaml', [missing, camera, full]);
    const fullId = occurrenceId(full);
    const fullFolder = fullId.replace(/[^A-Za-z0-9_-]+/g, (m) => (m.includes('@') ? '_' : '-'));
    onair = await OnairProcess.start({ dirs, tmpfs: { dir: path.join(dirs.data, 'hls', fullFolder), size: '1m' } });

    const missingId = occurrenceId(missing);
    await untilState(onair, missingId, 'scheduled', 10_000).catch(() => undefined);
    fs.rmSync(path.join(dirs.media, 'story.mp4'));

    // 1. The file went missing: failed at the encoder's lead, before air, naming the fix.
    const failed = await untilState(onair, missingId, 'failed', 30_000);
    expect(failed.liveAt).to.equal(undefined);
    expect(failed.reason).to.match(/media file is missing/).and.match(/Copy the file there, or correct `source:`/);

    // 2. The camera does not answer: on air with the slate on its second, the problem named, retried.
    const live = await untilState(onair, occurrenceId(camera), 'live', 30_000);
    expectLiveOnItsSecond(live, await getTransitions(onair, occurrenceId(camera)), 'the silent camera');
    const slate = await until('the camera problem to be recorded', async () => {
      const b = await getBroadcast(onair!, occurrenceId(camera));
      // Health is saved to the record every few seconds, apart from the error: wait for both.
      return b?.lastError?.code === 'source-unavailable' && b.health ? b : undefined;
    }, 15_000);
    expect(slate.lastError!.message).to.match(/does not answer/).and.match(/Check the camera/);
    expect(slate.health?.phase, 'what the encoder shows').to.equal('slate');
    const camDone = await untilState(onair, occurrenceId(camera), 'complete', 30_000);
    expect(camDone.lastError?.code).to.equal('source-unavailable');

    // 3. The disk under the HLS folder fills: after the encoder's grace the broadcast fails.
    const fullFailed = await untilState(onair, fullId, 'failed', 90_000);
    expect(fullFailed.liveAt).to.be.a('string');
    expect(fullFailed.reason).to.match(/disk .* is full/).and.match(/Free space/);
  });
});
