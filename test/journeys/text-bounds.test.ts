// Journey: every text that reaches onair has a sane length. On the real composed server
// (startOnair): a schedule file whose title is 100,000 characters (well under the file size
// limit) is refused at file:line:col saying how long it is and what is allowed, and nothing
// of it reaches the viewer's schedule or /api/status; staff API bodies and viewers' chat
// nicknames and messages past their bounds are refused with a message, not stored.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { startJourney, type Journey } from '../support/journey.js';
import { waitFor } from '../support/wait.js';

const START = '2026-12-05T08:50:00Z'; // 11:50 in Istanbul, ten minutes before the story
const ID = 'story@2026-12-05T12:00';
const STORY = `id: story
title: { tr: Masal, en: Story }
duration: 30m
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [local]
`;
const HUGE_TITLE = 'x'.repeat(100_000);
const LONG = `id: long
title: ${HUGE_TITLE}
duration: 30m
recurrence:
  once: 2026-12-05T14:00
source: { testPattern: {} }
destinations: [local]
`;

interface Status {
  programmes: Array<{ id: string }>;
  files: Array<{ file: string; ok: boolean; diagnostics: Array<{ severity: string; message: string; text: string }> }>;
}

interface Ack {
  ok: boolean;
  error?: { code: string; message: string };
}

describe('journey: texts have bounds, with messages that say them', function () {
  this.timeout(60_000);
  let j: Journey;
  let viewer: ClientSocket | undefined;

  before(async () => {
    j = await startJourney({ schedules: { 'story.yaml': STORY }, start: START });
  });
  after(async () => {
    viewer?.disconnect();
    await j?.stop();
  });

  it('refuses a schedule file with a 100,000-character title at file:line:col, and publishes none of it', async () => {
    j.writeSchedule('long.yaml', LONG);
    const status = await waitFor('long.yaml to be checked', async () => {
      const s = (await (await fetch(`${j.url}/api/status`)).json()) as Status;
      return s.files.some((f) => f.file === 'schedules/long.yaml') && s;
    }, 30_000);
    const file = status.files.find((f) => f.file === 'schedules/long.yaml')!;
    expect(file.ok).to.equal(false);
    const errors = file.diagnostics.filter((d) => d.severity === 'error').map((d) => d.text);
    expect(errors).to.deep.equal(['schedules/long.yaml:2:8: error: title is 100000 characters long; at most 200 are allowed, so shorten it']);
    expect(status.programmes.map((p) => p.id)).to.deep.equal(['story']);
    const statusText = await (await fetch(`${j.url}/api/status`)).text();
    const schedule = await (await fetch(`${j.url}/api/schedule?from=2026-12-05&days=2`)).text();
    for (const body of [statusText, schedule]) expect(body).to.not.include('x'.repeat(300));
  });

  it('refuses a staff request body past its bound with 413 and a message', async () => {
    const token = fs.readFileSync(path.join(j.dirs.data, 'staff-token'), 'utf8').trim();
    const res = await fetch(`${j.url}/api/broadcasts/${encodeURIComponent(ID)}/extend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ minutes: 10, note: 'n'.repeat(10_000) }),
    });
    expect(res.status).to.equal(413);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).to.equal('too-large');
    expect(body.message).to.include('too large');
  });

  it('refuses a viewer’s over-long nickname and message, saying so, and keeps a bounded one', async () => {
    viewer = connect(j.url, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      viewer!.once('connect', resolve);
      viewer!.once('connect_error', reject);
    });
    const huge = (await viewer.emitWithAck('chat:join', { occurrenceId: ID, nickname: 'N'.repeat(10_000) })) as Ack;
    expect(huge.ok, JSON.stringify(huge)).to.equal(false);
    expect(huge.error?.code).to.equal('invalid');
    expect(huge.error?.message).to.include('nickname').and.not.include('N'.repeat(200));
    const joined = (await viewer.emitWithAck('chat:join', { occurrenceId: ID, nickname: 'Deniz' })) as Ack;
    expect(joined.ok, JSON.stringify(joined)).to.equal(true);
    const long = (await viewer.emitWithAck('chat:send', { occurrenceId: ID, text: 'm'.repeat(301) })) as Ack;
    expect(long.ok).to.equal(false);
    expect(long.error?.message).to.include('300 characters');
    const flood = (await viewer.emitWithAck('chat:send', { occurrenceId: ID, text: 'm'.repeat(6000) })) as Ack;
    expect(flood.ok).to.equal(false);
    expect(flood.error?.code).to.equal('invalid');
    const fine = (await viewer.emitWithAck('chat:send', { occurrenceId: ID, text: 'Merhaba!' })) as Ack;
    expect(fine.ok, JSON.stringify(fine)).to.equal(true);
    // A packet past Socket.IO's buffer (16 KiB) is not read at all: the connection is closed.
    const closed = new Promise<string>((resolve) => viewer!.once('disconnect', resolve));
    viewer.emit('chat:send', { occurrenceId: ID, text: 'm'.repeat(100_000) });
    expect(await closed).to.equal('transport close');
  });
});
