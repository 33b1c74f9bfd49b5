// YouTube live chat beside ours: while a broadcast with a YouTube destination is live,
// poll liveChatMessages.list at the interval YouTube asks for (pollingIntervalMillis),
// following nextPageToken; hand each message to the chat service (moderators see it
// marked "youtube"); carry out delete/ban through the API; count the quota it spends.
import type { Clock, Cancel } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { TypedEmitter } from '../shared/typed-emitter.js';
import { youtubeQuotaCost } from '../shared/youtube-quota.js';
import type { BroadcastRecord, EngineEvents } from '../scheduler/ports.js';
import { authorIdOf, type ChatService, type ExternalModerator } from './chat-service.js';
import { neutraliseMessage, sanitiseNickname } from './text.js';
import type { StoredMessage, YoutubeChatPort } from './types.js';
import type { YoutubeChatStatus } from '../shared/chat-payloads.js';

export type { YoutubeChatStatus };

export interface YoutubeBridgeEvents {
  [event: string]: (...args: any[]) => void;
  status: (status: YoutubeChatStatus) => void;
}

export interface YoutubeChatBridgeDeps {
  port: YoutubeChatPort;
  chat: ChatService;
  engineEvents: Pick<TypedEmitter<EngineEvents>, 'on'>;
  clock: Clock;
  logger: Logger;
  /** @defaultValue 10000 (config youtube.dailyQuota) */
  dailyQuota: number;
}

/** Used until YouTube names its interval, and never polled faster than this. */
const MIN_INTERVAL_MS = 1000;
const DEFAULT_INTERVAL_MS = 5000;
const LIST_COST = youtubeQuotaCost('liveChatMessages.list');

interface Poller {
  liveChatId: string;
  pageToken: string | undefined;
  cancel: Cancel | undefined;
  stopped: boolean;
  status: YoutubeChatStatus;
}

export class YoutubeChatBridge implements ExternalModerator {
  readonly events = new TypedEmitter<YoutubeBridgeEvents>();
  readonly #deps: YoutubeChatBridgeDeps;
  readonly #pollers = new Map<string, Poller>();
  #unsubscribe: (() => void) | undefined;

  constructor(deps: YoutubeChatBridgeDeps) {
    this.#deps = deps;
  }

  start(): void {
    this.#deps.chat.attachExternal(this);
    this.#unsubscribe = this.#deps.engineEvents.on('transition', (record) => {
      this.#onTransition(record).catch((err: unknown) => this.#deps.logger.warn({ err }, 'youtube chat: could not start polling'));
    });
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#deps.chat.attachExternal(undefined);
    for (const id of [...this.#pollers.keys()]) this.#stopPolling(id);
  }

  onStatus(listener: (status: YoutubeChatStatus) => void): () => void {
    return this.events.on('status', listener);
  }

  statuses(): YoutubeChatStatus[] {
    return [...this.#pollers.values()].map((p) => ({ ...p.status }));
  }

  status(occurrenceId: string): YoutubeChatStatus | undefined {
    const p = this.#pollers.get(occurrenceId);
    return p ? { ...p.status } : undefined;
  }

  async #onTransition(record: BroadcastRecord): Promise<void> {
    if (record.state !== 'live') {
      if (record.state !== 'ending' && record.state !== 'ready' && record.state !== 'preparing') this.#stopPolling(record.occurrenceId);
      return;
    }
    if (this.#pollers.has(record.occurrenceId)) return;
    const dest = record.destinations.find((d) => d.kind === 'youtube' && d.status === 'live');
    if (!dest) return;
    let liveChatId = dest.remote['liveChatId'];
    const broadcastId = dest.remote['broadcastId'];
    if (!liveChatId && broadcastId && this.#deps.port.liveChatIdOf) liveChatId = await this.#deps.port.liveChatIdOf(broadcastId);
    if (!liveChatId) {
      this.#deps.logger.warn({ occurrenceId: record.occurrenceId }, 'youtube chat: broadcast has no liveChatId; chat not shown');
      return;
    }
    this.begin(record.occurrenceId, dest.name, liveChatId);
  }

  /** Starts polling one broadcast's live chat (normally called on the live transition). */
  begin(occurrenceId: string, destination: string, liveChatId: string): void {
    if (this.#pollers.has(occurrenceId)) return;
    const poller: Poller = {
      liveChatId,
      pageToken: undefined,
      cancel: undefined,
      stopped: false,
      status: {
        occurrenceId,
        destination,
        polling: true,
        pollingIntervalMs: DEFAULT_INTERVAL_MS,
        polls: 0,
        unitsSpent: 0,
        unitsPerHour: Math.round((3600_000 / DEFAULT_INTERVAL_MS) * LIST_COST),
        dailyQuota: this.#deps.dailyQuota,
        lastError: null,
      },
    };
    this.#pollers.set(occurrenceId, poller);
    this.#schedule(occurrenceId, poller, 0);
  }

  #schedule(occurrenceId: string, poller: Poller, delayMs: number): void {
    if (poller.stopped) return;
    const when = new Date(this.#deps.clock.now().getTime() + delayMs);
    poller.cancel = this.#deps.clock.at(when, () => {
      this.#poll(occurrenceId, poller).catch((err: unknown) => this.#deps.logger.warn({ err }, 'youtube chat: poll failed'));
    });
  }

  async #poll(occurrenceId: string, poller: Poller): Promise<void> {
    if (poller.stopped) return;
    const st = poller.status;
    try {
      st.polls += 1;
      st.unitsSpent += LIST_COST;
      const page = await this.#deps.port.list(poller.liveChatId, poller.pageToken);
      poller.pageToken = page.nextPageToken ?? poller.pageToken;
      st.pollingIntervalMs = Math.max(MIN_INTERVAL_MS, page.pollingIntervalMillis || DEFAULT_INTERVAL_MS);
      st.unitsPerHour = Math.round((3600_000 / st.pollingIntervalMs) * LIST_COST);
      st.lastError = null;
      for (const item of page.items) {
        const fingerprint = `yt:${item.authorChannelId}`;
        const message: StoredMessage = {
          id: `yt_${item.id}`,
          occurrenceId,
          origin: 'youtube',
          nickname: sanitiseNickname(item.authorName) ?? 'YouTube',
          authorId: authorIdOf(fingerprint),
          text: neutraliseMessage(item.text),
          at: item.publishedAt,
          fingerprint,
          ip: '',
          externalId: item.id,
          deletedAt: null,
          deletedBy: null,
        };
        await this.#deps.chat.ingestExternal(message);
      }
    } catch (err) {
      const reason = reasonOf(err);
      st.lastError = reason ?? (err as Error).message;
      if (reason === 'liveChatEnded' || reason === 'liveChatNotFound' || reason === 'liveChatDisabled' || reason === 'quotaExceeded') {
        this.#deps.logger.info({ occurrenceId, reason }, 'youtube chat: polling stopped');
        st.polling = false;
        poller.stopped = true;
        this.events.emit('status', { ...st });
        return;
      }
      // Anything else may pass: back off to twice the interval.
      this.events.emit('status', { ...st });
      this.#schedule(occurrenceId, poller, st.pollingIntervalMs * 2);
      return;
    }
    this.events.emit('status', { ...st });
    this.#schedule(occurrenceId, poller, st.pollingIntervalMs);
  }

  #stopPolling(occurrenceId: string): void {
    const p = this.#pollers.get(occurrenceId);
    if (!p) return;
    p.stopped = true;
    p.cancel?.();
    if (p.status.polling) {
      p.status.polling = false;
      this.events.emit('status', { ...p.status });
    }
  }

  #liveChatOf(message: StoredMessage): Poller | undefined {
    return this.#pollers.get(message.occurrenceId);
  }

  async deleteMessage(message: StoredMessage): Promise<void> {
    if (!message.externalId) throw new Error('message has no YouTube id');
    await this.#deps.port.deleteMessage(message.externalId);
    this.#charge(message.occurrenceId, 'liveChatMessages.delete');
  }

  async ban(message: StoredMessage, durationSeconds: number | null): Promise<void> {
    const poller = this.#liveChatOf(message);
    if (!poller) throw new Error('the YouTube chat of this broadcast is not being followed any more');
    await this.#deps.port.ban(poller.liveChatId, message.fingerprint.replace(/^yt:/, ''), durationSeconds);
    this.#charge(message.occurrenceId, 'liveChatBans.insert');
  }

  #charge(occurrenceId: string, method: string): void {
    const p = this.#pollers.get(occurrenceId);
    if (!p) return;
    p.status.unitsSpent += youtubeQuotaCost(method);
    this.events.emit('status', { ...p.status });
  }
}

/** The API's error reason (googleapis: response.data.error.errors[0].reason), if any. */
function reasonOf(err: unknown): string | undefined {
  const e = err as { reason?: unknown; code?: unknown; response?: { data?: { error?: { errors?: Array<{ reason?: unknown }> } } } };
  if (typeof e?.reason === 'string') return e.reason;
  const r = e?.response?.data?.error?.errors?.[0]?.reason;
  return typeof r === 'string' ? r : undefined;
}
