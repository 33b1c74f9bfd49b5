// Journey: a moderator keeps a children's chat safe through the real composed server (what
// `npm start` runs). Viewers and the moderator are real Chromium pages in separate browser
// contexts — separate browsers as far as the server knows, all on one address (127.0.0.1),
// like a library's Wi-Fi. Each action must reach the viewer pages; a ban must hit one
// browser's chat identity and leave the others behind the same address alone. An XSS corpus
// posted as chat renders as inert text everywhere, and the console passes axe.
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import { DateTime } from 'luxon';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hashPassword } from '../../src/chat/index.js';
import { startJourney, type Journey } from '../support/journey.js';
import { launchChromium } from '../browser/browser-support.js';

const TOKEN = 'journey-moderator-token-0123456789';

const XSS_CORPUS = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=1">',
  '<svg onload=window.__xss=1><circle r=5></svg>',
  '<a href="javascript:window.__xss=1">click me</a>',
  'javascript:window.__xss=1',
  '"><iframe src="javascript:window.__xss=1"></iframe>',
  "'><body onload=window.__xss=1>",
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>',
  '{{constructor.constructor("window.__xss=1")()}}',
  '<details open ontoggle=window.__xss=1>',
  '\u202E<b>gnp.exe</b>',
  'zero\u200Bwidth\u2060joiner\uFEFF',
];

describe('journey: a moderator acts and every viewer page follows', function () {
  this.timeout(90_000);
  let j: Journey;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  // Ten minutes ahead: the chat is open (15 min before air) and no ffmpeg needs to run.
  const start = DateTime.now().setZone('Europe/Istanbul').plus({ minutes: 10 }).startOf('minute');
  const occurrenceId = `story-hour@${start.toFormat("yyyy-MM-dd'T'HH:mm")}`;

  before(async () => {
    browser = await launchChromium();
    j = await startJourney({
      schedules: {
        'story.yaml': `id: story-hour
title: { tr: Masal Saati, en: Story Hour }
timezone: Europe/Istanbul
duration: 30m
recurrence:
  once: ${start.toFormat("yyyy-MM-dd'T'HH:mm")}
source: { testPattern: {} }
destinations: [local]
`,
      },
      config: {
        // Links allowed: the XSS corpus must reach the pages, where what matters is how it renders.
        chat: { rateLimitPerConnection: 100, rateLimitPerIp: 1000, allowLinks: true },
        moderation: { accounts: [{ name: 'ayse', passwordHash: await hashPassword('moderator secret') }] },
      },
      env: { ONAIR_MODERATOR_TOKEN: TOKEN },
    });
  });
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });
  after(async () => {
    await browser?.close();
    await j?.stop();
  });

  async function page(path: string, locale = 'tr-TR'): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 1024, height: 900 } });
    contexts.push(context);
    const p = await context.newPage();
    await p.goto(j.url + path);
    return p;
  }

  async function viewer(nickname: string): Promise<Page> {
    const p = await page('/');
    await p.locator('#nickname').fill(nickname);
    await p.locator('#join-form button').click();
    await p.locator('#send-form').waitFor({ state: 'visible' });
    return p;
  }

  async function send(p: Page, text: string): Promise<void> {
    await p.locator('#message').fill(text);
    await p.locator('#send-form button').click();
  }

  /** Sends and waits until the message is on the page of `seenBy`; returns its id. */
  async function said(from: Page, text: string, seenBy: Page, list = '#chat-log'): Promise<string> {
    await send(from, text);
    const row = seenBy.locator(`${list} li`, { hasText: text });
    await row.waitFor();
    return (await row.getAttribute('data-id'))!;
  }

  async function moderator(locale = 'tr-TR'): Promise<Page> {
    const p = await page('/moderation/', locale);
    await p.locator('#login-name').fill('ayse');
    await p.locator('#login-password').fill('moderator secret');
    await p.locator('#login-form button[type=submit]').click();
    await p.locator('#console').waitFor({ state: 'visible' });
    return p;
  }

  const chatStatus = (p: Page, pattern: RegExp): Promise<unknown> =>
    p.waitForFunction((src) => new RegExp(src).test(document.querySelector('#chat-status')?.textContent ?? ''), pattern.source);
  /** The room's mode line on the viewer page (slow mode, closed). */
  const chatMode = (p: Page, pattern: RegExp): Promise<unknown> =>
    p.waitForFunction((src) => new RegExp(src).test(document.querySelector('#chat-mode')?.textContent ?? ''), pattern.source);

  it('the console lists the room with its time and destination right after login, in Turkish and English, and opens with the token too', async () => {
    const mod = await moderator();
    // Filled by itself, without pressing Refresh.
    const option = mod.locator(`#room option[value="${occurrenceId}"]`);
    await option.waitFor({ state: 'attached' });
    const tr = (await option.textContent())!;
    const hhmm = await mod.evaluate((iso) => new Date(iso).toLocaleTimeString('tr-TR', { hour: '2-digit', minute: '2-digit' }), start.toUTC().toISO()!);
    expect(tr).to.include('Masal Saati').and.include('local').and.include(hhmm);
    expect(await mod.locator('#room-h').textContent()).to.equal('Sohbet odası');
    await mod.locator('#lang-en').click();
    expect(await mod.locator('#room-h').textContent()).to.equal('Chat room');
    expect(await option.textContent()).to.include('Story Hour');
    expect(await mod.locator('#times-note').textContent()).to.match(/your time zone.*UTC/);

    // The README says the token opens the console: it does.
    const withToken = await page('/moderation/', 'en-GB');
    await withToken.locator('#login-panel details summary').click();
    await withToken.locator('#login-token').fill(TOKEN);
    await withToken.locator('#token-form button').click();
    await withToken.locator(`#room option[value="${occurrenceId}"]`).waitFor({ state: 'attached' });
    expect(await withToken.locator('#who').textContent()).to.equal('with the token');
  });

  it('the moderator console has no serious or critical axe violations', async () => {
    const login = await page('/moderation/');
    await login.locator('#login-form').waitFor();
    const mod = await moderator();
    for (const p of [login, mod]) {
      const result = await new AxeBuilder({ page: p }).analyze();
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad.map((v) => `${v.id}: ${v.help}`)).to.deep.equal([]);
    }
  });

  describe('with one moderator console open (as during a broadcast)', () => {
    let mod: Page;
    before(async () => {
      mod = await moderator('en-GB');
      contexts.pop(); // kept open for these tests; closed with the browser
      await mod.locator(`#room option[value="${occurrenceId}"]`).waitFor({ state: 'attached' });
    });

    it('delete and time-out reach the viewer pages at once', async () => {
      const troll = await viewer('Troll');
      const kid = await viewer('Kid');
      const id = await said(troll, 'buy my stickers', kid);
      const row = mod.locator(`#messages li[data-id="${id}"]`);
      expect(await row.locator('.badge').textContent()).to.equal('onair');
      await row.getByRole('button', { name: /^Delete message from Troll/ }).click();
      for (const p of [troll, kid, mod]) await p.waitForFunction((mid) => !document.querySelector(`li[data-id="${mid}"]`), id);

      const second = await said(troll, 'more stickers', mod, '#messages');
      await mod.locator(`#messages li[data-id="${second}"]`).getByRole('button', { name: 'Time out Troll' }).click();
      await chatStatus(troll, /durdurdu/);
      await send(troll, 'again');
      await chatStatus(troll, /durduruldu/);
      await said(kid, 'hello', troll);
      // Both actions are in the audit log on the console, newest first.
      await mod.waitForFunction(() => document.querySelectorAll('#audit tr').length >= 2);
      expect((await mod.locator('#audit tr td:nth-child(3)').allTextContents()).slice(0, 2)).to.deep.equal(['timeout', 'delete']);
    });

    it('a ban takes one browser out, not the viewer beside it on the same address; unban from the ban list lets it back', async () => {
      const bully = await viewer('Bully');
      const sibling = await viewer('Sibling'); // same address (127.0.0.1), another browser
      const id = await said(bully, 'join my other chat instead', mod, '#messages');
      await mod.locator(`#messages li[data-id="${id}"]`).getByRole('button', { name: 'Ban Bully' }).click();
      const form = mod.locator(`#messages li[data-id="${id}"] .ban-form`);
      // Defaults: this chat, until lifted, the address left alone.
      expect(await form.locator('select[name=scope]').inputValue()).to.equal('room');
      expect(await form.locator('select[name=minutes]').inputValue()).to.equal('');
      expect(await form.locator('input[name=address]').isChecked()).to.equal(false);
      await form.getByRole('button', { name: 'Ban Bully' }).click();

      await chatStatus(bully, /çıkardı/);
      await bully.locator('#join-form').waitFor({ state: 'visible' });
      // The sibling behind the same address keeps chatting, and is seen by the moderator.
      await said(sibling, 'still here', mod, '#messages');
      await sibling.locator('#chat-log li', { hasText: 'still here' }).waitFor();
      // Joining again does not bring the banned browser back.
      await bully.locator('#join-form button').click();
      await chatStatus(bully, /yazamazsınız/);

      const banRow = mod.locator('#bans tr', { hasText: 'Bully' });
      await banRow.waitFor();
      const cells = await banRow.locator('td').allTextContents();
      expect(cells.slice(0, 4)).to.deep.equal(['Bully', 'ban', `Story Hour (${await mod.evaluate((iso) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' }).format(new Date(iso)), start.toUTC().toISO()!)})`, 'until lifted']);
      await banRow.getByRole('button', { name: 'Lift the ban of Bully' }).click();
      await banRow.waitFor({ state: 'detached' });
      await bully.locator('#send-form').waitFor({ state: 'visible' });
      await said(bully, 'sorry everyone', sibling);
      const audit = await mod.locator('#audit tr').first().locator('td').allTextContents();
      expect(audit.slice(2)).to.deep.equal(['unban', audit[3]!, 'Bully', 'lifted the ban in this chat']);
      expect(audit[3]).to.match(/^Story Hour \(/);
    });

    it('slow mode, pin, close and reopen reach the viewer page; the audit log names the broadcast of each', async () => {
      const kid = await viewer('Reader');

      await mod.locator('#slow').selectOption('30');
      await mod.locator('#slow-apply').click();
      await chatMode(kid, /Yavaş mod: 30/);
      await mod.locator('#slow').selectOption('0');
      await mod.locator('#slow-apply').click();
      await chatMode(kid, /^$/);

      const id = await said(kid, 'what a nice story', mod, '#messages');
      await mod.locator(`#messages li[data-id="${id}"]`).getByRole('button', { name: /^Pin message from Reader/ }).click();
      await kid.locator('#chat-pinned-text', { hasText: 'what a nice story' }).waitFor();

      await mod.locator('#close-chat').click();
      await chatMode(kid, /Sohbet şu anda kapalı/);
      expect(await kid.locator('#send-form button').isDisabled()).to.equal(true);
      await mod.locator('#open-chat').click();
      await chatMode(kid, /^$/);
      await said(kid, 'back again', mod, '#messages');

      const rows = await mod.locator('#audit tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)));
      const byAction = (action: string): (string | null)[] => rows.find((r) => r[2] === action)!;
      for (const action of ['slow', 'pin', 'close', 'open']) expect(byAction(action)[3], action).to.match(/^Story Hour \(/);
    });

    it('renders an XSS corpus as inert text: no script runs, no element is created', async () => {
      const a = await viewer('\u202Eevil\u200B.exe');
      const b = await viewer('Reader');
      for (const text of XSS_CORPUS) await send(a, text);
      // The last message of the corpus (as neutralised) has reached every page.
      for (const [p, list] of [[a, '#chat-log'], [b, '#chat-log'], [mod, '#messages']] as const) {
        await p.waitForFunction((sel) => Array.from(document.querySelectorAll(`${sel} .text`)).some((e) => e.textContent === 'zerowidthjoiner'), list);
      }
      for (const p of [a, b]) {
        const report = await p.evaluate(() => ({
          xss: (window as unknown as { __xss?: number }).__xss,
          foreign: document.querySelectorAll(
            '#chat-log script, #chat-log img, #chat-log svg, #chat-log a, #chat-log iframe, #chat-log b, #chat-log details, #chat-log math, #chat-log style, #chat-log table',
          ).length,
          textChildren: Array.from(document.querySelectorAll('#chat-log .text')).map((e) => e.childElementCount),
          texts: Array.from(document.querySelectorAll('#chat-log .text')).map((e) => e.textContent),
          nicks: Array.from(document.querySelectorAll('#chat-log .nick')).map((e) => e.textContent),
        }));
        expect(report.xss).to.equal(undefined);
        expect(report.foreign).to.equal(0);
        expect(report.textChildren.every((n) => n === 0)).to.equal(true);
        const shown = report.texts.slice(-XSS_CORPUS.length);
        expect(shown[0]).to.equal('<script>window.__xss=1</script>');
        expect(shown[3]).to.equal('<a href="javascript:window.__xss=1">click me</a>');
        expect(shown[10]).to.equal('<b>gnp.exe</b>'); // the RTL override is gone
        expect(shown[11]).to.equal('zerowidthjoiner');
        expect(new Set(report.nicks.slice(-XSS_CORPUS.length))).to.deep.equal(new Set(['evil.exe']));
      }
      const modReport = await mod.evaluate(() => ({
        xss: (window as unknown as { __xss?: number }).__xss,
        foreign: document.querySelectorAll('#messages script, #messages img, #messages svg, #messages a, #messages iframe, #messages b').length,
      }));
      expect(modReport).to.deep.equal({ xss: undefined, foreign: 0 });
    });
  });
});
