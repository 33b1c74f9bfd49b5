// What the realtime layer needs from chat/ and from the moderator login, stated as ports:
// realtime/ never imports chat/ (adapters do not import each other); src/main.ts passes
// the chat service and the moderator auth, whose shapes fit these.
import type {
  AuditEntryPayload,
  ChatMessagePayload,
  ChatRoomState,
  ModerationAction,
  SanctionPayload,
  YoutubeChatStatus,
} from './events.js';
import type { FileStatus, Localized } from '../schedule/types.js';
import type { Credentials } from '../shared/credentials.js';

export type PortResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

export interface ViewerIdentity {
  connectionId: string;
  /** The connection's server-signed viewer id (ViewerIdentityPort). */
  fingerprint: string;
  ip: string;
  nickname: string;
}

export interface SanctionNotice {
  id: string;
  kind: 'timeout' | 'ban';
  /** The viewer id it holds for; "" for an address ban. */
  fingerprint: string;
  /** Set for an address ban only. */
  ip: string | null;
  occurrenceId: string | null;
  until: string | null;
}

export interface ChatListeners {
  message: (message: ChatMessagePayload) => void;
  external: (message: ChatMessagePayload) => void;
  deleted: (payload: { occurrenceId: string; messageIds: string[] }) => void;
  state: (state: ChatRoomState) => void;
  sanction: (sanction: SanctionNotice) => void;
  lifted: (sanction: SanctionNotice) => void;
  audit: (entry: AuditEntryPayload) => void;
}

/**
 * The chat as the realtime layer drives it. Contract: `post` and `moderate` do every check
 * themselves and report refusals as results (never throw for a person's mistake); the
 * listeners fire once per accepted change, after it is stored.
 */
export interface RealtimeChatPort {
  subscribe(listeners: Partial<ChatListeners>): () => void;
  /** Refuses a banned viewer (`banned`): a ban takes it out of the room, and it stays out. */
  join(occurrenceId: string, nickname: string, viewer: { viewerId: string; ip: string }): Promise<PortResult<{ state: ChatRoomState; history: ChatMessagePayload[]; nickname: string }>>;
  post(viewer: ViewerIdentity, occurrenceId: string, text: string): Promise<PortResult<ChatMessagePayload>>;
  moderate(moderator: string, action: ModerationAction): Promise<PortResult<AuditEntryPayload>>;
  history(occurrenceId: string, limit?: number): Promise<ChatMessagePayload[]>;
  audit(limit: number): Promise<AuditEntryPayload[]>;
  rooms(): Promise<ChatRoomState[]>;
  title(occurrenceId: string): Localized | null;
  sanctionOf(viewerId: string, ip: string, occurrenceId: string | null): { kind: 'timeout' | 'ban'; until: string | null } | undefined;
  /** The ban list: time-outs and bans in force, newest first. */
  sanctions(): Promise<SanctionPayload[]>;
  /** Housekeeping: drop expired rate-limit entries. */
  prune(): void;
}

/**
 * Issues and checks viewers' signed chat identities (src/chat/viewer-identity.ts).
 * Contract: `verify` returns the id only for a token `issue` made with the same key.
 */
export interface ViewerIdentityPort {
  issue(): { id: string; token: string };
  /** The token of an id issued earlier. */
  tokenFor(id: string): string;
  verify(token: unknown): string | undefined;
}

/** Who is a moderator, from the credentials a handshake carries (src/shared/credentials.ts). */
export interface ModeratorIdentityPort {
  /** Sessions may live in Redis (cluster mode), hence a promise. */
  identify(credentials: Credentials): Promise<{ moderator: string; expiresAt: Date | null } | undefined>;
}

/** The YouTube chat bridge's figures, for the console. */
export interface YoutubeStatusPort {
  statuses(): YoutubeChatStatus[];
  onStatus(listener: (status: YoutubeChatStatus) => void): () => void;
}

/**
 * The schedule files as last read, for staff (ScheduleService fits). Contract: `onStatus`
 * fires after every read of a file (fine or broken) and every removal, and `snapshot()` then
 * already answers with the new state. It says nothing of what the engine does with it.
 */
export interface ScheduleStatusPort {
  snapshot(): { version: number; files: readonly FileStatus[] };
  onStatus(listener: () => void): () => void;
}
