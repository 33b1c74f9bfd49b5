// Journey: the pre-air slate on the real composed server (startOnair, real ffmpeg) is a
// clip rendered once and looped, and a schedule edit that renames the programme while the
// slate is up puts the new title on air: a new clip is rendered and the slate decoder
// switches to it, without a restart of the output (the viewers' stream goes on).
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { startJourney, type Journey } from '../support/journey.js';
import { waitFor } from '../support/wait.js';

// 11:59:10 in Istanbul: 50 s before the talk, inside its minute-long pre-air slate.
const START = '2026-12-05T08:59:10Z';
const talk = (en: string): string => `id: author-talk
title: { tr: Yazar Söyleşisi, en: ${en} }
duration: 5m
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [local]
`;

describe('journey: the pre-air slate is pre-rendered and follows a retitle', function () {
  this.timeout(120_000);
  let j: Journey;

  before(async () => {
    j = await startJourney({ schedules: { 'talk.yaml': talk('Author Talk') }, start: START, config: { engine: { prepareLead: '70s', ffmpegLead: '60s' } } });
  });
  after(async () => {
    await j?.stop();
  });

  /** Clips named by the decoders the server started, slate ones, in order. */
  const slateClips = (): string[] =>
    j.logs.filter((l) => l['msg'] === 'ffmpeg started' && l['role'] === 'decoder' && l['kind'] === 'slate' && typeof l['clip'] === 'string').map((l) => l['clip'] as string);
  const outputsStarted = (): number => j.logs.filter((l) => l['msg'] === 'ffmpeg started' && l['role'] === 'output').length;

  it('loops a clip from <data>/slates and switches to a new one when the title changes', async () => {
    const [first] = await waitFor('the slate decoder on its clip', () => (slateClips().length > 0 ? slateClips() : undefined), 30_000);
    expect(fs.existsSync(path.join(j.dirs.data, 'slates', first!))).to.equal(true);
    await waitFor('the slate on air', () => j.logs.some((l) => l['msg'] === 'on air' && l['kind'] === 'slate'), 30_000);
    const outputs = outputsStarted();

    j.writeSchedule('talk.yaml', talk('Meet the Author'));
    const second = await waitFor('a slate decoder on another clip', () => slateClips().find((c) => c !== first), 30_000);
    expect(fs.existsSync(path.join(j.dirs.data, 'slates', second))).to.equal(true);
    // The viewers' stream went on through the same output.
    expect(outputsStarted()).to.equal(outputs);
    const listed = (await (await fetch(`${j.url}/api/broadcasts`)).json()) as { broadcasts: Array<{ title: { en: string } }> };
    expect(listed.broadcasts.map((b) => b.title.en)).to.deep.equal(['Meet the Author']);
  });
});
