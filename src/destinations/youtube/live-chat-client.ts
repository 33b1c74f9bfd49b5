// A small client of YouTube live chat for the real-time layer's bridge (src/chat uses it
// through the YoutubeLiveChat interface): reads messages honouring pollingIntervalMillis
// and page tokens, sends, deletes and bans. Every call goes through YoutubeApi, so it is
// retried by our policy and counted in the quota ledger (chat list costs 5 units a call).
import type { youtube_v3 } from '@googleapis/youtube';
import type { Clock } from '../../shared/clock.js';
import { sleep } from './retry-policy.js';
import { YoutubeCallError, type YoutubeApi } from './youtube-api.js';

export interface YoutubeChatMessage {
  id: string;
  liveChatId: string;
  /** text: a viewer's message; deleted: a message was removed; banned: a viewer was banned. */
  type: 'text' | 'deleted' | 'banned' | 'other';
  text?: string;
  /** For type deleted: the id of the message removed. */
  deletedMessageId?: string;
  /** For type banned: the channel banned. */
  bannedChannelId?: string;
  author?: { channelId: string; displayName: string; isModerator: boolean; isOwner: boolean };
  publishedAt: string;
}

export interface YoutubeChatPage {
  messages: YoutubeChatMessage[];
  nextPageToken?: string;
  /** How long YouTube asks us to wait before the next read. */
  pollingIntervalMs: number;
  /** Set once the chat has ended (ISO time). */
  offlineAt?: string;
}

/** What the chat bridge needs from YouTube; implemented by LiveChatClient. */
export interface YoutubeLiveChat {
  fetch(liveChatId: string, pageToken?: string, signal?: AbortSignal): Promise<YoutubeChatPage>;
  /** Reads until the chat ends or `signal` aborts, calling `onPage` for every page. */
  poll(liveChatId: string, onPage: (page: YoutubeChatPage) => void | Promise<void>, options: { signal: AbortSignal; pageToken?: string }): Promise<void>;
  send(liveChatId: string, text: string, signal?: AbortSignal): Promise<string>;
  deleteMessage(messageId: string, signal?: AbortSignal): Promise<void>;
  /** Bans a channel (temporary when `durationSeconds` is given); returns the ban id. */
  ban(liveChatId: string, channelId: string, durationSeconds?: number, signal?: AbortSignal): Promise<string>;
  unban(banId: string, signal?: AbortSignal): Promise<void>;
}

export interface LiveChatClientDeps {
  api: YoutubeApi;
  clock: Clock;
  /** Never poll more often than this, whatever YouTube says (quota). @defaultValue 10000 ms */
  minPollMs?: number;
}

export const DEFAULT_CHAT_MIN_POLL_MS = 10_000;

function toMessage(m: youtube_v3.Schema$LiveChatMessage): YoutubeChatMessage {
  const s = m.snippet ?? {};
  const type =
    s.type === 'textMessageEvent' ? 'text' : s.type === 'messageDeletedEvent' ? 'deleted' : s.type === 'userBannedEvent' ? 'banned' : 'other';
  const a = m.authorDetails;
  return {
    id: m.id ?? '',
    liveChatId: s.liveChatId ?? '',
    type,
    ...(type === 'text' ? { text: s.textMessageDetails?.messageText ?? s.displayMessage ?? '' } : {}),
    ...(s.messageDeletedDetails?.deletedMessageId ? { deletedMessageId: s.messageDeletedDetails.deletedMessageId } : {}),
    ...(s.userBannedDetails?.bannedUserDetails?.channelId ? { bannedChannelId: s.userBannedDetails.bannedUserDetails.channelId } : {}),
    ...(a?.channelId
      ? { author: { channelId: a.channelId, displayName: a.displayName ?? '', isModerator: a.isChatModerator ?? false, isOwner: a.isChatOwner ?? false } }
      : {}),
    publishedAt: s.publishedAt ?? '',
  };
}

export class LiveChatClient implements YoutubeLiveChat {
  readonly #deps: LiveChatClientDeps;

  constructor(deps: LiveChatClientDeps) {
    this.#deps = deps;
  }

  async fetch(liveChatId: string, pageToken?: string, signal?: AbortSignal): Promise<YoutubeChatPage> {
    const { api } = this.#deps;
    const data = await api.call(
      'liveChatMessages.list',
      'read the YouTube chat',
      (o) => api.yt.liveChatMessages.list({ liveChatId, part: ['id', 'snippet', 'authorDetails'], maxResults: 500, ...(pageToken ? { pageToken } : {}) }, o),
      signal,
    );
    return {
      messages: (data.items ?? []).map(toMessage),
      ...(data.nextPageToken ? { nextPageToken: data.nextPageToken } : {}),
      pollingIntervalMs: data.pollingIntervalMillis ?? 5000,
      ...(data.offlineAt ? { offlineAt: data.offlineAt } : {}),
    };
  }

  async poll(
    liveChatId: string,
    onPage: (page: YoutubeChatPage) => void | Promise<void>,
    options: { signal: AbortSignal; pageToken?: string },
  ): Promise<void> {
    let token = options.pageToken;
    const min = this.#deps.minPollMs ?? DEFAULT_CHAT_MIN_POLL_MS;
    while (!options.signal.aborted) {
      let page: YoutubeChatPage;
      try {
        page = await this.fetch(liveChatId, token, options.signal);
      } catch (err) {
        // The chat is over (or gone): that ends the polling, it is not a failure.
        if (err instanceof YoutubeCallError && ['liveChatEnded', 'liveChatNotFound', 'liveChatDisabled'].includes(err.reason)) return;
        if (options.signal.aborted) return;
        throw err;
      }
      await onPage(page);
      if (page.offlineAt) return;
      token = page.nextPageToken ?? token;
      try {
        await sleep(this.#deps.clock, Math.max(min, page.pollingIntervalMs), options.signal);
      } catch {
        return; // aborted
      }
    }
  }

  async send(liveChatId: string, text: string, signal?: AbortSignal): Promise<string> {
    const { api } = this.#deps;
    const data = await api.call(
      'liveChatMessages.insert',
      'write in the YouTube chat',
      (o) => api.yt.liveChatMessages.insert({ part: ['snippet'], requestBody: { snippet: { liveChatId, type: 'textMessageEvent', textMessageDetails: { messageText: text } } } }, o),
      signal,
    );
    return data.id ?? '';
  }

  async deleteMessage(messageId: string, signal?: AbortSignal): Promise<void> {
    const { api } = this.#deps;
    await api.call('liveChatMessages.delete', 'delete a YouTube chat message', (o) => api.yt.liveChatMessages.delete({ id: messageId }, o), signal);
  }

  async ban(liveChatId: string, channelId: string, durationSeconds?: number, signal?: AbortSignal): Promise<string> {
    const { api } = this.#deps;
    const data = await api.call(
      'liveChatBans.insert',
      'ban a viewer from the YouTube chat',
      (o) =>
        api.yt.liveChatBans.insert(
          {
            part: ['snippet'],
            requestBody: {
              snippet: {
                liveChatId,
                type: durationSeconds ? 'temporary' : 'permanent',
                bannedUserDetails: { channelId },
                ...(durationSeconds ? { banDurationSeconds: String(durationSeconds) } : {}),
              },
            },
          },
          o,
        ),
      signal,
    );
    return data.id ?? '';
  }

  async unban(banId: string, signal?: AbortSignal): Promise<void> {
    const { api } = this.#deps;
    await api.call('liveChatBans.delete', 'lift a YouTube chat ban', (o) => api.yt.liveChatBans.delete({ id: banId }, o), signal);
  }
}

/**
 * The shape chat/'s YouTube bridge asks for (its YoutubeChatPort, restated here because
 * adapters do not import each other; src/main.ts passes this object across).
 */
export interface ChatBridgePort {
  list(liveChatId: string, pageToken: string | undefined): Promise<{
    items: Array<{ id: string; authorChannelId: string; authorName: string; text: string; publishedAt: string }>;
    nextPageToken: string | undefined;
    pollingIntervalMillis: number;
  }>;
  deleteMessage(messageId: string): Promise<void>;
  ban(liveChatId: string, channelId: string, durationSeconds: number | null): Promise<void>;
  liveChatIdOf(broadcastId: string): Promise<string | undefined>;
}

/** Adapts the client to chat/'s bridge: text messages only; errors keep Google's `reason`. */
export function chatBridgePort(client: LiveChatClient, api: YoutubeApi): ChatBridgePort {
  return {
    async list(liveChatId, pageToken) {
      const page = await client.fetch(liveChatId, pageToken);
      return {
        items: page.messages
          .filter((m) => m.type === 'text')
          .map((m) => ({ id: m.id, authorChannelId: m.author?.channelId ?? '', authorName: m.author?.displayName ?? '', text: m.text ?? '', publishedAt: m.publishedAt })),
        nextPageToken: page.nextPageToken,
        pollingIntervalMillis: page.pollingIntervalMs,
      };
    },
    deleteMessage: (id) => client.deleteMessage(id),
    async ban(liveChatId, channelId, durationSeconds) {
      await client.ban(liveChatId, channelId, durationSeconds ?? undefined);
    },
    async liveChatIdOf(broadcastId) {
      const data = await api.call('liveBroadcasts.list', 'find the YouTube chat', (o) => api.yt.liveBroadcasts.list({ part: ['snippet'], id: [broadcastId] }, o));
      return data.items?.[0]?.snippet?.liveChatId ?? undefined;
    },
  };
}
