// What journey tests ask of the viewer page in Chromium: is its <video> playing?
import type { Page } from 'playwright-core';

/**
 * Resolves once the page's player <video> plays: its currentTime has moved on by a second
 * (a picture that merely loaded does not count). Returns the player heading's programme.
 */
export async function videoPlays(page: Page, timeoutMs = 30_000): Promise<string> {
  await page.locator('#player-area video').waitFor({ timeout: timeoutMs });
  const t0 = await page.waitForFunction(() => {
    const v = document.querySelector<HTMLVideoElement>('#player-area video');
    return v && v.currentTime > 0 ? v.currentTime : false;
  }, undefined, { timeout: timeoutMs });
  const first = (await t0.jsonValue()) as number;
  await page.waitForFunction((t) => (document.querySelector<HTMLVideoElement>('#player-area video')?.currentTime ?? 0) > t + 1, first, { timeout: timeoutMs });
  return (await page.locator('#player-programme').textContent()) ?? '';
}
