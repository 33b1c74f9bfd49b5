// Behind a reverse proxy every request comes from the proxy's address: login throttling and
// API limits must count the client the proxy names (last X-Forwarded-For entry) when — and
// only when — config server.trustProxy says there is such a proxy. The composed server
// (startJourney), a configured moderator account, real HTTP on port 0.
import { expect } from 'chai';
import { hashPassword } from '../../src/chat/index.js';
import { startJourney, type Journey } from '../support/journey.js';
import { ManualClock } from '../support/manual-clock.js';

describe('http: the client address behind a proxy (server.trustProxy)', function () {
  this.timeout(30_000);
  // One server per setting: trustProxy is read when the server starts.
  const journeys: Array<Journey<ManualClock>> = [];

  afterEach(async () => {
    for (const j of journeys.splice(0)) await j.stop();
  });

  async function serve(trustProxy: boolean): Promise<string> {
    const j = await startJourney({
      config: { server: { trustProxy }, moderation: { accounts: [{ name: 'ayse', passwordHash: await hashPassword('moderator secret') }] } },
      // A clock that stands still: the limits count in windows of the clock, and a run that
      // crossed a minute on the wall clock would start a fresh window halfway.
      clock: new ManualClock('2026-12-05T08:00:10Z'),
    });
    journeys.push(j);
    return j.url;
  }

  function login(base: string, forwardedFor: string): Promise<number> {
    return fetch(`${base}/api/moderation/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ name: 'ayse', password: 'wrong password' }),
    }).then((r) => r.status);
  }

  it('with trustProxy, throttles the guessing client (last X-Forwarded-For entry) and not the others behind the same proxy', async () => {
    const base = await serve(true);
    const guesser = [];
    // The first entry is whatever the client claims; the proxy appends the real address.
    for (let i = 0; i < 12; i++) guesser.push(await login(base, `10.9.9.${i}, 203.0.113.7`));
    expect(guesser.slice(0, 10)).to.deep.equal(Array(10).fill(401));
    expect(guesser.slice(-1)).to.deep.equal([429]);
    expect(await login(base, '198.51.100.20')).to.equal(401);
  });

  it('without trustProxy, ignores X-Forwarded-For (anyone could send it): every request is the peer address', async () => {
    const base = await serve(false);
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push(await login(base, `203.0.113.${i}`));
    expect(statuses.slice(-1)).to.deep.equal([429]);
    expect(await login(base, '198.51.100.20')).to.equal(429);
  });
});
