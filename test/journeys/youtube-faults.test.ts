// Journey: YouTube's faults on the real composed server (what `npm start` runs, real ffmpeg
// pushing to the in-repo emulator's RTMP ingest), each programme on YouTube and on the local
// HLS destination. Each fault ends in its documented state, said to staff on
// /api/broadcasts, and the local destination carries on: quota exhausted before air, the
// token revoked after the event was prepared, a 5xx burst while preparing and a stream drop
// mid-air. One server per fault: each leaves the emulator (quota, tokens) changed.
import { emulatorEnv } from '../support/youtube-fixtures.js';
import { expect } from 'chai';
import { YoutubeEmulator } from '../../src/emulator/youtube/index.js';
import type { BroadcastRecord } from '../../src/scheduler/index.js';
import { startJourney, type Journey } from '../support/journey.js';
import { waitFor } from '../support/wait.js';

// 11:59:50 in Istanbul; the programme airs at 12:00 for 10 s, prepared 8 s before.
const START = '2026-12-05T08:59:50Z';
const ID = 'fault@2026-12-05T12:00';
const PROGRAMME = `id: fault
title: { tr: Arıza Denemesi, en: Fault Drill }
duration: 10s
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [youtube, local]
youtube: { privacy: unlisted }
chat: { enabled: false }
`;

interface View {
  state: string;
  liveAt?: string;
  destinations: Array<{ name: string; status: string; error?: { code: string; message: string; retryable: boolean } }>;
}

describe('journey: YouTube faults end in their documented states, and the local stream carries on', function () {
  this.timeout(120_000);
  let emu: YoutubeEmulator;
  let j: Journey | undefined;

  afterEach(async () => {
    await j?.stop();
    j = undefined;
    await emu?.stop();
  });

  /** Starts the server against a fresh emulator; `fault` runs before the engine plans anything. */
  async function day(fault: (engineTransitions: (listener: (r: BroadcastRecord) => void) => void) => void): Promise<{ done: View; youtube: View['destinations'][number]; local: View['destinations'][number] }> {
    emu = new YoutubeEmulator({ settleMs: 300, inactiveAfterMs: 1500 });
    await emu.start();
    const listeners: Array<(r: BroadcastRecord) => void> = [];
    fault((l) => listeners.push(l));
    j = await startJourney({
      schedules: { 'fault.yaml': PROGRAMME },
      start: START,
      config: { engine: { prepareLead: '8s' } },
      env: emulatorEnv(emu),
    });
    j.onair.engine!.on('transition', (r) => {
      for (const l of listeners) l(r);
    });
    // A step taken before the listener was attached (the server prepares at once) is told now.
    const already = await j.onair.engine!.get(ID).catch(() => undefined);
    if (already) for (const l of listeners) l(already);
    const done = await waitFor(`${ID} to be complete`, async () => {
      const v = (await (await fetch(`${j!.url}/api/broadcasts/${encodeURIComponent(ID)}`)).json()) as View;
      return v.state === 'complete' || v.state === 'failed' ? v : undefined;
    }, 90_000, 250);
    expect(done.state, JSON.stringify(done.destinations)).to.equal('complete');
    expect(done.liveAt).to.be.a('string');
    return { done, youtube: done.destinations.find((d) => d.name === 'youtube')!, local: done.destinations.find((d) => d.name === 'local')! };
  }

  it('quota exhausted: YouTube fails with quotaExceeded (not retried), the local stream goes live and completes', async () => {
    const { youtube, local } = await day(() => emu.exhaustQuota());
    expect(youtube.status).to.equal('failed');
    expect(youtube.error?.code).to.equal('quotaExceeded');
    expect(youtube.error?.retryable).to.equal(false);
    expect(local.status).to.equal('complete');
    expect(emu.broadcasts()).to.have.length(0);
  });

  it('token revoked after prepare: YouTube fails asking for onair auth youtube, the local stream completes', async () => {
    const { youtube, local } = await day((onTransition) => {
      let revoked = false;
      onTransition((r) => {
        if (!revoked && r.occurrenceId === ID && r.state === 'ready') {
          revoked = true;
          emu.revokeTokens();
        }
      });
    });
    expect(youtube.status).to.equal('failed');
    expect(youtube.error?.code).to.equal('youtube-token-revoked');
    expect(youtube.error?.message).to.contain('onair auth youtube');
    expect(local.status).to.equal('complete');
    // The event made before the revocation was not duplicated.
    expect(emu.broadcasts()).to.have.length(1);
  });

  it('a 5xx burst while preparing and a stream drop mid-air: YouTube still goes live and completes', async () => {
    const { youtube, local } = await day((onTransition) => {
      emu.failNext(3, 503);
      let dropped = false;
      onTransition((r) => {
        if (!dropped && r.occurrenceId === ID && r.state === 'live') {
          dropped = true;
          // Stands for a 20 s drop: shorter than YouTube's ~1 minute, with the same outcome.
          waitFor('the YouTube broadcast live', () => emu.broadcasts()[0]?.status?.lifeCycleStatus === 'live')
            .then(() => emu.dropStream(emu.streams()[0]!.id!, 3000, { disconnect: true }))
            .catch(() => {});
        }
      });
    });
    expect(youtube.status).to.equal('complete');
    expect(local.status).to.equal('complete');
    expect(emu.calls.filter((c) => c.status === 503)).to.have.length(3);
    expect(emu.ingestStats(emu.streams()[0]!.id!).publishes).to.be.at.least(2);
    expect(emu.broadcasts()).to.have.length(1);
    expect(emu.broadcasts()[0]!.status?.lifeCycleStatus).to.equal('complete');
  });
});
