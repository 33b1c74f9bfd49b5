// The chat module's data and ports. What crosses Socket.IO (messages, room state, actions,
// audit entries) is defined once in src/shared/chat-payloads.ts, shared with the realtime
// contract (chat/ must not import realtime/); the names here are the chat module's own.
import type { Localized } from '../schedule/types.js';
import type {
  AuditEntryPayload,
  ChatMessagePayload,
  ChatOrigin,
  ChatRoomState,
  ModerationAction,
  SanctionPayload,
  SanctionScope,
} from '../shared/chat-payloads.js';

export type { ChatOrigin, ChatRoomState, ModerationAction, SanctionPayload, SanctionScope };

/** A message as viewers and moderators see it. `text` is plain text, never HTML. */
export type ChatMessage = ChatMessagePayload;

/** A message as kept: who sent it (never shown to viewers) and whether it was deleted. */
export interface StoredMessage extends ChatMessage {
  /**
   * Who wrote it: the server-signed viewer id of an onair viewer (src/chat/viewer-identity.ts;
   * never anything the client chose), or "yt:<channelId>" for YouTube authors. The column
   * keeps its old name so existing databases need no migration.
   */
  fingerprint: string;
  /** Viewer's IP address ("" for YouTube); used for bans, never exported or shown. */
  ip: string;
  /** YouTube's own message id, for liveChatMessages.delete. */
  externalId: string | null;
  deletedAt: string | null;
  deletedBy: string | null;
}

export interface RoomSettings {
  occurrenceId: string;
  /** null = the programme's own setting. */
  slowModeMs: number | null;
  pinnedMessageId: string | null;
  closedByModerator: boolean;
}

export type SanctionKind = 'timeout' | 'ban';

export interface Sanction {
  /** Stable id, for the ban list and unban. */
  id: string;
  kind: SanctionKind;
  /** The viewer id (or "yt:<channelId>") it holds for; "" for an address ban. */
  fingerprint: string;
  /**
   * Set only for an address ban, the explicit moderator choice that silences everyone
   * behind one address (a library's Wi-Fi): always time-limited.
   */
  ip: string | null;
  /** The chat it holds in; null = every chat. */
  occurrenceId: string | null;
  /** ISO instant; null = until a moderator lifts it. */
  until: string | null;
  at: string;
  moderator: string;
  /** The author's nickname and origin when sanctioned, for the ban list. */
  nickname: string | null;
  origin: ChatOrigin | null;
}

/** One recorded moderation action. */
export type AuditEntry = AuditEntryPayload;

/** Outcome of a request a person made; `code` is stable, `message` says what to do. */
export type Result<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

export function fail<T>(code: string, message: string): Result<T> {
  return { ok: false, code, message };
}

/** Who sent a message: the realtime layer fills this from the connection. */
export interface ViewerIdentity {
  connectionId: string;
  /** The server-signed viewer id of the connection (see viewer-identity.ts). */
  fingerprint: string;
  ip: string;
  nickname: string;
}

/**
 * Where chat keeps transcripts, the audit log, sanctions and room settings.
 * Contract: everything written survives a restart; `transcript` returns every message of a
 * broadcast (deleted ones flagged) in send order; `audit` returns newest first; times are
 * ISO UTC strings and `now` is always passed in. Async so a Redis/PostgreSQL backend can
 * implement it later. Leaves out: rate limits and live room membership (in memory).
 */
export interface ChatStore {
  appendMessage(message: StoredMessage): Promise<void>;
  getMessage(id: string): Promise<StoredMessage | undefined>;
  markDeleted(id: string, by: string, at: string): Promise<void>;
  /** Last `limit` messages not deleted, oldest first. */
  recent(occurrenceId: string, limit: number): Promise<StoredMessage[]>;
  transcript(occurrenceId: string): Promise<StoredMessage[]>;
  appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry>;
  audit(limit: number): Promise<AuditEntry[]>;
  addSanction(sanction: Sanction): Promise<void>;
  /** Sanctions in force at `now` (until null or later than now, not lifted), oldest first. */
  activeSanctions(now: string): Promise<Sanction[]>;
  /** Ends a sanction early; returns it, or undefined when unknown or already lifted. */
  liftSanction(id: string, by: string, at: string): Promise<Sanction | undefined>;
  roomSettings(occurrenceId: string): Promise<RoomSettings | undefined>;
  saveRoomSettings(settings: RoomSettings): Promise<void>;
  /** Ids of broadcasts with at least one message, newest first. */
  rooms(limit: number): Promise<string[]>;
}

/** One message read from YouTube's live chat. */
export interface YoutubeChatItem {
  id: string;
  authorChannelId: string;
  authorName: string;
  text: string;
  publishedAt: string;
}

/**
 * YouTube live chat, as chat/ needs it. Implemented over the destinations/youtube client
 * and injected by src/main.ts (chat/ never imports destinations/).
 * Contract: `list` calls liveChatMessages.list once (5 quota units) and returns YouTube's
 * pollingIntervalMillis and nextPageToken unchanged; `deleteMessage` and `ban` call
 * liveChatMessages.delete / liveChatBans.insert (50 units each). Errors are thrown as is;
 * an ended chat throws with `reason` "liveChatEnded" or "liveChatNotFound".
 */
export interface YoutubeChatPort {
  list(liveChatId: string, pageToken: string | undefined): Promise<{
    items: YoutubeChatItem[];
    nextPageToken: string | undefined;
    pollingIntervalMillis: number;
  }>;
  deleteMessage(messageId: string): Promise<void>;
  ban(liveChatId: string, channelId: string, durationSeconds: number | null): Promise<void>;
  /** The live chat of a YouTube broadcast (liveBroadcasts.list, 1 unit), when not in `remote`. */
  liveChatIdOf?(broadcastId: string): Promise<string | undefined>;
}

export interface RoomTitle {
  occurrenceId: string;
  title: Localized | null;
}
