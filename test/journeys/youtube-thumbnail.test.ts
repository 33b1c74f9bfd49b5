// Journey: a programme's YouTube thumbnail is checked again when it is uploaded, not only when
// the schedule loads. On the real composed server against the YouTube emulator, three images
// the schedule accepted are changed before their events are prepared — one swapped for a link
// out of the media folder, one grown past YouTube's 2 MB, one replaced by a FIFO — and a fourth
// stays a good PNG. Each event is still prepared (the broadcast goes on); the three refused
// images are never sent to YouTube, and staff read why on /api/broadcasts as the destination's
// warning, naming the image within the media folder and the schedule line that names it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { YoutubeEmulator } from '../../src/emulator/youtube/index.js';
import { startJourney, type Journey } from '../support/journey.js';
import { waitFor } from '../support/wait.js';
import { emulatorEnv } from '../support/youtube-fixtures.js';

// 11:45 in Istanbul; the events air from 12:00, each prepared 10 min before (engine.prepareLead).
const START = '2026-12-05T08:45:00Z';
const NAMES = ['linked', 'big', 'fifo', 'good'] as const;
const at = (i: number): string => `12:0${2 * i}`;
const id = (i: number): string => `${NAMES[i]}@2026-12-05T${at(i)}`;
const SHOWS = NAMES.map(
  (name, i) => `id: ${name}
title: { tr: ${name}, en: ${name} }
duration: 1m
recurrence:
  once: 2026-12-05T${at(i)}
source: { testPattern: {} }
destinations: [youtube]
youtube: { privacy: unlisted, thumbnail: ${name}.png }
chat: { enabled: false }
`,
).join('---\n');

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');

interface View {
  state: string;
  destinations: Array<{ name: string; status: string; warning?: { code: string; message: string } }>;
}

describe('journey: a YouTube thumbnail changed after the schedule loaded is checked again at upload', function () {
  this.timeout(180_000);
  let emu: YoutubeEmulator;
  let j: Journey;
  let tmp: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-thumb-'));
    const png = path.join(tmp, 'image.png');
    fs.writeFileSync(png, PNG);
    emu = new YoutubeEmulator({ settleMs: 300 });
    await emu.start();
    j = await startJourney({
      schedules: { 'shows.yaml': SHOWS },
      media: Object.fromEntries(NAMES.map((n) => [`${n}.png`, png])),
      start: START,
      config: { engine: { prepareLead: '10m' } },
      env: emulatorEnv(emu),
    });
    // After the load's check, before any event is prepared.
    const media = (n: string): string => path.join(j.dirs.media, `${n}.png`);
    fs.rmSync(media('linked'));
    fs.symlinkSync(png, media('linked'));
    fs.writeFileSync(media('big'), Buffer.concat([PNG, Buffer.alloc(3 * 1024 * 1024)]));
    fs.rmSync(media('fifo'));
    execFileSync('mkfifo', [media('fifo')]);
    j.clock.setSpeed(60);
    await waitFor('the clock to pass the last preparation', () => j.clock.now().getTime() >= Date.parse('2026-12-05T08:56:05Z'), 60_000, 50);
    j.clock.setSpeed(1);
  });
  after(async () => {
    await j?.stop();
    await emu?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function youtube(i: number): Promise<View['destinations'][number]> {
    const v = (await (await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(id(i))}`)).json()) as View;
    return v.destinations.find((d) => d.name === 'youtube')!;
  }

  /** The YouTube event prepared for programme i, once it is ready. */
  async function prepared(i: number): Promise<{ dest: View['destinations'][number]; thumbnailBytes: number }> {
    const dest = await waitFor(`${NAMES[i]} prepared on YouTube`, async () => {
      const d = await youtube(i);
      return d.status === 'ready' && d;
    }, 60_000, 200);
    const event = emu.broadcasts().find((b) => b.snippet?.title === NAMES[i])!;
    return { dest, thumbnailBytes: emu.thumbnailBytes(event.id!) };
  }

  const line = (i: number): number => SHOWS.split('\n').findIndex((l, n) => l.includes(`thumbnail: ${NAMES[i]}.png`) && n >= 0) + 1;

  it('refuses a thumbnail swapped for a link out of the media folder, and the event goes on without it', async () => {
    const { dest, thumbnailBytes } = await prepared(0);
    expect(thumbnailBytes).to.equal(0);
    expect(dest.warning?.code).to.equal('thumbnail-refused');
    expect(dest.warning?.message).to.include('"linked.png" in the media folder is now a link to a file outside that folder');
    expect(dest.warning?.message).to.match(new RegExp(`shows\\.yaml:${line(0)}:\\d+`));
    expect(dest.warning?.message).to.include('goes on without it').and.include('correct youtube.thumbnail');
    expect(dest.warning?.message).to.not.include(tmp);
  });

  it('refuses a thumbnail over YouTube’s 2 MB without sending it', async () => {
    const { dest, thumbnailBytes } = await prepared(1);
    expect(thumbnailBytes).to.equal(0);
    expect(dest.warning?.code).to.equal('thumbnail-refused');
    expect(dest.warning?.message).to.include('"big.png" is 3.0 MB, more than the 2 MB YouTube takes');
    expect(dest.warning?.message).to.match(new RegExp(`shows\\.yaml:${line(1)}:\\d+`));
  });

  it('refuses a thumbnail that became a FIFO, without hanging', async () => {
    const { dest, thumbnailBytes } = await prepared(2);
    expect(thumbnailBytes).to.equal(0);
    expect(dest.warning?.message).to.include('"fifo.png" in the media folder is not a regular file');
  });

  it('sets a good thumbnail, with no warning', async () => {
    const { dest, thumbnailBytes } = await prepared(3);
    expect(thumbnailBytes).to.equal(PNG.length);
    expect(dest.warning).to.equal(undefined);
  });
});
