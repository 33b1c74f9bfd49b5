// Journey: a programme's file exists but is no video (random bytes named .mp4). The real
// composed server (startOnair, real ffprobe/ffmpeg) refuses it before air, and staff read on
// /api/broadcasts what is wrong with which file and what to do — not "aborted", not a generic
// ffmpeg exit — while a programme with a good source beside it goes on air untouched. Staff
// then replace the file and start the failed broadcast again: it goes on air before its end.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { binaries } from '../support/ffmpeg-tools.js';
import { startJourney, type Journey } from '../support/journey.js';
import { waitFor } from '../support/wait.js';

// 11:59:50 in Istanbul: both programmes air at 12:00 (encoders start 3 s before).
const START = '2026-12-05T08:59:50Z';
const BROKEN = 'broken@2026-12-05T12:00';
const GOOD = 'good@2026-12-05T12:00';
const SHOWS = `id: broken
title: { tr: Bozuk, en: Broken }
duration: 1m
recurrence:
  once: 2026-12-05T12:00
source: { file: broken.mp4 }
destinations: [local]
---
id: good
title: { tr: Sağlam, en: Good }
duration: 1m
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [demo]
`;

interface View {
  state: string;
  reason?: string;
  lastError?: { code: string; message: string; retryable: boolean };
  destinations: Array<{ name: string; status: string; error?: { code: string } }>;
  health?: { phase: string };
}

describe('journey: a corrupt media file is reported to staff as what it is', function () {
  this.timeout(90_000);
  let j: Journey;
  let tmp: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-corrupt-'));
    const junk = path.join(tmp, 'broken.mp4');
    fs.writeFileSync(junk, randomBytes(64 * 1024));
    j = await startJourney({
      schedules: { 'shows.yaml': SHOWS },
      media: { 'broken.mp4': junk },
      start: START,
    });
  });
  after(async () => {
    await j?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function view(id: string): Promise<View> {
    return (await (await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(id)}`)).json()) as View;
  }

  it('fails the broadcast with the media error as its lastError, naming the file and the fix', async () => {
    const failed = await waitFor('the broken broadcast to fail', async () => {
      const v = await view(BROKEN);
      return v.state === 'failed' && v;
    }, 60_000);
    expect(failed.lastError?.code, JSON.stringify(failed.lastError)).to.equal('media-unreadable');
    expect(failed.lastError?.message).to.include('broken.mp4').and.include('is not a playable media file').and.include('Replace the file');
    expect(failed.lastError?.retryable).to.equal(false);
    expect(failed.reason).to.equal(failed.lastError?.message);
    // What the local destination was waiting for when the broadcast failed is not its error.
    for (const d of failed.destinations) expect(d.error?.code, d.name).to.not.equal('aborted');
  });

  it('names the file relative to the media folder: no absolute path of the media or data folder is public', async () => {
    const failed = await view(BROKEN);
    expect(failed.lastError?.message).to.include('media folder/broken.mp4');
    const pages = await Promise.all(
      [
        `/api/broadcasts/${encodeURIComponent(BROKEN)}`,
        `/api/broadcasts/${encodeURIComponent(BROKEN)}/transitions`,
        '/api/broadcasts?from=2026-12-05T00:00:00Z&to=2026-12-06T00:00:00Z',
      ].map(async (p) => (await fetch(`${j.url}${p}`)).text()),
    );
    for (const dir of [j.dirs.media, j.dirs.data, fs.realpathSync(j.dirs.media), fs.realpathSync(j.dirs.data)]) {
      for (const page of pages) expect(page).to.not.include(dir);
    }
  });

  it('goes on air when staff replace the file and start it again (Start again), its time not passed', async () => {
    await waitFor('the broken broadcast to fail', async () => (await view(BROKEN)).state === 'failed', 60_000);
    const file = path.join(j.dirs.media, 'broken.mp4');
    fs.rmSync(file, { force: true });
    execFileSync(binaries().ffmpeg, [
      '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440',
      '-t', '90', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-c:a', 'aac', '-pix_fmt', 'yuv420p', file,
    ]);
    const token = fs.readFileSync(path.join(j.dirs.data, 'staff-token'), 'utf8').trim();
    const res = await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(BROKEN)}/start`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status, await res.clone().text()).to.equal(200);
    const live = await waitFor('the replaced file on air', async () => {
      const v = await view(BROKEN);
      return v.state === 'live' && v.health?.phase === 'programme' && v.destinations.every((d) => d.status === 'live') && v;
    }, 60_000);
    expect(live.reason).to.equal(undefined);
    expect(live.destinations.map((d) => d.name)).to.deep.equal(['local']);
    const log = (await (await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(BROKEN)}/transitions`)).json()) as { transitions: Array<{ from?: string; to: string; reason?: string }> } | Array<{ from?: string; to: string; reason?: string }>;
    const entries = Array.isArray(log) ? log : log.transitions;
    expect(entries.find((t) => t.from === 'failed')).to.deep.include({ to: 'scheduled' });
  });

  it('leaves the other broadcast on air', async () => {
    const live = await waitFor('the good broadcast on air', async () => {
      const v = await view(GOOD);
      return v.state === 'live' && v.health?.phase === 'programme' && v;
    }, 60_000);
    expect(live.lastError).to.equal(undefined);
  });
});
