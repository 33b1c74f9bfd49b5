// Journey: onair behind Debian's nginx with the configuration we ship (deploy/nginx/onair.conf).
// nginx serves the live HLS files itself with the cache and CORS headers a CDN needs, and
// proxies pages, API and Socket.IO (WebSocket upgrade) to the real composed server; a viewer
// in Chromium opens the page through nginx and the programme plays.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { launchChromium } from '../browser/browser-support.js';
import { waitFor } from '../support/ffmpeg-tools.js';
import { startJourney, type Journey } from '../support/journey.js';
import { startNginx, type Nginx } from '../support/nginx.js';
import { firstMediaPlaylist } from '../support/stream-check.js';

const START = '2026-12-05T08:59:54Z'; // 11:59:54 in Istanbul
const ID = 'story-hour@2026-12-05T12:00';
const STORY = `id: story-hour
title: { tr: Masal Saati, en: Story Hour }
duration: 5m
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [local]
`;

interface BroadcastList {
  broadcasts: Array<{ occurrenceId: string; state: string; destinations: Array<{ status: string; watchUrl?: string }> }>;
}

describe('journey: a viewer watches through nginx (deploy/nginx/onair.conf)', function () {
  this.timeout(90_000);
  let j: Journey;
  let nginx: Nginx;
  let browser: Browser | undefined;
  let playlistPath: string;

  before(async () => {
    j = await startJourney({ schedules: { 'story.yaml': STORY }, start: START, config: { server: { trustProxy: true } } });
    nginx = await startNginx({ upstreams: [`127.0.0.1:${j.port}`], dataDir: j.dirs.data });
    // The API through nginx's proxy, until the programme's local stream has segments.
    playlistPath = await waitFor('the programme to be live with a watch URL', async () => {
      const list = (await (await fetch(`${nginx.url}/api/broadcasts`)).json()) as BroadcastList;
      const b = list.broadcasts.find((x) => x.occurrenceId === ID);
      const url = b?.state === 'live' ? b.destinations.find((d) => d.status === 'live' && d.watchUrl)?.watchUrl : undefined;
      if (!url) return undefined;
      // The watch URL is the master playlist; its top rendition's playlist lists the segments.
      const media = firstMediaPlaylist(url, await (await fetch(`${nginx.url}${url}`)).text());
      const text = await (await fetch(`${nginx.url}${media}`)).text();
      return /\.ts\s*$/m.test(text) ? media : undefined;
    }, 60_000);
  });

  after(async () => {
    await browser?.close();
    await nginx?.stop();
    await j?.stop();
  });

  it('serves playlists and segments itself, with the same cache and CORS headers as onair', async () => {
    const viaNginx = await fetch(`${nginx.url}${playlistPath}`);
    const viaOnair = await fetch(`${j.url}${playlistPath}`);
    expect(viaNginx.status).to.equal(200);
    expect(viaNginx.headers.get('content-type')).to.equal('application/vnd.apple.mpegurl');
    expect(viaNginx.headers.get('cache-control')).to.equal('public, max-age=1');
    expect(viaNginx.headers.get('cache-control')).to.equal(viaOnair.headers.get('cache-control'));
    expect(viaNginx.headers.get('access-control-allow-origin')).to.equal('*');
    expect(viaOnair.headers.get('access-control-allow-origin')).to.equal('*');
    // nginx answers it itself: no express header on the way.
    expect(viaNginx.headers.get('x-powered-by')).to.equal(null);

    const text = await viaNginx.text();
    const segment = text.split('\n').find((l) => /^[^#].*\.ts$/.test(l))!;
    const segUrl = playlistPath.replace(/[^/]+$/, segment);
    const seg = await fetch(`${nginx.url}${segUrl}`);
    expect(seg.status).to.equal(200);
    expect(seg.headers.get('content-type')).to.equal('video/mp2t');
    expect(seg.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect(seg.headers.get('cache-control')).to.equal((await fetch(`${j.url}${segUrl}`)).headers.get('cache-control'));
    const size = (await seg.arrayBuffer()).byteLength;
    expect(size).to.be.greaterThan(188);

    const range = await fetch(`${nginx.url}${segUrl}`, { headers: { Range: 'bytes=0-187' } });
    expect(range.status).to.equal(206);
    expect(range.headers.get('content-range')).to.equal(`bytes 0-187/${size}`);
    expect((await range.arrayBuffer()).byteLength).to.equal(188);
  });

  it('serves nothing else from the data folder', async () => {
    for (const p of ['/hls/', '/hls/../onair.db', '/hls/x/.hidden.ts', '/hls/%2e%2e/%2e%2e/etc/passwd', '/hls/a/b/c.ts']) {
      const res = await fetch(`${nginx.url}${p}`);
      expect(res.status, p).to.equal(404);
    }
  });

  it('proxies Socket.IO over a WebSocket: a viewer gets the schedule with the live programme', async () => {
    const socket = connect(nginx.url, { transports: ['websocket'], forceNew: true });
    try {
      const snapshot = await new Promise<{ live: Array<{ occurrenceId: string }> }>((resolve, reject) => {
        socket.once('schedule', resolve);
        socket.once('connect_error', reject);
      });
      expect(snapshot.live.map((l) => l.occurrenceId)).to.include(ID);
    } finally {
      socket.disconnect();
    }
  });

  it('plays the programme on the viewer page opened through nginx', async () => {
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${nginx.url}/`);
    const video = page.locator('video');
    await video.first().waitFor({ timeout: 30_000 });
    const first = await page.waitForFunction(() => {
      const v = document.querySelector('video');
      return v && v.currentTime > 0 ? v.currentTime : false;
    }, undefined, { timeout: 30_000 });
    const t0 = (await first.jsonValue()) as number;
    await page.waitForFunction((t) => (document.querySelector('video')?.currentTime ?? 0) > t + 1, t0, { timeout: 30_000 });
    // Its segments came from nginx, not through the proxy to onair.
    const hlsRequests = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/hls/')));
    expect(hlsRequests.length).to.be.greaterThan(0);
    expect(hlsRequests.every((n) => n.startsWith(nginx.url))).to.equal(true);
  });
});
