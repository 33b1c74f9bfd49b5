// The HTTP surface's defences, against the real composed server (startJourney): security
// headers, CORS, the API rate limit and path traversal through onair's own /hls and /archive.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/config/index.js';
import { CSP_DIRECTIVES, sessionCookieOptions } from '../../src/http/security.js';
import { hlsRoot } from '../../src/destinations/local/index.js';
import { startJourney, type Journey } from '../support/journey.js';
import { ManualClock } from '../support/manual-clock.js';

const ALLOWED_ORIGIN = 'https://kutuphane.example.org';
const TOKEN = 'http-security-staff-token-0123456789';
const FOLDER = 'story_2026-12-05T11-00';

/** Sends a raw request line, so the path reaches the server exactly as written (no client normalisation). */
function rawGet(port: number, rawPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET ${rawPath} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

describe('http security (real composed server on port 0)', function () {
  this.timeout(60_000);
  let j: Journey;

  before(async () => {
    j = await startJourney({
      start: '2026-12-05T08:00:00Z',
      config: { server: { corsOrigins: [ALLOWED_ORIGIN] } },
      env: { ONAIR_MODERATOR_TOKEN: TOKEN },
    });
    // A real playlist under the HLS root, and a file beside the database that must never be served.
    const hls = hlsRoot(j.dirs.data);
    fs.mkdirSync(path.join(hls, FOLDER), { recursive: true });
    fs.writeFileSync(path.join(hls, FOLDER, 'index.m3u8'), '#EXTM3U\n');
    fs.writeFileSync(path.join(j.dirs.data, 'secret.txt'), 'do not serve');
  });
  after(async () => {
    await j?.stop();
  });

  it('sends helmet headers with a CSP that allows self scripts, YouTube frames and blob media only', async () => {
    const res = await fetch(`${j.url}/`);
    expect(res.status).to.equal(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).to.include("script-src 'self'");
    expect(csp).to.include('frame-src https://www.youtube.com https://www.youtube-nocookie.com');
    expect(csp).to.include("media-src 'self' blob:");
    expect(csp).to.include("object-src 'none'");
    expect(csp).to.include("frame-ancestors 'self'");
    expect(csp).not.to.include('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    // Plain HTTP here: no HSTS (browsers ignore it; sent over https only, see http-bad-input.test.ts).
    expect(res.headers.get('strict-transport-security')).to.equal(null);
    expect(res.headers.get('x-powered-by')).to.equal(null);
    expect(res.headers.get('referrer-policy')).to.equal('strict-origin-when-cross-origin');
    expect(CSP_DIRECTIVES.scriptSrc).to.deep.equal(["'self'"]);
  });

  it('allows CORS only for configured origins and refuses foreign writes', async () => {
    const allowed = await fetch(`${j.url}/api/status`, { headers: { Origin: ALLOWED_ORIGIN } });
    expect(allowed.status).to.equal(200);
    expect(allowed.headers.get('access-control-allow-origin')).to.equal(ALLOWED_ORIGIN);
    expect(allowed.headers.get('vary')).to.match(/Origin/);

    const preflight = await fetch(`${j.url}/api/broadcasts/x/end`, {
      method: 'OPTIONS',
      headers: { Origin: ALLOWED_ORIGIN, 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers.get('access-control-allow-methods')).to.include('POST');

    const foreignRead = await fetch(`${j.url}/api/status`, { headers: { Origin: 'https://evil.example' } });
    expect(foreignRead.headers.get('access-control-allow-origin')).to.equal(null);

    // Refused by the origin rule even with a valid staff credential.
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const foreignWrite = await fetch(`${j.url}/api/broadcasts/x/end`, { method: 'POST', headers: { ...auth, Origin: 'https://evil.example' } });
    expect(foreignWrite.status).to.equal(403);
    expect(((await foreignWrite.json()) as { message: string }).message).to.include('server.corsOrigins');

    // Same origin (the pages themselves) is always fine: the write reaches the broadcasts
    // route, which answers that there is no broadcast 'x'.
    const own = await fetch(`${j.url}/api/broadcasts/x/end`, { method: 'POST', headers: { ...auth, Origin: j.url } });
    expect(own.status).to.equal(404);
  });

  it("refuses directory traversal through /hls, /archive and /media, however it is encoded, and still serves a real playlist", async () => {
    expect(await rawGet(j.port, `/hls/${FOLDER}/index.m3u8`)).to.equal(200);
    for (const p of [
      '/hls/../secret.txt',
      '/hls/%2e%2e/secret.txt',
      '/hls/%2E%2E/secret.txt',
      `/hls/${FOLDER}/%2e%2e%2f%2e%2e%2fsecret.txt`,
      '/hls/%252e%252e/secret.txt',
      '/hls/%2e%2e/onair.db',
      '/hls/..%2f..%2fonair.db/x',
      `/hls/${FOLDER}/%2e%2e%2f%2e%2e%2fonair.db`,
      '/hls/%252e%252e/%252e%252e%252fonair.db',
      `/hls/${FOLDER}/index.m3u8%00.png`,
      '/hls/%E0%A4%A',
      '/archive/..%2fonair.db',
      '/archive/%2e%2e%5conair.db',
      '/media/..%2fsecret.txt',
      '/media/..%5csecret.txt',
      '/media/%2e%2e%5csecret.txt',
    ]) {
      expect(await rawGet(j.port, p), p).to.equal(400);
    }
  });

  it('sets httpOnly, SameSite=Strict and Secure (behind https) on session cookies', () => {
    const plain = sessionCookieOptions({ secure: false }, '', 3_600_000);
    expect(plain).to.include({ httpOnly: true, sameSite: 'strict', secure: false, path: '/' });
    expect(sessionCookieOptions({ secure: true }, '', 1000).secure).to.equal(true);
    expect(sessionCookieOptions({ secure: false }, 'https://yayin.example.org', 1000).secure).to.equal(true);
  });
});

// Its own server: the shipped API limit (journeys raise it) on a clock that stands still, so
// the count is not shared with the tests above and a new window comes only when the test says.
describe('http security: the API rate limit (real composed server on port 0)', function () {
  this.timeout(60_000);
  const shippedLimit = loadConfig({ env: {} }).server.apiRequestsPerMinute;
  let j: Journey<ManualClock>;

  before(async () => {
    j = await startJourney({ clock: new ManualClock('2026-12-05T08:00:00Z'), config: { server: { apiRequestsPerMinute: shippedLimit } } });
  });
  after(async () => {
    await j?.stop();
  });

  it('rate-limits the API per client', async () => {
    let first429 = -1;
    for (let i = 0; i < shippedLimit + 10 && first429 < 0; i++) {
      if ((await fetch(`${j.url}/api/status`)).status === 429) first429 = i;
    }
    expect(first429).to.equal(shippedLimit);
    // The same API in another letter case is the same client asking for the same work.
    expect((await fetch(`${j.url}/API/status`)).status).to.equal(429);
    // A new window on the clock frees it again.
    await j.clock.advance(60_000);
    expect((await fetch(`${j.url}/api/status`)).status).to.equal(200);
    // Pages are not API calls and stay reachable.
    expect((await fetch(`${j.url}/`)).status).to.equal(200);
  });
});
