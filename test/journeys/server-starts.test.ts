// Journey: the real composed server (what `npm start` runs) starts on a test clock, puts a
// programme on the local destination at its second, and its HLS stream gets segments. On the
// way it pins what any Socket.IO client gets on the wire (docs/realtime-api.md,
// "Reconnection"): each viewer event is its payload followed by the recovery offset.
import { expect } from 'chai';
import { io as connect } from 'socket.io-client';
import { startJourney, type Journey } from '../support/journey.js';
import { waitFor } from '../support/ffmpeg-tools.js';
import { firstMediaPlaylist } from '../support/stream-check.js';

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

  it('sends each event as its payload followed by one string: the recovery offset', async () => {
    const socket = connect(j.url, { transports: ['websocket'], forceNew: true });
    const seen = new Map<string, unknown[]>();
    socket.onAny((event: string, ...args: unknown[]) => {
      if (!seen.has(event)) seen.set(event, args);
    });
    try {
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (seen.has('schedule') && seen.has('programme:live')) resolve();
        };
        socket.onAny(check);
      });
      for (const event of ['schedule', 'programme:live']) {
        const args = seen.get(event)!;
        expect(args, event).to.have.length(2);
        expect(args[0], event).to.be.an('object');
        expect(args[1], event).to.be.a('string').and.not.equal('');
      }
    } finally {
      socket.disconnect();
    }
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
    expect(url).to.match(/\/master\.m3u8$/);
    const master = await (await fetch(`${j.url}${url}`)).text();
    expect(master).to.match(/#EXTM3U/);
    const playlist = await (await fetch(`${j.url}${firstMediaPlaylist(url!, master)}`)).text();
    expect(playlist).to.match(/\.ts/);
  });
});
