// `onair validate` prints the projected YouTube units per day and warns above the quota.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config/index.js';
import { runValidate } from '../../../src/cli/validate.js';
import { youtubeQuotaSection } from '../../../src/cli/youtube-quota-section.js';

const schedule = (id: string, days: string) => `id: ${id}
title: { tr: Atölye, en: Workshop }
description: { tr: Açıklama, en: Description }
category: workshop
audience: [adults]
timezone: Europe/Istanbul
duration: 2h
recurrence:
  weekly: { days: [${days}], at: ["13:00", "15:00", "17:00"] }
  from: 2026-12-01
source: { testPattern: {} }
destinations: [local, youtube]
youtube: { privacy: public, madeForKids: false }
chat: { enabled: true }
`;

describe('onair validate: YouTube quota projection', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-validate-yt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints units per day and warns for a day above the configured quota', () => {
    writeFileSync(path.join(dir, 'a.yaml'), schedule('atolye', 'sat'));
    const config = loadConfig({ env: { ONAIR_DATA_DIR: dir, ONAIR_SCHEDULES_DIR: dir, ONAIR_MEDIA_DIR: dir } });
    const now = new Date('2026-12-01T00:00:00Z');
    const { out, code } = runValidate([dir], config, [youtubeQuotaSection(() => now)], now);
    expect(code).to.equal(0);
    expect(out).to.contain('YouTube quota (projected units per quota day');
    // Three two-hour programmes with chat: 3 × (lifecycle + 720 polls × 5) > 10,000.
    // (13:00–17:00 Istanbul is 02:00–06:00 Pacific: one quota day.)
    expect(out).to.match(/2026-12-05: \d+ units \(3 broadcasts/);
    expect(out).to.match(/warning: 2026-12-05 needs about \d+ YouTube units, more than the daily quota of 10000/);
  });
});
