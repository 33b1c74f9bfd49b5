// Prometheus metrics for onair (prom-client), one registry per process.
//
// The metrics never reach into other modules: main.ts subscribes the handlers below to the
// engine's events, the realtime layer, chat and the YouTube quota ledger. Each handler is
// a plain function, so a source that does not exist yet simply is not wired.
import client from 'prom-client';
import type { BroadcastRecord, BroadcastState, EncoderHealth, EngineEvents } from '../scheduler/ports.js';
import { BROADCAST_STATES, FINAL_STATES } from '../scheduler/ports.js';

export interface MetricsOptions {
  /** Identifies this node in per-node series (viewers, leadership). @defaultValue os hostname + pid */
  nodeId: string;
  /** Also collect process metrics (CPU, memory, event loop lag). @defaultValue true */
  processMetrics?: boolean;
  /** Current number of connected viewers on this node (read at scrape time). */
  viewers?: () => number;
}

/** Something that emits the engine's events (the engine itself, in main.ts). */
export interface EngineEventSource {
  on<K extends keyof EngineEvents & string>(event: K, listener: EngineEvents[K]): () => void;
}

export interface Metrics {
  readonly registry: client.Registry;
  readonly contentType: string;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
  /** Handlers with the engine's event signatures. */
  onTransition: EngineEvents['transition'];
  onHealth: EngineEvents['health'];
  /** Subscribes onTransition/onHealth to an engine; returns the unsubscribe. */
  watchEngine(engine: EngineEventSource): () => void;
  /** A chat message was accepted or refused (by a filter, slow mode, a rate limit). */
  chatMessage(outcome: 'accepted' | 'rejected'): void;
  /** A moderator acted (delete, ban, unban, ...). */
  moderationAction(action: string): void;
  /** A YouTube API call finished; `units` is what it cost against the daily quota. */
  youtubeCall(method: string, outcome: 'ok' | 'error', units: number): void;
  /** A schedule reload left `errors` error diagnostics (0 when the files are clean). */
  scheduleReload(errors: number): void;
  /** An HTTP client went away before its answer was sent (`route`: hls, archive, api, other). */
  httpAborted(route: string): void;
  /** An HTTP request failed on the server's side with `status`. */
  httpFailed(status: number): void;
  /** Leadership of this node changed (cluster mode; always 1 in the embedded default). */
  leader(leading: boolean): void;
  /** Redis came back without its data (cluster mode: chat, sessions and audits before it are gone). */
  redisDataLost(): void;
  /** Sets the viewer count source after construction (the realtime layer starts later). */
  setViewerSource(viewers: () => number): void;
  /**
   * Today's YouTube usage as the quota ledger counted it (read at scrape time, so it survives
   * restarts and covers every call, retries included).
   */
  setYoutubeUsageSource(usage: () => { byMethod: Record<string, { calls: number; units: number }> }): void;
}

const START_DELAY_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ node: options.nodeId });
  if (options.processMetrics ?? true) client.collectDefaultMetrics({ register: registry, prefix: 'onair_' });

  /** State of every broadcast seen since start; final ones are kept so the day's totals show. */
  const states = new Map<string, BroadcastState>();
  /** Last restart count per occurrence, to turn the encoder's running total into increments. */
  const restarts = new Map<string, number>();
  const programmeOf = new Map<string, string>();
  let viewers = options.viewers;
  let youtubeUsage: (() => { byMethod: Record<string, { calls: number; units: number }> }) | undefined;

  new client.Gauge({
    name: 'onair_broadcasts',
    help: 'Broadcasts known to this node, by state.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const counts = new Map<BroadcastState, number>(BROADCAST_STATES.map((s) => [s, 0]));
      for (const s of states.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  const transitions = new client.Counter({
    name: 'onair_broadcast_transitions_total',
    help: 'Broadcast state changes, by the state entered.',
    labelNames: ['to'],
    registers: [registry],
  });
  const startDelay = new client.Histogram({
    name: 'onair_broadcast_start_delay_seconds',
    help: 'How late a broadcast went live after its scheduled start (negative = early, counted as 0).',
    buckets: START_DELAY_BUCKETS,
    registers: [registry],
  });
  const ffmpegRestarts = new client.Counter({
    name: 'onair_ffmpeg_restarts_total',
    help: 'ffmpeg restarts by the supervisor, by programme.',
    labelNames: ['programme'],
    registers: [registry],
  });
  const bitrate = new client.Gauge({
    name: 'onair_stream_bitrate_kbps',
    help: 'Output bitrate of each running encoder, in kbit/s.',
    labelNames: ['programme', 'occurrence'],
    registers: [registry],
  });
  const fps = new client.Gauge({
    name: 'onair_stream_fps',
    help: 'Frames per second of each running encoder.',
    labelNames: ['programme', 'occurrence'],
    registers: [registry],
  });
  const dropped = new client.Gauge({
    name: 'onair_stream_dropped_frames',
    help: 'Frames dropped by each running encoder since it started.',
    labelNames: ['programme', 'occurrence'],
    registers: [registry],
  });
  new client.Gauge({
    name: 'onair_viewers_connected',
    help: 'Viewers connected to this node over Socket.IO.',
    registers: [registry],
    collect() {
      this.set(viewers ? viewers() : 0);
    },
  });
  const chatMessages = new client.Counter({
    name: 'onair_chat_messages_total',
    help: 'Chat messages received, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const moderation = new client.Counter({
    name: 'onair_moderation_actions_total',
    help: 'Moderator actions, by action.',
    labelNames: ['action'],
    registers: [registry],
  });
  const youtubeCalls = new client.Counter({
    name: 'onair_youtube_calls_total',
    help: 'YouTube Data API calls, by method and outcome.',
    labelNames: ['method', 'outcome'],
    registers: [registry],
  });
  const youtubeUnits = new client.Counter({
    name: 'onair_youtube_quota_units_total',
    help: 'YouTube quota units spent, by method.',
    labelNames: ['method'],
    registers: [registry],
  });
  new client.Gauge({
    name: 'onair_youtube_quota_units_today',
    help: "YouTube quota units spent today (Pacific quota day), by method, from the quota ledger.",
    labelNames: ['method'],
    registers: [registry],
    collect() {
      if (!youtubeUsage) return;
      for (const [method, u] of Object.entries(youtubeUsage().byMethod)) this.set({ method }, u.units);
    },
  });
  new client.Gauge({
    name: 'onair_youtube_calls_today',
    help: 'YouTube API calls made today (Pacific quota day), by method, from the quota ledger.',
    labelNames: ['method'],
    registers: [registry],
    collect() {
      if (!youtubeUsage) return;
      for (const [method, u] of Object.entries(youtubeUsage().byMethod)) this.set({ method }, u.calls);
    },
  });
  const reloadErrors = new client.Counter({
    name: 'onair_schedule_reload_errors_total',
    help: 'Error diagnostics found by schedule reloads (the last good version stayed in force).',
    registers: [registry],
  });
  const currentErrors = new client.Gauge({
    name: 'onair_schedule_errors',
    help: 'Error diagnostics in the schedule files as last read.',
    registers: [registry],
  });
  const leading = new client.Gauge({
    name: 'onair_leader',
    help: '1 when this node runs the scheduler and ffmpeg.',
    registers: [registry],
  });

  const redisLost = new client.Counter({
    name: 'onair_redis_data_lost_total',
    help: 'Times this node found Redis back without its data (chat, sessions and audit entries before it lost).',
    registers: [registry],
  });

  const httpAborted = new client.Counter({
    name: 'onair_http_aborted_downloads_total',
    help: 'Requests whose client went away before the answer was sent (viewers leaving mid-segment), by route.',
    labelNames: ['route'],
    registers: [registry],
  });
  const httpFailed = new client.Counter({
    name: 'onair_http_errors_total',
    help: 'Requests that failed on the server side, by status (the log holds one line per cause per minute).',
    labelNames: ['status'],
    registers: [registry],
  });

  const clearStream = (occurrenceId: string): void => {
    const programme = programmeOf.get(occurrenceId);
    if (programme === undefined) return;
    const labels = { programme, occurrence: occurrenceId };
    bitrate.remove(labels);
    fps.remove(labels);
    dropped.remove(labels);
    restarts.delete(occurrenceId);
  };

  const onTransition = (record: BroadcastRecord, from: BroadcastState | undefined): void => {
    states.set(record.occurrenceId, record.state);
    programmeOf.set(record.occurrenceId, record.programmeId);
    transitions.inc({ to: record.state });
    if (record.state === 'live' && from !== 'live') {
      const liveAt = record.liveAt ? Date.parse(record.liveAt) : Date.parse(record.updatedAt);
      const delay = (liveAt - Date.parse(record.scheduledStart)) / 1000;
      if (Number.isFinite(delay)) startDelay.observe(Math.max(0, delay));
    }
    if (FINAL_STATES.has(record.state)) clearStream(record.occurrenceId);
  };

  const onHealth = (occurrenceId: string, health: EncoderHealth): void => {
    const programme = programmeOf.get(occurrenceId) ?? occurrenceId.split('@')[0] ?? occurrenceId;
    programmeOf.set(occurrenceId, programme);
    const labels = { programme, occurrence: occurrenceId };
    if (health.phase === 'stopped') {
      clearStream(occurrenceId);
      return;
    }
    bitrate.set(labels, health.bitrateKbps);
    fps.set(labels, health.fps);
    dropped.set(labels, health.droppedFrames);
    const before = restarts.get(occurrenceId) ?? 0;
    if (health.restarts > before) ffmpegRestarts.inc({ programme }, health.restarts - before);
    restarts.set(occurrenceId, Math.max(before, health.restarts));
  };

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    onTransition,
    onHealth,
    watchEngine(engine) {
      const offs = [engine.on('transition', onTransition), engine.on('health', onHealth)];
      return () => offs.forEach((off) => off());
    },
    chatMessage: (outcome) => chatMessages.inc({ outcome }),
    moderationAction: (action) => moderation.inc({ action }),
    youtubeCall(method, outcome, units) {
      youtubeCalls.inc({ method, outcome });
      if (units > 0) youtubeUnits.inc({ method }, units);
    },
    scheduleReload(errors) {
      currentErrors.set(errors);
      if (errors > 0) reloadErrors.inc(errors);
    },
    httpAborted: (route) => httpAborted.inc({ route }),
    httpFailed: (status) => httpFailed.inc({ status: String(status) }),
    leader: (isLeader) => leading.set(isLeader ? 1 : 0),
    redisDataLost: () => redisLost.inc(),
    setViewerSource(source) {
      viewers = source;
    },
    setYoutubeUsageSource(source) {
      youtubeUsage = source;
    },
  };
}
