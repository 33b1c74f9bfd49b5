// The metrics module's mapping of what happens to Prometheus series: engine transitions and
// health (through a real TypedEmitter with the engine's event signatures), chat, moderation,
// YouTube calls and schedule reloads, read back from its text exposition — what GET /metrics
// serves (ops-health-metrics.test.ts and ops-metrics-composed.test.ts read it over HTTP from
// the composed server).
import { expect } from 'chai';
import { createMetrics } from '../../../src/metrics/index.js';
import type { BroadcastRecord, EngineEvents } from '../../../src/scheduler/ports.js';
import { TypedEmitter } from '../../../src/shared/typed-emitter.js';

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

describe('metrics: series fed by engine events, chat, moderation, YouTube and schedule reloads', () => {
  it('maps each event to its series, and drops a finished broadcast’s stream series', async () => {
    let viewers = 0;
    const metrics = createMetrics({ nodeId: 'node-a', processMetrics: false, viewers: () => viewers });
    const engine = new TypedEmitter<EngineEvents>();
    const unwatch = metrics.watchEngine(engine);
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

    expect(metrics.contentType).to.match(/text\/plain/);
    const text = await metrics.render();
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
    const after = await metrics.render();
    expect(after).not.to.match(/^onair_stream_bitrate_kbps\{/m);
    expect(after).to.match(/^onair_broadcasts\{.*state="complete".* 1$/m);

    // Unsubscribed: further events are not counted.
    unwatch();
    engine.emit('transition', record({ occurrenceId: 'other@x', state: 'failed' }), 'live', undefined);
    expect(await metrics.render()).to.match(/^onair_broadcasts\{.*state="failed".* 0$/m);
  });
});
