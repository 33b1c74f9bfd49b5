// The HTTP surface's defences, against the real express app on port 0.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expect } from 'chai';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createHttpApp } from '../../src/http/app.js';
import { CSP_DIRECTIVES, sessionCookieOptions } from '../../src/http/security.js';
import { createLogger } from '../../src/shared/logger.js';
import { LocalArchive } from '../../src/destinations/index.js';
import { hlsRoot } from '../../src/destinations/local/index.js';
import { ManualClock } from '../support/manual-clock.js';

interface Running {
  base: string;
  port: number;
  close(): Promise<void>;
}

async function serve(app: express.Express): Promise<Running> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

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

describe('http security (real server on port 0)', function () {
  let config: Readonly<Config>;
  let tmp: string;
  let running: Running | undefined;

  function appWith(opts: { corsOrigins?: string[]; clock?: ManualClock } = {}): express.Express {
    const cfg = { ...config, server: { ...config.server, corsOrigins: opts.corsOrigins ?? [] } };
    const app = createHttpApp({ config: cfg, logger: createLogger('silent'), clock: opts.clock });
    // Stand-ins for the routes other modules mount after the defences: a static media/HLS root
    // and an API endpoint. The defences must protect whatever is mounted after them.
    app.use('/hls', express.static(path.join(tmp, 'hls')));
    app.use('/media', express.static(path.join(tmp, 'media')));
    app.get('/api/ping', (_req, res) => void res.json({ pong: true }));
    app.post('/api/broadcasts/x/end', (_req, res) => void res.json({ ended: true }));
    app.post('/api/moderation/login', (_req, res) => void res.status(401).json({ error: 'bad-credentials' }));
    app.get('/', (_req, res) => void res.type('html').send('<!doctype html><title>onair</title>'));
    return app;
  }

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-sec-'));
    fs.mkdirSync(path.join(tmp, 'hls', 'demo'), { recursive: true });
    fs.mkdirSync(path.join(tmp, 'media'));
    fs.writeFileSync(path.join(tmp, 'hls', 'demo', 'index.m3u8'), '#EXTM3U\n');
    fs.writeFileSync(path.join(tmp, 'secret.txt'), 'do not serve');
    config = loadConfig({ env: { ONAIR_DATA_DIR: tmp } });
  });

  afterEach(async () => {
    await running?.close();
    running = undefined;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('sends helmet headers with a CSP that allows self scripts, YouTube frames and blob media only', async () => {
    running = await serve(appWith());
    const res = await fetch(`${running.base}/`);
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
    running = await serve(appWith({ corsOrigins: ['https://kutuphane.example.org'] }));
    const allowed = await fetch(`${running.base}/api/ping`, { headers: { Origin: 'https://kutuphane.example.org' } });
    expect(allowed.headers.get('access-control-allow-origin')).to.equal('https://kutuphane.example.org');
    expect(allowed.headers.get('vary')).to.match(/Origin/);

    const preflight = await fetch(`${running.base}/api/broadcasts/x/end`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://kutuphane.example.org', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers.get('access-control-allow-methods')).to.include('POST');

    const foreignRead = await fetch(`${running.base}/api/ping`, { headers: { Origin: 'https://evil.example' } });
    expect(foreignRead.headers.get('access-control-allow-origin')).to.equal(null);

    const foreignWrite = await fetch(`${running.base}/api/broadcasts/x/end`, { method: 'POST', headers: { Origin: 'https://evil.example' } });
    expect(foreignWrite.status).to.equal(403);
    expect(((await foreignWrite.json()) as { message: string }).message).to.include('server.corsOrigins');

    // Same origin (the pages themselves) is always fine.
    const own = await fetch(`${running.base}/api/broadcasts/x/end`, { method: 'POST', headers: { Origin: running.base } });
    expect(own.status).to.equal(200);
  });

  it('rate-limits the API per client', async () => {
    const clock = new ManualClock('2026-12-05T08:00:00Z');
    running = await serve(appWith({ clock }));
    let first429 = -1;
    for (let i = 0; i < 310 && first429 < 0; i++) {
      if ((await fetch(`${running.base}/api/ping`)).status === 429) first429 = i;
    }
    expect(first429).to.equal(300);
    // The same API in another letter case is the same client asking for the same work.
    expect((await fetch(`${running.base}/API/ping`)).status).to.equal(429);
    // A new window on the clock frees it again.
    await clock.advance(60_000);
    expect((await fetch(`${running.base}/api/ping`)).status).to.equal(200);
    // Pages are not API calls and stay reachable.
    expect((await fetch(`${running.base}/`)).status).to.equal(200);
  });

  it('refuses directory traversal through media and HLS paths, however it is encoded', async () => {
    running = await serve(appWith());
    expect(await rawGet(running.port, '/hls/demo/index.m3u8')).to.equal(200);
    for (const p of [
      '/hls/../secret.txt',
      '/hls/%2e%2e/secret.txt',
      '/hls/%2E%2E/secret.txt',
      '/hls/demo/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/hls/%252e%252e/secret.txt',
      '/media/..%2fsecret.txt',
      '/media/..%5csecret.txt',
      '/media/%2e%2e%5csecret.txt',
      '/hls/demo/index.m3u8%00.png',
      '/hls/%E0%A4%A',
    ]) {
      const status = await rawGet(running.port, p);
      expect(status, p).to.equal(400);
    }
  });

  it("refuses traversal through onair's own /hls and /archive routes, and still serves a real playlist", async () => {
    const dataDir = path.join(tmp, 'data');
    const hls = hlsRoot(dataDir);
    fs.mkdirSync(path.join(hls, 'story_2026-12-05T11-00'), { recursive: true });
    fs.writeFileSync(path.join(hls, 'story_2026-12-05T11-00', 'index.m3u8'), '#EXTM3U\n');
    fs.writeFileSync(path.join(dataDir, 'onair.db'), 'secret database');
    const app = createHttpApp({ config, logger: createLogger('silent'), media: { hlsDir: hls, archive: new LocalArchive(dataDir) } });
    running = await serve(app);
    expect(await rawGet(running.port, '/hls/story_2026-12-05T11-00/index.m3u8')).to.equal(200);
    for (const p of [
      '/hls/%2e%2e/onair.db',
      '/hls/..%2f..%2fonair.db/x',
      '/hls/story_2026-12-05T11-00/%2e%2e%2f%2e%2e%2fonair.db',
      '/hls/%252e%252e/%252e%252e%252fonair.db',
      '/archive/..%2fonair.db',
      '/archive/%2e%2e%5conair.db',
    ]) {
      expect(await rawGet(running.port, p), p).to.equal(400);
    }
  });

  it('sets httpOnly, SameSite=Strict and Secure (behind https) on session cookies', () => {
    const plain = sessionCookieOptions({ secure: false }, '', 3_600_000);
    expect(plain).to.include({ httpOnly: true, sameSite: 'strict', secure: false, path: '/' });
    expect(sessionCookieOptions({ secure: true }, '', 1000).secure).to.equal(true);
    expect(sessionCookieOptions({ secure: false }, 'https://yayin.example.org', 1000).secure).to.equal(true);
  });
});
