// Journey: viewers in real Chromium watch programmes from the real composed server (what
// `npm start` runs) with real ffmpeg and real HLS. A phone page opened before air starts
// playing by itself; a page opened while live plays at once; when the demo (listed: false)
// goes live beside the programme, the page lists both, offers the demo with a button and
// does not jump; switching moves the player and the chat; the end is said and the player
// stops. The player plays the master playlist; "audio only" switches to its audio-only
// rendition and is remembered across a reload. Turkish and English, axe-clean, 390×844.
// Language clicks add no timers, and a programme added to the schedule is announced as new.
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import ICAL from 'ical.js';
import { startJourney, type Journey } from '../support/journey.js';
import { waitFor } from '../support/ffmpeg-tools.js';
import { launchChromium } from '../browser/browser-support.js';
import { videoPlays } from '../support/viewer-page.js';

// 11:59:00 in Istanbul: a minute before the story (the clock is hurried to a few seconds
// before air once the page is open, so a slow start of the machine cannot eat the "before").
// The demo airs at half past; the test moves it to the coming minute when it needs it live,
// so a slow machine cannot make it air (or end) before the page is ready for it.
const START = '2026-12-05T08:59:00Z';
const STORY = `id: story-hour
title: { tr: Masal Saati, en: Story Hour }
description: { tr: Çocuklar için masallar, en: Stories for children }
duration: 20m
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [local]
reminders: [15m]
`;
/** As schedules/demo.yaml, but airing at minute `minute` of every hour. */
const demo = (minute: number): string => `id: demo
title: { tr: Deneme Yayını, en: Demo Broadcast }
duration: 1m
recurrence:
  cron: "${minute} * * * *"
source: { testPattern: {} }
destinations: [demo]
listed: false
`;
const LATER = `id: chess
title: { tr: Satranç Kursu, en: Chess Class }
category: class
duration: 1h
recurrence:
  once: 2026-12-05T15:00
source: { testPattern: {} }
destinations: [local]
`;

const QUIZ = `id: quiz-night
title: { tr: Bilgi Yarışması, en: Quiz Night }
duration: 1h
recurrence:
  once: 2026-12-05T19:00
source: { testPattern: {} }
destinations: [local]
`;

describe('journey: a viewer watches', function () {
  this.timeout(180_000);
  let j: Journey;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let phone: Page;
  let desk: Page;
  const errors: string[] = [];
  /** Every URL each page asked for, in order. */
  const requested = new Map<Page, string[]>();

  async function open(options: { locale: string; width: number; height: number; path?: string }): Promise<Page> {
    const context = await browser.newContext({ locale: options.locale, timezoneId: 'Europe/Istanbul', viewport: { width: options.width, height: options.height } });
    contexts.push(context);
    // Counts the page's own running intervals, to see that none is added per click or event.
    // hls.js's (served from /vendor/) are left out: it starts and stops its own as it loads,
    // and again when the page's watchdog restarts a stalled stream on a loaded machine.
    await context.addInitScript(() => {
      const live = new Set<unknown>();
      const set = window.setInterval.bind(window);
      const clear = window.clearInterval.bind(window);
      window.setInterval = ((fn: TimerHandler, ms?: number, ...args: unknown[]) => {
        const id = set(fn, ms, ...args);
        if (!new Error().stack?.includes('/vendor/')) live.add(id);
        return id;
      }) as typeof window.setInterval;
      window.clearInterval = ((id?: number) => {
        live.delete(id);
        clear(id);
      }) as typeof window.clearInterval;
      (window as unknown as { intervals: () => number }).intervals = () => live.size;
    });
    const page = await context.newPage();
    const urls: string[] = [];
    requested.set(page, urls);
    page.on('request', (r) => urls.push(new URL(r.url()).pathname));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 500) console.log(`[page ${options.locale}] ${r.status()} ${r.url()}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') console.log(`[page ${options.locale}] ${m.text()}`);
    });
    await page.goto(j.url + (options.path ?? '/'));
    await page.locator('#programmes li').first().waitFor();
    return page;
  }

  /** Runs the test clock `speed` times faster until `iso`, then at wall speed again. */
  async function hurryTo(iso: string, speed: number): Promise<void> {
    if (j.clock.now().getTime() >= Date.parse(iso)) return;
    j.clock.setSpeed(speed);
    await waitFor(`the clock to reach ${iso}`, () => j.clock.now().getTime() >= Date.parse(iso), 60_000, 50);
    j.clock.setSpeed(1);
  }

  async function axe(page: Page): Promise<void> {
    const result = await new AxeBuilder({ page }).analyze();
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).to.deep.equal([]);
  }

  /**
   * The page plays sound only: currentTime moves on by a second with no picture
   * (videoWidth 0), and since request number `from` it fetched the audio-only playlist and
   * its segments and no segment with a picture.
   */
  async function audioOnlyPlays(page: Page, from: number): Promise<void> {
    const t0 = await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('#player-area video');
      return v && v.classList.contains('audio-only') && v.currentTime > 0 ? v.currentTime : false;
    }, undefined, { timeout: 30_000 });
    const first = (await t0.jsonValue()) as number;
    await page.waitForFunction((t) => (document.querySelector<HTMLVideoElement>('#player-area video')?.currentTime ?? 0) > t + 1, first, { timeout: 30_000 });
    expect(await page.locator('#player-area video').evaluate((v: HTMLVideoElement) => v.videoWidth)).to.equal(0);
    const since = requested.get(page)!.slice(from);
    const segments = since.filter((u) => u.endsWith('.ts'));
    expect(since.filter((u) => u.endsWith('.m3u8')).map((u) => u.split('/').pop())).to.include.members(['master.m3u8', 'audio.m3u8']);
    expect(segments.length).to.be.greaterThan(0);
    // Segments already asked for by the picture player before the switch may finish; none starts after the first audio one.
    const firstAudio = segments.findIndex((u) => /\/audio\d+\.ts$/.test(u));
    expect(firstAudio).to.be.at.least(0);
    expect(segments.slice(firstAudio).filter((u) => !/\/audio\d+\.ts$/.test(u))).to.deep.equal([]);
  }

  before(async () => {
    browser = await launchChromium();
    j = await startJourney({ schedules: { 'story.yaml': STORY, 'demo.yaml': demo(30), 'later.yaml': LATER }, start: START });
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await j?.stop();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      // What each page showed, to tell a slow stream from a page that never asked for it.
      for (const page of [phone, desk]) {
        if (!page) continue;
        console.log(await page.evaluate(() => ({
          live: document.querySelector('#live-list')?.textContent,
          player: document.querySelector('#player-h')?.textContent,
          message: document.querySelector('#player-message')?.textContent,
          video: document.querySelector<HTMLVideoElement>('#player-area video')?.currentTime,
          chat: [document.querySelector('#chat-room')?.textContent, document.querySelector('#chat-status')?.textContent],
        })));
      }
    }
    expect(errors).to.deep.equal([]);
  });

  it('on a phone opened before air: lists what is coming (never the unlisted demo), then plays the programme by itself, muted with an unmute button', async () => {
    phone = await open({ locale: 'tr-TR', width: 390, height: 844 });
    const titles = await phone.locator('#programmes li h3').allTextContents();
    expect(titles).to.deep.equal(['Masal Saati', 'Satranç Kursu']);
    // Time zone, end time and duration are shown.
    expect(await phone.locator('#programmes li .meta').first().textContent()).to.match(/12:00–12:20 \(.+\) · 20 dk/);
    expect(await phone.locator('#player-message').textContent()).to.match(/canlı yayın yok/);
    // The header is one short row on a phone, and nothing scrolls sideways.
    const header = await phone.locator('header.site').boundingBox();
    expect(header!.height).to.be.below(80);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
    await axe(phone);

    await hurryTo('2026-12-05T08:59:52Z', 10);
    expect(await videoPlays(phone, 60_000)).to.equal(': Masal Saati');
    expect(await phone.locator('#live-list li').allTextContents()).to.deep.equal(['Masal Saati 5 Aralık Cumartesi 12:00–12:20 (GMT+3) İzleniyor']);
    expect(await phone.locator('#player-area video').evaluate((v: HTMLVideoElement) => v.muted)).to.equal(true);
    expect(await phone.locator('#unmute').textContent()).to.equal('Sesi aç');
    await phone.locator('#unmute').click();
    expect(await phone.locator('#player-area video').evaluate((v: HTMLVideoElement) => v.muted)).to.equal(false);
    expect(await phone.locator('#unmute').textContent()).to.equal('Sesi kapat');
    expect(await phone.locator('#audio-only').textContent()).to.equal('Yalnız ses');
    expect(await phone.locator('#audio-only').getAttribute('aria-pressed')).to.equal('false');
    // The chat follows the programme watched.
    expect(await phone.locator('#chat-room').textContent()).to.equal('Sohbet: Masal Saati');
    await phone.locator('#nickname').fill('Ayşe');
    await phone.locator('#join-form button').click();
    await phone.locator('#send-form').waitFor({ state: 'visible' });
    await axe(phone);
  });

  it("the calendar feed links each programme's page, carries its reminders as alarms and leaves out the demo", async () => {
    const cal = new ICAL.Component(ICAL.parse(await (await fetch(`${j.url}/calendar.ics`)).text()));
    const events = cal.getAllSubcomponents('vevent');
    expect(events.map((e) => String(e.getFirstPropertyValue('uid')).split('@')[0])).to.deep.equal(['story-hour', 'chess']);
    const story = events[0]!;
    expect(story.getFirstPropertyValue('url')).to.equal(`${j.url}/watch/story-hour`);
    expect(story.getAllSubcomponents('valarm').map((a) => String(a.getFirstPropertyValue('trigger')))).to.deep.equal(['-PT15M']);
    expect(events[1]!.getAllSubcomponents('valarm')).to.deep.equal([]);
    // The shared link opens the viewer page bound to that programme.
    const page = await (await fetch(`${j.url}/watch/story-hour`)).text();
    expect(page).to.include('<script type="module" src="/viewer.js">');
    expect((await fetch(`${j.url}/favicon.ico`)).headers.get('content-type')).to.match(/icon/);
  });

  it("opened while live through the programme's link (English, desktop): plays at once", async () => {
    desk = await open({ locale: 'en-GB', width: 1280, height: 900, path: '/watch/story-hour' });
    expect(await desk.locator('#live-h').textContent()).to.equal('Live now');
    expect(await videoPlays(desk)).to.equal(': Story Hour');
    // The watch link is the master playlist; hls.js chose a rendition with a picture.
    expect(requested.get(desk)!.filter((u) => u.endsWith('.m3u8'))[0]).to.match(/^\/hls\/story-hour_[^/]+\/master\.m3u8$/);
    expect(await desk.locator('#player-area video').evaluate((v: HTMLVideoElement) => v.videoWidth)).to.equal(320);
    await axe(desk);
  });

  it('language clicks add no timers; a programme added to the schedule is announced as new, not as a time change', async () => {
    const intervals = (): Promise<number> => desk.evaluate(() => (window as unknown as { intervals: () => number }).intervals());
    const before = await intervals();
    for (const lang of ['tr', 'en', 'tr', 'en']) await desk.locator(`#lang-${lang}`).click();
    expect(await desk.locator('#live-h').textContent()).to.equal('Live now');
    expect(await intervals()).to.equal(before);

    j.writeSchedule('quiz.yaml', QUIZ);
    await desk.locator('#programmes li h3', { hasText: 'Quiz Night' }).waitFor({ timeout: 15_000 });
    // (The live region is filled a moment after the list, so screen readers read it anew.)
    const said = await desk.waitForFunction(() => document.querySelector('#announcer')?.textContent || false, undefined, { timeout: 5_000 });
    expect(await said.jsonValue()).to.match(/^New programme: Quiz Night, Saturday 5 December( at)? 19:00$/);
    j.removeSchedule('quiz.yaml');
    await desk.locator('#programmes li h3', { hasText: 'Quiz Night' }).waitFor({ state: 'detached', timeout: 15_000 });
    expect(await intervals()).to.equal(before);
  });

  it('"audio only" plays the audio-only rendition (no picture loaded), says so, and is remembered after a reload', async () => {
    const button = desk.locator('#audio-only');
    expect(await button.textContent()).to.equal('Audio only');
    expect(await button.getAttribute('aria-pressed')).to.equal('false');
    expect(await desk.locator('#player-mode').textContent()).to.equal('');
    const urls = requested.get(desk)!;
    const from = urls.length;
    await button.click();
    expect(await button.getAttribute('aria-pressed')).to.equal('true');
    await desk.locator('#player-mode', { hasText: 'Audio only is on: no picture is loaded, so less data is used.' }).waitFor();
    // The sound plays on (currentTime moves) with no picture, from audio-only segments only.
    await audioOnlyPlays(desk, from);
    await axe(desk);

    const before = urls.length;
    await desk.reload();
    await desk.locator('#player-area video').waitFor();
    expect(await desk.locator('#audio-only').getAttribute('aria-pressed')).to.equal('true');
    await desk.locator('#player-mode', { hasText: 'Audio only is on' }).waitFor();
    await audioOnlyPlays(desk, before);

    // And back: the picture returns, and so does the choice after a reload.
    await desk.locator('#audio-only').click();
    expect(await desk.locator('#audio-only').getAttribute('aria-pressed')).to.equal('false');
    expect(await desk.locator('#player-mode').textContent()).to.equal('');
    await desk.waitForFunction(() => (document.querySelector<HTMLVideoElement>('#player-area video')?.videoWidth ?? 0) > 0);
    expect(await videoPlays(desk)).to.equal(': Story Hour');
  });

  it('the demo goes live beside it: listed once, offered with a button, no jump; switching moves player and chat; its end is said and the player stops', async () => {
    // The demo moves to the minute after next (Istanbul is UTC+3 all year); the clock is
    // hurried to ten seconds before it, then runs at wall speed.
    const now = j.clock.now().getTime();
    const at = Math.ceil((now + 30_000) / 60_000) * 60_000;
    j.writeSchedule('demo.yaml', demo(new Date(at).getUTCMinutes()));
    await hurryTo(new Date(at - 10_000).toISOString(), 4);

    await phone.locator('#switch-offer').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await phone.locator('#switch-text').textContent()).to.equal('Şimdi canlı: Deneme Yayını');
    expect(await phone.locator('#live-list li .live-title').allTextContents()).to.deep.equal(['Masal Saati', 'Deneme Yayını']);
    // Still the story, in player and chat.
    expect(await phone.locator('#player-programme').textContent()).to.equal(': Masal Saati');
    expect(await phone.locator('#chat-room').textContent()).to.equal('Sohbet: Masal Saati');
    // The demo is in no list more than once.
    expect(await phone.locator('#programmes li h3', { hasText: 'Deneme' }).count()).to.equal(0);

    const storyVideo = await phone.locator('#player-area video').elementHandle();
    await phone.locator('#switch-button').click();
    expect(await videoPlays(phone, 60_000)).to.equal(': Deneme Yayını');
    expect(await phone.evaluate((old) => !old?.isConnected, storyVideo)).to.equal(true);
    await phone.locator('#chat-room', { hasText: 'Sohbet: Deneme Yayını' }).waitFor();
    await phone.locator('#send-form').waitFor({ state: 'visible' });
    expect(await phone.locator('#switch-offer').isHidden()).to.equal(true);

    // The other page was watching the story and still is.
    await desk.locator('#switch-offer').waitFor({ state: 'visible' });
    expect(await desk.locator('#player-programme').textContent()).to.equal(': Story Hour');

    // The demo ends (after a minute, the rest of it hurried through): said, player stopped,
    // and no jump back to the story.
    await hurryTo(new Date(at + 60_000).toISOString(), 4);
    await phone.locator('#player-message', { hasText: 'Deneme Yayını sona erdi.' }).waitFor({ timeout: 75_000 });
    expect(await phone.locator('#player-area video').count()).to.equal(0);
    expect(await phone.locator('#live-list li .live-title').allTextContents()).to.deep.equal(['Masal Saati']);
    expect(await desk.locator('#player-programme').textContent()).to.equal(': Story Hour');
    await axe(phone);
  });
});
