// Journey: staff in the control room (real Chromium, the real composed server, real ffmpeg)
// start a workshop early, put the slate up and take it down, extend it and end it early; a
// viewer's page, open all along, plays it from the early start with its real time, shows
// the new end at once, then says it ended, stops the player and does not list it as coming
// up. The room itself: a label on
// the 45-minute bar, a whole 24:00 tick, the status panels above the day's table, a
// coloured state badge, only the switch that applies (and the slate reaching the viewer's
// picture), the reason in local time, and the bitrate measured on the output (not the
// configured rate). A schedule file broken meanwhile shows in the room as it is saved,
// pushed over the staff socket, and goes once fixed.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../../src/chat/password.js';
import { startJourney, type Journey } from '../support/journey.js';
import { freePort } from '../support/free-port.js';
import { launchChromium } from '../browser/browser-support.js';
import { videoPlays } from '../support/viewer-page.js';
import { waitFor } from '../support/wait.js';
import { SMALL_FORMAT } from '../support/test-encoder-factory.js';
import { encodedKbps } from '../../src/media/programme-source.js';

// 11:50 in Istanbul; the workshop is planned for 12:00 and started by staff at once.
const START = '2026-12-05T08:50:00Z';
const WORKSHOP = `id: robot-workshop
title: { tr: Robot Atölyesi, en: Robot Workshop }
category: workshop
duration: 45m
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [local, relay]
`;
const PASSWORD = 'control room secret';
const RELAY_KEY = 'relay-secret-key';
/** Another day's talk: saved, broken and fixed while the room is open. */
const TALK = `id: author-talk
title: { tr: Yazar Söyleşisi, en: Author Talk }
duration: 30m
recurrence:
  once: 2026-12-12T15:00
source: { testPattern: {} }
destinations: [local]
`;

describe('journey: staff run a broadcast from the control room', function () {
  this.timeout(120_000);
  let j: Journey;
  let browser: Browser;
  let room: Page;
  let viewer: Page;
  const errors: string[] = [];
  /** Text frames the room's sockets received. */
  const frames: string[] = [];
  const id = 'robot-workshop@2026-12-05T12:00';

  before(async () => {
    browser = await launchChromium();
    // The relay's server is down (nothing listens on its port): it fails, the workshop goes on.
    const relay = { type: 'rtmp', url: `rtmp://127.0.0.1:${await freePort()}/live`, keyEnv: 'ONAIR_RELAY_KEY' };
    j = await startJourney({
      schedules: { 'workshop.yaml': WORKSHOP },
      start: START,
      env: { ONAIR_RELAY_KEY: RELAY_KEY },
      config: { moderation: { accounts: [{ name: 'zeynep', passwordHash: await hashPassword(PASSWORD) }] }, destinations: { relay } },
    });
    const ctx = await browser.newContext({ timezoneId: 'Europe/Istanbul', viewport: { width: 1280, height: 900 } });
    room = await ctx.newPage();
    const vctx = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Istanbul', viewport: { width: 390, height: 844 } });
    viewer = await vctx.newPage();
    for (const p of [room, viewer]) p.on('pageerror', (e) => errors.push(e.message));
    room.on('websocket', (ws) => ws.on('framereceived', (f) => void (typeof f.payload === 'string' && frames.push(f.payload))));
  });
  after(async () => {
    await browser?.close();
    await j?.stop();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      console.log(await room.locator('#broadcasts').innerText().catch(() => ''), await room.locator('#action-status').textContent().catch(() => ''));
    }
    expect(errors).to.deep.equal([]);
  });

  /**
   * Runs in the viewer page: whether the share of the player's current picture in the
   * slate's colour (SLATE_COLOUR) is above `min`, or, for a negative `min`, below `-min`.
   */
  function slateShare(min: number): boolean {
    const video = document.querySelector<HTMLVideoElement>('#player-area video');
    if (!video || video.readyState < 2) return false;
    const canvas = document.createElement('canvas');
    canvas.width = 32;
    canvas.height = 18;
    const g = canvas.getContext('2d', { willReadFrequently: true })!;
    g.drawImage(video, 0, 0, 32, 18);
    const px = g.getImageData(0, 0, 32, 18).data;
    let slate = 0;
    for (let i = 0; i < px.length; i += 4) if (Math.abs(px[i]! - 0x1d) < 24 && Math.abs(px[i + 1]! - 0x35) < 24 && Math.abs(px[i + 2]! - 0x57) < 24) slate++;
    const share = slate / (px.length / 4);
    return min >= 0 ? share > min : share < -min;
  }

  /** Clicks a broadcast's action button and confirms the dialog. */
  async function act(action: string): Promise<void> {
    await room.locator(`#broadcasts tr[data-occurrence="${id}"] button[data-action="${action}"]`).click();
    await room.locator('#confirm-yes').click();
    await room.locator('#action-status', { hasText: 'done' }).waitFor();
  }

  it('shows the day: a label on a 45-minute bar, a whole 24:00 tick, the status panels before the table', async () => {
    await room.goto(`${j.url}/control-room/`);
    await room.locator('#login-name').fill('zeynep');
    await room.locator('#login-password').fill(PASSWORD);
    await room.locator('#login-form button').click();
    await room.locator(`#broadcasts tr[data-occurrence="${id}"]`).waitFor();
    expect(await room.locator(`.timeline .bar[data-occurrence="${id}"] text`).textContent()).to.match(/^Robot/);
    const tick = room.locator('.timeline .hour text', { hasText: '24:00' });
    const [tickBox, svgBox] = [await tick.boundingBox(), await room.locator('.timeline').boundingBox()];
    expect(tickBox!.x + tickBox!.width).to.be.at.most(svgBox!.x + svgBox!.width + 0.5);
    const y = async (sel: string): Promise<number> => (await room.locator(sel).boundingBox())!.y;
    for (const panel of ['#health-h', '#quota-h', '#errors-h']) expect(await y(panel)).to.be.below(await y('#list-h'));
    const axe = await new AxeBuilder({ page: room }).analyze();
    expect(axe.violations.map((v) => v.id)).to.deep.equal([]);
  });

  it('start now: the viewer page plays it at once, with its real start', async () => {
    await viewer.goto(`${j.url}/`);
    await viewer.locator('#programmes li').first().waitFor();
    await act('start');
    expect(await videoPlays(viewer, 60_000)).to.equal(': Robot Workshop');
    expect(await viewer.locator('#live-list .live-time').textContent()).to.match(/^Saturday 5 December 11:5\d–12:45 \(GMT\+3\)$/);
    // The table is redrawn every two seconds: read the badge as it is now, in one go.
    const colour = await room.waitForFunction((sel) => {
      const b = document.querySelector(sel);
      return b?.textContent === 'live' ? getComputedStyle(b).backgroundColor : false;
    }, `#broadcasts tr[data-occurrence="${id}"] .badge`, { timeout: 30_000 });
    expect(await colour.jsonValue()).to.equal('rgb(176, 0, 32)');
    // The relay that never answered is named in the room, with its reason, never its key.
    const relayLine = room.locator(`#broadcasts tr[data-occurrence="${id}"] .destination-problem[data-destination="relay"]`);
    await relayLine.waitFor({ timeout: 30_000 });
    const said = (await relayLine.textContent())!;
    expect(said).to.match(/^relay: failed — \S/);
    expect(said).to.not.include(RELAY_KEY);
    expect(await relayLine.getAttribute('class')).to.include('error');
  });

  it('the slate: only the switch that applies is offered, the viewer page shows it and then the programme again; the bitrate is measured, not the configured rate', async () => {
    const row = room.locator(`#broadcasts tr[data-occurrence="${id}"]`);
    await row.locator('button[data-action="slate"]').waitFor();
    expect(await row.locator('button[data-action="programme"]').count()).to.equal(0);
    await act('slate');
    // Once the encoder reports the slate (a restart of ffmpeg).
    await row.locator('button[data-action="programme"]').waitFor({ timeout: 60_000 });
    expect(await row.locator('button[data-action="slate"]').count()).to.equal(0);
    // The viewer's player, never reloaded, shows the slate's plain colour a few segments on.
    await viewer.waitForFunction(slateShare, 0.8, { timeout: 60_000 });
    await act('programme');
    await row.locator('button[data-action="slate"]').waitFor({ timeout: 60_000 });
    await viewer.waitForFunction(slateShare, -0.2, { timeout: 60_000 });

    // The bitrate is measured on the local HLS output (ffmpeg says N/A through its tee):
    // the card says so, and its figure is not the configured rate.
    const card = room.locator(`.health-card[data-occurrence="${id}"]`);
    // (The first figures of a fresh output, before a segment is written, are the nominal rate.)
    const shown = await card.locator('[data-metric="bitrate"]', { hasText: /^\d+ kbit\/s measured$/ }).textContent({ timeout: 30_000 });
    const match = /^(\d+) kbit\/s measured$/.exec(shown ?? '');
    expect(match, String(shown)).to.not.equal(null);
    expect(Number(match![1])).to.be.above(0).and.not.equal(encodedKbps(SMALL_FORMAT));
    const state = (await room.evaluate(async () => (await fetch('/api/control-room')).json())) as { health: Record<string, Array<{ bitrateKbps: number; bitrateMeasured: boolean }>> };
    const measured = state.health[id]!.filter((x) => x.bitrateMeasured);
    expect(measured.length).to.be.above(0);
    expect(measured.every((x) => x.bitrateKbps !== encodedKbps(SMALL_FORMAT))).to.equal(true);
  });

  it('extend: the viewer page shows the new end at once, and the programme plays on', async () => {
    const time = viewer.locator('#live-list .live-time');
    expect(await time.textContent()).to.match(/–12:45 \(GMT\+3\)$/);
    await act('extend');
    await viewer.locator('#live-list .live-time', { hasText: /–13:00 \(GMT\+3\)$/ }).waitFor({ timeout: 15_000 });
    expect(await videoPlays(viewer)).to.equal(': Robot Workshop');
  });

  it('end now: the viewer page says it ended and stops; the room gives the reason in local time; it is not "coming up"', async () => {
    await act('end');
    await viewer.locator('#player-message', { hasText: 'Robot Workshop has ended.' }).waitFor({ timeout: 30_000 });
    expect(await viewer.locator('#player-area video').count()).to.equal(0);
    expect(await viewer.locator('#programmes li h3', { hasText: 'Robot' }).count()).to.equal(0);
    const reason = room.locator(`#broadcasts tr[data-occurrence="${id}"] .broadcast-reason`);
    await reason.waitFor();
    expect(await reason.textContent()).to.match(/^ended early by staff at 11:5\d:\d\d \(Europe\/Istanbul\)$/);
    // A page opened now does not list it as coming up either.
    await viewer.reload();
    await viewer.locator('#programmes-empty').waitFor();
    expect(await viewer.locator('#programmes li').count()).to.equal(0);
  });

  it('schedule problems: a broken save shows as it happens, pushed over the staff socket, with its position and what stays on air', async () => {
    const file = `${j.dirs.schedules}/talk.yaml`;
    writeFileSync(file, TALK);
    await waitFor('the talk to be on the schedule', async () => ((await (await fetch(`${j.url}/api/status`)).json()) as { programmes: Array<{ id: string }> }).programmes.some((p) => p.id === 'author-talk'));
    await room.locator('#errors-none').waitFor();
    writeFileSync(file, TALK.replace('[local]', '[local'));
    const item = room.locator('#errors li', { hasText: 'talk.yaml:8:1: error:' });
    await item.waitFor({ timeout: 15_000 });
    expect(await item.locator('.error-note').textContent()).to.match(/^the previous version of .*talk\.yaml \(read .*\) stays on air until the errors are fixed$/);
    expect(await room.locator('#errors-none').isHidden()).to.equal(true);
    // It came over the socket, not only with the two-second poll.
    await waitFor('the schedule:status frame naming the error', () => frames.some((f) => f.includes('"schedule:status"') && f.includes('talk.yaml:8:1: error:')));
    writeFileSync(file, TALK.replace('30m', '40m'));
    await room.locator('#errors-none').waitFor({ timeout: 15_000 });
    expect(await room.locator('#errors li').count()).to.equal(0);
  });
});
