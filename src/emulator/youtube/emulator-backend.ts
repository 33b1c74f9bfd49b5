// What the HTTP routes need from the emulator: stated as an interface so the route files
// do not import youtube-emulator.ts (which builds the routes) — no import cycle.
import type { OAuthAuthority } from './oauth-authority.js';
import type { QuotaMeter } from './quota-meter.js';
import type { LiveBroadcast, LiveChatBan, LiveChatMessage, LiveChatModerator, LiveStream } from './resources.js';

export interface CallRecord {
  method: string;
  /** The resource the call named (its `id` or `videoId` parameter), when it named one. */
  target?: string;
  status: number;
  reason?: string;
  cost: number;
  at: string;
}

export interface IngestStats {
  bytes: number;
  videoFrames: number;
  audioPackets: number;
  publishes: number;
  active: boolean;
}

export interface EmulatorBackend {
  readonly oauth: OAuthAuthority;
  readonly quota: QuotaMeter;
  readonly calls: CallRecord[];
  readonly options: { readonly chatPollingIntervalMs: number };
  call<T>(method: string, authorization: string | undefined, handler: () => T, target?: string): Promise<T>;
  insertBroadcast(parts: string[], body: LiveBroadcast): LiveBroadcast;
  listBroadcasts(filter: { id?: string[]; mine?: boolean; broadcastStatus?: string }): LiveBroadcast[];
  updateBroadcast(parts: string[], body: LiveBroadcast): LiveBroadcast;
  bindBroadcast(id: string, parts: string[], streamId: string | undefined): LiveBroadcast;
  transitionBroadcast(id: string, parts: string[], target: string): LiveBroadcast;
  deleteBroadcast(id: string): void;
  insertStream(parts: string[], body: LiveStream): LiveStream;
  listStreams(filter: { id?: string[]; mine?: boolean }): LiveStream[];
  deleteStream(id: string): void;
  listChat(liveChatId: string, offset: number, max: number): { items: LiveChatMessage[]; next: number; offlineAt?: string; total: number };
  insertChatMessage(parts: string[], body: LiveChatMessage): LiveChatMessage;
  deleteChatMessage(id: string): void;
  insertBan(parts: string[], body: LiveChatBan): LiveChatBan;
  deleteBan(id: string): void;
  listModerators(liveChatId: string): LiveChatModerator[];
  insertModerator(parts: string[], body: LiveChatModerator): LiveChatModerator;
  setThumbnail(videoId: string, image: Buffer): Record<string, unknown>;
  broadcasts(): LiveBroadcast[];
  streams(): LiveStream[];
  ingestStats(streamId: string): IngestStats;
  failNext(count: number, code?: number, methods?: string[]): void;
  rateLimit(count: number, code?: 403 | 429): void;
  setLatency(ms: number, methods?: string[]): void;
  exhaustQuota(): void;
  revokeTokens(): void;
  setLiveStreamingEnabled(enabled: boolean): void;
  dropStream(streamId: string, ms: number, options?: { disconnect?: boolean }): void;
}
