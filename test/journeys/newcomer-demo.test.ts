// Journey: a newcomer's first minute. The server runs the schedules exactly as shipped in
// schedules/ (the demo, two minutes every ten, beside the city's real programmes), and a
// page opened at `/` while the demo is on air plays it by itself — what `npm ci && npm start`
// then opening the page shows. Read from the folder at run time, so a change to the shipped
// demo is what this test runs.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../browser/browser-support.js';
import { startJourney, type Journey } from '../support/journey.js';
import { videoPlays } from '../support/viewer-page.js';

const SHIPPED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schedules');
// 04:09:56 in Istanbul on a Wednesday: the demo's 04:10 is four seconds away, nothing else airs.
const START = '2026-12-02T01:09:56Z';

describe('journey: a newcomer opens the page while the shipped demo is on air', function () {
  this.timeout(90_000);
  let j: Journey;
  let browser: Browser;

  before(async () => {
    const schedules = Object.fromEntries(
      readdirSync(SHIPPED)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => [f, readFileSync(path.join(SHIPPED, f), 'utf8')]),
    );
    expect(Object.keys(schedules)).to.include('demo.yaml');
    j = await startJourney({ schedules, start: START });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await j?.stop();
  });

  it('every shipped file loads, and the page plays the demo by itself', async () => {
    const status = (await (await fetch(`${j.url}/api/status`)).json()) as { ok: boolean };
    expect(status.ok, 'the shipped schedules load without errors').to.equal(true);
    const context = await browser.newContext({ locale: 'tr-TR' });
    try {
      const page = await context.newPage();
      await page.goto(`${j.url}/`);
      const playing = await videoPlays(page, 60_000);
      expect(playing).to.include('Deneme Yayını');
    } finally {
      await context.close();
    }
  });
});
