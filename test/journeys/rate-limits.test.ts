// Journey: the limits a client meets on the real composed server (startOnair), each counted
// once by the one limiter: the API in any letter case (/API/status), the calendar feeds, and
// the login throttle — which slows a guesser without locking out a moderator behind the same
// address (a library's Wi-Fi). The server trusts one proxy (server.trustProxy), so each test
// speaks as its own client through X-Forwarded-For.
import { expect } from 'chai';
import { hashPassword } from '../../src/chat/index.js';
import { startJourney, type Journey } from '../support/journey.js';
import { loadConfig } from '../../src/config/index.js';

/** The API limit as shipped (config/default.yaml). */
const SHIPPED_API_LIMIT = loadConfig({ env: {} }).server.apiRequestsPerMinute;

const STORY = `id: story-hour
title: { tr: Masal Saati, en: Story Hour }
duration: 30m
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [local]
`;

describe('journey: rate limits and the login throttle', function () {
  this.timeout(60_000);
  let j: Journey;

  before(async () => {
    const accounts = [
      { name: 'ayse', passwordHash: await hashPassword('ayse moderator secret') },
      { name: 'mehmet', passwordHash: await hashPassword('mehmet moderator secret') },
    ];
    j = await startJourney({
      schedules: { 'story.yaml': STORY },
      start: '2026-12-05T08:00:00Z',
      config: { server: { trustProxy: true, apiRequestsPerMinute: SHIPPED_API_LIMIT }, moderation: { accounts } },
    });
  });
  after(async () => {
    await j?.stop();
  });

  async function statusOf(path: string, client: string): Promise<number> {
    return (await fetch(`${j.url}${path}`, { headers: { 'x-forwarded-for': client } })).status;
  }

  it('limits the API whatever the letter case of /api/, per client', async () => {
    const client = '203.0.113.10';
    const statuses = new Map<number, number>();
    for (let i = 0; i < 301; i++) {
      const s = await statusOf(i % 2 ? '/API/status' : '/Api/Status', client);
      statuses.set(s, (statuses.get(s) ?? 0) + 1);
    }
    // Not routes (routing is case-sensitive), but still the API's work to answer: counted.
    expect(statuses.get(404)).to.equal(300);
    expect(statuses.get(429)).to.equal(1);
    expect(await statusOf('/api/status', client)).to.equal(429);
    expect(await statusOf('/api/status', '203.0.113.11')).to.equal(200);
  });

  it('limits the calendar feeds per client', async () => {
    const client = '203.0.113.20';
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push(await statusOf(i % 2 ? '/calendar.ics' : '/calendar/story-hour.ics', client));
    expect(statuses.slice(0, 60).every((s) => s !== 429)).to.equal(true);
    expect(statuses[60]).to.equal(429);
    const limited = await fetch(`${j.url}/calendar.ics`, { headers: { 'x-forwarded-for': client } });
    expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
    expect(await statusOf('/calendar.ics', '203.0.113.21')).to.equal(200);
  });

  async function login(client: string, name: string, password: string, cookie?: string): Promise<{ status: number; cookies: string[] }> {
    const res = await fetch(`${j.url}/api/moderation/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ name, password }),
    });
    return { status: res.status, cookies: res.headers.getSetCookie() };
  }

  it('throttles a guesser, but lets a moderator whose browser logged in before in from the same address', async () => {
    // Ayşe logged in from home last week: her browser keeps the device cookie.
    const home = await login('192.0.2.5', 'ayse', 'ayse moderator secret');
    expect(home.status).to.equal(200);
    const device = home.cookies.find((c) => c.startsWith('onair_device='))?.split(';')[0];
    expect(device).to.match(/^onair_device=.+/);
    expect(home.cookies.find((c) => c.startsWith('onair_device='))).to.match(/HttpOnly/i).and.match(/SameSite=Strict/i);

    // Someone on the library's Wi-Fi guesses her password.
    const library = '198.51.100.7';
    const guesses: number[] = [];
    for (let i = 0; i < 12; i++) guesses.push((await login(library, 'ayse', `guess ${i}`)).status);
    expect(guesses.slice(0, 10)).to.deep.equal(Array(10).fill(401));
    expect(guesses.slice(10)).to.deep.equal([429, 429]);
    // Throttled guesses are not even checked: the right password without the device cookie waits too.
    expect((await login(library, 'ayse', 'ayse moderator secret')).status).to.equal(429);
    // A forged device cookie opens nothing.
    expect((await login(library, 'ayse', 'ayse moderator secret', 'onair_device=abc.def')).status).to.equal(429);
    // Ayşe, on the same Wi-Fi, with her browser: in. Mehmet (another name) is not held up either.
    expect((await login(library, 'ayse', 'ayse moderator secret', device)).status).to.equal(200);
    expect((await login(library, 'mehmet', 'mehmet moderator secret')).status).to.equal(200);
    // A device cookie names one moderator: it does not open the throttle for another name…
    for (let i = 0; i < 10; i++) await login(library, 'mehmet', `guess ${i}`);
    expect((await login(library, 'mehmet', 'mehmet moderator secret', device)).status).to.equal(429);
  });
});
