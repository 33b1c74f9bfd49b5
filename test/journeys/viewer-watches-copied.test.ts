// Journey: an ordinary H.264/AAC file with keyframes 8 s apart, scheduled on the local
// destination alone with a lower rendition (`ladder: [90]`), is sent as it is: the real
// composed server (startOnair, real ffmpeg) logs the copy path and why, and says so in
// /api/broadcasts; a viewer in Chromium plays it, the top rendition's segments carry the
// file's own codec parameters (profile, picture, rate, audio) and its 8 s GOP — not a
// re-encode's 2 s — and the 90p rendition, encoded from it, is cut at the same frames.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from '../browser/browser-support.js';
import { makeClip } from '../support/ffmpeg-fixtures.js';
import { binaries } from '../support/ffmpeg-tools.js';
import { startJourney, type Journey } from '../support/journey.js';
import { videoPlays } from '../support/viewer-page.js';
import { waitFor } from '../support/wait.js';

// 11:59:50 in Istanbul: the film airs at noon (the slate goes up 3 s before).
const START = '2026-12-05T08:59:50Z';
const ID = 'film@2026-12-05T12:00';
const FILM = `id: film
title: { tr: Film, en: Film }
duration: 2m
recurrence:
  once: 2026-12-05T12:00
source: { file: long-gop.mp4 }
destinations: [local]
`;

interface Stream {
  codec_type: string;
  codec_name: string;
  profile?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
}

/** The codec parameters ffprobe reads from a file, per stream kind. */
function codecParameters(file: string): Record<string, Partial<Stream>> {
  const out = execFileSync(binaries().ffprobe, ['-v', 'error', '-print_format', 'json', '-show_streams', file]).toString();
  const streams = (JSON.parse(out) as { streams: Stream[] }).streams;
  const pick = (s: Stream | undefined): Partial<Stream> =>
    s?.codec_type === 'video'
      ? { codec_name: s.codec_name, profile: s.profile, width: s.width, height: s.height, r_frame_rate: s.r_frame_rate }
      : { codec_name: s?.codec_name, profile: s?.profile, sample_rate: s?.sample_rate, channels: s?.channels };
  return { video: pick(streams.find((s) => s.codec_type === 'video')), audio: pick(streams.find((s) => s.codec_type === 'audio')) };
}

describe('journey: a long-GOP file on the local destination alone is copied, not re-encoded (only its lower rendition is)', function () {
  this.timeout(180_000);
  let j: Journey;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let clips: string;
  let clip: string;

  before(async () => {
    clips = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-long-gop-'));
    // 25 fps with a keyframe every 200 frames: 8 s apart, as a camcorder or a default export makes.
    clip = makeClip(path.join(clips, 'long-gop.mp4'), { seconds: 60, gopS: 8 });
    browser = await launchChromium();
    j = await startJourney({
      schedules: { 'film.yaml': FILM },
      media: { 'long-gop.mp4': clip },
      start: START,
      config: { destinations: { local: { ladder: [90] } } },
    });
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await j?.stop();
    fs.rmSync(clips, { recursive: true, force: true });
  });

  it('logs the copy path and why, plays in the viewer page, and serves segments with the file\'s own codec parameters', async () => {
    const prepared = await waitFor('the encoder prepared', () => j.logs.find((l) => l['occurrence'] === ID && l['msg'] === 'encoder prepared'), 30_000);
    expect(prepared['mode']).to.equal('copy');
    expect(prepared['reason']).to.match(/every destination is local HLS/).and.match(/keyframes 8\.00 s apart/).and.match(/its lower renditions \(90p\) are encoded from it/);

    context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Istanbul' });
    const page = await context.newPage();
    await page.goto(`${j.url}/`);
    // Staff read the same in /api/broadcasts (the encoder's health).
    const live = await waitFor('the film live, with its health', async () => {
      const b = (await (await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(ID)}`)).json()) as { state: string; health?: { mode?: string; modeReason?: string } };
      return b.state === 'live' && b.health?.mode !== undefined ? b.health : undefined;
    }, 60_000, 250);
    expect(live.mode).to.equal('copy');
    expect(live.modeReason).to.equal(prepared['reason']);
    expect(await videoPlays(page, 90_000)).to.include('Film');
    // A picture (the copied one or the 90p), not the audio-only rendition.
    expect(await page.locator('#player-area video').evaluate((v: HTMLVideoElement) => v.videoWidth)).to.be.oneOf([320, 160]);

    // A programme segment: the file's GOP makes it about 8 s long (the slate's are 2 s).
    const watch = (await (await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(ID)}`)).json()) as { destinations: Array<{ watchUrl?: string }> };
    const base = `${j.url}${path.posix.dirname(watch.destinations[0]!.watchUrl!)}`;
    const segment = await waitFor('a programme segment', async () => {
      const playlist = await (await fetch(`${base}/index.m3u8`)).text();
      const m = /#EXTINF:([\d.]+),\s*\n(\S+\.ts)/g;
      for (let hit = m.exec(playlist); hit; hit = m.exec(playlist)) if (Number(hit[1]) >= 7.5 && Number(hit[1]) <= 8.5) return hit[2]!;
      return undefined;
    }, 60_000, 500);
    const local = path.join(clips, 'segment.ts');
    fs.writeFileSync(local, Buffer.from(await (await fetch(`${base}/${segment}`)).arrayBuffer()));
    expect(codecParameters(local)).to.deep.equal(codecParameters(clip));
    // The same segment of the 90p rendition: onair's encode of that picture, as long.
    expect(await (await fetch(`${base}/master.m3u8`)).text()).to.include('90p.m3u8');
    const lowPlaylist = await (await fetch(`${base}/90p.m3u8`)).text();
    const number = /(\d+)\.ts$/.exec(segment)![1];
    const low = new RegExp(`#EXTINF:([\\d.]+),\\s*\\n90p${number}\\.ts`).exec(lowPlaylist);
    expect(low, `90p${number}.ts in the 90p playlist`).to.not.equal(null);
    const topLength = Number(new RegExp(`#EXTINF:([\\d.]+),\\s*\\n${segment.replace('.', '\\.')}`).exec(await (await fetch(`${base}/index.m3u8`)).text())?.[1] ?? 8);
    expect(Math.abs(Number(low![1]) - topLength)).to.be.below(0.1);
    const lowLocal = path.join(clips, 'segment-90p.ts');
    fs.writeFileSync(lowLocal, Buffer.from(await (await fetch(`${base}/90p${number}.ts`)).arrayBuffer()));
    expect(codecParameters(lowLocal).video).to.deep.include({ codec_name: 'h264', width: 160, height: 90 });
  });
});
