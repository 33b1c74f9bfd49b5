// Bad requests get a 4xx that says what to fix, never a 500 with a stack trace: a body in an
// unsupported charset or encoding, a broken gzip body, dates that are not dates, a schedule
// window past the year 9999, a Host header that is no host; and no HSTS header over plain HTTP.
// Through the real composed server (startOnair via the journey harness), one for the file.
import http from 'node:http';
import zlib from 'node:zlib';
import { expect } from 'chai';
import { startJourney, type Journey } from '../support/journey.js';

const TOKEN = 'bad-input-test-token-0123456789';

/** One raw request (fetch cannot set Host or send a body the test corrupts on purpose). */
function request(j: Journey, options: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: j.port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('HTTP: bad input is a 4xx with a message, never a 500 (real composed server)', function () {
  this.timeout(60_000);
  let j: Journey;

  before(async () => {
    j = await startJourney({ env: { ONAIR_MODERATOR_TOKEN: TOKEN } });
  });
  after(async () => {
    await j?.stop();
  });

  const extend = (headers: Record<string, string>, body: Buffer) =>
    request(j, {
      method: 'POST',
      path: '/api/broadcasts/none@2026-12-05T10:00/extend',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Length': String(body.length), ...headers },
      body,
    });

  it('a JSON body in a charset other than UTF-8: 415 naming the fix', async () => {
    const res = await extend({ 'Content-Type': 'application/json; charset=klingon' }, Buffer.from('{"minutes":5}'));
    expect(res.status, res.body).to.equal(415);
    expect(JSON.parse(res.body).message).to.include('UTF-8');
  });

  it('Content-Encoding: compress: 415 naming the encodings taken', async () => {
    const res = await extend({ 'Content-Type': 'application/json', 'Content-Encoding': 'compress' }, Buffer.from('{"minutes":5}'));
    expect(res.status, res.body).to.equal(415);
    expect(JSON.parse(res.body).message).to.include('gzip');
  });

  it('a broken gzip body: 400', async () => {
    const gz = zlib.gzipSync('{"minutes":5}');
    const broken = Buffer.concat([gz.subarray(0, 12), Buffer.from('not gzip at all')]);
    const res = await extend({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, broken);
    expect(res.status, res.body).to.equal(400);
    expect(JSON.parse(res.body)).to.not.have.property('stack');
  });

  it('GET /api/broadcasts?from=2026-13-45&to=yesterday: 400 naming both', async () => {
    const res = await request(j, { path: '/api/broadcasts?from=2026-13-45&to=yesterday' });
    expect(res.status, res.body).to.equal(400);
    const body = JSON.parse(res.body) as { issues: Array<{ path: string }> };
    expect(body.issues.map((i) => i.path).sort()).to.deep.equal(['from', 'to']);
  });

  it('GET /api/schedule?from=9999-12-31&days=366: 400', async () => {
    const res = await request(j, { path: '/api/schedule?from=9999-12-31&days=366' });
    expect(res.status, res.body).to.equal(400);
    expect(JSON.parse(res.body).error).to.include('9999-12-31');
  });

  it('GET /calendar.ics with a Host that is no host name: a 4xx with a message (the host guard, or the feed itself), and a good Host still gets the feed', async () => {
    const bad = await request(j, { path: '/calendar.ics', headers: { Host: 'exa mple..[' } });
    expect(bad.status, bad.body).to.be.within(400, 499);
    const body = JSON.parse(bad.body) as { error?: string; message?: string };
    expect(`${body.error} ${body.message}`).to.match(/host/i);
    const good = await request(j, { path: '/calendar.ics', headers: { Host: `127.0.0.1:${j.port}` } });
    expect(good.status).to.equal(200);
    expect(good.body).to.include('BEGIN:VCALENDAR');
  });

  it('sends no Strict-Transport-Security over plain HTTP (the other security headers stay)', async () => {
    const res = await fetch(`${j.url}/`);
    expect(res.headers.get('strict-transport-security')).to.equal(null);
    expect(res.headers.get('content-security-policy')).to.include("default-src 'self'");
  });
});
