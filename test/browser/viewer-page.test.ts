// The viewer page in real headless Chromium: the live notification and banner, the player,
// Turkish and English (remembered), keyboard use, axe-core, and a 360 px wide phone.
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { systemClock } from '../../src/shared/clock.js';
import { makeOccurrence, makeRecord, startHarness, type Harness } from '../support/realtime-harness.js';
import { launchChromium } from './browser-support.js';

describe('browser: the viewer page (headless Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let h: Harness;
  const soon = new Date(Date.now() + 10 * 60_000);
  const story = makeOccurrence({
    programmeId: 'fairy-tales',
    start: soon,
    title: { tr: 'Masal Saati', en: 'Fairy Tale Time' },
    description: { tr: 'Çocuklar için masallar', en: 'Stories for children' },
  });
  const chess = makeOccurrence({
    programmeId: 'chess',
    start: new Date(Date.now() + 26 * 3600_000),
    title: { tr: 'Satranç Kursu', en: 'Chess Class' },
    category: 'class',
  });

  before(async () => {
    browser = await launchChromium();
    h = await startHarness({ clock: systemClock, occurrences: [story, chess] });
  });
  after(async () => {
    await browser?.close();
    await h?.stop();
  });

  async function open(options: { locale?: string; width?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      locale: options.locale ?? 'tr-TR',
      viewport: { width: options.width ?? 1024, height: 800 },
    });
    await context.grantPermissions(['notifications'], { origin: h.url });
    // Record notifications the page shows (Chromium headless has no notification centre).
    // A string, not a function: tsx would add helpers (__name) the page does not have.
    await context.addInitScript(`
      window.__notes = [];
      const Native = window.Notification;
      const Recording = function (title, options) {
        window.__notes.push((options && options.body) || title);
        return new Native(title, options);
      };
      Recording.permission = Native.permission;
      Recording.requestPermission = Native.requestPermission.bind(Native);
      Object.defineProperty(window, 'Notification', { value: Recording });
    `);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(h.url + '/');
    await page.locator('#programmes li').first().waitFor();
    expect(errors).to.deep.equal([]);
    return { context, page };
  }

  it('shows the programmes in local time, then the live banner, an aria-live announcement, a notification and the player', async () => {
    const { context, page } = await open();
    try {
      expect(await page.locator('#programmes li h3').allTextContents()).to.deep.equal(['Masal Saati', 'Satranç Kursu']);
      const time = page.locator('#programmes li time').first();
      expect(await time.getAttribute('datetime')).to.equal(story.start.toISOString());
      // Opt in to notifications with the keyboard.
      await page.locator('#notify').focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('#notify')?.getAttribute('aria-pressed') === 'true');
      expect(await page.locator('#live-banner').isHidden()).to.equal(true);

      h.engine.emit(
        'transition',
        makeRecord(story, 'live', [
          { name: 'youtube', kind: 'youtube', status: 'live', watchUrl: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', remote: {} },
          { name: 'local', kind: 'local', status: 'live', watchUrl: '/hls/fairy/index.m3u8', remote: {} },
        ]),
        'ready',
        story,
      );
      await page.locator('#live-banner').waitFor({ state: 'visible' });
      expect(await page.locator('#live-title').textContent()).to.equal('Masal Saati');
      await page.waitForFunction(() => document.querySelector('#alert')?.textContent === 'Şimdi canlı: Masal Saati');
      expect(await page.evaluate(() => (window as unknown as { __notes: string[] }).__notes)).to.deep.equal(['Şimdi canlı: Masal Saati']);
      const frame = page.locator('#player-area iframe');
      expect(await frame.getAttribute('src')).to.equal('https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1');
      expect(await frame.getAttribute('title')).to.contain('Masal Saati');
    } finally {
      await context.close();
      h.engine.emit('transition', makeRecord(story, 'scheduled'), 'live', story);
    }
  });

  it('plays the local HLS destination through hls.js (served from this server) when there is no YouTube', async () => {
    const { context, page } = await open();
    try {
      h.engine.emit(
        'transition',
        makeRecord(story, 'live', [{ name: 'local', kind: 'local', status: 'live', watchUrl: '/hls/fairy/index.m3u8', remote: {} }]),
        'ready',
        story,
      );
      const video = page.locator('#player-area video');
      await video.waitFor();
      expect(await video.getAttribute('aria-label')).to.equal('Masal Saati');
      expect(await page.evaluate(() => typeof window.Hls === 'function' && window.Hls.isSupported())).to.equal(true);
      // hls.js feeds the element through MediaSource: its src is a blob: URL, not the playlist.
      await page.waitForFunction(() => document.querySelector('#player-area video')?.getAttribute('src')?.startsWith('blob:') ?? false);
    } finally {
      await context.close();
      h.engine.emit('transition', makeRecord(story, 'scheduled'), 'live', story);
    }
  });

  it('is in Turkish by default, switches to English, and remembers the choice', async () => {
    const { context, page } = await open({ locale: 'tr-TR' });
    try {
      expect(await page.getAttribute('html', 'lang')).to.equal('tr');
      expect(await page.locator('#upcoming-h').textContent()).to.equal('Yaklaşan programlar');
      expect(await page.locator('#programmes li button[aria-pressed]').first().textContent()).to.equal('Hatırlat');
      await page.locator('#lang-en').click();
      expect(await page.getAttribute('html', 'lang')).to.equal('en');
      expect(await page.locator('#upcoming-h').textContent()).to.equal('Coming up');
      expect(await page.locator('#programmes li h3').first().textContent()).to.equal('Fairy Tale Time');
      await page.reload();
      await page.locator('#programmes li').first().waitFor();
      expect(await page.getAttribute('html', 'lang')).to.equal('en');
      expect(await page.locator('#lang-en').getAttribute('aria-pressed')).to.equal('true');
    } finally {
      await context.close();
    }
  });

  it('has no serious or critical axe violations, in Turkish and in English', async () => {
    const { context, page } = await open();
    try {
      await page.locator('#nickname').fill('Ayşe');
      await page.locator('#join-form button').click();
      await page.locator('#send-form').waitFor({ state: 'visible' });
      for (const lang of ['tr', 'en']) {
        await page.locator(`#lang-${lang}`).click();
        const result = await new AxeBuilder({ page }).analyze();
        const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).to.deep.equal([]);
      }
    } finally {
      await context.close();
    }
  });

  it('works 360 px wide with the keyboard alone: subscribe, join the chat, send a message', async () => {
    const { context, page } = await open({ width: 360 });
    try {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).to.be.at.most(0);
      const subscribe = page.locator('#programmes li button[aria-pressed]').first();
      await subscribe.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.getAttribute('aria-pressed') === 'true');
      expect(await page.evaluate(() => localStorage.getItem('onair.subs'))).to.equal('["fairy-tales"]');
      await page.locator('#nickname').focus();
      await page.keyboard.type('Deniz');
      await page.keyboard.press('Enter');
      await page.locator('#message').waitFor({ state: 'visible' });
      await page.locator('#message').focus();
      await page.keyboard.type('Merhaba!');
      await page.keyboard.press('Enter');
      await page.locator('#chat-log li', { hasText: 'Merhaba!' }).waitFor();
      const box = await page.locator('#send-form button').boundingBox();
      expect(box && box.x + box.width).to.be.at.most(360);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).to.be.at.most(0);
    } finally {
      await context.close();
    }
  });
});
