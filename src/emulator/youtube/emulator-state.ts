// The emulator's state store: every broadcast, stream and chat it holds, and the lookups
// the resource modules share (which stream a broadcast is bound to, and back). Kept in one
// place so live-broadcasts.ts, live-streams.ts and live-chat.ts see the same world.
import type { Cancel } from '../../shared/clock.js';
import type { IngestStats } from './emulator-backend.js';
import type { LiveBroadcast, LiveChatBan, LiveChatMessage, LiveChatModerator, LiveStream } from './resources.js';

/** The emulator's options with every default filled in (see YoutubeEmulatorOptions). */
export interface EmulatorSettings {
  settleMs: number;
  inactiveAfterMs: number;
  noDataEndMs: number;
  chatPollingIntervalMs: number;
  dailyQuota: number;
  accessTokenTtlS: number;
  channelId: string;
  channelTitle: string;
}

export interface BroadcastEntry {
  resource: LiveBroadcast;
  receivedData: boolean;
  thumbnailBytes: number;
  settle?: Cancel;
  noData?: Cancel;
}

export interface StreamEntry {
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

export interface ChatEntry {
  id: string;
  broadcastId: string;
  messages: LiveChatMessage[];
  bans: Map<string, LiveChatBan>;
  moderators: LiveChatModerator[];
  /** Deleted message ids; kept in `messages` so page tokens (offsets) stay valid. */
  deleted: Set<string>;
  offlineAt?: string;
}

export function isActive(s: StreamEntry): boolean {
  return s.resource.status?.streamStatus === 'active';
}

export class EmulatorState {
  readonly broadcasts = new Map<string, BroadcastEntry>();
  readonly streams = new Map<string, StreamEntry>();
  readonly chats = new Map<string, ChatEntry>();
  /** Off: the channel is not enabled for live streaming, and inserts are refused. */
  liveStreamingEnabled = true;

  streamByKey(key: string): StreamEntry | undefined {
    for (const s of this.streams.values()) if (s.key === key) return s;
    return undefined;
  }

  boundStream(entry: BroadcastEntry): StreamEntry | undefined {
    const id = entry.resource.contentDetails?.boundStreamId;
    return id ? this.streams.get(id) : undefined;
  }

  boundBroadcasts(s: StreamEntry): BroadcastEntry[] {
    return [...this.broadcasts.values()].filter((b) => b.resource.contentDetails?.boundStreamId === s.resource.id);
  }
}
