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
  /**
   * Bans the author's chat identity (the server-signed viewer id, never the address) from
   * this chat (`scope: 'room'`) or every chat (`'all'`), for `minutes` or until lifted
   * (`null`). `addressMinutes` adds, as an explicit choice, a ban of the author's address
   * too — it silences everyone behind it (a library's Wi-Fi), so it always ends (≤ 1 day).
   */
  | { action: 'ban'; messageId: string; scope: SanctionScope; minutes: number | null; addressMinutes?: number }
  /** Lifts a time-out or ban before its end (the ban list's `id`). */
  | { action: 'unban'; sanctionId: string }
  | { action: 'slow'; occurrenceId: string; seconds: number }
  | { action: 'pin'; occurrenceId: string; messageId: string | null }
  | { action: 'close'; occurrenceId: string }
  | { action: 'open'; occurrenceId: string };

/** Where a sanction holds: the one chat it was given in, or every chat. */
export type SanctionScope = 'room' | 'all';

/**
 * A time-out or ban in force, as moderators see it in the ban list: whom (nickname and
 * opaque author id, never the viewer id or the address itself), where, until when.
 */
export interface SanctionPayload {
  id: string;
  kind: 'timeout' | 'ban';
  /** "identity": one browser's chat identity; "address": everyone behind one IP address. */
  target: 'identity' | 'address';
  nickname: string | null;
  authorId: string | null;
  origin: ChatOrigin | null;
  /** The chat it holds in; null = every chat. */
  occurrenceId: string | null;
  /** ISO instant it ends; null = until a moderator lifts it. */
  until: string | null;
  at: string;
  moderator: string;
}

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
