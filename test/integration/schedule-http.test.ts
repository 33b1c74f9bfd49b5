// GET /api/schedule, /calendar.ics, /calendar/<id>.ics and /api/status of the composed server
// (startJourney: what `npm start` runs, port 0); the iCalendar feed is read back with ical.js,
// a real RFC 5545 parser. A schedule file changes as staff change it: written to the folder,
// picked up by the hot reload.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ICAL from 'ical.js';
import { startJourney, type Journey } from '../support/journey.js';
import { waitFor } from '../support/wait.js';

const GOOD = path.resolve(import.meta.dirname, '../fixtures/schedules/good');

interface Status {
  ok: boolean;
  programmes: Array<{ id: string }>;
  files: Array<{ file: string; ok: boolean; programmes: string[]; diagnostics: unknown[] }>;
  errors: string[];
}

describe('schedule HTTP routes', function () {
  this.timeout(20_000);
  let j: Journey;
  let base: string;
  const status = async (): Promise<Status> => (await (await fetch(`${base}/api/status`)).json()) as Status;

  before(async () => {
    const schedules = Object.fromEntries(readdirSync(GOOD).map((f) => [f, readFileSync(path.join(GOOD, f), 'utf8')]));
    // 09:03Z: no programme of the files is on air or about to be, so the engine stays idle.
    j = await startJourney({
      start: '2026-12-01T09:03:00Z',
      schedules: { ...schedules, 'broken.yaml': 'id: broken\ntitle: B\nduration: 45 minutes\n' },
    });
    base = j.url;
  });

  after(async () => {
    await j?.stop();
  });

  it('GET /api/schedule lists broadcasts like `onair preview --json`', async () => {
    const res = await fetch(`${base}/api/schedule?from=2026-12-01&days=14&lang=en`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal([
      { id: 'story@2026-12-05T11:00', title: 'Fairy Tale Time', start: '2026-12-05T11:00:00.000+03:00', end: '2026-12-05T11:45:00.000+03:00', destinations: ['local'], cancelled: false },
      { id: 'story@2026-12-12T11:00', title: 'Fairy Tale Time', start: '2026-12-12T11:00:00.000+03:00', end: '2026-12-12T11:45:00.000+03:00', destinations: ['local'], cancelled: false },
    ]);
    // Defaults: today (per the clock) and the configured language.
    const def = (await (await fetch(`${base}/api/schedule`)).json()) as Array<{ title: string }>;
    expect(def[0]!.title).to.equal('Masal Saati');
  });

  it('GET /api/schedule refuses bad parameters with a clear message', async () => {
    const bad = await fetch(`${base}/api/schedule?from=2027-02-30`);
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { error: string }).error).to.match(/YYYY-MM-DD/);
    expect((await fetch(`${base}/api/schedule?days=0`)).status).to.equal(400);
  });

  it('GET /calendar.ics is valid iCalendar with the right instants', async () => {
    const res = await fetch(`${base}/calendar.ics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/calendar/);
    const cal = new ICAL.Component(ICAL.parse(await res.text()));
    expect(cal.name).to.equal('vcalendar');
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const byUid = new Map(events.map((e) => [e.uid.split('@').slice(0, 2).join('@'), e]));
    expect([...byUid.keys()].sort()).to.deep.equal([
      'story@2026-12-05T11:00',
      'story@2026-12-12T11:00',
      'story@2026-12-19T11:00',
      'story@2026-12-26T11:00',
      'workshop@2027-03-28T02:30',
    ]);
    const first = byUid.get('story@2026-12-05T11:00')!;
    expect(first.startDate.toJSDate().toISOString()).to.equal('2026-12-05T08:00:00.000Z');
    expect(first.endDate.toJSDate().toISOString()).to.equal('2026-12-05T08:45:00.000Z');
    expect(first.summary).to.equal('Masal Saati / Fairy Tale Time');
    expect(byUid.get('story@2026-12-19T11:00')!.component.getFirstPropertyValue('status')).to.equal('CANCELLED');
    // The Paris gap: 02:30 airs at 03:30 CEST = 01:30Z.
    expect(byUid.get('workshop@2027-03-28T02:30')!.startDate.toJSDate().toISOString()).to.equal('2027-03-28T01:30:00.000Z');
  });

  it('GET /calendar.ics keeps a feed small: a programme every ten minutes lists its next 200', async () => {
    const demo = ['id: demo', 'title: Demo', 'duration: 2m', 'recurrence: { cron: "*/10 * * * *" }', 'source: { testPattern: {} }', 'destinations: [youtube]', ''].join('\n');
    j.writeSchedule('demo.yaml', demo);
    const loaded = await waitFor('demo.yaml to be reloaded', async () => (await status()).files.find((f) => f.file.endsWith('demo.yaml')));
    expect(loaded.diagnostics).to.deep.equal([]);
    expect(loaded.programmes).to.deep.equal(['demo']);
    try {
      const cal = new ICAL.Component(ICAL.parse(await (await fetch(`${base}/calendar.ics`)).text()));
      const starts = cal
        .getAllSubcomponents('vevent')
        .map((v) => new ICAL.Event(v))
        .filter((e) => e.uid.startsWith('demo@'))
        .map((e) => e.startDate.toJSDate().getTime());
      expect(starts.filter((t) => t >= j.clock.now().getTime())).to.have.length(200);
      expect(Math.min(...starts)).to.be.at.least(j.clock.now().getTime() - 50 * 10 * 60_000);
    } finally {
      j.removeSchedule('demo.yaml');
      await waitFor('demo.yaml to be unloaded', async () => !(await status()).files.some((f) => f.file.endsWith('demo.yaml')));
    }
    expect((await status()).programmes.map((p) => p.id)).to.deep.equal(['story', 'workshop']);
  });

  it('GET /calendar/<id>.ics holds one programme; an unknown id is 404', async () => {
    const res = await fetch(`${base}/calendar/workshop.ics`);
    expect(res.status).to.equal(200);
    const cal = new ICAL.Component(ICAL.parse(await res.text()));
    expect(cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v).summary)).to.deep.equal(['Ebru Atölyesi / Marbling Workshop']);
    expect((await fetch(`${base}/calendar/nope.ics`)).status).to.equal(404);
  });

  it('GET /api/status shows files, programmes in force and errors with file:line:col', async () => {
    const body = await status();
    expect(body.ok).to.equal(false);
    expect(body.programmes.map((p) => p.id)).to.deep.equal(['story', 'workshop']);
    expect(body.files.map((f) => [path.basename(f.file), f.ok, f.programmes])).to.deep.equal([
      ['broken.yaml', false, []],
      ['story.yaml', true, ['story']],
      ['workshop.yaml', true, ['workshop']],
    ]);
    expect(body.errors.map((e) => e.slice(e.indexOf('broken.yaml')))).to.include.members([
      'broken.yaml:3:11: error: duration must be a duration such as 90s, 45m, 1h30m or PT45M',
      'broken.yaml:1:1: error: missing recurrence (e.g. recurrence: { weekly: { days: [sat], at: "11:00" } })',
    ]);
  });
});
