// The real-time contract: every Socket.IO event name and payload, shared by the server
// (src/realtime) and the pages (web/, through JSDoc `import()` types checked by tsc).
// Documented for people in docs/realtime-api.md; changing a name here breaks pages.
// Types only: this module must stay importable from the browser's type checker.
import type { Localized } from '../schedule/types.js';
import type {
  AuditEntryPayload,
  ChatMessagePayload,
  ChatOrigin,
  ChatRoomState,
  ModerationAction,
  SanctionPayload,
  SanctionScope,
  YoutubeChatStatus,
} from '../shared/chat-payloads.js';

export type { Localized };
// Chat payloads are made by src/chat too: one definition, in src/shared.
export type { AuditEntryPayload, ChatMessagePayload, ChatOrigin, ChatRoomState, ModerationAction, SanctionPayload, SanctionScope, YoutubeChatStatus };

/** Every acknowledgement has this shape; `error.code` is stable, `message` is for people. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: AckError };

export interface AckError {
  /** e.g. "invalid", "unknown-event", "rate-limited", "chat-closed", "banned", "unauthorized". */
  code: string;
  message: string;
}

export type AckFn<T extends object = object> = (ack: Ack<T>) => void;

// ---------------------------------------------------------------------------------------
// Programmes
// ---------------------------------------------------------------------------------------

/** One place a live programme can be watched. */
export interface WatchLink {
  destination: string;
  kind: 'local' | 'rtmp' | 'youtube';
  /** YouTube watch URL, or the local HLS master playlist's path (relative to the site). */
  url: string;
}

export type ProgrammeStatus = 'upcoming' | 'live' | 'ended' | 'cancelled';

/** What a viewer needs to know about one occurrence of a programme. */
export interface ProgrammeInfo {
  occurrenceId: string;
  programmeId: string;
  title: Localized;
  description: Localized;
  category: string;
  audience: string[];
  /**
   * ISO 8601 UTC instants; pages show them in the viewer's own time zone. Once a broadcast
   * has aired these are the real times (started early by staff, ended early or extended),
   * otherwise the planned ones.
   */
  start: string;
  end: string;
  timezone: string;
  status: ProgrammeStatus;
  /** Filled while live: the destinations that made it. */
  watch: WatchLink[];
  chat: { enabled: boolean; opensAt: string; closesAt: string };
  /** false for a programme kept off listings (`listed: false`, the demo): shown only while live. */
  listed: boolean;
}

/** Sent to every viewer on connect (and on request): what is live, what is next. */
export interface ScheduleSnapshotPayload {
  at: string;
  live: ProgrammeInfo[];
  next: ProgrammeInfo[];
}

export interface ReminderPayload {
  programme: ProgrammeInfo;
  /** How long before the start this reminder is, in ms (e.g. 900000 = 15 minutes). */
  offsetMs: number;
}

export interface LivePayload {
  programme: ProgrammeInfo;
  liveAt: string;
  /**
   * Watch URL of each destination that went live (never one that failed); never empty: the
   * event is sent once the first destination has the stream.
   */
  watch: WatchLink[];
}

/**
 * Where a live programme can be watched changed: a destination went live a moment after the
 * broadcast did (each first waits for its stream), or one dropped out. `watch` is the full
 * list now; pages replace theirs with it.
 */
export interface WatchPayload {
  occurrenceId: string;
  programmeId: string;
  watch: WatchLink[];
}

export interface EndedPayload {
  occurrenceId: string;
  programmeId: string;
  title: Localized;
  endedAt: string;
  /** "complete" normally; "failed" when the broadcast broke off. */
  outcome: 'complete' | 'failed';
}

export interface ChangedPayload {
  programme: ProgrammeInfo;
  /** `added`: a new broadcast; `time`: its start or end moved; `details`: title, description, destinations or chat. */
  change: 'added' | 'time' | 'details';
}

export interface CancelledPayload {
  occurrenceId: string;
  programmeId: string;
  title: Localized;
  start: string;
  reason?: string;
}

export interface SubscribeRequest {
  programmes?: string[];
  categories?: string[];
  audiences?: string[];
}

// ---------------------------------------------------------------------------------------
// Chat
// ---------------------------------------------------------------------------------------

export interface ChatDeletedPayload {
  occurrenceId: string;
  messageIds: string[];
}

/** Sent only to the sockets of the viewer concerned (its identity, or its address for an address ban). */
export interface ChatSanctionPayload {
  kind: 'timeout' | 'ban';
  /** The chat it holds in; null = every chat. */
  occurrenceId: string | null;
  /** When it ends; null = until a moderator lifts it. */
  until: string | null;
}

/** A moderator lifted a time-out or ban before its end: the viewer may write again. */
export interface ChatSanctionLiftedPayload {
  kind: 'timeout' | 'ban';
  occurrenceId: string | null;
}

/** The viewer's signed chat identity, sent once when the server issues a new one. */
export interface ViewerIdentityPayload {
  /** Keep it (localStorage) and send it as `auth.viewer` on every connection. */
  token: string;
}

export interface ChatJoinRequest {
  occurrenceId: string;
  nickname: string;
}

export interface ChatSendRequest {
  occurrenceId: string;
  text: string;
}

// ---------------------------------------------------------------------------------------
// Moderation
// ---------------------------------------------------------------------------------------

export interface ChatRoomSummary {
  state: ChatRoomState;
  title: Localized | null;
  /** When the broadcast is on (UTC instants) and where, so two rooms of one title differ. */
  start: string | null;
  end: string | null;
  timezone: string | null;
  destinations: string[];
  youtube: YoutubeChatStatus | null;
}

// ---------------------------------------------------------------------------------------
// Schedule files (staff only)
// ---------------------------------------------------------------------------------------

/** One problem of a schedule file, as staff read it. */
export interface ScheduleProblemView {
  file: string;
  line: number;
  col: number;
  severity: 'error' | 'warning';
  /** `file:line:col: error: message`, in both languages (shown as text, never HTML). */
  text: Localized;
}

/** A schedule file whose latest read has problems. */
export interface ScheduleFileView {
  file: string;
  /** false: the latest read has errors, so it did not take effect. */
  ok: boolean;
  /** Programmes in force from this file (its last good version when `ok` is false). */
  programmeCount: number;
  /** When the file was last read, and when the version in force was (null: none is). */
  loadedAt: string;
  lastGoodAt: string | null;
  /** Its first problems, errors first. */
  problems: ScheduleProblemView[];
  /** Problems of this file not listed in `problems`. */
  moreProblems: number;
  /** What stays on the air meanwhile (the previous version, since when, or nothing); null when `ok`. */
  note: Localized | null;
}

/**
 * The schedule files as last read, sent to staff on connect and whenever a file is read or
 * removed: a broken save shows the moment it has settled, and clears once fixed. Bounded:
 * only files with problems, MAX_LISTED_PROBLEMS problems in all, the rest counted.
 */
export interface ScheduleStatusPayload {
  at: string;
  /** No file has an error. */
  ok: boolean;
  /** Increases whenever the programmes in force change. */
  version: number;
  /** Files read (with or without problems). */
  fileCount: number;
  files: ScheduleFileView[];
  /** Files with problems left out of `files`. */
  moreFiles: number;
}

// ---------------------------------------------------------------------------------------
// Event maps
// ---------------------------------------------------------------------------------------

/** Server → viewer (namespace "/"). */
export interface ServerToClientEvents {
  schedule: (snapshot: ScheduleSnapshotPayload) => void;
  'programme:reminder': (payload: ReminderPayload) => void;
  'programme:live': (payload: LivePayload) => void;
  'programme:watch': (payload: WatchPayload) => void;
  'programme:ended': (payload: EndedPayload) => void;
  'programme:changed': (payload: ChangedPayload) => void;
  'programme:cancelled': (payload: CancelledPayload) => void;
  /** New messages of a room, oldest first (a busy room's messages come batched). */
  'chat:messages': (messages: ChatMessagePayload[]) => void;
  'chat:deleted': (payload: ChatDeletedPayload) => void;
  'chat:state': (state: ChatRoomState) => void;
  'chat:sanction': (payload: ChatSanctionPayload) => void;
  'chat:sanction-lifted': (payload: ChatSanctionLiftedPayload) => void;
  /** A new signed chat identity for this browser (its token was absent or not valid). */
  'viewer:identity': (payload: ViewerIdentityPayload) => void;
  /** This server is shutting down (deploy, restart); the page reconnects by itself, elsewhere. */
  'server:shutdown': (payload: ShutdownNoticePayload) => void;
}

/** Sent to every viewer and moderator of a node just before it closes their connections. */
export interface ShutdownNoticePayload {
  /** What to tell people, in both languages. */
  message: Localized;
  /** Socket.IO's own reconnection starts at about this delay; shown so pages need not guess. */
  reconnectAfterMs: number;
}

/** Viewer → server (namespace "/"). Every event takes an ack callback last. */
export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: AckFn<{ rooms: string[] }>) => void;
  unsubscribe: (request: SubscribeRequest, ack: AckFn<{ rooms: string[] }>) => void;
  'schedule:get': (ack: AckFn<{ snapshot: ScheduleSnapshotPayload }>) => void;
  'chat:join': (request: ChatJoinRequest, ack: AckFn<{ state: ChatRoomState; history: ChatMessagePayload[] }>) => void;
  'chat:leave': (request: { occurrenceId: string }, ack: AckFn) => void;
  'chat:send': (request: ChatSendRequest, ack: AckFn<{ message: ChatMessagePayload }>) => void;
}

/** Server → moderator (namespace "/moderation"). */
export interface ModerationServerToClientEvents {
  /** New messages of every room, ours and YouTube's (see `origin`), oldest first. */
  'chat:messages': (messages: ChatMessagePayload[]) => void;
  'chat:deleted': (payload: ChatDeletedPayload) => void;
  'chat:state': (state: ChatRoomState) => void;
  'audit:entry': (entry: AuditEntryPayload) => void;
  /** The ban list changed (a time-out or ban given or lifted): every sanction in force now. */
  'sanctions:changed': (sanctions: SanctionPayload[]) => void;
  'youtube:status': (status: YoutubeChatStatus) => void;
  /** The schedule files' problems, on connect and on every change (a broken save, its fix). */
  'schedule:status': (status: ScheduleStatusPayload) => void;
  /** The session ran out; the console should ask for a new login. */
  'session:expired': () => void;
  /** As for viewers: this server is shutting down; the console reconnects by itself. */
  'server:shutdown': (payload: ShutdownNoticePayload) => void;
}

/** Moderator → server (namespace "/moderation"). */
export interface ModerationClientToServerEvents {
  'mod:action': (action: ModerationAction, ack: AckFn<{ entry: AuditEntryPayload }>) => void;
  'mod:rooms': (ack: AckFn<{ rooms: ChatRoomSummary[] }>) => void;
  'mod:history': (request: { occurrenceId: string }, ack: AckFn<{ messages: ChatMessagePayload[] }>) => void;
  'mod:audit': (request: { limit?: number }, ack: AckFn<{ entries: AuditEntryPayload[] }>) => void;
  /** The ban list: every time-out and ban in force, newest first. */
  'mod:sanctions': (ack: AckFn<{ sanctions: SanctionPayload[] }>) => void;
}

/**
 * Handshake `auth` of a viewer: the signed chat identity the server issued
 * (`viewer:identity`), kept by the page in localStorage. Absent or not valid: a new one is
 * issued. Sanctions hold on it, never on anything the client chose.
 */
export interface ViewerHandshakeAuth {
  viewer?: string;
}

/** Handshake `auth` of a moderator without a session cookie. */
export interface ModeratorHandshakeAuth {
  token?: string;
}
