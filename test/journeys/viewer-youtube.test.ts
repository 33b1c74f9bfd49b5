// Journey: a programme on YouTube, watched from the viewer page. The real composed server
// (what `npm start` runs) drives the in-repo YouTube emulator through its API and RTMP ingest
// with real ffmpeg. A programme on both YouTube and the local HLS destination offers the
// viewer the choice: YouTube puts up the privacy-enhanced embed of the broadcast the
// emulator issued, local plays the HLS stream; a programme only on YouTube shows the embed
// by itself. The machine has no internet, and a viewer page must not need it to be tested:
// every request off this server is refused in the browser and recorded, and the embed is
// checked by its attributes, not by YouTube loading.
import { emulatorEnv } from '../support/youtube-fixtures.js';
import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { YoutubeEmulator } from '../../src/emulator/youtube/index.js';
import type { Ack, EndedPayload, LivePayload, ProgrammeInfo, ScheduleSnapshotPayload, WatchLink } from '../../src/realtime/events.js';
import { startJourney, type Journey } from '../support/journey.js';
import { waitFor } from '../support/wait.js';
import { launchChromium } from '../browser/browser-support.js';
import { videoPlays } from '../support/viewer-page.js';

// 11:59:40 in Istanbul. The story airs at 12:00 on both destinations; the class, only on
// YouTube, at 12:02 (two broadcasts may not overlap on one destination), and the clock is
// hurried to a few seconds before it once the story has ended.
const START = '2026-12-05T08:59:40Z';
const BOTH = `id: story-both
title: { tr: Masal Saati, en: Story Hour }
duration: 90s
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [local, youtube]
youtube: { privacy: unlisted }
chat: { enabled: false }
`;
const ONLY = `id: chess-youtube
title: { tr: Satranç Kursu, en: Chess Class }
duration: 1m
recurrence:
  once: 2026-12-05T12:02
source: { testPattern: {} }
destinations: [youtube]
youtube: { privacy: unlisted }
chat: { enabled: false }
`;
const EMBED_ALLOW = 'autoplay; encrypted-media; picture-in-picture; fullscreen';

describe('journey: a viewer watches a programme on YouTube', function () {
  this.timeout(150_000);
  let emu: YoutubeEmulator;
  let j: Journey;
  let browser: Browser;
  let socket: Socket;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  /** Requests the pages tried to make off this server (all refused). */
  const offsite: string[] = [];
  const lives: LivePayload[] = [];
  const ended: string[] = [];
  let both: Page;
  let only: Page;

  /** The id the emulator gave the broadcast made for `title` (its Turkish title, the schedule's language). */
  function broadcastId(title: string): string {
    const b = emu.broadcasts().find((x) => x.snippet?.title?.startsWith(title));
    expect(b, `a broadcast titled ${title} on the emulator`).to.not.equal(undefined);
    return b!.id!;
  }

  /** Runs the test clock `speed` times faster until `iso`, then at wall speed again. */
  async function hurryTo(iso: string, speed: number): Promise<void> {
    if (j.clock.now().getTime() >= Date.parse(iso)) return;
    j.clock.setSpeed(speed);
    await waitFor(`the clock to reach ${iso}`, () => j.clock.now().getTime() >= Date.parse(iso), 60_000, 50);
    j.clock.setSpeed(1);
  }

  async function open(path: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Istanbul', viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    await context.route((url) => url.origin !== j.url, async (route) => {
      offsite.push(route.request().url());
      await route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(j.url + path);
    return page;
  }

  before(async () => {
    emu = new YoutubeEmulator({ settleMs: 300 });
    await emu.start();
    browser = await launchChromium();
    j = await startJourney({
      schedules: { 'both.yaml': BOTH, 'only.yaml': ONLY },
      start: START,
      env: {
        ...emulatorEnv(emu),
      },
    });
    socket = connect(j.url, { transports: ['websocket'], forceNew: true });
    socket.on('programme:live', (payload: LivePayload) => lives.push(payload));
    socket.on('programme:ended', (payload: EndedPayload) => ended.push(payload.programmeId));
    both = await open('/watch/story-both');
    only = await open('/watch/chess-youtube');
  });
  after(async () => {
    socket?.disconnect();
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await j?.stop();
    await emu?.stop();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const page of [both, only]) {
        if (!page) continue;
        console.log(await page.evaluate(() => ({
          live: document.querySelector('#live-list')?.textContent,
          player: document.querySelector('#player-h')?.textContent,
          message: document.querySelector('#player-message')?.textContent,
          area: document.querySelector('#player-area')?.innerHTML,
        })));
      }
      console.log(emu.broadcasts().map((b) => [b.snippet?.title, b.status?.lifeCycleStatus]));
    }
    expect(errors).to.deep.equal([]);
  });

  const youtubeLink = (watch: WatchLink[]): WatchLink | undefined => watch.find((w) => w.kind === 'youtube');

  /** `programmeId` in the schedule snapshot once it is live on every destination of `kinds` (they turn live one by one). */
  function liveOn(programmeId: string, kinds: string[]): Promise<ProgrammeInfo> {
    return waitFor(`${programmeId} live on ${kinds.join(' and ')} in the schedule snapshot`, async () => {
      const ack = await new Promise<Ack<{ snapshot: ScheduleSnapshotPayload }>>((resolve) => socket.emit('schedule:get', resolve));
      if (!ack.ok) throw new Error(ack.error.message);
      const live = ack.snapshot.live.find((p) => p.programmeId === programmeId);
      return live && kinds.every((k) => live.watch.some((w) => w.kind === k)) ? live : undefined;
    }, 90_000, 250);
  }

  it('the story is live on both destinations: programme:live carries a link, the snapshot links its YouTube broadcast and the local stream', async () => {
    const story = await liveOn('story-both', ['local', 'youtube']);
    expect(youtubeLink(story.watch)!.url).to.equal(`https://www.youtube.com/watch?v=${broadcastId('Masal Saati')}`);
    expect(story.watch.map((w) => w.kind).sort()).to.deep.equal(['local', 'youtube']);
    // Whichever destination had the stream first, the announcement has somewhere to watch.
    const storyLive = lives.find((l) => l.programme.programmeId === 'story-both');
    expect(storyLive?.watch).to.not.deep.equal([]);
    expect(story.watch).to.deep.include(storyLive!.watch[0]);
  });

  it('on both: plays the local stream, offers YouTube; choosing YouTube shows the embed of the broadcast, choosing local plays again', async () => {
    expect(await videoPlays(both, 60_000)).to.equal(': Story Hour');
    const choice = both.locator('#source-choice');
    await choice.waitFor({ state: 'visible' });
    expect(await both.locator('#source-local').getAttribute('aria-pressed')).to.equal('true');

    await both.locator('#source-youtube').click();
    const frame = both.locator('#player-area iframe');
    await frame.waitFor();
    expect(await both.locator('#player-area video').count()).to.equal(0);
    const src = new URL((await frame.getAttribute('src'))!);
    expect(src.origin + src.pathname).to.equal(`https://www.youtube-nocookie.com/embed/${broadcastId('Masal Saati')}`);
    expect(Object.fromEntries(src.searchParams)).to.deep.equal({ autoplay: '1', mute: '1', playsinline: '1', enablejsapi: '1', origin: j.url });
    expect(await frame.getAttribute('title')).to.match(/Story Hour/);
    expect(await frame.getAttribute('allow')).to.equal(EMBED_ALLOW);
    expect(await both.locator('#source-youtube').getAttribute('aria-pressed')).to.equal('true');
    // The embed was asked for (and refused here, having no internet), from no other place.
    await waitFor('the embed to be requested', () => offsite.some((u) => u.startsWith('https://www.youtube-nocookie.com/embed/')), 10_000, 50);

    await both.locator('#source-local').click();
    expect(await videoPlays(both, 60_000)).to.equal(': Story Hour');
    expect(await both.locator('#player-area iframe').count()).to.equal(0);
  });

  it('a programme only on YouTube: programme:live carries its link, and the page shows the embed by itself, with no choice to make', async () => {
    // Hurried on past the story's end (12:01:30) to a few seconds before the class is
    // prepared (12:01:55); from there the clock runs at wall speed.
    await hurryTo('2026-12-05T09:01:50Z', 10);
    await waitFor('the story to end', () => ended.includes('story-both'), 60_000, 100);
    const frame = only.locator('#player-area iframe');
    await frame.waitFor({ timeout: 60_000 });
    const id = broadcastId('Satranç Kursu');
    const src = new URL((await frame.getAttribute('src'))!);
    expect(src.origin + src.pathname).to.equal(`https://www.youtube-nocookie.com/embed/${id}`);
    expect(await frame.getAttribute('title')).to.match(/Chess Class/);
    expect(await frame.getAttribute('allow')).to.equal(EMBED_ALLOW);
    expect(await only.locator('#player-area video').count()).to.equal(0);
    expect(await only.locator('#source-choice').isHidden()).to.equal(true);
    expect(await only.locator('#player-programme').textContent()).to.equal(': Chess Class');

    const link = [{ destination: 'youtube', kind: 'youtube', url: `https://www.youtube.com/watch?v=${id}` }];
    const live = lives.find((l) => l.programme.programmeId === 'chess-youtube');
    expect(live?.watch).to.deep.equal(link);
    expect(live?.programme.watch).to.deep.equal(link);
    expect((await liveOn('chess-youtube', ['youtube'])).watch).to.deep.equal(link);
    // Nothing but YouTube's embed was asked of the outside world.
    expect(offsite.filter((u) => !u.startsWith('https://www.youtube-nocookie.com/embed/'))).to.deep.equal([]);
  });
});
