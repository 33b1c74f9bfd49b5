// Chat in real headless Chromium: two viewers and a moderator — a deleted message and its
// timed-out author vanish from both viewers' pages at once; an XSS corpus posted as chat
// renders as inert text (no script runs, no element is created); the console passes axe.
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { systemClock } from '../../src/shared/clock.js';
import { hashPassword } from '../../src/chat/index.js';
import { makeOccurrence, startHarness, type Harness } from '../support/realtime-harness.js';
import { launchChromium } from './browser-support.js';

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

describe('browser: chat and moderation (headless Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let h: Harness;
  const contexts: BrowserContext[] = [];
  const story = makeOccurrence({
    programmeId: 'fairy-tales',
    start: new Date(Date.now() + 5 * 60_000),
    title: { tr: 'Masal Saati', en: 'Fairy Tale Time' },
  });

  before(async () => {
    browser = await launchChromium();
    h = await startHarness({
      clock: systemClock,
      occurrences: [story],
      overrides: {
        // Let the corpus through the filters: what matters here is how the page renders it.
        'chat.allowLinks': true,
        'chat.rateLimitPerConnection': 100,
        'chat.rateLimitPerIp': 1000,
        'moderation.accounts': [{ name: 'ayse', passwordHash: await hashPassword('moderator secret') }],
      },
    });
  });
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });
  after(async () => {
    await browser?.close();
    await h?.stop();
  });

  async function page(path: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'tr-TR', viewport: { width: 1024, height: 800 } });
    contexts.push(context);
    const p = await context.newPage();
    await p.goto(h.url + path);
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
    await p.waitForFunction(() => (document.querySelector('#message') as HTMLInputElement).value === '');
  }

  async function moderator(): Promise<Page> {
    const p = await page('/moderation/');
    await p.locator('#login-name').fill('ayse');
    await p.locator('#login-password').fill('moderator secret');
    await p.locator('#login-form button').click();
    await p.locator('#console').waitFor({ state: 'visible' });
    await p.locator('#lang-en').click(); // the assertions below name English buttons
    return p;
  }

  it('a moderator deletes a message and times out its author: it vanishes from both viewers at once', async () => {
    const a = await viewer('Troll');
    const b = await viewer('Kid');
    const mod = await moderator();
    await send(a, 'buy my stickers');
    const atB = b.locator('#chat-log li', { hasText: 'buy my stickers' });
    await atB.waitFor();
    const id = await atB.getAttribute('data-id');
    expect(id).to.be.a('string');
    const row = mod.locator(`#messages li[data-id="${id}"]`);
    await row.waitFor();
    expect(await row.locator('.badge').textContent()).to.equal('onair');

    await row.getByRole('button', { name: 'Time out Troll' }).click();
    await a.waitForFunction(() => /durdurdu/.test(document.querySelector('#chat-status')?.textContent ?? ''));
    await row.getByRole('button', { name: /^Delete message from Troll/ }).click();
    for (const p of [a, b, mod]) {
      await p.waitForFunction((mid) => !document.querySelector(`li[data-id="${mid}"]`), id);
    }
    // The timed-out author cannot write; the other viewer can.
    await a.locator('#message').fill('again');
    await a.locator('#send-form button').click();
    await a.waitForFunction(() => /durduruldu/.test(document.querySelector('#chat-status')?.textContent ?? ''));
    await send(b, 'hello');
    await a.locator('#chat-log li', { hasText: 'hello' }).waitFor();
    // Both actions are in the audit log on the console.
    await mod.waitForFunction(() => document.querySelectorAll('#audit tr').length >= 2);
    const audit = await mod.locator('#audit tr td:nth-child(3)').allTextContents();
    expect(audit.slice(0, 2)).to.deep.equal(['delete', 'timeout']);
  });

  it('renders an XSS corpus as inert text: no script runs, no element is created', async () => {
    const a = await viewer('\u202Eevil\u200B.exe');
    const b = await viewer('Reader');
    const mod = await moderator();
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
});
