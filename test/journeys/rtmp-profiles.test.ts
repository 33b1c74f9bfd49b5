// Journey: staff give two RTMP destinations of one broadcast different profiles in config
// (`destinations.<name>.profile`), and each receiver gets the picture its profile asks for
// from the real composed server: the one whose profile is smaller than the broadcast's
// picture a scaled-down picture at its own frame rate, the other (a named profile the
// picture already fits) the broadcast's own — one publish each, read back with ffprobe.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startJourney, type Journey } from '../support/journey.js';
import { RtmpReceiver } from '../support/rtmp-receiver.js';
import { probePackets, probeStreams } from '../support/stream-check.js';
import { SMALL_FORMAT } from '../support/test-encoder-factory.js';
import { waitFor } from '../support/wait.js';

const START = '2026-12-05T08:59:57Z'; // 11:59:57 in Istanbul: on air in 3 s
const ID = 'profiled@2026-12-05T12:00';
const SHOW = `id: profiled
title: { tr: Profilli, en: Profiled }
duration: 5m
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [phones, platform]
`;

describe('journey: RTMP destinations with their own profiles', function () {
  this.timeout(120_000);
  let j: Journey;
  let phones: RtmpReceiver;
  let platform: RtmpReceiver;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-rtmp-profiles-'));
    phones = await RtmpReceiver.start(dir, 'phones-key');
    platform = await RtmpReceiver.start(dir, 'platform-key');
    j = await startJourney({
      schedules: { 'show.yaml': SHOW },
      start: START,
      config: {
        destinations: {
          // Smaller than the tests' 320x180 at 25 fps: an encode of its own.
          phones: { type: 'rtmp', url: phones.baseUrl, keyEnv: 'PHONES_KEY', profile: { width: 160, height: 90, fps: 15, videoKbps: 200 } },
          // The picture fits 720p30: sent as is, never scaled up.
          platform: { type: 'rtmp', url: platform.baseUrl, keyEnv: 'PLATFORM_KEY', profile: '720p30' },
        },
      },
      env: { PHONES_KEY: phones.key, PLATFORM_KEY: platform.key },
    });
  });
  after(async () => {
    await j?.stop();
    await phones?.stop();
    await platform?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('goes live, and each receiver gets the picture of its profile', async () => {
    await waitFor('the broadcast live on both', async () => {
      const v = (await (await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(ID)}`)).json()) as { state: string; destinations: Array<{ status: string }> };
      return v.state === 'live' && v.destinations.every((d) => d.status === 'live');
    }, 30_000);
    // Four seconds of each: two keyframes apart.
    await waitFor('4 s at the phones receiver', async () => (await phones.framesReceived()) >= 4 * 15, 30_000, 300);
    await waitFor('4 s at the platform receiver', async () => (await platform.framesReceived()) >= 4 * SMALL_FORMAT.fps, 30_000, 300);

    // The destination's readiness check (an RTMP handshake) takes a listener of its own and
    // leaves no file: the publishes are the recordings that exist.
    const published = (r: RtmpReceiver): string[] => r.recordings.filter((f) => fs.existsSync(f));
    const streamsOf = async (file: string) => (await probeStreams(file)).map((s) => `${s.codec_type} ${s.codec_name}${s.width ? ` ${s.width}x${s.height}` : ''}`);
    expect(await streamsOf(published(phones)[0]!)).to.deep.equal(['video h264 160x90', 'audio aac']);
    expect(await streamsOf(published(platform)[0]!)).to.deep.equal(['video h264 320x180', 'audio aac']);
    // The phones' frame rate: 15 frames in a whole second of its video.
    const video = (await probePackets(published(phones)[0]!)).filter((p) => p.type === 'video' && !Number.isNaN(p.dts));
    const first = Math.ceil(video[0]!.dts);
    expect(video.filter((p) => p.dts >= first && p.dts < first + 1).length).to.equal(15);
    expect([published(phones).length, published(platform).length], 'one publish each').to.deep.equal([1, 1]);
  });
});
