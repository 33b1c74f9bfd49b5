// /metrics of onair as `npm start` builds it (startOnair, on a manual clock), after real
// traffic: the engine prepares a YouTube broadcast against the in-process YouTube emulator
// (real googleapis calls over HTTP) and a viewer's chat messages are accepted and refused
// over a real Socket.IO connection. The counters are fed by their producers, not by the test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emulatorEnv } from '../support/youtube-fixtures.js';
import { expect } from 'chai';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { loadConfig } from '../../src/config/index.js';
import { YoutubeEmulator } from '../../src/emulator/youtube/index.js';
import { startOnair, type Onair } from '../../src/main.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { ManualClock } from '../support/manual-clock.js';
import { waitFor } from '../support/wait.js';

// 10:00 in Istanbul is 07:00 UTC; the engine prepares ten minutes ahead.
const OCC = 'story@2026-12-05T10:00';
const STORY = `id: story
title: { tr: Masal, en: Story }
description: { tr: Masallar, en: Stories }
category: reading
duration: 30m
recurrence:
  once: 2026-12-05T10:00
source: { testPattern: {} }
destinations: [youtube]
youtube: { privacy: unlisted, madeForKids: true }
`;

describe('metrics: /metrics of the composed server after real traffic', function () {
  this.timeout(60_000);
  let dir: string;
  let emu: YoutubeEmulator;
  let onair: Onair;
  let clock: ManualClock;
  let viewer: ClientSocket | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-metrics-'));
    fs.mkdirSync(path.join(dir, 'schedules'));
    fs.writeFileSync(path.join(dir, 'schedules', 'story.yaml'), STORY);
    emu = new YoutubeEmulator({ clock: systemClock, settleMs: 0 });
    await emu.start();
    const config = loadConfig({
      env: {
        PORT: '0', ONAIR_HOST: '127.0.0.1', ONAIR_DATA_DIR: path.join(dir, 'data'), ONAIR_SCHEDULES_DIR: path.join(dir, 'schedules'),
        ONAIR_MEDIA_DIR: path.join(dir, 'media'),
        ...emulatorEnv(emu),
      },
    });
    clock = new ManualClock('2026-12-05T06:49:00Z');
    onair = await startOnair(config, { clock, logger: createLogger('silent') });
  });

  after(async () => {
    viewer?.disconnect();
    await onair?.stop();
    await emu?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${onair.port}/metrics`)).text();

  it('counts the YouTube calls the engine made, with their quota units', async () => {
    expect(await metrics()).to.not.match(/^onair_youtube_calls_total\{/m);
    // Ten minutes before air: the engine prepares the broadcast on YouTube.
    await clock.set(new Date('2026-12-05T06:50:01Z'));
    const text = await waitFor('the YouTube insert to be counted', async () => {
      const t = await metrics();
      return /^onair_youtube_calls_total\{[^}]*method="liveBroadcasts\.insert"[^}]*outcome="ok"[^}]*\} 1$/m.test(t) && t;
    });
    expect(emu.calls.some((c) => c.method === 'liveBroadcasts.insert'), 'the emulator saw the call').to.equal(true);
    expect(text).to.match(/^onair_youtube_quota_units_total\{[^}]*method="liveBroadcasts\.insert"[^}]*\} 50$/m);
  });

  it('counts a viewer’s accepted and refused chat messages', async () => {
    viewer = connect(`http://127.0.0.1:${onair.port}`, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      viewer!.once('connect', resolve);
      viewer!.once('connect_error', reject);
    });
    const joined = (await viewer.emitWithAck('chat:join', { occurrenceId: OCC, nickname: 'Deniz' })) as { ok: boolean };
    expect(joined.ok, JSON.stringify(joined)).to.equal(true);
    const accepted = (await viewer.emitWithAck('chat:send', { occurrenceId: OCC, text: 'Merhaba!' })) as { ok: boolean };
    expect(accepted.ok, JSON.stringify(accepted)).to.equal(true);
    // Links are off by default: refused by the filter.
    const refused = (await viewer.emitWithAck('chat:send', { occurrenceId: OCC, text: 'bakın https://example.com' })) as { ok: boolean };
    expect(refused.ok).to.equal(false);
    const text = await metrics();
    expect(text).to.match(/^onair_chat_messages_total\{[^}]*outcome="accepted"[^}]*\} 1$/m);
    expect(text).to.match(/^onair_chat_messages_total\{[^}]*outcome="rejected"[^}]*\} 1$/m);
  });
});
