// Journey: what a non-JavaScript client sees on the wire (docs/realtime-api.md, "Reconnection"):
// events sent to viewers carry, after their one payload, the connection-recovery offset as a
// second argument — a python-socketio handler must accept it. Pinned against the real server.
import { expect } from 'chai';
import { io as connect } from 'socket.io-client';
import { startJourney, type Journey } from '../support/journey.js';

const START = '2026-12-05T08:59:56Z';
const STORY = `id: story-hour
title: { tr: Masal Saati, en: Story Hour }
duration: 1m
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [local]
`;

describe('journey: the viewer events on the wire, as any Socket.IO client gets them', function () {
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
});
