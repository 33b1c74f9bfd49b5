// An emulator of the YouTube Live Streaming API, as far as onair uses it and a bit beyond:
// an HTTP server on loopback speaking Google's JSON (see http-routes.ts), a real RTMP
// ingest (rtmp-ingest.ts) whose data decides whether a stream is `active`, Google's
// transition rules, a quota counter, and faults injected on demand. Used by the tests and
// by `onair rehearse`. It may import only from shared/ (it stands in for Google, not for us).
//
// This file composes the parts and is the one public class: the resources live in
// live-broadcasts.ts, live-streams.ts, live-chat.ts and thumbnails.ts over one state store
// (emulator-state.ts); every call passes api-gate.ts (token, quota, faults).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../shared/clock.js';
import { YOUTUBE_DEFAULT_DAILY_QUOTA } from '../../shared/youtube-quota.js';
import { ApiGate } from './api-gate.js';
import type { CallRecord, EmulatorBackend, IngestStats } from './emulator-backend.js';
import { EmulatorState, type EmulatorSettings } from './emulator-state.js';
import { createEmulatorApp } from './http-routes.js';
import { LiveBroadcasts } from './live-broadcasts.js';
import { LiveChat, type ViewerMessage } from './live-chat.js';
import { LiveStreams } from './live-streams.js';
import { EMULATOR_CLIENT, OAuthAuthority, type OAuthClientCredentials } from './oauth-authority.js';
import { QuotaMeter } from './quota-meter.js';
import type { LiveBroadcast, LiveChatBan, LiveChatMessage, LiveChatModerator, LiveStream } from './resources.js';
import { RtmpIngest } from './rtmp-ingest.js';
import { setThumbnail } from './thumbnails.js';

export type { CallRecord, IngestStats } from './emulator-backend.js';
export type { ViewerMessage } from './live-chat.js';

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

export class YoutubeEmulator implements EmulatorBackend {
  readonly clock: Clock;
  readonly oauth: OAuthAuthority;
  readonly quota: QuotaMeter;
  readonly options: EmulatorSettings;
  readonly #state = new EmulatorState();
  readonly #gate: ApiGate;
  readonly #broadcasts: LiveBroadcasts;
  readonly #streams: LiveStreams;
  readonly #chat: LiveChat;
  readonly #ingest: RtmpIngest;
  readonly #server: http.Server;
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
    this.#gate = new ApiGate({ clock: this.clock, oauth: this.oauth, quota: this.quota });
    const parts = { state: this.#state, clock: this.clock, settings: this.options };
    this.#broadcasts = new LiveBroadcasts(parts);
    this.#chat = new LiveChat(parts);
    this.#ingest = new RtmpIngest({ accept: (app, key) => this.#streams.acceptPublish(app, key) });
    this.#streams = new LiveStreams({ ...parts, ingest: this.#ingest, ingestionAddress: () => this.ingestionAddress, listener: this.#broadcasts });
    this.#ingest.on('publish', (_app, key) => this.#streams.onPublish(key));
    this.#ingest.on('media', (key, bytes, video, audio) => this.#streams.onMedia(key, bytes, video, audio));
    this.#ingest.on('unpublish', (key) => this.#streams.onUnpublish(key));
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
    this.#broadcasts.stop();
    this.#streams.stop();
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

  /** Every API call made, in order (see api-gate.ts). */
  get calls(): CallRecord[] {
    return this.#gate.calls;
  }

  /** The next `count` API calls (optionally only of these methods) fail with this error. */
  injectErrors(count: number, error: { code?: number; reason?: string; methods?: string[] } = {}): void {
    this.#gate.injectErrors(count, error);
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
    this.#gate.setLatency(ms, methods);
  }

  get latencyMs(): number {
    return this.#gate.latencyMs;
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
    this.#state.liveStreamingEnabled = enabled;
  }

  /**
   * The stream drops for `ms`: it reads inactive whatever arrives, and with `disconnect`
   * the encoder's connection is cut and new pushes are refused for that time.
   */
  dropStream(streamId: string, ms: number, options: { disconnect?: boolean } = {}): void {
    this.#streams.dropStream(streamId, ms, options);
  }

  // -------------------------------------------------------------------------------------
  // Inspection, for tests
  // -------------------------------------------------------------------------------------

  broadcasts(): LiveBroadcast[] {
    return [...this.#state.broadcasts.values()].map((b) => structuredClone(b.resource));
  }

  streams(): LiveStream[] {
    return [...this.#state.streams.values()].map((s) => structuredClone(s.resource));
  }

  broadcast(id: string): LiveBroadcast | undefined {
    const b = this.#state.broadcasts.get(id);
    return b ? structuredClone(b.resource) : undefined;
  }

  stream(id: string): LiveStream | undefined {
    const s = this.#state.streams.get(id);
    return s ? structuredClone(s.resource) : undefined;
  }

  ingestStats(streamId: string): IngestStats {
    return this.#streams.ingestStats(streamId);
  }

  thumbnailBytes(broadcastId: string): number {
    return this.#state.broadcasts.get(broadcastId)?.thumbnailBytes ?? 0;
  }

  chatMessages(liveChatId: string): LiveChatMessage[] {
    return this.#chat.messages(liveChatId);
  }

  /** Total units charged today and the calls made, by method. */
  quotaUsed(): number {
    return this.quota.used;
  }
  /** A viewer writes in the chat (as from youtube.com). Refused for a banned viewer. */
  postViewerMessage(liveChatId: string, message: ViewerMessage): LiveChatMessage {
    return this.#chat.postViewerMessage(liveChatId, message);
  }

  // -------------------------------------------------------------------------------------
  // The API, as http-routes.ts calls it (see EmulatorBackend)
  // -------------------------------------------------------------------------------------

  call<T>(method: string, authorization: string | undefined, handler: () => T, target?: string): Promise<T> {
    return this.#gate.call(method, authorization, handler, target);
  }

  insertBroadcast(parts: string[], body: LiveBroadcast): LiveBroadcast {
    return this.#broadcasts.insert(parts, body);
  }

  listBroadcasts(filter: { id?: string[]; mine?: boolean; broadcastStatus?: string }): LiveBroadcast[] {
    return this.#broadcasts.list(filter);
  }

  updateBroadcast(parts: string[], body: LiveBroadcast): LiveBroadcast {
    return this.#broadcasts.update(parts, body);
  }

  bindBroadcast(id: string, parts: string[], streamId: string | undefined): LiveBroadcast {
    return this.#broadcasts.bind(id, parts, streamId);
  }

  transitionBroadcast(id: string, parts: string[], target: string): LiveBroadcast {
    return this.#broadcasts.transition(id, parts, target);
  }

  deleteBroadcast(id: string): void {
    this.#broadcasts.delete(id);
  }

  insertStream(parts: string[], body: LiveStream): LiveStream {
    return this.#streams.insert(parts, body);
  }

  listStreams(filter: { id?: string[]; mine?: boolean }): LiveStream[] {
    return this.#streams.list(filter);
  }

  deleteStream(id: string): void {
    this.#streams.delete(id);
  }

  listChat(liveChatId: string, offset: number, max: number): { items: LiveChatMessage[]; next: number; offlineAt?: string; total: number } {
    return this.#chat.list(liveChatId, offset, max);
  }

  insertChatMessage(parts: string[], body: LiveChatMessage): LiveChatMessage {
    return this.#chat.insertMessage(parts, body);
  }

  deleteChatMessage(id: string): void {
    this.#chat.deleteMessage(id);
  }

  insertBan(parts: string[], body: LiveChatBan): LiveChatBan {
    return this.#chat.insertBan(parts, body);
  }

  deleteBan(id: string): void {
    this.#chat.deleteBan(id);
  }

  listModerators(liveChatId: string): LiveChatModerator[] {
    return this.#chat.listModerators(liveChatId);
  }

  insertModerator(parts: string[], body: LiveChatModerator): LiveChatModerator {
    return this.#chat.insertModerator(parts, body);
  }

  setThumbnail(videoIdParam: string, image: Buffer): Record<string, unknown> {
    return setThumbnail(this.#state, videoIdParam, image);
  }
}
