// Journey: an RTMP destination's receiver goes away mid-stream and does not come back. On
// the real composed server (startOnair, real ffmpeg, a real RTMP receiver) ffmpeg keeps
// reconnecting it (about once a second); once it has failed for the retry budget
// (engine.outputRetryBudget) the destination is `failed` with an error that names it and
// says what to check, lastError says so — while the local HLS destination beside it goes
// on and the broadcast stays live (docs/broadcast-states.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startJourney, type Journey } from '../support/journey.js';
import { RtmpReceiver } from '../support/rtmp-receiver.js';
import { waitFor } from '../support/wait.js';

const START = '2026-12-05T08:59:57Z'; // 11:59:57 in Istanbul: on air in 3 s
const ID = 'relayed@2026-12-05T12:00';
const SHOW = `id: relayed
title: { tr: Aktarılan, en: Relayed }
duration: 5m
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [local, relay]
`;

interface View {
  state: string;
  lastError?: { code: string; message: string };
  destinations: Array<{ name: string; status: string; error?: { code: string; message: string; retryable: boolean } }>;
  health?: { phase: string };
}

describe('journey: an RTMP receiver that drops mid-stream and stays away', function () {
  this.timeout(120_000);
  let j: Journey;
  let receiver: RtmpReceiver;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-rtmp-drop-'));
    receiver = await RtmpReceiver.start(dir);
    j = await startJourney({
      schedules: { 'show.yaml': SHOW },
      start: START,
      config: {
        destinations: { relay: { type: 'rtmp', url: receiver.baseUrl, keyEnv: 'RELAY_KEY' } },
        engine: { outputRetryBudget: '8s' },
      },
      env: { RELAY_KEY: receiver.key },
    });
  });
  after(async () => {
    await j?.stop();
    await receiver?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function view(): Promise<View> {
    return (await (await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(ID)}`)).json()) as View;
  }

  const segments = (): string[] => {
    const hls = path.join(j.dirs.data, 'hls');
    const found: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.endsWith('.ts')) found.push(path.join(d, e.name));
      }
    };
    if (fs.existsSync(hls)) walk(hls);
    return found.sort();
  };

  it('goes live on both destinations, and the receiver gets video', async () => {
    await waitFor('the broadcast live on both', async () => {
      const v = await view();
      return v.state === 'live' && v.destinations.every((d) => d.status === 'live') && v;
    }, 30_000);
    await waitFor('video at the receiver', async () => (await receiver.framesReceived()) >= 25, 30_000, 300);
  });

  it('marks the relay failed after the retry budget, naming it, while HLS and the broadcast go on', async () => {
    await receiver.stop();
    const failed = await waitFor('the relay destination failed', async () => {
      const v = await view();
      return v.destinations.find((d) => d.name === 'relay')?.status === 'failed' && v;
    }, 60_000);
    const relay = failed.destinations.find((d) => d.name === 'relay')!;
    expect(relay.error?.code).to.equal('output-failed');
    expect(relay.error?.message).to.include('Destination "relay"').and.include('8 s').and.include('destinations.relay.url');
    expect(relay.error?.message).to.not.include(receiver.key);
    expect(failed.lastError?.message).to.include('relay');
    expect(failed.state).to.equal('live');
    expect(failed.destinations.find((d) => d.name === 'local')?.status).to.equal('live');
    // The local stream is still being written.
    const last = segments().at(-1);
    await waitFor('new HLS segments after the relay failed', () => segments().at(-1) !== last, 20_000);
    expect((await view()).state).to.equal('live');
  });

  it('ends complete, the relay still failed with its error', async () => {
    const token = fs.readFileSync(path.join(j.dirs.data, 'staff-token'), 'utf8').trim();
    const res = await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(ID)}/end`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status, await res.text()).to.equal(200);
    const done = await waitFor('the broadcast complete and cleaned up', async () => {
      const v = await view();
      return v.state === 'complete' && v.destinations.find((d) => d.name === 'local')?.status === 'complete' && v;
    }, 30_000);
    const relay = done.destinations.find((d) => d.name === 'relay')!;
    expect(relay.status).to.equal('failed');
    expect(relay.error?.code).to.equal('output-failed');
  });
});
