// /healthz, /readyz and /metrics on the real express app (port 0), with real checks
// (real Redis PING, a real executable lookup) and the metrics fed through the engine's
// event signatures by a real TypedEmitter.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { loadConfig } from '../../src/config/index.js';
import { createHttpApp } from '../../src/http/app.js';
import { executableCheck, type ReadinessCheck } from '../../src/http/routes/health.js';
import { connectRedis, closeRedis, redisReadiness, waitForRedis } from '../../src/cluster/redis.js';
import { createMetrics } from '../../src/metrics/index.js';
import type { BroadcastRecord, EngineEvents } from '../../src/scheduler/ports.js';
import { createLogger } from '../../src/shared/logger.js';
import { TypedEmitter } from '../../src/shared/typed-emitter.js';
import { REDIS_URL } from '../unit/cluster/redis-test-support.js';

async function serve(app: http.RequestListener): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function record(over: Partial<BroadcastRecord>): BroadcastRecord {
  return {
    occurrenceId: 'story-hour@2026-12-05T11:00',
    programmeId: 'story-hour',
    title: { tr: 'Masal Saati', en: 'Story Hour' },
    state: 'scheduled',
    scheduledStart: '2026-12-05T08:00:00.000Z',
    scheduledEnd: '2026-12-05T09:00:00.000Z',
    destinations: [],
    updatedAt: '2026-12-05T07:50:00.000Z',
    ...over,
  };
}

describe('operations: health, readiness and metrics (real server on port 0)', function () {
  this.timeout(20_000);
  const config = loadConfig({ env: {} });

  it('answers /healthz while up and /readyz 503 naming each failing check', async () => {
    const redis = connectRedis(REDIS_URL, { name: 'ops-test' });
    const dead = connectRedis('redis://127.0.0.1:1', { name: 'ops-test-dead' });
    await waitForRedis(redis);
    let schedulesLoaded = false;
    let draining = false;
    const checks: ReadinessCheck[] = [
      { name: 'schedules', check: () => { if (!schedulesLoaded) throw new Error('schedules not loaded yet'); } },
      redisReadiness(redis),
      executableCheck('ffmpeg', process.execPath),
    ];
    const srv = await serve(createHttpApp({ config, logger: createLogger('silent'), readiness: checks, draining: () => draining }));
    try {
      expect(await (await fetch(`${srv.base}/healthz`)).json()).to.deep.equal({ ok: true });

      let res = await fetch(`${srv.base}/readyz`);
      expect(res.status).to.equal(503);
      let body = (await res.json()) as { ready: boolean; checks: Record<string, { ok: boolean; error?: string }> };
      expect(body.ready).to.equal(false);
      expect(body.checks.schedules).to.deep.equal({ ok: false, error: 'schedules not loaded yet' });
      expect(body.checks.redis).to.deep.equal({ ok: true });
      expect(body.checks.ffmpeg).to.deep.equal({ ok: true });

      schedulesLoaded = true;
      res = await fetch(`${srv.base}/readyz`);
      expect(res.status).to.equal(200);

      draining = true;
      res = await fetch(`${srv.base}/readyz`);
      expect(res.status).to.equal(503);
      body = (await res.json()) as typeof body;
      expect(body.checks.shutdown?.error).to.equal('shutting down');
    } finally {
      await srv.close();
    }

    // Unreachable Redis and a missing ffmpeg each say what is wrong.
    const srv2 = await serve(
      createHttpApp({
        config,
        logger: createLogger('silent'),
        readiness: [redisReadiness(dead), executableCheck('ffmpeg', '/nonexistent/ffmpeg')],
      }),
    );
    try {
      const res = await fetch(`${srv2.base}/readyz`);
      expect(res.status).to.equal(503);
      const body = (await res.json()) as { checks: Record<string, { ok: boolean; error?: string }> };
      expect(body.checks.redis?.ok).to.equal(false);
      expect(body.checks.ffmpeg?.error).to.include('ONAIR_FFMPEG_PATH');
    } finally {
      await srv2.close();
      await closeRedis(redis);
      await closeRedis(dead);
    }
  });

  it('serves Prometheus metrics fed by engine events, chat, moderation, YouTube and schedule reloads', async () => {
    let viewers = 0;
    const metrics = createMetrics({ nodeId: 'node-a', processMetrics: false, viewers: () => viewers });
    const engine = new TypedEmitter<EngineEvents>();
    const unwatch = metrics.watchEngine(engine);
    const srv = await serve(createHttpApp({ config, logger: createLogger('silent'), metrics }));
    try {
      engine.emit('transition', record({ state: 'scheduled' }), undefined, undefined);
      engine.emit('transition', record({ state: 'live', liveAt: '2026-12-05T08:00:03.000Z' }), 'ready', undefined);
      engine.emit('health', 'story-hour@2026-12-05T11:00', { phase: 'programme', fps: 25, bitrateKbps: 2500, speed: 1, droppedFrames: 3, restarts: 2 });
      engine.emit('health', 'story-hour@2026-12-05T11:00', { phase: 'programme', fps: 24.5, bitrateKbps: 2400, speed: 1, droppedFrames: 4, restarts: 3 });
      viewers = 42;
      metrics.chatMessage('accepted');
      metrics.chatMessage('accepted');
      metrics.chatMessage('rejected');
      metrics.moderationAction('ban');
      metrics.youtubeCall('liveBroadcasts.insert', 'ok', 50);
      metrics.youtubeCall('liveBroadcasts.transition', 'error', 50);
      metrics.scheduleReload(2);
      metrics.leader(true);
      metrics.setYoutubeUsageSource(() => ({ byMethod: { 'liveChatMessages.list': { calls: 12, units: 60 } } }));

      const res = await fetch(`${srv.base}/metrics`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/text\/plain/);
      const text = await res.text();
      const line = (re: RegExp): string => text.split('\n').find((l) => re.test(l)) ?? '';
      expect(line(/^onair_broadcasts\{.*state="live"/)).to.match(/ 1$/);
      expect(line(/^onair_broadcasts\{.*state="scheduled"/)).to.match(/ 0$/);
      expect(line(/^onair_broadcast_start_delay_seconds_bucket\{le="5"/)).to.match(/ 1$/);
      expect(line(/^onair_broadcast_start_delay_seconds_bucket\{le="2"/)).to.match(/ 0$/);
      expect(line(/^onair_ffmpeg_restarts_total\{.*programme="story-hour"/)).to.match(/ 3$/);
      expect(line(/^onair_stream_bitrate_kbps\{/)).to.match(/occurrence="story-hour@2026-12-05T11:00".* 2400$/);
      expect(line(/^onair_stream_fps\{/)).to.match(/ 24\.5$/);
      expect(line(/^onair_viewers_connected\{node="node-a"\}/)).to.match(/ 42$/);
      expect(line(/^onair_chat_messages_total\{.*outcome="accepted"/)).to.match(/ 2$/);
      expect(line(/^onair_moderation_actions_total\{.*action="ban"/)).to.match(/ 1$/);
      expect(line(/^onair_youtube_quota_units_total\{.*method="liveBroadcasts.insert"/)).to.match(/ 50$/);
      expect(line(/^onair_youtube_calls_total\{.*outcome="error"/)).to.match(/ 1$/);
      expect(line(/^onair_schedule_reload_errors_total/)).to.match(/ 2$/);
      expect(line(/^onair_leader\{/)).to.match(/ 1$/);
      expect(line(/^onair_youtube_quota_units_today\{.*method="liveChatMessages.list"/)).to.match(/ 60$/);
      expect(line(/^onair_youtube_calls_today\{.*method="liveChatMessages.list"/)).to.match(/ 12$/);

      // A finished broadcast's stream series disappear; its count moves to the final state.
      engine.emit('transition', record({ state: 'complete' }), 'ending', undefined);
      const after = await (await fetch(`${srv.base}/metrics`)).text();
      expect(after).not.to.match(/^onair_stream_bitrate_kbps\{/m);
      expect(after).to.match(/^onair_broadcasts\{.*state="complete".* 1$/m);

      // Unsubscribed: further events are not counted.
      unwatch();
      engine.emit('transition', record({ occurrenceId: 'other@x', state: 'failed' }), 'live', undefined);
      expect(await (await fetch(`${srv.base}/metrics`)).text()).to.match(/^onair_broadcasts\{.*state="failed".* 0$/m);
    } finally {
      await srv.close();
    }
  });
});
