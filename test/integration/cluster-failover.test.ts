// Cluster mode end to end on the real Redis: two web nodes (the real composition,
// startClusterNode role web, in this process) and a worker in its own process (real lease,
// fenced Redis store, BroadcastEngine and ProgrammeFeed; fake destination/encoder ports).
// Once every node and viewer is ready, staff start the broadcast through a web node; viewers
// on both web nodes get `programme:live` once; the worker is SIGKILLed once on air and another
// started: it takes over and resumes the same broadcast without a second prepare or go-live;
// a staff action sent to a web node reaches the new leader.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { loadConfig } from '../../src/config/index.js';
import { startClusterNode, type ClusterOnair } from '../../src/main-cluster.js';
import { createLogger } from '../../src/shared/logger.js';
import { occurrence } from '../unit/scheduler/fakes.js';
import { REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../unit/cluster/redis-test-support.js';
import { startWorkerChild, type WorkerProcess as Worker } from '../unit/cluster/worker-process.js';

describe('cluster: two web nodes and a worker, failover (real Redis)', function () {
  this.timeout(90_000);
  let prefix: string;
  let admin: Redis;
  let tmp: string;
  const workers: Worker[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeEach(() => {
    prefix = uniquePrefix('failover');
    admin = testRedis();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-failover-'));
  });

  afterEach(async () => {
    for (const w of workers.splice(0)) await w.kill();
    for (const c of cleanups.splice(0).reverse()) await c();
    await deletePrefix(admin, prefix);
    await admin.quit();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function startWorker(occJson: string): Worker {
    const w = startWorkerChild(REDIS_URL, prefix, 3000, occJson);
    workers.push(w);
    return w;
  }

  async function webNode(name: string): Promise<ClusterOnair> {
    const dir = path.join(tmp, name);
    fs.mkdirSync(path.join(dir, 'schedules'), { recursive: true });
    const config = loadConfig({
      env: {
        PORT: '0', ONAIR_HOST: '127.0.0.1', ONAIR_DATA_DIR: path.join(dir, 'data'), ONAIR_SCHEDULES_DIR: path.join(dir, 'schedules'),
        ONAIR_REDIS_URL: REDIS_URL, ONAIR_REDIS_PREFIX: prefix,
      },
    });
    const web = await startClusterNode(config, { role: 'web', logger: createLogger('silent'), nodeId: name });
    cleanups.push(() => web.stop());
    return web;
  }

  function viewer(port: number): Promise<ClientSocket> {
    const s = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
    cleanups.push(() => void s.disconnect());
    return new Promise((resolve, reject) => {
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
  }

  it('delivers programme:live to viewers on both nodes once, survives a SIGKILLed worker without a duplicate broadcast', async () => {
    // Far enough ahead that nothing starts by itself: staff start it once everything is ready.
    const occ = occurrence('innovation-final@2026-12-12T14:00', new Date(Date.now() + 3_600_000).toISOString(), 30, { destinations: ['local'] });
    const occJson = JSON.stringify(occ);

    const a = startWorker(occJson);
    const aToken = Number((await a.waitFor((l) => l.event === 'acquired')).token);
    await a.waitFor((l) => l.event === 'engine-started');

    const web1 = await webNode('web-1');
    const web2 = await webNode('web-2');
    const viewers = await Promise.all([viewer(web1.port), viewer(web1.port), viewer(web2.port), viewer(web2.port)]);
    const live = viewers.map(() => [] as string[]);
    const ended = viewers.map(() => [] as string[]);
    viewers.forEach((v, i) => {
      v.on('programme:live', (p: { programme: { occurrenceId: string } }) => live[i]!.push(p.programme.occurrenceId));
      v.on('programme:ended', (p: { occurrenceId: string }) => ended[i]!.push(p.occurrenceId));
    });

    const started = await (await web1.node.remoteBroadcasts()).startNow(occ.id);
    expect(started.state).to.equal('live');
    await a.waitFor((l) => l.event === 'transition' && l.to === 'live');
    await Promise.all(viewers.map((v, i) => (live[i]!.length > 0 ? undefined : new Promise((r) => v.once('programme:live', r)))));
    // On air: the destination went live and the encoder runs the programme.
    await a.waitFor((l) => l.event === 'calls' && l.goLive === 1 && l.running === 1);

    // The worker dies mid-air; another starts and takes the lease over.
    await a.kill('SIGKILL');
    const b = startWorker(occJson);
    const bToken = Number((await b.waitFor((l) => l.event === 'acquired')).token);
    expect(bToken).to.be.greaterThan(aToken);
    await b.waitFor((l) => l.event === 'engine-started');

    // Resumed, not repeated: ffmpeg runs again on B, but no second prepare or go-live.
    const calls = await b.waitFor((l) => l.event === 'calls' && l.running === 1);
    expect(calls).to.include({ prepare: 0, goLive: 0, encoders: 1 });
    const store = web1.node.broadcastStore();
    expect((await store.get(occ.id))?.state).to.equal('live');
    const log = await store.transitions(occ.id);
    expect(log.filter((t) => t.to === 'live')).to.have.length(1);

    // A staff action sent to web node 2 is run by the new leader; viewers hear the end.
    const remote = await web2.node.remoteBroadcasts();
    const record = await remote.endNow(occ.id);
    expect(['ending', 'complete']).to.include(record.state);
    await Promise.all(viewers.map((v, i) => (ended[i]!.length > 0 ? undefined : new Promise((r) => v.once('programme:ended', r)))));
    expect(live).to.deep.equal(viewers.map(() => [occ.id]));
    expect(ended).to.deep.equal(viewers.map(() => [occ.id]));
  });
});
