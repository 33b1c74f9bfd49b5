// The chat's data as it crosses the wire: written once, here, because both the chat module
// (src/chat, which makes it) and the real-time contract (src/realtime/events.ts, which the
// pages type-check against) need it, and adapters never import each other. Plain types,
// no imports: importable from anywhere, including the browser's type checker.

export type ChatOrigin = 'onair' | 'youtube';

/** One chat message. `text` is plain text: pages set it with textContent, never as HTML. */
export interface ChatMessagePayload {
  id: string;
  occurrenceId: string;
  origin: ChatOrigin;
  nickname: string;
  /** Opaque, stable per viewer device; lets pages group messages without exposing an IP. */
  authorId: string;
  text: string;
  at: string;
}

export interface ChatRoomState {
  occurrenceId: string;
  /** Open = within the time window and not closed by a moderator. */
  open: boolean;
  closedByModerator: boolean;
  opensAt: string;
  closesAt: string;
  slowModeMs: number;
  pinned: ChatMessagePayload | null;
}

export type ModerationAction =
  | { action: 'delete'; messageId: string }
  | { action: 'timeout'; messageId: string; minutes: number }
  | { action: 'ban'; messageId: string }
  | { action: 'slow'; occurrenceId: string; seconds: number }
  | { action: 'pin'; occurrenceId: string; messageId: string | null }
  | { action: 'close'; occurrenceId: string }
  | { action: 'open'; occurrenceId: string };

/** One recorded moderation action (the audit log survives restarts). */
export interface AuditEntryPayload {
  id: number;
  at: string;
  moderator: string;
  action: ModerationAction['action'];
  occurrenceId: string | null;
  messageId: string | null;
  /** Nickname of the author acted on, when there is one. */
  target: string | null;
  origin: ChatOrigin | null;
  /** e.g. "10 minutes", "slow mode 30 s". */
  detail: string;
}

/** YouTube live chat polling of one broadcast, and what it costs in API quota. */
export interface YoutubeChatStatus {
  occurrenceId: string;
  destination: string;
  polling: boolean;
  pollingIntervalMs: number;
  polls: number;
  unitsSpent: number;
  /** Units per hour at the current interval (5 units a poll). */
  unitsPerHour: number;
  dailyQuota: number;
  lastError: string | null;
}

/** One row of a broadcast's exported chat transcript (JSON/CSV): never an IP or device id. */
export interface TranscriptRow {
  id: string;
  at: string;
  origin: string;
  nickname: string;
  authorId: string;
  text: string;
  deleted: boolean;
  deletedAt: string | null;
  deletedBy: string | null;
}
