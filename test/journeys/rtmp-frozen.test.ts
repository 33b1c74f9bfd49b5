// Journey: RTMP receivers that freeze without closing. One accepts TCP and never answers the
// RTMP handshake from the output's first start (a black hole, in the tee all along: refused
// before air by the destination's own check, while the others deliver); one takes the stream,
// drops it, and then accepts ffmpeg's reconnection but never answers its handshake; one takes
// the stream, then stops reading with the connection left open.
// ffmpeg says nothing about the last two (its fifo thread for that output just blocks), so
// the real composed server judges each RTMP destination by the bytes its receiver
// acknowledges (the kernel's count on ffmpeg's connection): each is marked failed after the
// retry budget (engine.outputRetryBudget) with an error saying what the receiver did, while
// the local HLS destination goes on being written and the broadcast stays live.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { BlackHole, FreezingProxy } from '../support/frozen-receivers.js';
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
destinations: [local, hole, frozen, rehole]
`;

interface View {
  state: string;
  lastError?: { code: string; message: string };
  destinations: Array<{ name: string; status: string; error?: { code: string; message: string; retryable: boolean } }>;
}

describe('journey: RTMP receivers that freeze without closing are found out', function () {
  this.timeout(240_000);
  let j: Journey;
  let receiver: RtmpReceiver;
  let proxy: FreezingProxy;
  let reproxy: FreezingProxy;
  let second: RtmpReceiver;
  let hole: BlackHole;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-rtmp-frozen-'));
    receiver = await RtmpReceiver.start(dir);
    proxy = await FreezingProxy.start(receiver.port);
    second = await RtmpReceiver.start(dir, 'second-key');
    reproxy = await FreezingProxy.start(second.port);
    hole = await BlackHole.start();
    j = await startJourney({
      schedules: { 'show.yaml': SHOW },
      start: START,
      config: {
        destinations: {
          hole: { type: 'rtmp', url: `rtmp://127.0.0.1:${hole.port}/live`, keyEnv: 'HOLE_KEY' },
          frozen: { type: 'rtmp', url: `rtmp://127.0.0.1:${proxy.port}/live`, keyEnv: 'FROZEN_KEY' },
          rehole: { type: 'rtmp', url: `rtmp://127.0.0.1:${reproxy.port}/live`, keyEnv: 'REHOLE_KEY' },
        },
        engine: { outputRetryBudget: '8s' },
      },
      env: { HOLE_KEY: 'hole-key', FROZEN_KEY: receiver.key, REHOLE_KEY: second.key },
    });
  });
  after(async () => {
    await j?.stop();
    await proxy?.stop();
    await reproxy?.stop();
    await hole?.stop();
    await receiver?.stop();
    await second?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function view(): Promise<View> {
    return (await (await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(ID)}`)).json()) as View;
  }

  const dest = (v: View, name: string): View['destinations'][number] => v.destinations.find((d) => d.name === name)!;

  const newestSegment = (): string | undefined => {
    const found: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.endsWith('.ts')) found.push(`${fs.statSync(path.join(d, e.name)).mtimeMs} ${e.name}`);
      }
    };
    const hls = path.join(j.dirs.data, 'hls');
    if (fs.existsSync(hls)) walk(hls);
    return found.sort().at(-1);
  };

  async function hlsGoesOn(): Promise<void> {
    const last = newestSegment();
    await waitFor('a new HLS segment', () => newestSegment() !== last, 20_000, 200);
  }

  it('fails the server that never answers the RTMP handshake from the start, while the others deliver', async () => {
    await waitFor('the broadcast live', async () => (await view()).state === 'live', 60_000);
    await waitFor('video at both receivers behind the proxies', async () => (await receiver.framesReceived()) >= 25 && (await second.framesReceived()) >= 25, 60_000, 300).catch(async (err: Error) => {
      // Say where it stopped: the destinations as staff see them, and what the receivers got.
      throw new Error(`${err.message}; frames ${await receiver.framesReceived()} and ${await second.framesReceived()}; ${JSON.stringify((await view()).destinations)}`);
    });
    await hlsGoesOn();
    expect(hole.connections, 'connections the black hole holds').to.be.above(0);
    // As staff see it in the list of broadcasts.
    const listed = await waitFor('the hole destination failed in the list', async () => {
      const list = (await (await fetch(`${j.url}/api/broadcasts?from=2026-12-05T00:00:00Z&to=2026-12-06T00:00:00Z`)).json()) as { broadcasts: Array<View & { occurrenceId: string }> };
      const v = list.broadcasts.find((b) => b.occurrenceId === ID);
      return v && dest(v, 'hole').status === 'failed' && v;
    }, 30_000, 250);
    const error = dest(listed, 'hole').error!;
    expect(error.message).to.include('Destination "hole"').and.include('did not answer the RTMP handshake').and.include('destinations.hole.url');
    expect(error.message).to.not.include('hole-key');
    expect(listed.state).to.equal('live');
    for (const name of ['local', 'frozen', 'rehole']) expect(dest(listed, name).status, name).to.equal('live');
  });

  it('fails the destination whose server, after a drop, takes the reconnection but never answers its handshake', async () => {
    reproxy.freeze();
    reproxy.drop();
    const failed = await waitFor('the rehole destination failed', async () => {
      const v = await view();
      return dest(v, 'rehole').status === 'failed' && v;
    }, 60_000, 250);
    const error = dest(failed, 'rehole').error!;
    expect(error.code).to.equal('output-stalled');
    expect(error.message).to.include('Destination "rehole"').and.include('has not completed the RTMP handshake').and.include('destinations.rehole.url');
    expect(error.message).to.not.include(second.key);
    expect(failed.state).to.equal('live');
    expect(dest(failed, 'frozen').status).to.equal('live');
    expect(dest(failed, 'local').status).to.equal('live');
    const frames = await receiver.framesReceived();
    await waitFor('more video at the first receiver', async () => (await receiver.framesReceived()) > frames + 25, 30_000, 300);
    await hlsGoesOn();
  });

  it('fails the destination whose server stops reading mid-stream, and the local stream goes on', async () => {
    proxy.freeze();
    const failed = await waitFor('the frozen destination failed', async () => {
      const v = await view();
      return dest(v, 'frozen').status === 'failed' && v;
    }, 150_000, 500);
    const error = dest(failed, 'frozen').error!;
    expect(error.code).to.equal('output-stalled');
    expect(error.message).to.include('Destination "frozen"').and.include('has acknowledged nothing of what was sent');
    expect(failed.lastError?.message).to.include('frozen');
    expect(failed.state).to.equal('live');
    expect(dest(failed, 'local').status).to.equal('live');
    await hlsGoesOn();
    await hlsGoesOn();
  });
});
