// An emulator of the YouTube Live Streaming API, as far as onair uses it and a bit beyond:
// an HTTP server on loopback speaking Google's JSON (see http-routes.ts), a real RTMP
// ingest (rtmp-ingest.ts) whose data decides whether a stream is `active`, Google's
// transition rules, a quota counter, and faults injected on demand. Used by the tests and
// by `onair rehearse`. It may import only from shared/ (it stands in for Google, not for us).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Cancel, type Clock } from '../../shared/clock.js';
import { YOUTUBE_DEFAULT_DAILY_QUOTA } from '../../shared/youtube-quota.js';
import { ApiError, errors } from './google-error.js';
import { EMULATOR_CLIENT, OAuthAuthority, type OAuthClientCredentials } from './oauth-authority.js';
import { QuotaMeter } from './quota-meter.js';
import { RtmpIngest } from './rtmp-ingest.js';
import {
  etag,
  pick,
  randomId,
  streamKey,
  videoId,
  type LiveBroadcast,
  type LiveChatBan,
  type LiveChatMessage,
  type LiveChatModerator,
  type LiveStream,
} from './resources.js';
import { createEmulatorApp } from './http-routes.js';
import type { CallRecord, EmulatorBackend, IngestStats } from './emulator-backend.js';

export type { CallRecord, IngestStats } from './emulator-backend.js';

export interface YoutubeEmulatorOptions {
  /** Time for quota days, token expiry and timestamps. Default: the wall clock. */
  clock?: Clock;
  /** How long testStarting / liveStarting last before settling. Default 1000 ms. */
  settleMs?: number;
  /** A stream with no RTMP data for this long turns inactive. Default 2000 ms. */
  inactiveAfterMs?: number;
  /** A live broadcast whose stream stays inactive this long is ended, as YouTube does. 0 = never. Default 60000 ms. */
  noDataEndMs?: number;
  /** pollingIntervalMillis returned by liveChatMessages.list. Default 2000 ms. */
  chatPollingIntervalMs?: number;
  /** Daily quota in units. Default 10,000. */
  dailyQuota?: number;
  /** OAuth clients the token endpoint knows. Default: EMULATOR_CLIENT. */
  clients?: OAuthClientCredentials[];
  /** Lifetime of access tokens. Default 3600 s. */
  accessTokenTtlS?: number;
  channelId?: string;
  channelTitle?: string;
}

interface BroadcastEntry {
  resource: LiveBroadcast;
  receivedData: boolean;
  thumbnailBytes: number;
  settle?: Cancel;
  noData?: Cancel;
}

interface StreamEntry {
  resource: LiveStream;
  key: string;
  publishing: number;
  stats: Omit<IngestStats, 'active'>;
  lastDataAt: number;
  watchdog?: NodeJS.Timeout;
  forcedInactiveUntil: number;
  refuseUntil: number;
  forceTimer?: NodeJS.Timeout;
}

interface ChatEntry {
  id: string;
  broadcastId: string;
  messages: LiveChatMessage[];
  bans: Map<string, LiveChatBan>;
  moderators: LiveChatModerator[];
  /** Deleted message ids; kept in `messages` so page tokens (offsets) stay valid. */
  deleted: Set<string>;
  offlineAt?: string;
}

export interface ViewerMessage {
  channelId: string;
  displayName: string;
  text: string;
}

interface InjectedErrors {
  remaining: number;
  code: number;
  reason: string;
  methods?: string[];
}

export class YoutubeEmulator implements EmulatorBackend {
  readonly clock: Clock;
  readonly oauth: OAuthAuthority;
  readonly quota: QuotaMeter;
  readonly calls: CallRecord[] = [];
  readonly options: Required<Omit<YoutubeEmulatorOptions, 'clock' | 'clients'>>;
  readonly #broadcasts = new Map<string, BroadcastEntry>();
  readonly #streams = new Map<string, StreamEntry>();
  readonly #chats = new Map<string, ChatEntry>();
  readonly #ingest: RtmpIngest;
  readonly #server: http.Server;
  #latencyMs = 0;
  #latencyMethods: string[] | undefined;
  #injected: InjectedErrors[] = [];
  #liveStreamingEnabled = true;
  #started = false;

  constructor(options: YoutubeEmulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.options = {
      settleMs: options.settleMs ?? 1000,
      inactiveAfterMs: options.inactiveAfterMs ?? 2000,
      noDataEndMs: options.noDataEndMs ?? 60_000,
      chatPollingIntervalMs: options.chatPollingIntervalMs ?? 2000,
      dailyQuota: options.dailyQuota ?? YOUTUBE_DEFAULT_DAILY_QUOTA,
      accessTokenTtlS: options.accessTokenTtlS ?? 3600,
      channelId: options.channelId ?? 'UCemulatorChannel000000',
      channelTitle: options.channelTitle ?? 'onair emulator channel',
    };
    this.oauth = new OAuthAuthority(this.clock, options.clients ?? [EMULATOR_CLIENT], this.options.accessTokenTtlS);
    this.quota = new QuotaMeter(this.clock, this.options.dailyQuota);
    this.#ingest = new RtmpIngest({ accept: (app, key) => this.#acceptPublish(app, key) });
    this.#ingest.on('publish', (_app, key) => this.#onPublish(key));
    this.#ingest.on('media', (key, bytes, video, audio) => this.#onMedia(key, bytes, video, audio));
    this.#ingest.on('unpublish', (key) => this.#onUnpublish(key));
    this.#server = http.createServer(createEmulatorApp(this));
  }

  // -------------------------------------------------------------------------------------
  // Lifecycle
  // -------------------------------------------------------------------------------------

  async start(options: { httpPort?: number; rtmpPort?: number; host?: string } = {}): Promise<void> {
    await this.#ingest.start(options.rtmpPort ?? 0);
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(options.httpPort ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    this.#started = true;
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    for (const b of this.#broadcasts.values()) {
      b.settle?.();
      b.noData?.();
    }
    for (const s of this.#streams.values()) this.#clearTimers(s);
    await this.#ingest.stop();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get rtmpPort(): number {
    return this.#ingest.port;
  }

  /** Give this to googleapis as `rootUrl`. */
  get rootUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  get tokenUrl(): string {
    return `http://127.0.0.1:${this.port}/token`;
  }

  /** The consent page; it consents at once and redirects to redirect_uri with a code. */
  get authUrl(): string {
    return `http://127.0.0.1:${this.port}/o/oauth2/v2/auth`;
  }

  get ingestionAddress(): string {
    return `rtmp://127.0.0.1:${this.rtmpPort}/live2`;
  }

  // -------------------------------------------------------------------------------------
  // Faults, on demand
  // -------------------------------------------------------------------------------------

  /** The next `count` API calls (optionally only of these methods) fail with this error. */
  injectErrors(count: number, error: { code?: number; reason?: string; methods?: string[] } = {}): void {
    this.#injected.push({ remaining: count, code: error.code ?? 503, reason: error.reason ?? 'backendError', methods: error.methods });
  }

  /** A burst of 5xx backendError answers. */
  failNext(count: number, code = 503, methods?: string[]): void {
    this.injectErrors(count, { code, reason: 'backendError', methods });
  }

  /** The next `count` calls are refused with rateLimitExceeded (403 or 429). */
  rateLimit(count: number, code: 403 | 429 = 403): void {
    this.injectErrors(count, { code, reason: 'rateLimitExceeded' });
  }

  /** Every API call (or only calls of `methods`) waits this long before it is answered. */
  setLatency(ms: number, methods?: string[]): void {
    this.#latencyMs = ms;
    this.#latencyMethods = methods;
  }

  get latencyMs(): number {
    return this.#latencyMs;
  }

  /** Today's quota is used up: every call answers 403 quotaExceeded until Pacific midnight. */
  exhaustQuota(): void {
    this.quota.exhaust();
  }

  /** The channel owner revoked onair's access: refresh and access tokens stop working. */
  revokeTokens(): void {
    this.oauth.revokeAll();
  }

  /** The channel is not (or no longer) enabled for live streaming. */
  setLiveStreamingEnabled(enabled: boolean): void {
    this.#liveStreamingEnabled = enabled;
  }

  /**
   * The stream drops for `ms`: it reads inactive whatever arrives, and with `disconnect`
   * the encoder's connection is cut and new pushes are refused for that time.
   */
  dropStream(streamId: string, ms: number, options: { disconnect?: boolean } = {}): void {
    const s = this.#streams.get(streamId);
    if (!s) throw new Error(`no stream ${streamId}`);
    const until = Date.now() + ms;
    s.forcedInactiveUntil = until;
    if (options.disconnect) {
      s.refuseUntil = until;
      this.#ingest.disconnect(s.key);
    }
    this.#setStreamStatus(s, 'inactive', 'noData');
    if (s.forceTimer) clearTimeout(s.forceTimer);
    s.forceTimer = setTimeout(() => {
      s.forceTimer = undefined;
      // Back when data flows again: the next packet makes it active.
    }, ms);
    s.forceTimer.unref();
  }

  // -------------------------------------------------------------------------------------
  // Inspection, for tests
  // -------------------------------------------------------------------------------------

  broadcasts(): LiveBroadcast[] {
    return [...this.#broadcasts.values()].map((b) => structuredClone(b.resource));
  }

  streams(): LiveStream[] {
    return [...this.#streams.values()].map((s) => structuredClone(s.resource));
  }

  broadcast(id: string): LiveBroadcast | undefined {
    const b = this.#broadcasts.get(id);
    return b ? structuredClone(b.resource) : undefined;
  }

  stream(id: string): LiveStream | undefined {
    const s = this.#streams.get(id);
    return s ? structuredClone(s.resource) : undefined;
  }

  ingestStats(streamId: string): IngestStats {
    const s = this.#streams.get(streamId);
    if (!s) throw new Error(`no stream ${streamId}`);
    return { ...s.stats, active: s.resource.status?.streamStatus === 'active' };
  }

  thumbnailBytes(broadcastId: string): number {
    return this.#broadcasts.get(broadcastId)?.thumbnailBytes ?? 0;
  }

  chatMessages(liveChatId: string): LiveChatMessage[] {
    const chat = this.#chats.get(liveChatId);
    return structuredClone(chat ? chat.messages.filter((m) => !chat.deleted.has(m.id!)) : []);
  }

  /** Total units charged today and the calls made, by method. */
  quotaUsed(): number {
    return this.quota.used;
  }

  /** A viewer writes in the chat (as from youtube.com). Refused for a banned viewer. */
  postViewerMessage(liveChatId: string, message: ViewerMessage): LiveChatMessage {
    const chat = this.#chat(liveChatId);
    if (chat.offlineAt) throw errors.chatEnded();
    if (chat.bans.has(message.channelId)) throw new ApiError(403, 'forbidden', 'The user is banned from this chat.', 'youtube.liveChat');
    return this.#addMessage(chat, message.channelId, message.displayName, message.text, false);
  }

  // -------------------------------------------------------------------------------------
  // The gate every API call passes (used by http-routes.ts)
  // -------------------------------------------------------------------------------------

  /**
   * Runs one API call: latency, Bearer token, quota, injected faults, then the handler.
   * Every call that reaches the project costs at least 1 unit, a refused one included.
   */
  async call<T>(method: string, authorization: string | undefined, handler: () => T, target?: string): Promise<T> {
    if (this.#latencyMs > 0 && (!this.#latencyMethods || this.#latencyMethods.includes(method))) {
      await new Promise((r) => setTimeout(r, this.#latencyMs));
    }
    const at = this.clock.now().toISOString();
    const record = (status: number, cost: number, reason?: string): void => {
      this.calls.push({ method, status, cost, at, ...(target ? { target } : {}), ...(reason ? { reason } : {}) });
    };
    try {
      this.oauth.check(authorization);
    } catch (err) {
      record(401, 0, (err as ApiError).reason);
      throw err;
    }
    if (this.quota.wouldExceed(method)) {
      record(403, 0, 'quotaExceeded');
      throw errors.quotaExceeded();
    }
    const cost = this.quota.charge(method);
    const fault = this.#injected.find((f) => f.remaining > 0 && (!f.methods || f.methods.includes(method)));
    if (fault) {
      fault.remaining--;
      this.#injected = this.#injected.filter((f) => f.remaining > 0);
      const err =
        fault.reason === 'rateLimitExceeded'
          ? errors.rateLimitExceeded(fault.code === 429 ? 429 : 403)
          : fault.reason === 'backendError'
            ? errors.backendError(fault.code)
            : new ApiError(fault.code, fault.reason, fault.reason);
      record(err.code, cost, err.reason);
      throw err;
    }
    try {
      const out = handler();
      record(200, cost);
      return out;
    } catch (err) {
      record(err instanceof ApiError ? err.code : 500, cost, err instanceof ApiError ? err.reason : 'internal');
      throw err;
    }
  }

  // -------------------------------------------------------------------------------------
  // liveBroadcasts
  // -------------------------------------------------------------------------------------

  insertBroadcast(parts: string[], body: LiveBroadcast): LiveBroadcast {
    if (!this.#liveStreamingEnabled) throw errors.liveStreamingNotEnabled();
    const snippet = body.snippet ?? {};
    const status = body.status ?? {};
    if (!parts.includes('snippet') || !snippet.title) throw errors.required('snippet.title');
    if (!snippet.scheduledStartTime) throw errors.required('snippet.scheduledStartTime');
    if (!parts.includes('status') || !status.privacyStatus) throw errors.required('status.privacyStatus');
    this.#checkSnippet(snippet);
    this.#checkPrivacy(status.privacyStatus);
    const id = videoId();
    const chatId = randomId('KicKGFVD', 18);
    const cd = parts.includes('contentDetails') ? (body.contentDetails ?? {}) : {};
    const now = this.clock.now().toISOString();
    const resource: LiveBroadcast = {
      kind: 'youtube#liveBroadcast',
      id,
      snippet: {
        publishedAt: now,
        channelId: this.options.channelId,
        title: snippet.title,
        description: snippet.description ?? '',
        scheduledStartTime: new Date(snippet.scheduledStartTime).toISOString(),
        ...(snippet.scheduledEndTime ? { scheduledEndTime: new Date(snippet.scheduledEndTime).toISOString() } : {}),
        thumbnails: this.#thumbs(id),
        liveChatId: chatId,
        isDefaultBroadcast: false,
      },
      status: {
        lifeCycleStatus: 'created',
        privacyStatus: status.privacyStatus,
        recordingStatus: 'notRecording',
        madeForKids: status.selfDeclaredMadeForKids ?? false,
        selfDeclaredMadeForKids: status.selfDeclaredMadeForKids ?? false,
      },
      contentDetails: this.#contentDetails(cd, undefined),
      statistics: { concurrentViewers: '0' },
    };
    resource.etag = etag(resource);
    this.#broadcasts.set(id, { resource, receivedData: false, thumbnailBytes: 0 });
    this.#chats.set(chatId, { id: chatId, broadcastId: id, messages: [], bans: new Map(), moderators: [], deleted: new Set() });
    return pick(resource, parts);
  }

  listBroadcasts(filter: { id?: string[]; mine?: boolean; broadcastStatus?: string }): LiveBroadcast[] {
    const all = [...this.#broadcasts.values()].map((b) => b.resource);
    if (filter.id) return all.filter((b) => filter.id!.includes(b.id!));
    if (filter.mine) return all;
    const life = (b: LiveBroadcast): string => b.status?.lifeCycleStatus ?? '';
    switch (filter.broadcastStatus) {
      case 'all':
        return all;
      case 'active':
        return all.filter((b) => ['liveStarting', 'live'].includes(life(b)));
      case 'upcoming':
        return all.filter((b) => ['created', 'ready', 'testStarting', 'testing'].includes(life(b)));
      case 'completed':
        return all.filter((b) => life(b) === 'complete');
      default:
        throw errors.invalidValue('broadcastStatus');
    }
  }

  updateBroadcast(parts: string[], body: LiveBroadcast): LiveBroadcast {
    if (!body.id) throw errors.required('id');
    const entry = this.#broadcasts.get(body.id);
    if (!entry) throw errors.broadcastNotFound();
    const r = entry.resource;
    // Every mutable field of a named part is replaced: a field left out is reset.
    if (parts.includes('snippet')) {
      const s = body.snippet ?? {};
      if (!s.title) throw errors.required('snippet.title');
      if (!s.scheduledStartTime) throw errors.required('snippet.scheduledStartTime');
      this.#checkSnippet(s);
      r.snippet = {
        ...r.snippet,
        title: s.title,
        description: s.description ?? '',
        scheduledStartTime: new Date(s.scheduledStartTime).toISOString(),
      };
      if (s.scheduledEndTime) r.snippet.scheduledEndTime = new Date(s.scheduledEndTime).toISOString();
      else delete r.snippet.scheduledEndTime;
    }
    if (parts.includes('status')) {
      const st = body.status ?? {};
      if (!st.privacyStatus) throw errors.required('status.privacyStatus');
      this.#checkPrivacy(st.privacyStatus);
      r.status = {
        ...r.status,
        privacyStatus: st.privacyStatus,
        selfDeclaredMadeForKids: st.selfDeclaredMadeForKids ?? false,
        madeForKids: st.selfDeclaredMadeForKids ?? false,
      };
    }
    if (parts.includes('contentDetails')) {
      r.contentDetails = this.#contentDetails(body.contentDetails ?? {}, r.contentDetails?.boundStreamId ?? undefined);
    }
    r.etag = etag(r);
    return pick(r, parts);
  }

  bindBroadcast(id: string, parts: string[], streamId: string | undefined): LiveBroadcast {
    const entry = this.#broadcasts.get(id);
    if (!entry) throw errors.broadcastNotFound();
    const r = entry.resource;
    const life = r.status!.lifeCycleStatus!;
    if (!['created', 'ready'].includes(life)) throw errors.bindingNotAllowed();
    if (streamId !== undefined) {
      const s = this.#streams.get(streamId);
      if (!s) throw errors.streamNotFound();
      r.contentDetails!.boundStreamId = streamId;
      r.contentDetails!.boundStreamLastUpdateTimeMs = this.clock.now().toISOString();
      r.status!.lifeCycleStatus = 'ready';
      if (this.#isActive(s)) this.#onStreamActive(s);
    } else {
      delete r.contentDetails!.boundStreamId;
      r.status!.lifeCycleStatus = 'created';
    }
    r.etag = etag(r);
    return pick(r, parts);
  }

  transitionBroadcast(id: string, parts: string[], target: string): LiveBroadcast {
    if (!['testing', 'live', 'complete'].includes(target)) throw errors.invalidValue('broadcastStatus');
    const entry = this.#broadcasts.get(id);
    if (!entry) throw errors.broadcastNotFound();
    const r = entry.resource;
    const life = r.status!.lifeCycleStatus!;
    const stream = r.contentDetails?.boundStreamId ? this.#streams.get(r.contentDetails.boundStreamId) : undefined;
    if (target === 'testing') {
      if (life === 'testing' || life === 'testStarting') throw errors.redundantTransition();
      if (life !== 'ready') throw errors.invalidTransition(`Cannot transition from ${life} to testing.`);
      if (!r.contentDetails?.monitorStream?.enableMonitorStream) {
        throw errors.invalidTransition('Testing needs the monitor stream; it is disabled for this broadcast.');
      }
      if (!stream || !this.#isActive(stream)) throw errors.streamInactive();
      this.#settle(entry, 'testStarting', 'testing');
    } else if (target === 'live') {
      if (life === 'live' || life === 'liveStarting') throw errors.redundantTransition();
      if (life === 'testStarting') throw errors.invalidTransition('The broadcast is still starting its test; wait until it is testing.');
      const fromReady = life === 'ready' && !r.contentDetails?.monitorStream?.enableMonitorStream;
      if (!fromReady && life !== 'testing') throw errors.invalidTransition(`Cannot transition from ${life} to live.`);
      if (!stream || !this.#isActive(stream)) throw errors.streamInactive();
      this.#settle(entry, 'liveStarting', 'live');
    } else {
      if (life === 'complete') throw errors.redundantTransition();
      if (!['testing', 'liveStarting', 'live'].includes(life) || !entry.receivedData) {
        throw errors.invalidTransition(`Cannot complete a broadcast that is ${life} and never received data.`);
      }
      this.#complete(entry);
    }
    r.etag = etag(r);
    return pick(r, parts);
  }

  deleteBroadcast(id: string): void {
    const entry = this.#broadcasts.get(id);
    if (!entry) throw errors.broadcastNotFound();
    entry.settle?.();
    entry.noData?.();
    this.#broadcasts.delete(id);
    const chatId = entry.resource.snippet?.liveChatId;
    if (chatId) this.#chats.delete(chatId);
  }

  // -------------------------------------------------------------------------------------
  // liveStreams
  // -------------------------------------------------------------------------------------

  insertStream(parts: string[], body: LiveStream): LiveStream {
    if (!this.#liveStreamingEnabled) throw errors.liveStreamingNotEnabled();
    const snippet = body.snippet ?? {};
    const cdn = body.cdn ?? {};
    if (!parts.includes('snippet') || !snippet.title) throw errors.required('snippet.title');
    if (!parts.includes('cdn') || !cdn.ingestionType) throw errors.required('cdn.ingestionType');
    if (!cdn.resolution) throw errors.required('cdn.resolution');
    if (!cdn.frameRate) throw errors.required('cdn.frameRate');
    if (!['rtmp', 'dash', 'webrtc', 'hls'].includes(cdn.ingestionType)) throw errors.invalidValue('cdn.ingestionType');
    if (!['240p', '360p', '480p', '720p', '1080p', '1440p', '2160p', 'variable'].includes(cdn.resolution)) {
      throw errors.invalidValue('cdn.resolution');
    }
    if (!['30fps', '60fps', 'variable'].includes(cdn.frameRate)) throw errors.invalidValue('cdn.frameRate');
    const id = randomId('emu', 16);
    const key = streamKey();
    const resource: LiveStream = {
      kind: 'youtube#liveStream',
      id,
      snippet: {
        publishedAt: this.clock.now().toISOString(),
        channelId: this.options.channelId,
        title: snippet.title,
        description: snippet.description ?? '',
        isDefaultStream: false,
      },
      cdn: {
        ingestionType: cdn.ingestionType,
        resolution: cdn.resolution,
        frameRate: cdn.frameRate,
        ingestionInfo: {
          streamName: key,
          ingestionAddress: this.ingestionAddress,
          backupIngestionAddress: `${this.ingestionAddress}?backup=1`,
          // Listed as YouTube lists it; the emulator serves plain RTMP only.
          rtmpsIngestionAddress: `rtmps://127.0.0.1:${this.rtmpPort}/live2`,
        },
      },
      status: { streamStatus: 'ready', healthStatus: { status: 'noData', configurationIssues: [] } },
      contentDetails: { isReusable: body.contentDetails?.isReusable ?? true, closedCaptionsIngestionUrl: '' },
    };
    resource.etag = etag(resource);
    this.#streams.set(id, {
      resource,
      key,
      publishing: 0,
      stats: { bytes: 0, videoFrames: 0, audioPackets: 0, publishes: 0 },
      lastDataAt: 0,
      forcedInactiveUntil: 0,
      refuseUntil: 0,
    });
    return pick(resource, parts);
  }

  listStreams(filter: { id?: string[]; mine?: boolean }): LiveStream[] {
    const all = [...this.#streams.values()].map((s) => s.resource);
    return filter.id ? all.filter((s) => filter.id!.includes(s.id!)) : all;
  }

  deleteStream(id: string): void {
    const s = this.#streams.get(id);
    if (!s) throw errors.streamNotFound();
    this.#clearTimers(s);
    this.#ingest.disconnect(s.key);
    this.#streams.delete(id);
  }

  // -------------------------------------------------------------------------------------
  // Chat
  // -------------------------------------------------------------------------------------

  listChat(liveChatId: string, offset: number, max: number): { items: LiveChatMessage[]; next: number; offlineAt?: string; total: number } {
    const chat = this.#chat(liveChatId);
    // Without a page token, YouTube returns the recent backlog; with one, what came after.
    const start = Math.min(offset, chat.messages.length);
    const slice = chat.messages.slice(start, start + max);
    const items = slice.filter((m) => !chat.deleted.has(m.id!));
    return { items, next: start + slice.length, offlineAt: chat.offlineAt, total: chat.messages.length - chat.deleted.size };
  }

  insertChatMessage(parts: string[], body: LiveChatMessage): LiveChatMessage {
    const s = body.snippet ?? {};
    if (!s.liveChatId) throw errors.required('snippet.liveChatId');
    if (s.type !== 'textMessageEvent') throw errors.invalidValue('snippet.type');
    const text = s.textMessageDetails?.messageText;
    if (!text) throw errors.required('snippet.textMessageDetails.messageText');
    if (text.length > 200) throw errors.invalidValue('snippet.textMessageDetails.messageText', 'The message is too long.');
    const chat = this.#chat(s.liveChatId);
    if (chat.offlineAt) throw errors.chatEnded();
    return pick(this.#addMessage(chat, this.options.channelId, this.options.channelTitle, text, true), parts);
  }

  deleteChatMessage(id: string): void {
    for (const chat of this.#chats.values()) {
      const found = chat.messages.some((m) => m.id === id && m.snippet?.type === 'textMessageEvent');
      if (found && !chat.deleted.has(id)) {
        chat.deleted.add(id);
        this.#pushEvent(chat, { type: 'messageDeletedEvent', messageDeletedDetails: { deletedMessageId: id } });
        return;
      }
    }
    throw errors.messageNotFound();
  }

  insertBan(parts: string[], body: LiveChatBan): LiveChatBan {
    const s = body.snippet ?? {};
    if (!s.liveChatId) throw errors.required('snippet.liveChatId');
    if (!s.type || !['permanent', 'temporary'].includes(s.type)) throw errors.invalidValue('snippet.type');
    const channelId = s.bannedUserDetails?.channelId;
    if (!channelId) throw errors.required('snippet.bannedUserDetails.channelId');
    const chat = this.#chat(s.liveChatId);
    if (chat.offlineAt) throw errors.chatEnded();
    const ban: LiveChatBan = {
      kind: 'youtube#liveChatBan',
      id: randomId('ban', 12),
      snippet: {
        liveChatId: s.liveChatId,
        type: s.type,
        bannedUserDetails: { channelId, displayName: s.bannedUserDetails?.displayName ?? channelId },
        ...(s.type === 'temporary' ? { banDurationSeconds: s.banDurationSeconds ?? '300' } : {}),
      },
    };
    ban.etag = etag(ban);
    chat.bans.set(channelId, ban);
    this.#pushEvent(chat, {
      type: 'userBannedEvent',
      userBannedDetails: { banType: s.type, bannedUserDetails: ban.snippet!.bannedUserDetails, banDurationSeconds: ban.snippet!.banDurationSeconds },
    });
    return pick(ban, parts);
  }

  deleteBan(id: string): void {
    for (const chat of this.#chats.values()) {
      for (const [channelId, ban] of chat.bans) {
        if (ban.id === id) {
          chat.bans.delete(channelId);
          return;
        }
      }
    }
    throw errors.banNotFound();
  }

  listModerators(liveChatId: string): LiveChatModerator[] {
    return this.#chat(liveChatId).moderators;
  }

  insertModerator(parts: string[], body: LiveChatModerator): LiveChatModerator {
    const s = body.snippet ?? {};
    if (!s.liveChatId) throw errors.required('snippet.liveChatId');
    const channelId = s.moderatorDetails?.channelId;
    if (!channelId) throw errors.required('snippet.moderatorDetails.channelId');
    const chat = this.#chat(s.liveChatId);
    const mod: LiveChatModerator = {
      kind: 'youtube#liveChatModerator',
      id: randomId('mod', 12),
      snippet: { liveChatId: s.liveChatId, moderatorDetails: { channelId, displayName: s.moderatorDetails?.displayName ?? channelId } },
    };
    mod.etag = etag(mod);
    chat.moderators.push(mod);
    return pick(mod, parts);
  }

  // -------------------------------------------------------------------------------------
  // Thumbnails
  // -------------------------------------------------------------------------------------

  setThumbnail(videoIdParam: string, image: Buffer): Record<string, unknown> {
    const entry = this.#broadcasts.get(videoIdParam);
    if (!entry) throw errors.videoNotFound();
    if (image.length === 0) throw errors.mediaBodyRequired();
    const jpeg = image.indexOf(Buffer.from([0xff, 0xd8, 0xff])) >= 0;
    const png = image.indexOf(Buffer.from([0x89, 0x50, 0x4e, 0x47])) >= 0;
    if (!jpeg && !png) throw errors.invalidImage();
    if (image.length > 2 * 1024 * 1024) throw new ApiError(400, 'mediaBodyTooLarge', 'The image is larger than 2 MB.', 'youtube.thumbnail');
    entry.thumbnailBytes = image.length;
    const thumbs = this.#thumbs(videoIdParam);
    entry.resource.snippet!.thumbnails = thumbs;
    return { kind: 'youtube#thumbnailSetResponse', etag: etag(thumbs), items: [thumbs] };
  }

  // -------------------------------------------------------------------------------------
  // Internals
  // -------------------------------------------------------------------------------------

  #checkSnippet(s: { title?: string | null; description?: string | null; scheduledStartTime?: string | null }): void {
    if (s.title && s.title.length > 100) throw errors.invalidValue('snippet.title', 'The title is longer than 100 characters.');
    if (s.title && /[<>]/.test(s.title)) throw errors.invalidValue('snippet.title', 'The title contains invalid characters (< or >).');
    if (s.description && s.description.length > 5000) throw errors.invalidValue('snippet.description', 'The description is longer than 5000 characters.');
    if (s.scheduledStartTime && Number.isNaN(Date.parse(s.scheduledStartTime))) {
      throw new ApiError(400, 'invalidScheduledStartTime', 'Scheduled start time is invalid.', 'youtube.liveBroadcast');
    }
  }

  #checkPrivacy(p: string): void {
    if (!['public', 'unlisted', 'private'].includes(p)) throw new ApiError(400, 'invalidPrivacyStatus', 'Invalid privacy status.', 'youtube.liveBroadcast');
  }

  #contentDetails(cd: NonNullable<LiveBroadcast['contentDetails']>, bound: string | undefined): NonNullable<LiveBroadcast['contentDetails']> {
    return {
      ...(bound ? { boundStreamId: bound } : {}),
      monitorStream: {
        enableMonitorStream: cd.monitorStream?.enableMonitorStream ?? true,
        broadcastStreamDelayMs: cd.monitorStream?.broadcastStreamDelayMs ?? 0,
      },
      enableAutoStart: cd.enableAutoStart ?? false,
      enableAutoStop: cd.enableAutoStop ?? false,
      enableDvr: cd.enableDvr ?? true,
      enableEmbed: cd.enableEmbed ?? true,
      recordFromStart: cd.recordFromStart ?? true,
      enableClosedCaptions: cd.enableClosedCaptions ?? false,
      latencyPreference: cd.latencyPreference ?? 'normal',
      projection: 'rectangular',
    };
  }

  #thumbs(id: string): NonNullable<NonNullable<LiveBroadcast['snippet']>['thumbnails']> {
    const u = (name: string): string => `https://i.ytimg.com/vi/${id}/${name}.jpg`;
    return {
      default: { url: u('default_live'), width: 120, height: 90 },
      medium: { url: u('mqdefault_live'), width: 320, height: 180 },
      high: { url: u('hqdefault_live'), width: 480, height: 360 },
    };
  }

  #settle(entry: BroadcastEntry, transitional: string, settled: string): void {
    entry.resource.status!.lifeCycleStatus = transitional;
    entry.settle?.();
    entry.settle = this.clock.at(new Date(this.clock.now().getTime() + this.options.settleMs), () => {
      entry.settle = undefined;
      if (entry.resource.status!.lifeCycleStatus !== transitional) return;
      entry.resource.status!.lifeCycleStatus = settled;
      if (settled === 'live') {
        entry.resource.snippet!.actualStartTime = this.clock.now().toISOString();
        entry.resource.status!.recordingStatus = 'recording';
        const s = this.#boundStream(entry);
        if (s && !this.#isActive(s)) this.#armNoDataEnd(entry);
      }
      entry.resource.etag = etag(entry.resource);
    });
  }

  #complete(entry: BroadcastEntry): void {
    entry.settle?.();
    entry.noData?.();
    const r = entry.resource;
    r.status!.lifeCycleStatus = 'complete';
    r.status!.recordingStatus = 'recorded';
    r.snippet!.actualEndTime = this.clock.now().toISOString();
    r.etag = etag(r);
    const chat = r.snippet?.liveChatId ? this.#chats.get(r.snippet.liveChatId) : undefined;
    if (chat) chat.offlineAt = r.snippet!.actualEndTime;
  }

  #chat(liveChatId: string): ChatEntry {
    const chat = this.#chats.get(liveChatId);
    if (!chat) throw errors.chatNotFound();
    return chat;
  }

  #addMessage(chat: ChatEntry, channelId: string, displayName: string, text: string, owner: boolean): LiveChatMessage {
    const m: LiveChatMessage = {
      kind: 'youtube#liveChatMessage',
      id: randomId('LCC.', 18),
      snippet: {
        type: 'textMessageEvent',
        liveChatId: chat.id,
        authorChannelId: channelId,
        publishedAt: this.clock.now().toISOString(),
        hasDisplayContent: true,
        displayMessage: text,
        textMessageDetails: { messageText: text },
      },
      authorDetails: {
        channelId,
        channelUrl: `http://www.youtube.com/channel/${channelId}`,
        displayName,
        profileImageUrl: `https://yt3.ggpht.com/${channelId}`,
        isVerified: false,
        isChatOwner: owner,
        isChatSponsor: false,
        isChatModerator: chat.moderators.some((x) => x.snippet?.moderatorDetails?.channelId === channelId),
      },
    };
    m.etag = etag(m);
    chat.messages.push(m);
    return m;
  }

  #pushEvent(chat: ChatEntry, snippet: NonNullable<LiveChatMessage['snippet']>): void {
    const m: LiveChatMessage = {
      kind: 'youtube#liveChatMessage',
      id: randomId('LCE.', 18),
      snippet: { liveChatId: chat.id, publishedAt: this.clock.now().toISOString(), hasDisplayContent: false, ...snippet },
    };
    m.etag = etag(m);
    chat.messages.push(m);
  }

  #streamByKey(key: string): StreamEntry | undefined {
    for (const s of this.#streams.values()) if (s.key === key) return s;
    return undefined;
  }

  #boundStream(entry: BroadcastEntry): StreamEntry | undefined {
    const id = entry.resource.contentDetails?.boundStreamId;
    return id ? this.#streams.get(id) : undefined;
  }

  #boundBroadcasts(s: StreamEntry): BroadcastEntry[] {
    return [...this.#broadcasts.values()].filter((b) => b.resource.contentDetails?.boundStreamId === s.resource.id);
  }

  #isActive(s: StreamEntry): boolean {
    return s.resource.status?.streamStatus === 'active';
  }

  #acceptPublish(app: string, key: string): boolean {
    const s = this.#streamByKey(key);
    return app === 'live2' && s !== undefined && Date.now() >= s.refuseUntil;
  }

  #onPublish(key: string): void {
    const s = this.#streamByKey(key);
    if (!s) return;
    s.publishing++;
    s.stats.publishes++;
  }

  #onMedia(key: string, bytes: number, video: boolean, audio: boolean): void {
    const s = this.#streamByKey(key);
    if (!s) return;
    s.stats.bytes += bytes;
    if (video) s.stats.videoFrames++;
    if (audio) s.stats.audioPackets++;
    s.lastDataAt = Date.now();
    // Only video frames make a stream active: YouTube waits for a picture, not just audio.
    if (video && !this.#isActive(s) && s.lastDataAt >= s.forcedInactiveUntil) {
      this.#setStreamStatus(s, 'active', 'good');
      this.#onStreamActive(s);
    }
    this.#armWatchdog(s);
  }

  #onUnpublish(key: string): void {
    const s = this.#streamByKey(key);
    if (!s) return;
    s.publishing = Math.max(0, s.publishing - 1);
    if (s.publishing === 0 && this.#isActive(s)) this.#setStreamStatus(s, 'inactive', 'noData');
  }

  #armWatchdog(s: StreamEntry): void {
    if (s.watchdog) return;
    const check = (): void => {
      const idle = Date.now() - s.lastDataAt;
      if (idle >= this.options.inactiveAfterMs) {
        s.watchdog = undefined;
        if (this.#isActive(s)) this.#setStreamStatus(s, 'inactive', 'noData');
        return;
      }
      s.watchdog = setTimeout(check, this.options.inactiveAfterMs - idle);
      s.watchdog.unref();
    };
    s.watchdog = setTimeout(check, this.options.inactiveAfterMs);
    s.watchdog.unref();
  }

  #clearTimers(s: StreamEntry): void {
    if (s.watchdog) clearTimeout(s.watchdog);
    if (s.forceTimer) clearTimeout(s.forceTimer);
    s.watchdog = undefined;
    s.forceTimer = undefined;
  }

  #setStreamStatus(s: StreamEntry, status: 'active' | 'inactive', health: 'good' | 'noData'): void {
    const prev = s.resource.status?.streamStatus;
    s.resource.status = {
      streamStatus: status,
      healthStatus: { status: health, lastUpdateTimeSeconds: String(Math.floor(this.clock.now().getTime() / 1000)), configurationIssues: [] },
    };
    s.resource.etag = etag(s.resource);
    if (prev === status) return;
    if (status === 'inactive') {
      for (const b of this.#boundBroadcasts(s)) {
        const life = b.resource.status?.lifeCycleStatus;
        if (life === 'live' && b.resource.contentDetails?.enableAutoStop) this.#complete(b);
        else if (life === 'live') this.#armNoDataEnd(b);
      }
    }
  }

  #onStreamActive(s: StreamEntry): void {
    for (const b of this.#boundBroadcasts(s)) {
      b.noData?.();
      b.noData = undefined;
      const life = b.resource.status?.lifeCycleStatus;
      if (life !== 'complete' && life !== 'revoked') b.receivedData = true;
      // With autoStart on, YouTube goes live by itself as soon as data arrives.
      if (life === 'ready' && b.resource.contentDetails?.enableAutoStart) this.#settle(b, 'liveStarting', 'live');
    }
  }

  #armNoDataEnd(b: BroadcastEntry): void {
    if (this.options.noDataEndMs <= 0 || b.noData) return;
    b.noData = this.clock.at(new Date(this.clock.now().getTime() + this.options.noDataEndMs), () => {
      b.noData = undefined;
      const s = this.#boundStream(b);
      if (b.resource.status?.lifeCycleStatus === 'live' && (!s || !this.#isActive(s))) this.#complete(b);
    });
  }
}
