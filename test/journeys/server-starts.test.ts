// Journey: the real composed server (what `npm start` runs) starts on a test clock, puts a
// programme on the local destination at its second, and its HLS stream gets segments.
import { expect } from 'chai';
import { startJourney, type Journey } from '../support/journey.js';
import { waitFor } from '../support/ffmpeg-tools.js';

const START = '2026-12-05T08:59:52Z'; // 11:59:52 in Istanbul
const STORY = `id: story-hour
title: { tr: Masal Saati, en: Story Hour }
duration: 1m
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [local]
`;

describe('journey: the composed server puts a programme on air', function () {
  this.timeout(60_000);
  let j: Journey;

  before(async () => {
    j = await startJourney({ schedules: { 'story.yaml': STORY }, start: START });
  });
  after(async () => {
    await j?.stop();
  });

  it('reports the schedule as loaded and the programme live at its second, with a playable HLS stream', async () => {
    const status = (await (await fetch(`${j.url}/api/status`)).json()) as { ok: boolean };
    expect(status.ok).to.equal(true);
    const id = 'story-hour@2026-12-05T12:00';
    const live = await waitFor('the broadcast to turn live', async () => {
      const list = (await (await fetch(`${j.url}/api/broadcasts`)).json()) as { broadcasts: Array<{ occurrenceId: string; state: string; destinations: Array<{ watchUrl?: string; status: string }> }> };
      const b = list.broadcasts.find((x) => x.occurrenceId === id);
      return b && b.state === 'live' && b.destinations.some((d) => d.status === 'live') ? b : undefined;
    }, 40_000);
    expect(j.clock.now().getTime()).to.be.at.least(Date.parse('2026-12-05T09:00:00Z'));
    const url = live.destinations.find((d) => d.watchUrl)?.watchUrl;
    expect(url).to.match(/\.m3u8$/);
    const playlist = await (await fetch(`${j.url}${url}`)).text();
    expect(playlist).to.match(/#EXTM3U/);
    expect(playlist).to.match(/\.ts/);
  });
});
