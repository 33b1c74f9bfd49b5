// Journey: a media file the schedule accepted is swapped, after the check at load, for a link
// to a file outside the media folder. The real composed server (startOnair, real ffmpeg)
// checks the file again when it is about to read it: before air (the broadcast fails with a
// lastError saying so) and at the very spawn of the programme's decoder (the slate stays on
// air, lastError says why); no ffmpeg ever plays the outside file. Put back, the programme
// returns.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { makeClip } from '../support/ffmpeg-fixtures.js';
import { startJourney, type Journey } from '../support/journey.js';
import { waitFor } from '../support/wait.js';

// 11:59:00 in Istanbul. Both programmes are valid when the server starts.
const START = '2026-12-05T08:59:00Z';
const EARLY = 'early@2026-12-05T12:00';
const LATE = 'late@2026-12-05T12:02';
const programme = (id: string, at: string, file: string): string => `id: ${id}
title: { tr: ${id}, en: ${id} }
duration: 1m
recurrence:
  once: 2026-12-05T${at}
source: { file: ${file} }
destinations: [local]
`;

interface View {
  state: string;
  lastError?: { code: string; message: string };
  health?: { phase: string };
}

describe('journey: a media file swapped for a link out of the media folder is not played', function () {
  this.timeout(180_000);
  let j: Journey;
  let clips: string;
  let outside: string;

  before(async () => {
    clips = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-swap-clips-'));
    // Longer than the late programme can be off air in these tests, so its position is never past the end.
    const clip = makeClip(path.join(clips, 'clip.mp4'), { seconds: 45 });
    // Outside the media folder: a file onair must never read.
    outside = path.join(clips, 'outside.mp4');
    fs.copyFileSync(clip, outside);
    j = await startJourney({
      schedules: { 'shows.yaml': `${programme('early', '12:00', 'early.mp4')}---\n${programme('late', '12:02', 'late.mp4')}` },
      media: { 'early.mp4': clip, 'late.mp4': clip },
      start: START,
      // The slate runs 20 s before air, a window wide enough to swap the file in.
      config: { engine: { prepareLead: '30s', ffmpegLead: '20s' } },
    });
  });
  after(async () => {
    await j?.stop();
    fs.rmSync(clips, { recursive: true, force: true });
  });

  async function view(id: string): Promise<View> {
    return (await (await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(id)}`)).json()) as View;
  }

  /** Runs the test clock `speed` times faster until `iso`, then at wall speed again. */
  async function hurryTo(iso: string, speed: number): Promise<void> {
    if (j.clock.now().getTime() >= Date.parse(iso)) return;
    j.clock.setSpeed(speed);
    await waitFor(`the clock to reach ${iso}`, () => j.clock.now().getTime() >= Date.parse(iso), 60_000, 50);
    j.clock.setSpeed(1);
  }

  function swapForLink(name: string): void {
    const file = path.join(j.dirs.media, name);
    fs.rmSync(file);
    fs.symlinkSync(outside, file);
  }

  /** Decoders started for a programme (not the slate) of this occurrence. */
  // On the copy path (these files are copied) the programme's ffmpeg writes the HLS itself: role 'writer'.
  const programmeDecoders = (id: string): unknown[] =>
    j.logs.filter((l) => l['occurrence'] === id && l['msg'] === 'ffmpeg started' && (l['role'] === 'decoder' || l['role'] === 'writer') && l['kind'] === 'programme');

  it('fails a broadcast before air when its file became a link out of the media folder, saying so', async () => {
    swapForLink('early.mp4');
    await hurryTo('2026-12-05T08:59:38Z', 8);
    const failed = await waitFor('the early broadcast to fail', async () => {
      const v = await view(EARLY);
      return v.state === 'failed' && v;
    }, 60_000);
    expect(failed.lastError?.code).to.equal('media-outside');
    expect(failed.lastError?.message).to.include('"early.mp4" in the media folder is now a link to a file outside that folder');
    expect(failed.lastError?.message).to.not.include(outside);
    expect(programmeDecoders(EARLY)).to.have.length(0);
  });

  it('keeps the slate on air, and says why, when the file is swapped after the probe and before air', async () => {
    // The late programme's encoder starts at 12:01:40 with its slate; the file is fine then.
    await hurryTo('2026-12-05T09:01:38Z', 20);
    await waitFor('the late broadcast’s slate', async () => (await view(LATE)).health?.phase === 'slate', 60_000);
    swapForLink('late.mp4');
    await hurryTo('2026-12-05T09:02:00Z', 4);
    const refused = await waitFor('the late programme to be refused at air', async () => {
      const v = await view(LATE);
      return v.state === 'live' && v.lastError?.code === 'source-unavailable' && v;
    }, 60_000);
    expect(refused.lastError?.message).to.include('"late.mp4" in the media folder is now a link to a file outside that folder');
    expect(refused.health?.phase).to.equal('slate');
    expect(programmeDecoders(LATE)).to.have.length(0);
  });

  it('plays the programme once the file itself is back', async () => {
    const file = path.join(j.dirs.media, 'late.mp4');
    fs.rmSync(file);
    fs.copyFileSync(outside, file);
    // A timeout says where the broadcast was and what its encoder logged last.
    let last: View | undefined;
    await waitFor('the late programme on air', async () => (last = await view(LATE)).health?.phase === 'programme', 60_000).catch((err: Error) => {
      const logs = j.logs.filter((l) => l['occurrence'] === LATE).slice(-20).map((l) => JSON.stringify(l).slice(0, 300));
      throw new Error(`${err.message}\nthe broadcast: ${JSON.stringify(last)}\nits last log lines:\n${logs.join('\n')}`);
    });
    expect(programmeDecoders(LATE)).to.have.length(1);
  });
});
