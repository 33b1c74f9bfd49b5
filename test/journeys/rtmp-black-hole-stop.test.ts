// Journey: a broadcast ends while an RTMP black hole (a server that accepts TCP and never
// answers the handshake) sits in its output's tee, listed first in the programme's
// destinations. On the real composed server with real ffmpeg: staff end it, and the output
// ffmpeg ends by its own exit (the stop's second SIGINT), not by the SIGKILL at
// engine.stopTimeout; the local outputs are finished — the playlist lists every segment
// written, none is left half-written, it ends with ENDLIST — and the archive recording plays.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { BlackHole } from '../support/frozen-receivers.js';
import { countVideoFrames, hlsSegments } from '../support/ffmpeg-tools.js';
import { startJourney, type Journey } from '../support/journey.js';
import { waitFor } from '../support/wait.js';

// On air at the next whole minute of the real clock, the test clock starting 3 s before it:
// the local destination removes a finished stream's HLS folder once its files are an hour
// older than the clock says (removeOldHls), so a clock days ahead of the files' times would
// remove it before it could be read.
const show = (when: string): string => `id: relayed
title: { tr: Aktarılan, en: Relayed }
timezone: UTC
duration: 10m
recurrence:
  once: ${when}
source: { testPattern: {} }
destinations: [hole, local]
`;

interface View {
  state: string;
  destinations: Array<{ name: string; status: string; error?: { code: string } }>;
}

/** Every file under `dir` (recursively), by absolute path. */
function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('journey: ending a broadcast with an RTMP black hole in its outputs', function () {
  this.timeout(120_000);
  let j: Journey;
  let hole: BlackHole;
  let ID: string;

  before(async () => {
    hole = await BlackHole.start();
    const air = new Date(Math.ceil((Date.now() + 1000) / 60_000) * 60_000);
    const when = air.toISOString().slice(0, 16);
    ID = `relayed@${when}`;
    j = await startJourney({
      schedules: { 'show.yaml': show(when) },
      start: new Date(air.getTime() - 3000),
      config: { destinations: { hole: { type: 'rtmp', url: `rtmp://127.0.0.1:${hole.port}/live`, keyEnv: 'HOLE_KEY' } } },
      env: { HOLE_KEY: 'hole-key' },
    });
  });
  after(async () => {
    await j?.stop();
    await hole?.stop();
  });

  async function view(): Promise<View> {
    return (await (await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(ID)}`)).json()) as View;
  }

  it('stops ffmpeg by its own exit and leaves the local stream and the recording finished', async () => {
    const hls = path.join(j.dirs.data, 'hls');
    await waitFor('live, the local destination live and the hole failed', async () => {
      const v = await view();
      const status = (name: string): string | undefined => v.destinations.find((d) => d.name === name)?.status;
      return v.state === 'live' && status('local') === 'live' && status('hole') === 'failed';
    }, 60_000, 250);
    expect(hole.connections, 'ffmpeg holds a connection to the black hole').to.be.above(0);
    await waitFor('three segments written', () => files(hls).filter((f) => f.endsWith('.ts')).length >= 3, 30_000, 250);

    const logged = j.logs.length;
    const token = fs.readFileSync(path.join(j.dirs.data, 'staff-token'), 'utf8').trim();
    const res = await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(ID)}/end`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status, await res.text()).to.equal(200);
    await waitFor('complete, the local destination finished', async () => {
      const v = await view();
      return v.state === 'complete' && v.destinations.find((d) => d.name === 'local')?.status === 'complete';
    }, 60_000, 250);

    const said = j.logs.slice(logged).map((l) => String(l['msg']));
    expect(said, 'how the output ffmpeg ended').to.include('output ffmpeg ended, its outputs finished');
    expect(said.filter((m) => m.includes('killed at engine.stopTimeout'))).to.deep.equal([]);
    const written = files(hls);
    expect(written.filter((f) => f.endsWith('.tmp')), 'half-written files').to.deep.equal([]);
    const playlists = written.filter((f) => f.endsWith('.m3u8') && path.basename(f) !== 'master.m3u8');
    expect(playlists.length).to.be.above(0);
    for (const p of playlists) {
      expect(fs.readFileSync(p, 'utf8').trimEnd().endsWith('#EXT-X-ENDLIST'), p).to.equal(true);
      for (const s of hlsSegments(p)) expect(fs.existsSync(s), `${s} listed in ${path.basename(p)}`).to.equal(true);
    }
    const archived = files(path.join(j.dirs.data, 'archive')).filter((f) => f.endsWith('.mp4'));
    expect(archived.length, 'recordings archived').to.equal(1);
    expect(await countVideoFrames(archived[0]!), 'frames in the archived recording').to.be.above(0);
  });
});
