// Journey: /metrics tells schedule and destination facts, so the real composed server
// (startOnair) serves it only to a scraper on this machine that no proxy stands in front of,
// to a bearer of ONAIR_METRICS_TOKEN, or to staff (the local staff token). A request through
// a proxy (any proxy header), or from another address, gets 401 and learns nothing.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startJourney, type Journey } from '../support/journey.js';

const METRICS_TOKEN = 'metrics-token-for-the-journey-0123456789abcdef';

interface Answer {
  status: number;
  text: string;
}

/** GET /metrics to `host` with exactly these headers, from `localAddress` when given. */
function get(j: Journey, headers: Record<string, string> = {}, host = '127.0.0.1', localAddress?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: j.port, method: 'GET', path: '/metrics', headers, ...(localAddress ? { localAddress } : {}) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An address of this machine that is not loopback (the container's own interface). */
function outsideAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  }
  throw new Error('this test needs a network interface besides loopback (e.g. eth0) to call from a non-loopback address');
}

describe('journey: /metrics is for this machine, the metrics token and staff only', function () {
  this.timeout(60_000);
  let j: Journey;
  let staffToken: string;

  before(async () => {
    // Bound to every address, as shipped (server.host 0.0.0.0), so another address can call it.
    j = await startJourney({ config: { server: { host: '0.0.0.0' } }, env: { ONAIR_METRICS_TOKEN: METRICS_TOKEN } });
    staffToken = fs.readFileSync(path.join(j.dirs.data, 'staff-token'), 'utf8').trim();
  });
  after(async () => {
    await j?.stop();
  });

  it('serves a scraper on loopback that no proxy stands in front of', async () => {
    const a = await get(j);
    expect(a.status, a.text).to.equal(200);
    expect(a.text).to.match(/^onair_leader\{/m);
  });

  for (const [what, headers] of [
    ['X-Forwarded-For', { 'X-Forwarded-For': '203.0.113.9' }],
    ['an empty X-Forwarded-For', { 'X-Forwarded-For': '' }],
    ['Forwarded', { Forwarded: 'for=203.0.113.9' }],
    ['X-Real-IP', { 'X-Real-IP': '203.0.113.9' }],
    ['Via', { Via: '1.1 tunnel' }],
  ] as const) {
    it(`refuses a loopback request carrying ${what} (a proxy in front), naming what to send`, async () => {
      const a = await get(j, headers);
      expect(a.status, a.text).to.equal(401);
      expect(a.text).to.not.match(/onair_/);
      expect(a.text).to.include('ONAIR_METRICS_TOKEN');
    });
  }

  it('refuses a request from another address, and a wrong token', async () => {
    const from = outsideAddress();
    const direct = await get(j, {}, from, from);
    expect(direct.status, direct.text).to.equal(401);
    expect(direct.text).to.not.match(/onair_/);
    const wrong = await get(j, { Authorization: `Bearer ${METRICS_TOKEN}x` }, from, from);
    expect(wrong.status, wrong.text).to.equal(401);
  });

  it('serves the bearer of ONAIR_METRICS_TOKEN from anywhere, and staff', async () => {
    const from = outsideAddress();
    const scraper = await get(j, { Authorization: `Bearer ${METRICS_TOKEN}` }, from, from);
    expect(scraper.status, scraper.text).to.equal(200);
    expect(scraper.text).to.match(/^onair_leader\{/m);
    const proxied = await get(j, { Authorization: `Bearer ${staffToken}`, 'X-Forwarded-For': '203.0.113.9' });
    expect(proxied.status, proxied.text).to.equal(200);
    expect(proxied.text).to.match(/^onair_leader\{/m);
  });

  it('never writes the metrics token to the log', () => {
    expect(JSON.stringify(j.logs)).to.not.include(METRICS_TOKEN);
  });
});
