// Behind a reverse proxy every request comes from the proxy's address: login throttling and
// API limits must count the client the proxy names (last X-Forwarded-For entry) when — and
// only when — config server.trustProxy says there is such a proxy. The real express app,
// real moderator auth, real HTTP on port 0.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { hashPassword, ModeratorAuth } from '../../src/chat/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createHttpApp } from '../../src/http/app.js';
import type { TranscriptPort } from '../../src/http/routes/chat-export.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { ManualClock } from '../support/manual-clock.js';

describe('http: the client address behind a proxy (server.trustProxy)', function () {
  this.timeout(30_000);
  let tmp: string;
  const servers: http.Server[] = [];

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-proxy-'));
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function serve(trustProxy: boolean): Promise<string> {
    const base = loadConfig({ env: { ONAIR_DATA_DIR: tmp } });
    const config = { ...base, server: { ...base.server, trustProxy } };
    const auth = new ModeratorAuth({
      accounts: [{ name: 'ayse', passwordHash: await hashPassword('moderator secret') }],
      token: undefined,
      sessionTtlMs: 60_000,
      clock: systemClock,
    });
    const transcripts = { transcriptRows: async () => [] } satisfies TranscriptPort;
    // A clock that stands still: the limits count in windows of the clock, and a run that
    // crossed a minute on the wall clock would start a fresh window halfway.
    const server = http.createServer(createHttpApp({ config, logger: createLogger('silent'), clock: new ManualClock('2026-12-05T08:00:10Z'), moderation: { auth, transcripts } }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
