// The staff control room in real headless Chromium, against onair as `npm start` builds it
// (startOnair: the real express app and Socket.IO on port 0, the real ScheduleService reading
// YAML from a temp dir with one file broken on purpose, the real BroadcastEngine over the
// real SQLite store, the real YouTube quota ledger) on a manual clock. Only the engine's
// destination and encoder ports are the hand-written fakes that check themselves against
// their ports (test/unit/scheduler/fakes.ts), injected through the composition's options.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { loadConfig, type Config } from '../../src/config/index.js';
import { hashPassword } from '../../src/chat/index.js';
import { QuotaLedger } from '../../src/store/sqlite/quota-ledger.js';
import { startOnair, type Onair } from '../../src/main.js';
import { createLogger } from '../../src/shared/logger.js';
import { openDatabase, type SqliteDatabase } from '../../src/store/sqlite/database.js';
import { ManualClock } from '../support/manual-clock.js';
import { waitFor } from '../support/wait.js';
import { fakeDestination, fakeEncoders, type FakeDestination } from '../unit/scheduler/fakes.js';
import { launchChromium } from './browser-support.js';

const STORY = `id: story-hour
title: { tr: Masal Saati, en: Story Hour }
description: { tr: Masallar, en: Stories }
category: reading
duration: 1h
recurrence:
  once: 2026-12-05T11:55
source: { testPattern: {} }
destinations: [local]
`;
const WORKSHOP = `id: robot-workshop
title: { tr: Robot Atölyesi, en: Robot Workshop }
description: { tr: Robotlar, en: Robots }
category: workshop
duration: 1h
recurrence:
  once: 2026-12-05T15:00
source: { testPattern: {} }
destinations: [youtube]
`;
const BROKEN = `id: broken-one
title: { tr: Bozuk, en: Broken }
category: reading
duration: soon
recurrence:
  once: 2026-12-05T17:00
source: { testPattern: {} }
destinations: [local]
`;

describe('browser: the staff control room (headless Chromium)', function () {
  this.timeout(90_000);
  let browser: Browser;
  let dir: string;
  let clock: ManualClock;
  let onair: Onair;
  let ledgerDb: SqliteDatabase;
  let base: string;
  let encoders: ReturnType<typeof fakeEncoders>;
  const storyId = 'story-hour@2026-12-05T11:55';

  /** The broadcast as the API shows it (the same record the engine keeps). */
  async function broadcast(id: string): Promise<{ state: string; scheduledEnd: string }> {
    const res = await fetch(`${base}/api/broadcasts/${encodeURIComponent(id)}`);
    expect(res.status, await res.clone().text()).to.equal(200);
    return (await res.json()) as { state: string; scheduledEnd: string };
  }

  before(async () => {
    browser = await launchChromium();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-control-room-'));
    const schedules = path.join(dir, 'schedules');
    fs.mkdirSync(schedules);
    fs.mkdirSync(path.join(dir, 'media'));
    fs.writeFileSync(path.join(schedules, 'story.yaml'), STORY);
    fs.writeFileSync(path.join(schedules, 'workshop.yaml'), WORKSHOP);
    fs.writeFileSync(path.join(schedules, 'broken.yaml'), BROKEN);
    const loaded = loadConfig({
      env: { PORT: '0', ONAIR_HOST: '127.0.0.1', ONAIR_DATA_DIR: path.join(dir, 'data'), ONAIR_SCHEDULES_DIR: schedules, ONAIR_MEDIA_DIR: path.join(dir, 'media') },
    });
    const config: Readonly<Config> = {
      ...loaded,
      moderation: { ...loaded.moderation, accounts: [{ name: 'zeynep', passwordHash: await hashPassword('control room secret') }] },
    };
    clock = new ManualClock('2026-12-05T09:00:00Z'); // 12:00 in Istanbul
    encoders = fakeEncoders();
    const dests = new Map<string, FakeDestination>();
    onair = await startOnair(config, {
      clock,
      logger: createLogger('silent'),
      encoders,
      destinations: (name) => dests.get(name) ?? dests.set(name, fakeDestination(name)).get(name)!,
    });
    base = `http://127.0.0.1:${onair.port}`;

    // Today's YouTube calls so far, counted where onair counts them (the ledger in the data folder).
    ledgerDb = openDatabase(config.dirs.data);
    const ledger = new QuotaLedger({ db: ledgerDb, clock, dailyQuota: config.youtube.dailyQuota });
    for (const m of ['liveBroadcasts.insert', 'liveStreams.insert', 'liveBroadcasts.bind', 'liveBroadcasts.transition']) ledger.record(m);

    // The story started five minutes ago (within the late-start grace): live at once.
    await waitFor(`${storyId} to be live`, async () => {
      await clock.advance(1000);
      return (await broadcast(storyId)).state === 'live';
    }, 20_000, 10);
  });

  after(async () => {
    await browser?.close();
    await onair?.stop();
    ledgerDb?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function loggedInPage(): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/control-room/`);
    await page.getByLabel('Name').fill('zeynep');
    await page.getByLabel('Password').fill('control room secret');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('#room').waitFor({ state: 'visible' });
    return page;
  }

  it('asks for a login and serves no data without one', async () => {
    const res = await fetch(`${base}/api/control-room`);
    expect(res.status).to.equal(401);
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/control-room/`);
      await page.locator('#login-panel').waitFor({ state: 'visible' });
      expect(await page.locator('#room').isHidden()).to.equal(true);
      await page.getByLabel('Name').fill('zeynep');
      await page.getByLabel('Password').fill('wrong');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.locator('#login-status.error').waitFor();
      expect(await page.locator('#room').isHidden()).to.equal(true);
    } finally {
      await page.context().close();
    }
  });

  it('draws the day as bars coloured by state, live health charts, quota and schedule errors with file:line:col', async () => {
    const page = await loggedInPage();
    try {
      await page.locator(`svg.timeline g.bar[data-occurrence="${storyId}"] rect.state-live`).waitFor();
      await page.locator('svg.timeline g.bar[data-occurrence="robot-workshop@2026-12-05T15:00"] rect.state-scheduled').waitFor();
      expect(await page.locator('svg.timeline g.bar').count()).to.equal(2);
      // The bar sits at its local time: 11:55 of a 24-hour axis is just under half way.
      const x = Number(await page.locator(`g.bar[data-occurrence="${storyId}"] rect`).getAttribute('x'));
      expect(x / 960).to.be.within(0.48, 0.5);
      expect(await page.locator(`g.bar[data-occurrence="${storyId}"] title`).textContent()).to.include('11:55–12:55');
      expect(await page.locator('#who').textContent()).to.equal('zeynep');

      // The encoder reports; the page charts it on its next poll.
      const enc = encoders.for(storyId)[0]!;
      enc.emitHealth({ phase: 'programme', fps: 25, bitrateKbps: 2400, droppedFrames: 0, restarts: 0 });
      enc.emitHealth({ phase: 'programme', fps: 24, bitrateKbps: 2600, droppedFrames: 7, restarts: 1, mode: 'copy', modeReason: 'every destination is local HLS without renditions' });
      const card = page.locator(`.health-card[data-occurrence="${storyId}"]`);
      await card.locator('dd[data-metric="bitrate"]', { hasText: '2600 kbit/s' }).waitFor();
      expect(await card.locator('dd[data-metric="fps"]').textContent()).to.equal('24.0');
      expect(await card.locator('dd[data-metric="dropped"]').textContent()).to.equal('7');
      expect(await card.locator('dd[data-metric="restarts"]').textContent()).to.equal('1');
      // How it is sent, and why: a copied broadcast costs next to no CPU.
      expect(await card.locator('dd[data-metric="mode"]').textContent()).to.equal('copied as it is: every destination is local HLS without renditions');
      expect((await card.locator('svg.spark polyline').first().getAttribute('points'))?.split(' ')).to.have.length(2);

      const quota = await page.locator('#quota-text').textContent();
      expect(quota).to.match(/^200 of 10000 units used today \(2026-12-05, Pacific\)/);
      // The workshop goes to YouTube at 15:00 today: the schedule projects its cost.
      expect(quota).to.match(/projects [1-9]\d*/);
      expect(await page.locator('#quota [role="meter"]').getAttribute('aria-valuenow')).to.match(/^\d+$/);

      const errors = await page.locator('#errors li').allTextContents();
      expect(errors.length).to.be.greaterThan(0);
      expect(errors.join('\n')).to.match(/broken\.yaml:4:11: error: duration must be a duration/);

      const axe = await new AxeBuilder({ page }).include('main').analyze();
      const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).to.deep.equal([]);
    } finally {
      await page.context().close();
    }
  });

  it('confirms each action: cancel changes nothing; confirmed extend and end act and are audited', async () => {
    const page = await loggedInPage();
    try {
      const row = page.locator(`#broadcasts tr[data-occurrence="${storyId}"]`);
      const endBefore = (await broadcast(storyId)).scheduledEnd;

      await row.getByRole('button', { name: 'Extend 15 min: Masal Saati' }).click();
      await page.locator('#confirm[open]').waitFor();
      expect(await page.locator('#confirm-text').textContent()).to.include('Extend “Masal Saati” by 15 minutes?');
      await page.locator('#confirm-no').click();
      await page.locator('#action-status', { hasText: 'Cancelled' }).waitFor();
      expect((await broadcast(storyId)).scheduledEnd).to.equal(endBefore);
      expect(await page.locator('#audit tr').count()).to.equal(0);

      await row.getByRole('button', { name: 'Extend 15 min: Masal Saati' }).click();
      await page.locator('#confirm-yes').click();
      await page.locator('#action-status', { hasText: 'Extend 15 min: done' }).waitFor();
      expect(Date.parse((await broadcast(storyId)).scheduledEnd) - Date.parse(endBefore)).to.equal(15 * 60_000);
      await page.locator('#audit tr', { hasText: 'extend' }).waitFor();
      expect(await page.locator('#audit tr').first().textContent()).to.include('zeynep');
      expect(await page.locator('#audit tr').first().textContent()).to.include('+15 minutes');

      await row.getByRole('button', { name: 'End now: Masal Saati' }).click();
      expect(await page.locator('#confirm-text').textContent()).to.include('cannot be undone');
      await page.locator('#confirm-yes').click();
      await page.locator('#action-status', { hasText: 'End now: done' }).waitFor();
      expect(['ending', 'complete']).to.include((await broadcast(storyId)).state);
      await page.locator(`g.bar[data-occurrence="${storyId}"] rect:not(.state-live)`).waitFor();
      const audit = await page.locator('#audit tr').allTextContents();
      expect(audit[0]).to.match(/zeynep.*end/);
      expect(audit).to.have.length(2);
    } finally {
      await page.context().close();
    }
  });
});
