// /healthz, /readyz and /metrics of the composed server (startJourney: what `npm start` runs,
// port 0) with its real checks: the store, the schedules, the ffmpeg it runs (here a link to
// the real one that the test takes away, as a package upgrade might), and the Redis PING a
// cluster node adds. How each event maps to a series: test/unit/metrics/engine-events.test.ts;
// the counters after real traffic: ops-metrics-composed.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { closeRedis, connectRedis, redisReadiness, waitForRedis } from '../../src/cluster/redis.js';
import { resolveBinaries } from '../../src/media/index.js';
import { startJourney, type Journey } from '../support/journey.js';
import { REDIS_URL } from '../unit/cluster/redis-test-support.js';

interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

describe('operations: health, readiness and metrics (composed server on port 0)', function () {
  this.timeout(30_000);
  let j: Journey;
  let tmp: string;
  let ffmpeg: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-ops-'));
    ffmpeg = path.join(tmp, 'ffmpeg');
    fs.symlinkSync(resolveBinaries().ffmpeg, ffmpeg);
    j = await startJourney({ env: { ONAIR_FFMPEG_PATH: ffmpeg } });
  });
  after(async () => {
    await j?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const readyz = async (url: string): Promise<{ status: number; body: Readiness }> => {
    const res = await fetch(`${url}/readyz`);
    return { status: res.status, body: (await res.json()) as Readiness };
  };

  it('serves Prometheus metrics', async () => {
    const res = await fetch(`${j.url}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/text\/plain/);
    const text = await res.text();
    // The embedded node runs the engine, so it leads; nobody is watching yet.
    expect(text).to.match(/^onair_leader\{[^}]*\} 1$/m);
    expect(text).to.match(/^onair_viewers_connected\{[^}]*\} 0$/m);
  });

  it('answers /healthz while up and /readyz 503 naming each failing check', async () => {
    expect(await (await fetch(`${j.url}/healthz`)).json()).to.deep.equal({ ok: true });

    let r = await readyz(j.url);
    expect(r.status).to.equal(200);
    expect(r.body.ready).to.equal(true);
    expect(r.body.checks).to.deep.equal({ store: { ok: true }, schedules: { ok: true }, ffmpeg: { ok: true }, data: { ok: true } });

    // ffmpeg gone from under a running server: not ready, and the answer says how to fix it.
    fs.rmSync(ffmpeg);
    try {
      r = await readyz(j.url);
      expect(r.status).to.equal(503);
      expect(r.body.ready).to.equal(false);
      expect(r.body.checks.ffmpeg?.ok).to.equal(false);
      expect(r.body.checks.ffmpeg?.error).to.include('ONAIR_FFMPEG_PATH');
      expect(r.body.checks.schedules).to.deep.equal({ ok: true });
    } finally {
      fs.symlinkSync(resolveBinaries().ffmpeg, ffmpeg);
    }
    expect((await readyz(j.url)).status).to.equal(200);

    // Draining (the start of a stop): still serving, but no longer ready.
    j.onair.drain();
    r = await readyz(j.url);
    expect(r.status).to.equal(503);
    expect(r.body.checks.shutdown?.error).to.equal('shutting down');
    expect((await fetch(`${j.url}/healthz`)).status).to.equal(200);
  });

  it('checks Redis with a PING, and an unreachable Redis says so', async () => {
    // The check a cluster node adds to /readyz (ClusterNode.readiness). A cluster node
    // composed in-process leaves its Socket.IO adapter's two Redis connections open at stop,
    // so the check is asked directly here rather than through /readyz of a cluster journey.
    const live = connectRedis(REDIS_URL, { name: 'ops-test' });
    const dead = connectRedis('redis://127.0.0.1:1', { name: 'ops-test-dead' });
    try {
      await waitForRedis(live);
      const check = redisReadiness(live);
      expect(check.name).to.equal('redis');
      await check.check();
      let error: unknown;
      await Promise.resolve(redisReadiness(dead).check()).catch((err: unknown) => (error = err));
      expect(error, 'an unreachable Redis fails the check').to.be.instanceOf(Error);
    } finally {
      await closeRedis(live);
      await closeRedis(dead);
    }
  });
});
