// The chat: one room per broadcast, open from chat.opensBefore before air until
// chat.closesAfter after the end; every message passes the stateful checks (window,
// sanctions, rate limits, slow mode) and then the pure filters; moderators' actions take
// effect through events the realtime layer fans out, and each is written to the audit log.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { TypedEmitter } from '../shared/typed-emitter.js';
import type { BroadcastRecord, EngineEvents, ScheduleReader } from '../scheduler/ports.js';
import type { Localized, Occurrence } from '../schedule/types.js';
import { buildFilters, runFilters, type ChatFilter } from './filters.js';
import { memoryRateLimits, type Limiter, type RateLimits } from '../shared/rate-limit.js';
import { looksLikeStaff } from './nickname-guard.js';
import { neutraliseMessage, sanitiseNickname } from './text.js';
import { trackedStore, type TrackedStore } from './tracked-store.js';
import { transcriptRows, type TranscriptRow } from './transcript.js';
import {
  fail,
  type AuditEntry,
  type ChatMessage,
  type ChatRoomState,
  type ChatStore,
  type ModerationAction,
  type Result,
  type RoomSettings,
  type Sanction,
  type SanctionPayload,
  type StoredMessage,
  type ViewerIdentity,
} from './types.js';

export interface ChatSettings {
  /** @defaultValue 15 minutes (config chat.opensBefore) */
  opensBeforeMs: number;
  /** @defaultValue 15 minutes (config chat.closesAfter) */
  closesAfterMs: number;
  maxLength: number;
  /** Messages per connection per 10 s. */
  rateLimitPerConnection: number;
  /** Messages per IP address per 10 s. */
  rateLimitPerIp: number;
  allowLinks: boolean;
  bannedWords: readonly string[];
}

export interface ChatEvents {
  [event: string]: (...args: any[]) => void;
  /** A viewer's message was accepted: fan out to the room and to moderators. */
  message: (message: ChatMessage) => void;
  /** A viewer's message was refused (closed chat, sanction, rate limit, filter): counted by the metrics. */
  rejected: (code: string) => void;
  /** A message from elsewhere (YouTube): moderators only. */
  external: (message: ChatMessage) => void;
  deleted: (payload: { occurrenceId: string; messageIds: string[] }) => void;
  state: (state: ChatRoomState) => void;
  sanction: (sanction: Sanction) => void;
  /** A sanction was lifted before its end (unban). */
  lifted: (sanction: Sanction) => void;
  audit: (entry: AuditEntry) => void;
}

/** What deleting or banning on another platform needs; the YouTube bridge implements it. */
export interface ExternalModerator {
  deleteMessage(message: StoredMessage): Promise<void>;
  ban(message: StoredMessage, durationSeconds: number | null): Promise<void>;
}

export interface ChatServiceDeps {
  store: ChatStore;
  schedule: ScheduleReader;
  /** The engine's events: a broadcast's real end moves the chat's closing time. */
  engineEvents?: Pick<TypedEmitter<EngineEvents>, 'on'>;
  clock: Clock;
  logger: Logger;
  settings: ChatSettings;
  /**
   * How long room settings and sanctions read from the store are trusted. Single process:
   * forever (every change goes through this service). Several web nodes sharing one store:
   * short, so a ban or a closed chat made on another node holds here within that time.
   * @defaultValue Infinity
   */
  cacheTtlMs?: number;
  /** Where message rate limits count (cluster mode: Redis, so a per-address limit holds on every node). @defaultValue in memory, on `clock` */
  rateLimits?: RateLimits;
}

const RATE_WINDOW_MS = 10_000;
const HISTORY = 50;
/** Longest timeout a moderator may give, in minutes (one day). */
export const MAX_TIMEOUT_MINUTES = 24 * 60;
/** Longest address ban, in minutes (one day): it silences everyone behind the address. */
export const MAX_ADDRESS_BAN_MINUTES = 24 * 60;
/** Longest timed identity ban, in minutes (30 days); longer is "until lifted". */
export const MAX_BAN_MINUTES = 30 * 24 * 60;

/** An opaque author id: stable per device, reveals nothing about it. */
export function authorIdOf(fingerprint: string): string {
  return createHash('sha256').update(`onair-author:${fingerprint}`).digest('base64url').slice(0, 12);
}

/**
 * A new message's id: its time in ms (6 bytes) and 9 random bytes, in base64url (20
 * characters). An id is an opaque string to every client (older messages keep their
 * UUIDs). A UUID's 36 characters went to every member of a room with each message (16
 * bytes more of a 214-byte message in bench:fanout's chat), and their random order put each
 * insert into the store's unique index on a random page of it; ids made in the same minute
 * share their first characters, so inserts stay on a few pages.
 */
export function newMessageId(nowMs: number): string {
  const bytes = randomBytes(15);
  bytes.writeUIntBE(nowMs, 0, 6);
  return bytes.toString('base64url');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function toSanctionPayload(s: Sanction): SanctionPayload {
  return {
    id: s.id,
    kind: s.kind,
    target: s.ip ? 'address' : 'identity',
    nickname: s.nickname,
    authorId: s.fingerprint ? authorIdOf(s.fingerprint) : null,
    origin: s.origin,
    occurrenceId: s.occurrenceId,
    until: s.until,
    at: s.at,
    moderator: s.moderator,
  };
}

/** What posting checks a message against: the room's settings and window now. */
interface RoomWindow {
  settings: RoomSettings;
  opensAt: number;
  closesAt: number;
  open: boolean;
  slowModeMs: number;
}

/** How many inputs a remembered() cache holds before it starts again (about 1 MB at most: nicknames and ids are short). */
const REMEMBERED = 10_000;

/** `compute(key)`, from `cache` when it was worked out before; the cache is emptied when full. */
function remembered<V>(cache: Map<string, V>, key: string, compute: (key: string) => V): V {
  if (cache.has(key)) return cache.get(key) as V;
  if (cache.size >= REMEMBERED) cache.clear();
  const value = compute(key);
  cache.set(key, value);
  return value;
}

function toPublic(m: StoredMessage): ChatMessage {
  return { id: m.id, occurrenceId: m.occurrenceId, origin: m.origin, nickname: m.nickname, authorId: m.authorId, text: m.text, at: m.at };
}

export class ChatService {
  readonly events = new TypedEmitter<ChatEvents>();
  readonly #deps: ChatServiceDeps;
  readonly #store: TrackedStore;
  readonly #filters: ChatFilter[];
  readonly #perConnection: Limiter;
  readonly #perIp: Limiter;
  readonly #settings = new Map<string, { settings: RoomSettings; readAt: number }>();
  #sanctionsReadAt = 0;
  readonly #endedAt = new Map<string, string>();
  /** Last accepted message per room and author, for slow mode. */
  readonly #lastSent = new Map<string, number>();
  #sanctions: Sanction[] = [];
  /** What #nickname and #authorId worked out, per input (see remembered()). */
  readonly #nicknames = new Map<string, string | undefined>();
  readonly #authorIds = new Map<string, string>();
  #external: ExternalModerator | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(deps: ChatServiceDeps) {
    // Every store call is counted until it settles: stop() waits for the writes in flight.
    this.#store = trackedStore(deps.store);
    this.#deps = { ...deps, store: this.#store.store };
    this.#filters = buildFilters(deps.settings);
    const limits = deps.rateLimits ?? memoryRateLimits(deps.clock);
    // A connection lives on one node; an address may have connections on several.
    this.#perConnection = limits.limiter('chat-connection', { points: deps.settings.rateLimitPerConnection, windowMs: RATE_WINDOW_MS }, { local: true });
    this.#perIp = limits.limiter('chat-address', { points: deps.settings.rateLimitPerIp, windowMs: RATE_WINDOW_MS });
  }

  async start(): Promise<void> {
    await this.#refreshSanctions(true);
    this.#unsubscribe = this.#deps.engineEvents?.on('transition', (record) => this.#onTransition(record));
  }

  /** Stops following the engine and waits for the store writes already started (messages, audit lines, sanctions). */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.#store.settled();
  }

  /** Lets the YouTube bridge carry out delete/ban for messages of origin "youtube". */
  attachExternal(moderator: ExternalModerator | undefined): void {
    this.#external = moderator;
  }

  #now(): Date {
    return this.#deps.clock.now();
  }

  /** sanitiseNickname, remembered: a viewer's every message carries the same nickname. */
  #nickname(raw: string): string | undefined {
    return remembered(this.#nicknames, raw, sanitiseNickname);
  }

  /** authorIdOf (a SHA-256), remembered: a viewer's every message carries the same identity. */
  #authorId(fingerprint: string): string {
    return remembered(this.#authorIds, fingerprint, authorIdOf);
  }

  #onTransition(record: BroadcastRecord): void {
    if (record.endedAt) this.#endedAt.set(record.occurrenceId, record.endedAt);
    if (record.state === 'live' || record.endedAt || record.state === 'cancelled') {
      this.roomState(record.occurrenceId)
        .then((state) => state && this.events.emit('state', state))
        .catch((err: unknown) => this.#deps.logger.warn({ err }, 'chat: room state after a transition failed'));
    }
  }

  #stale(readAt: number): boolean {
    return this.#now().getTime() - readAt > (this.#deps.cacheTtlMs ?? Infinity);
  }

  async #refreshSanctions(force = false): Promise<void> {
    if (!force && !this.#stale(this.#sanctionsReadAt)) return;
    this.#sanctions = await this.#deps.store.activeSanctions(this.#now().toISOString());
    this.#sanctionsReadAt = this.#now().getTime();
  }

  /** The room's settings as last read, while still fresh; undefined when they must be read again. */
  #freshSettings(occurrenceId: string): RoomSettings | undefined {
    const cached = this.#settings.get(occurrenceId);
    return cached && !this.#stale(cached.readAt) ? cached.settings : undefined;
  }

  async #roomSettings(occurrenceId: string): Promise<RoomSettings> {
    const fresh = this.#freshSettings(occurrenceId);
    if (fresh) return fresh;
    const settings = (await this.#deps.store.roomSettings(occurrenceId)) ?? {
      occurrenceId,
      slowModeMs: null,
      pinnedMessageId: null,
      closedByModerator: false,
    };
    this.#remember(settings);
    return settings;
  }

  #remember(settings: RoomSettings): void {
    this.#settings.set(settings.occurrenceId, { settings, readAt: this.#now().getTime() });
  }

  #occurrence(occurrenceId: string): Occurrence | undefined {
    const occ = this.#deps.schedule.find(occurrenceId);
    return occ && occ.chat.enabled ? occ : undefined;
  }

  /**
   * The room's window and settings now, or undefined when the broadcast has no chat: what
   * a message is checked against, without the rest of the public state (its times as text,
   * the pinned message read from the store), which every message would otherwise pay for.
   */
  async #room(occurrenceId: string): Promise<RoomWindow | undefined> {
    const occ = this.#occurrence(occurrenceId);
    if (!occ) return undefined;
    // Fresh settings without an await: every posted message comes through here.
    const s = this.#freshSettings(occurrenceId) ?? (await this.#roomSettings(occurrenceId));
    const { opensBeforeMs, closesAfterMs } = this.#deps.settings;
    const opensAt = occ.start.getTime() - opensBeforeMs;
    const ended = this.#endedAt.get(occurrenceId);
    const closesAt = (ended ? Date.parse(ended) : occ.end.getTime()) + closesAfterMs;
    const now = this.#now().getTime();
    return {
      settings: s,
      opensAt,
      closesAt,
      open: !occ.cancelled && !s.closedByModerator && now >= opensAt && now < closesAt,
      slowModeMs: s.slowModeMs ?? occ.chat.slowModeMs,
    };
  }

  /** The room's state now, or undefined when the broadcast has no chat. */
  async roomState(occurrenceId: string): Promise<ChatRoomState | undefined> {
    const room = await this.#room(occurrenceId);
    if (!room) return undefined;
    const s = room.settings;
    let pinned: ChatMessage | null = null;
    if (s.pinnedMessageId) {
      const m = await this.#deps.store.getMessage(s.pinnedMessageId);
      if (m && !m.deletedAt) pinned = toPublic(m);
    }
    return {
      occurrenceId,
      open: room.open,
      closedByModerator: s.closedByModerator,
      opensAt: new Date(room.opensAt).toISOString(),
      closesAt: new Date(room.closesAt).toISOString(),
      slowModeMs: room.slowModeMs,
      pinned,
    };
  }

  title(occurrenceId: string): Localized | null {
    return this.#deps.schedule.find(occurrenceId)?.title ?? null;
  }

  /** Rooms a moderator should see: open now or soon, and those with recent messages. */
  async rooms(): Promise<ChatRoomState[]> {
    const now = this.#now();
    const { opensBeforeMs, closesAfterMs } = this.#deps.settings;
    const ids = new Set<string>();
    const from = new Date(now.getTime() - closesAfterMs - 12 * 3600_000);
    const to = new Date(now.getTime() + opensBeforeMs + 3600_000);
    for (const occ of this.#deps.schedule.occurrences(from, to)) if (occ.chat.enabled && !occ.cancelled) ids.add(occ.id);
    for (const id of await this.#deps.store.rooms(20)) ids.add(id);
    const states: ChatRoomState[] = [];
    for (const id of ids) {
      const st = await this.roomState(id);
      if (st) states.push(st);
    }
    return states;
  }

  /**
   * The sanction that stops this viewer writing in this chat, a ban before a time-out: one
   * on the viewer's signed identity, or an address ban on the address it writes from.
   */
  sanctionOf(viewerId: string, ip: string, occurrenceId: string | null): Sanction | undefined {
    if (this.#sanctions.length === 0) return undefined;
    const now = this.#now().toISOString();
    const hits = this.#sanctions.filter(
      (s) =>
        (s.until === null || s.until > now) &&
        (s.occurrenceId === null || s.occurrenceId === occurrenceId) &&
        ((s.fingerprint !== '' && s.fingerprint === viewerId) || (s.ip !== null && s.ip !== '' && s.ip === ip)),
    );
    return hits.find((s) => s.kind === 'ban') ?? hits[0];
  }

  /** The ban list: every time-out and ban in force, newest first (no ids or addresses). */
  async sanctions(): Promise<SanctionPayload[]> {
    await this.#refreshSanctions(true);
    return this.#sanctions.map(toSanctionPayload).reverse();
  }

  /** Subscribes to several events at once; returns one function that removes them all. */
  subscribe(listeners: { [K in keyof ChatEvents & string]?: ChatEvents[K] }): () => void {
    const offs = Object.entries(listeners).map(([event, fn]) => this.events.on(event, fn as ChatEvents[string]));
    return () => offs.forEach((off) => off());
  }

  /** Checks the nickname and returns the room's state and recent history. */
  async join(
    occurrenceId: string,
    rawNickname: string,
    viewer?: { viewerId: string; ip: string },
  ): Promise<Result<{ state: ChatRoomState; history: ChatMessage[]; nickname: string }>> {
    const nickname = sanitiseNickname(rawNickname);
    if (!nickname) return fail('nickname', 'Choose a nickname of at least 2 visible characters.');
    if (looksLikeStaff(nickname)) return fail('nickname-reserved', 'That nickname looks like a moderator\'s or onair\'s own; choose another.');
    const state = await this.roomState(occurrenceId);
    if (!state) return fail('no-chat', 'This programme has no chat.');
    if (viewer) {
      // A ban takes the viewer out of the room; joining again would only bring it back.
      await this.#refreshSanctions();
      if (this.sanctionOf(viewer.viewerId, viewer.ip, occurrenceId)?.kind === 'ban') {
        return fail('banned', 'A moderator has blocked you from this chat.');
      }
    }
    return { ok: true, value: { state, history: await this.history(occurrenceId), nickname } };
  }

  async history(occurrenceId: string, limit = HISTORY): Promise<ChatMessage[]> {
    return (await this.#deps.store.recent(occurrenceId, limit)).map(toPublic);
  }

  /** Checks nickname, window, sanctions, rate limits and slow mode, then the filters. */
  async post(viewer: ViewerIdentity, occurrenceId: string, rawText: string): Promise<Result<ChatMessage>> {
    const result = await this.#post(viewer, occurrenceId, rawText);
    if (!result.ok) this.events.emit('rejected', result.code);
    return result;
  }

  async #post(viewer: ViewerIdentity, occurrenceId: string, rawText: string): Promise<Result<ChatMessage>> {
    const nickname = this.#nickname(viewer.nickname);
    if (!nickname) return fail('nickname', 'Choose a nickname of at least 2 visible characters.');
    const state = await this.#room(occurrenceId);
    if (!state) return fail('no-chat', 'This programme has no chat.');
    if (!state.open) return fail('chat-closed', 'The chat is closed now.');
    if (this.#stale(this.#sanctionsReadAt)) await this.#refreshSanctions();
    const sanction = this.sanctionOf(viewer.fingerprint, viewer.ip, occurrenceId);
    if (sanction?.kind === 'ban') {
      const until = sanction.until ? ` until ${sanction.until}` : '';
      return fail('banned', `A moderator has blocked you from ${sanction.occurrenceId ? 'this chat' : 'the chat'}${until}.`);
    }
    if (sanction) return fail('timed-out', `A moderator paused your messages until ${sanction.until ?? 'later'}.`);
    if (!(await this.#perConnection.consume(viewer.connectionId)).allowed || !(await this.#perIp.consume(viewer.ip)).allowed) {
      return fail('rate-limited', 'You are sending messages too fast; wait a few seconds.');
    }
    const now = this.#now();
    const slowKey = `${occurrenceId}\u0000${viewer.fingerprint}`;
    const last = this.#lastSent.get(slowKey);
    if (state.slowModeMs > 0 && last !== undefined && now.getTime() - last < state.slowModeMs) {
      const wait = Math.ceil((state.slowModeMs - (now.getTime() - last)) / 1000);
      return fail('slow-mode', `Slow mode is on: you can write again in ${wait} s.`);
    }
    const text = neutraliseMessage(rawText);
    const verdict = runFilters(this.#filters, text);
    if (!verdict.allowed) return fail(verdict.code, verdict.message);
    const stored: StoredMessage = {
      id: newMessageId(now.getTime()),
      occurrenceId,
      origin: 'onair',
      nickname,
      authorId: this.#authorId(viewer.fingerprint),
      text,
      at: now.toISOString(),
      fingerprint: viewer.fingerprint,
      ip: viewer.ip,
      externalId: null,
      deletedAt: null,
      deletedBy: null,
    };
    await this.#deps.store.appendMessage(stored);
    this.#lastSent.set(slowKey, now.getTime());
    const message = toPublic(stored);
    this.events.emit('message', message);
    return { ok: true, value: message };
  }

  /** Records a message read from another platform (YouTube) and shows it to moderators. */
  async ingestExternal(message: StoredMessage): Promise<void> {
    if (await this.#deps.store.getMessage(message.id)) return;
    await this.#deps.store.appendMessage(message);
    this.events.emit('external', toPublic(message));
  }

  async transcript(occurrenceId: string): Promise<StoredMessage[]> {
    return this.#deps.store.transcript(occurrenceId);
  }

  /** The transcript as exported: no IP address, no device fingerprint. */
  async transcriptRows(occurrenceId: string): Promise<TranscriptRow[]> {
    return transcriptRows(await this.#deps.store.transcript(occurrenceId));
  }

  async audit(limit: number): Promise<AuditEntry[]> {
    return this.#deps.store.audit(limit);
  }

  /** Carries out a moderator's action for everyone at once and writes it to the audit log. */
  async moderate(moderator: string, action: ModerationAction): Promise<Result<AuditEntry>> {
    const nowIso = this.#now().toISOString();
    const record = async (
      occurrenceId: string | null,
      message: StoredMessage | null,
      detail: string,
    ): Promise<Result<AuditEntry>> => {
      const entry = await this.#deps.store.appendAudit({
        at: nowIso,
        moderator,
        action: action.action,
        occurrenceId,
        messageId: message?.id ?? null,
        target: message?.nickname ?? null,
        origin: message?.origin ?? null,
        detail,
      });
      this.events.emit('audit', entry);
      return { ok: true, value: entry };
    };

    if (action.action === 'delete' || action.action === 'timeout' || action.action === 'ban') {
      const message = await this.#deps.store.getMessage(action.messageId);
      if (!message) return fail('not-found', 'That message does not exist (any more).');
      if (message.origin === 'youtube' && !this.#external) {
        return fail('youtube-unavailable', 'YouTube chat is not connected; act on it in YouTube Studio.');
      }
      try {
        if (action.action === 'delete') {
          if (message.origin === 'youtube') await this.#external?.deleteMessage(message);
          await this.#deps.store.markDeleted(message.id, moderator, nowIso);
          await this.#unpinIfPinned(message);
          this.events.emit('deleted', { occurrenceId: message.occurrenceId, messageIds: [message.id] });
          return record(message.occurrenceId, message, 'message deleted');
        }
        const later = (minutes: number): string => new Date(Date.parse(nowIso) + minutes * 60_000).toISOString();
        const base = { at: nowIso, moderator, nickname: message.nickname, origin: message.origin };
        if (action.action === 'timeout') {
          const minutes = action.minutes;
          if (message.origin === 'youtube') await this.#external?.ban(message, minutes * 60);
          // Keyed on the signed identity only: a time-out by address would silence a whole
          // library's Wi-Fi.
          await this.#addSanction({ ...base, id: randomUUID(), kind: 'timeout', fingerprint: message.fingerprint, ip: null, occurrenceId: message.occurrenceId, until: later(minutes) });
          return record(message.occurrenceId, message, `timed out for ${plural(minutes, 'minute')} in this chat`);
        }
        if (action.addressMinutes !== undefined && message.ip === '') {
          return fail('no-address', 'This author has no address onair knows (a YouTube author); ban the identity only.');
        }
        if (message.origin === 'youtube') await this.#external?.ban(message, action.minutes === null ? null : action.minutes * 60);
        const occurrenceId = action.scope === 'room' ? message.occurrenceId : null;
        const where = action.scope === 'room' ? 'this chat' : 'every chat';
        await this.#addSanction({
          ...base,
          id: randomUUID(),
          kind: 'ban',
          fingerprint: message.fingerprint,
          ip: null,
          occurrenceId,
          until: action.minutes === null ? null : later(action.minutes),
        });
        let detail = `banned from ${where} ${action.minutes === null ? 'until lifted' : `for ${plural(action.minutes, 'minute')}`}`;
        if (action.addressMinutes !== undefined) {
          await this.#addSanction({ ...base, id: randomUUID(), kind: 'ban', fingerprint: '', ip: message.ip, occurrenceId, until: later(action.addressMinutes) });
          detail += `; their address too (everyone behind it) for ${plural(action.addressMinutes, 'minute')}`;
        }
        return record(message.occurrenceId, message, detail);
      } catch (err) {
        this.#deps.logger.warn({ err, action: action.action }, 'chat: moderation on YouTube failed');
        return fail('youtube-failed', `YouTube refused: ${(err as Error).message}`);
      }
    }

    if (action.action === 'unban') {
      const lifted = await this.#deps.store.liftSanction(action.sanctionId, moderator, nowIso);
      if (!lifted) return fail('not-found', 'That time-out or ban is not in force (any more).');
      this.#sanctions = this.#sanctions.filter((s) => s.id !== lifted.id);
      this.events.emit('lifted', lifted);
      const what = `${lifted.kind === 'ban' ? 'ban' : 'time-out'}${lifted.ip ? ' of their address' : ''}`;
      const youtube = lifted.origin === 'youtube' ? ' (lift it on YouTube too, in YouTube Studio)' : '';
      const entry = await this.#deps.store.appendAudit({
        at: nowIso,
        moderator,
        action: 'unban',
        occurrenceId: lifted.occurrenceId,
        messageId: null,
        target: lifted.nickname,
        origin: lifted.origin,
        detail: `lifted the ${what} in ${lifted.occurrenceId ? 'this chat' : 'every chat'}${youtube}`,
      });
      this.events.emit('audit', entry);
      return { ok: true, value: entry };
    }

    const occurrenceId = action.occurrenceId;
    if (!this.#occurrence(occurrenceId)) return fail('no-chat', 'This programme has no chat.');
    const s = { ...(await this.#roomSettings(occurrenceId)) };
    let detail: string;
    let message: StoredMessage | null = null;
    switch (action.action) {
      case 'slow':
        s.slowModeMs = action.seconds * 1000;
        detail = action.seconds === 0 ? 'slow mode off' : `slow mode ${action.seconds} s`;
        break;
      case 'pin':
        if (action.messageId !== null) {
          message = (await this.#deps.store.getMessage(action.messageId)) ?? null;
          if (!message || message.deletedAt || message.occurrenceId !== occurrenceId) {
            return fail('not-found', 'That message is not in this chat.');
          }
        }
        s.pinnedMessageId = action.messageId;
        detail = action.messageId === null ? 'unpinned' : 'message pinned';
        break;
      case 'close':
        s.closedByModerator = true;
        detail = 'chat closed';
        break;
      case 'open':
        s.closedByModerator = false;
        detail = 'chat reopened';
        break;
    }
    await this.#deps.store.saveRoomSettings(s);
    this.#remember(s);
    const state = await this.roomState(occurrenceId);
    if (state) this.events.emit('state', state);
    return record(occurrenceId, message, detail);
  }

  async #addSanction(sanction: Sanction): Promise<void> {
    await this.#deps.store.addSanction(sanction);
    this.#sanctions.push(sanction);
    this.events.emit('sanction', sanction);
  }

  async #unpinIfPinned(message: StoredMessage): Promise<void> {
    const s = await this.#roomSettings(message.occurrenceId);
    if (s.pinnedMessageId !== message.id) return;
    const next = { ...s, pinnedMessageId: null };
    await this.#deps.store.saveRoomSettings(next);
    this.#remember(next);
    const state = await this.roomState(message.occurrenceId);
    if (state) this.events.emit('state', state);
  }

  /** Drops expired sanctions and slow-mode entries (rate-limit counts expire by themselves); the realtime layer calls it now and then. */
  prune(): void {
    const now = this.#now().toISOString();
    this.#sanctions = this.#sanctions.filter((s) => s.until === null || s.until > now);
    const horizon = this.#now().getTime() - 10 * 60_000;
    for (const [k, t] of this.#lastSent) if (t < horizon) this.#lastSent.delete(k);
  }
}
