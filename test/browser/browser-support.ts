// Real headless Chromium (Debian's, never a downloaded one) for the page tests.
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env['ONAIR_CHROMIUM'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}
