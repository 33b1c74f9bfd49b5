// Journey: an RTMP destination whose server is down at air time fails with its reason, and
// goes back to live once its server is up and taking the stream. On the real composed server
// with real ffmpeg: nothing listens on the relay's port when the broadcast goes on air (the
// destination's own check is refused, ffmpeg keeps reconnecting it while the local HLS goes
// on); then a real RTMP receiver starts on that port, ffmpeg's reconnection reaches it, the
// receiver acknowledges the stream (the kernel's count that onair reads) and gets frames, and
// the destination reads `live` again on /api/broadcasts and in the control room (Chromium),
// with its failure kept in its history; the same again when that server goes away mid-stream
// and comes back. The stream key is never shown.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { hashPassword } from '../../src/chat/password.js';
import { launchChromium } from '../browser/browser-support.js';
import { startJourney, type Journey } from '../support/journey.js';
import { RtmpReceiver } from '../support/rtmp-receiver.js';
import { waitFor } from '../support/wait.js';

const START = '2026-12-05T08:59:57Z'; // 11:59:57 in Istanbul: on air in 3 s
const ID = 'relayed@2026-12-05T12:00';
const SHOW = `id: relayed
title: { tr: Aktarılan, en: Relayed }
duration: 10m
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [local, relay]
`;
const KEY = 'relay-secret-key';
const PASSWORD = 'control room secret';

interface Event {
  at: string;
  event: string;
  code: string;
  message: string;
}
interface View {
  occurrenceId: string;
  state: string;
  destinations: Array<{ name: string; status: string; error?: { code: string; message: string }; history?: Event[] }>;
}

describe('journey: an RTMP destination down at air time is live again once its server takes the stream', function () {
  this.timeout(180_000);
  let j: Journey;
  let receiver: RtmpReceiver;
  let browser: Browser | undefined;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-rtmp-recovers-'));
    receiver = await RtmpReceiver.onFreePort(dir, KEY);
    j = await startJourney({
      schedules: { 'show.yaml': SHOW },
      start: START,
      config: {
        destinations: { relay: { type: 'rtmp', url: receiver.baseUrl, keyEnv: 'RELAY_KEY' } },
        moderation: { accounts: [{ name: 'zeynep', passwordHash: await hashPassword(PASSWORD) }] },
        engine: { outputRetryBudget: '8s' },
      },
      env: { RELAY_KEY: KEY },
    });
  });
  after(async () => {
    await browser?.close();
    await j?.stop();
    await receiver?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The broadcast as staff see it in the list, with the list's raw text (to look for the key). */
  async function listed(): Promise<{ v: View | undefined; text: string }> {
    const text = await (await fetch(`${j.url}/api/broadcasts?from=2026-12-05T00:00:00Z&to=2026-12-06T00:00:00Z`)).text();
    const v = (JSON.parse(text) as { broadcasts: View[] }).broadcasts.find((b) => b.occurrenceId === ID);
    return { v, text };
  }
  const relay = (v: View): View['destinations'][number] => v.destinations.find((d) => d.name === 'relay')!;

  it('fails the destination whose server is down at air time, with its reason, while the broadcast goes on', async () => {
    const local = (v: View): string | undefined => v.destinations.find((d) => d.name === 'local')?.status;
    const { v, text } = await waitFor('the broadcast and its local destination live, the relay failed', async () => {
      const got = await listed();
      return got.v?.state === 'live' && local(got.v) === 'live' && relay(got.v).status === 'failed' && got;
    }, 60_000, 250);
    const error = relay(v!).error!;
    expect(error.code).to.equal('rtmp-unreachable');
    expect(error.message).to.include('Destination "relay"').and.include('cannot reach').and.include('destinations.relay.url');
    expect(relay(v!).history?.map((e) => [e.event, e.code])).to.deep.equal([['failed', 'rtmp-unreachable']]);
    expect(text).to.not.include(KEY);
  });

  it('makes it live again once a receiver on that port takes the stream, and says so in the control room', async () => {
    await receiver.start();
    const { v, text } = await waitFor('the relay live again', async () => {
      const got = await listed();
      return got.v && relay(got.v).status === 'live' && got;
    }, 90_000, 500).catch(async (err: Error) => {
      throw new Error(`${err.message}; frames at the receiver ${await receiver.framesReceived()}; ${JSON.stringify((await listed()).v?.destinations)}`);
    });
    expect(v!.state).to.equal('live');
    expect(relay(v!).error, 'no current error').to.equal(undefined);
    const history = relay(v!).history!;
    expect(history.map((e) => [e.event, e.code])).to.deep.equal([['failed', 'rtmp-unreachable'], ['recovered', 'delivering']]);
    expect(history[1]!.message).to.include('Destination "relay" is receiving again');
    expect(text).to.not.include(KEY);
    await waitFor('video at the receiver', async () => (await receiver.framesReceived()) >= 25, 60_000, 500);

    browser = await launchChromium();
    const room = await (await browser.newContext({ timezoneId: 'Europe/Istanbul' })).newPage();
    await room.goto(`${j.url}/control-room/`);
    await room.locator('#login-name').fill('zeynep');
    await room.locator('#login-password').fill(PASSWORD);
    await room.locator('#login-form button').click();
    const line = room.locator(`#broadcasts tr[data-occurrence="${ID}"] .destination-problem[data-destination="relay"]`);
    await line.waitFor({ timeout: 30_000 });
    const said = (await line.textContent())!;
    expect(said).to.match(/^relay: live — receiving again since \d\d:\d\d; it had failed at \d\d:\d\d: Destination "relay": cannot reach/);
    expect(said).to.not.include(KEY);
    expect(await line.getAttribute('class')).to.not.include('error');
  });

  it('fails it again when its server goes away mid-stream, and makes it live again when the server is back', async () => {
    await receiver.stop();
    await waitFor('the relay failed again', async () => {
      const got = await listed();
      return got.v && relay(got.v).status === 'failed' && relay(got.v).error?.code === 'output-failed';
    }, 60_000, 500);
    const frames = await receiver.framesReceived();
    await receiver.start();
    const { v, text } = await waitFor('the relay live again', async () => {
      const got = await listed();
      return got.v && relay(got.v).status === 'live' && got;
    }, 60_000, 500);
    expect(relay(v!).history!.map((e) => [e.event, e.code])).to.deep.equal([
      ['failed', 'rtmp-unreachable'],
      ['recovered', 'delivering'],
      ['failed', 'output-failed'],
      ['recovered', 'delivering'],
    ]);
    expect(v!.state).to.equal('live');
    expect(text).to.not.include(KEY);
    await waitFor('more video at the receiver', async () => (await receiver.framesReceived()) >= frames + 25, 60_000, 500);
  });
});
