// The leading worker through a Redis restart, black-box: a real `onair worker` process (the
// CLI's startClusterNode + stopOnSignals, on a test clock) with real ffmpeg pushing to the
// local HLS destination, and a private redis-server this test starts on its own port, kills
// (SIGKILL) and starts again — empty, or with its append-only file. The shared Redis on 6379
// is never touched.
//
// What must hold: losing the lease stops ffmpeg (checked in /proc); regaining
// it brings the broadcast on air back with its own record (the same liveAt, no second
// go-live) even when Redis lost everything, and the next programme airs on time; onair_leader
// follows; a Redis that lost its data is reported; SIGTERM afterwards is an orderly exit.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { RedisBroadcastStore } from '../../src/store/redis/broadcast-store.js';
import { RedisChatStore } from '../../src/store/redis/chat-store.js';
import { RedisSessionStore } from '../../src/store/redis/session-store.js';
import { RedisStaffAudit } from '../../src/store/redis/staff-audit.js';
import type { BroadcastRecord } from '../../src/scheduler/ports.js';
import { ffmpegProcessesMentioning, outputFfmpegMentioning } from '../support/onair-process.js';
import { freePort, killRedisServer, startRedisServer } from '../support/redis-server.js';
import { LoggedProcess, type LogLine } from '../support/logged-process.js';
import { SMALL_FORMAT } from '../support/test-encoder-factory.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = path.join(ROOT, 'test/support/cluster-node-child.ts');

type Line = LogLine;

/** A cluster node process: its JSON log lines, waits on them, /metrics, SIGTERM and SIGKILL. */
class NodeProcess extends LoggedProcess {
  port = 0;

  async leaderGauge(): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('onair_leader'));
    return Number(line?.split(' ').pop());
  }

  /** Runs its test clock `speed` times faster until `until`, then at wall speed again. */
  hurry(until: string, speed: number): void {
    this.child.stdin!.write(`hurry ${until} ${speed}\n`);
  }

  sigterm(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.kill('SIGTERM');
  }
}

/** Checks `fn` every 100 ms until it returns true; the test's timeout bounds the wait. */
async function until(what: string, fn: () => boolean | Promise<boolean>): Promise<void> {
  for (;;) {
    try {
      if (await fn()) return;
    } catch {
      /* not yet (Redis down, HTTP not up) */
    }
    await new Promise((r) => setTimeout(r, 100));
    if (process.env['ONAIR_TEST_TRACE']) console.log('waiting:', what);
  }
}

const isTransition = (id: string, to: string) => (l: Line) => l.msg === 'broadcast transition' && l['occurrence'] === id && l['to'] === to;

describe('cluster: the leading worker through a Redis restart (private redis-server, real ffmpeg)', function () {
  this.timeout(180_000);
  let root: string;
  let redisDir: string;
  let port: number;
  let redisProc: ChildProcess | undefined;
  let admin: Redis;
  let store: RedisBroadcastStore;
  const nodes: NodeProcess[] = [];
  const PREFIX = 'onair-outage:';

  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-outage-'));
    redisDir = path.join(root, 'redis');
    for (const d of ['schedules', 'data', 'media', 'config', 'redis']) fs.mkdirSync(path.join(root, d));
    fs.copyFileSync(path.join(ROOT, 'config/default.yaml'), path.join(root, 'config/default.yaml'));
    port = await freePort();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      const file = path.join(os.tmpdir(), `onair-outage-${process.pid}.log`);
      fs.writeFileSync(file, nodes.map((n) => `${n.logs.map((l) => JSON.stringify(l)).join('\n')}\n${n.stderr.join('')}`).join('\n----\n'));
      console.log(`      the nodes' logs: ${file}`);
    }
    for (const n of nodes.splice(0)) await n.kill();
    admin?.disconnect();
    if (redisProc) await killRedisServer(redisProc);
    redisProc = undefined;
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function startRedis(appendOnly: boolean): Promise<void> {
    redisProc = await startRedisServer(port, redisDir, { appendOnly });
  }

  function writeConfig(cluster: Record<string, unknown> = {}): void {
    fs.writeFileSync(
      path.join(root, 'config/outagetest.yaml'),
      stringify({
        // The small test picture and no lower renditions: one small encode per broadcast.
        engine: { prepareLead: '5s', ffmpegLead: '3s', picture: SMALL_FORMAT },
        cluster: { leaseTtl: '3s', ...cluster },
        destinations: { demo: { type: 'local', archive: false, ladder: [] } },
      }),
    );
  }

  function programme(id: string, once: string, duration: string): void {
    fs.writeFileSync(
      path.join(root, `schedules/${id}.yaml`),
      `id: ${id}\ntitle: { tr: ${id}, en: ${id} }\ndescription: { tr: x, en: x }\ncategory: other\ntimezone: UTC\nduration: ${duration}\nrecurrence:\n  once: ${once}\nsource: { testPattern: {} }\ndestinations: [demo]\n`,
    );
  }

  async function startWorker(clockStart: string): Promise<NodeProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'worker', clockStart], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'outagetest',
        ONAIR_CONFIG_DIR: path.join(root, 'config'),
        ONAIR_REDIS_URL: `redis://127.0.0.1:${port}`,
        ONAIR_REDIS_PREFIX: PREFIX,
        ONAIR_SCHEDULES_DIR: path.join(root, 'schedules'),
        ONAIR_DATA_DIR: path.join(root, 'data'),
        ONAIR_MEDIA_DIR: path.join(root, 'media'),
        ONAIR_HOST: '127.0.0.1',
        PORT: '0',
        ONAIR_LOG_LEVEL: 'info',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const node = new NodeProcess(child);
    nodes.push(node);
    node.port = Number((await node.waitFor((l) => typeof l.msg === 'string' && l.msg.endsWith('node listening')))['port']);
    return node;
  }

  function connectAdmin(): void {
    admin = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    admin.on('error', () => {});
    store = new RedisBroadcastStore({ redis: admin, prefix: PREFIX, fenceKey: `${PREFIX}leader:fence`, fencingToken: () => undefined });
  }

  async function stateOf(id: string): Promise<BroadcastRecord | undefined> {
    return store.get(id);
  }

  /** Kills Redis under a live broadcast and waits until the worker has stopped ffmpeg. */
  async function outage(worker: NodeProcess): Promise<void> {
    const lostBefore = worker.logs.filter((l) => l.msg === 'this node no longer leads: stopping the scheduler and ffmpeg').length;
    await killRedisServer(redisProc!);
    redisProc = undefined;
    await worker.waitFor((l) => l.msg === 'this node no longer leads: stopping the scheduler and ffmpeg', lostBefore + 1);
    // Fenced: no ffmpeg of this node keeps writing once the lease is gone.
    await until('ffmpeg to stop', () => ffmpegProcessesMentioning(root).length === 0);
    await until('onair_leader 0', async () => (await worker.leaderGauge()) === 0);
  }

  it('restarted empty: ffmpeg stops with the lease; the leader puts the live broadcast back as it was, the next one airs on time, the loss is reported, SIGTERM exits cleanly', async () => {
    await startRedis(false);
    connectAdmin();
    writeConfig();
    // A is live from 09:00:00 to 09:00:50; B airs at 09:01 for 15 s.
    const A = 'outage-a@2026-12-05T09:00';
    const B = 'outage-b@2026-12-05T09:01';
    programme('outage-a', '2026-12-05T09:00', '50s');
    programme('outage-b', '2026-12-05T09:01', '15s');
    const worker = await startWorker('2026-12-05T08:59:56Z');
    await worker.waitFor((l) => l.msg === 'this node now leads: starting the scheduler');
    await until('onair_leader 1', async () => (await worker.leaderGauge()) === 1);
    await worker.waitFor(isTransition(A, 'live'));
    await until('A live on its destination', async () => (await stateOf(A))?.destinations[0]?.status === 'live');
    await until('ffmpeg for A', () => outputFfmpegMentioning(root).length === 1);
    const before = (await stateOf(A))!;

    await outage(worker);
    await startRedis(false);

    // Leads again, says so in the metric, and carries A on with its own record.
    await worker.waitFor((l) => l.msg === 'this node now leads: starting the scheduler', 2);
    await until('onair_leader 1', async () => (await worker.leaderGauge()) === 1);
    await until('A back in Redis, live', async () => (await stateOf(A))?.state === 'live');
    const after = (await stateOf(A))!;
    expect(after.liveAt, 'the same broadcast carries on (no second go-live)').to.equal(before.liveAt);
    expect(after.destinations.map((d) => d.status)).to.deep.equal(['live']);
    await until('ffmpeg for A again', () => outputFfmpegMentioning(root).length === 1);
    const lost = await worker.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('Redis came back without its data'));
    expect(lost.level).to.be.at.least(50);

    // A ends at its time and B airs on time (the rest of A hurried through).
    worker.hurry('2026-12-05T09:00:50Z', 4);
    await until('A complete', async () => (await stateOf(A))?.state === 'complete');
    await until('B live', async () => (await stateOf(B))?.state === 'live');
    expect(worker.logs.filter(isTransition(A, 'live'))).to.have.length(1);

    const t0 = Date.now();
    const exit = await worker.sigterm();
    console.log(`      SIGTERM after the outage: exited in ${Date.now() - t0} ms (load ${os.loadavg()[0]!.toFixed(2)})`);
    expect(exit, worker.logs.slice(-10).map((l) => JSON.stringify(l)).join('\n')).to.deep.equal({ code: 0, signal: null });
    expect(ffmpegProcessesMentioning(root)).to.deep.equal([]);
  });

  it('restarted with its append-only file: the broadcast carries on from its own record (no put-back, no loss reported), and chat, sessions and the staff audit are still there', async () => {
    await startRedis(true);
    connectAdmin();
    writeConfig({ requireAppendOnly: true });
    const A = 'outage-a@2026-12-05T09:00';
    programme('outage-a', '2026-12-05T09:00', '25s');
    const worker = await startWorker('2026-12-05T08:59:56Z');
    await worker.waitFor(isTransition(A, 'live'));
    await until('A live on its destination', async () => (await stateOf(A))?.destinations[0]?.status === 'live');
    await until('ffmpeg for A', () => outputFfmpegMentioning(root).length === 1);
    const before = (await stateOf(A))!;
    // What web nodes keep in Redis: a chat message, a moderator session, a staff audit entry.
    const chat = new RedisChatStore({ redis: admin, prefix: PREFIX });
    const sessions = new RedisSessionStore({ redis: admin, prefix: PREFIX, now: () => Date.now() });
    const audit = new RedisStaffAudit({ redis: admin, prefix: PREFIX });
    await chat.appendMessage({
      id: 'm1',
      occurrenceId: A,
      origin: 'onair',
      nickname: 'ayse',
      authorId: 'a1',
      text: 'merhaba',
      at: before.liveAt!,
      fingerprint: 'f',
      ip: '192.0.2.1',
      externalId: null,
      deletedAt: null,
      deletedBy: null,
    });
    await sessions.put({ id: 'session-1', moderator: 'zeynep', expiresAt: new Date(Date.now() + 3_600_000) });
    const entry = await audit.append({ at: before.liveAt!, staff: 'zeynep', action: 'extend', occurrenceId: A, status: 200, detail: '+5 minutes' });

    await outage(worker);
    await startRedis(true);
    await worker.waitFor((l) => l.msg === 'this node now leads: starting the scheduler', 2);
    await until('onair_leader 1', async () => (await worker.leaderGauge()) === 1);
    await until('ffmpeg for A again', () => outputFfmpegMentioning(root).length === 1);
    const after = (await stateOf(A))!;
    expect(after.state).to.equal('live');
    expect(after.liveAt).to.equal(before.liveAt);
    expect((await store.transitions(A)).map((t) => t.to)).to.deep.equal(['scheduled', 'preparing', 'ready', 'live']);
    expect(worker.logs.filter((l) => typeof l.msg === 'string' && (l.msg.startsWith('Redis came back without its data') || l.msg.startsWith('put back')))).to.deep.equal([]);
    expect((await chat.getMessage('m1'))?.text).to.equal('merhaba');
    expect((await sessions.get('session-1'))?.moderator).to.equal('zeynep');
    expect(await audit.recent(10)).to.deep.equal([entry]);

    worker.hurry('2026-12-05T09:00:25Z', 4);
    await until('A complete', async () => (await stateOf(A))?.state === 'complete');
    const exit = await worker.sigterm();
    expect(exit).to.deep.equal({ code: 0, signal: null });
    expect(ffmpegProcessesMentioning(root)).to.deep.equal([]);
  });

  it('cluster.requireAppendOnly: a worker refuses a Redis without an append-only file, saying what to set', async () => {
    await startRedis(false);
    writeConfig({ requireAppendOnly: true });
    let refused: unknown;
    try {
      await startWorker('2026-12-05T08:59:55Z');
    } catch (err) {
      refused = err;
    }
    expect(String(refused)).to.match(/node exited \(1\)/);
    expect(String(refused)).to.include('config cluster.requireAppendOnly: Redis does not write an append-only file');
    expect(String(refused)).to.include('appendonly yes');
  });
});
