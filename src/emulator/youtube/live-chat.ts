// liveChatMessages, liveChatBans and liveChatModerators as the emulator serves them: a
// broadcast's chat (opened by live-broadcasts.ts, closed when it completes), messages
// paged by offset, deletions and bans announced as chat events as YouTube does.
import type { Clock } from '../../shared/clock.js';
import { ApiError, errors } from './google-error.js';
import type { ChatEntry, EmulatorSettings, EmulatorState } from './emulator-state.js';
import { etag, pick, randomId, type LiveChatBan, type LiveChatMessage, type LiveChatModerator } from './resources.js';

export interface ViewerMessage {
  channelId: string;
  displayName: string;
  text: string;
}

export interface LiveChatDeps {
  state: EmulatorState;
  clock: Clock;
  settings: EmulatorSettings;
}

export class LiveChat {
  constructor(private readonly deps: LiveChatDeps) {}

  list(liveChatId: string, offset: number, max: number): { items: LiveChatMessage[]; next: number; offlineAt?: string; total: number } {
    const chat = this.#chat(liveChatId);
    // Without a page token, YouTube returns the recent backlog; with one, what came after.
    const start = Math.min(offset, chat.messages.length);
    const slice = chat.messages.slice(start, start + max);
    const items = slice.filter((m) => !chat.deleted.has(m.id!));
    return { items, next: start + slice.length, offlineAt: chat.offlineAt, total: chat.messages.length - chat.deleted.size };
  }

  /** The messages still shown (deleted ones left out), for tests. */
  messages(liveChatId: string): LiveChatMessage[] {
    const chat = this.deps.state.chats.get(liveChatId);
    return structuredClone(chat ? chat.messages.filter((m) => !chat.deleted.has(m.id!)) : []);
  }

  insertMessage(parts: string[], body: LiveChatMessage): LiveChatMessage {
    const s = body.snippet ?? {};
    if (!s.liveChatId) throw errors.required('snippet.liveChatId');
    if (s.type !== 'textMessageEvent') throw errors.invalidValue('snippet.type');
    const text = s.textMessageDetails?.messageText;
    if (!text) throw errors.required('snippet.textMessageDetails.messageText');
    if (text.length > 200) throw errors.invalidValue('snippet.textMessageDetails.messageText', 'The message is too long.');
    const chat = this.#chat(s.liveChatId);
    if (chat.offlineAt) throw errors.chatEnded();
    const { channelId, channelTitle } = this.deps.settings;
    return pick(this.#addMessage(chat, channelId, channelTitle, text, true), parts);
  }

  /** A viewer writes in the chat (as from youtube.com). Refused for a banned viewer. */
  postViewerMessage(liveChatId: string, message: ViewerMessage): LiveChatMessage {
    const chat = this.#chat(liveChatId);
    if (chat.offlineAt) throw errors.chatEnded();
    if (chat.bans.has(message.channelId)) throw new ApiError(403, 'forbidden', 'The user is banned from this chat.', 'youtube.liveChat');
    return this.#addMessage(chat, message.channelId, message.displayName, message.text, false);
  }

  deleteMessage(id: string): void {
    for (const chat of this.deps.state.chats.values()) {
      const found = chat.messages.some((m) => m.id === id && m.snippet?.type === 'textMessageEvent');
      if (found && !chat.deleted.has(id)) {
        chat.deleted.add(id);
        this.#pushEvent(chat, { type: 'messageDeletedEvent', messageDeletedDetails: { deletedMessageId: id } });
        return;
      }
    }
    throw errors.messageNotFound();
  }

  insertBan(parts: string[], body: LiveChatBan): LiveChatBan {
    const s = body.snippet ?? {};
    if (!s.liveChatId) throw errors.required('snippet.liveChatId');
    if (!s.type || !['permanent', 'temporary'].includes(s.type)) throw errors.invalidValue('snippet.type');
    const channelId = s.bannedUserDetails?.channelId;
    if (!channelId) throw errors.required('snippet.bannedUserDetails.channelId');
    const chat = this.#chat(s.liveChatId);
    if (chat.offlineAt) throw errors.chatEnded();
    const ban: LiveChatBan = {
      kind: 'youtube#liveChatBan',
      id: randomId('ban', 12),
      snippet: {
        liveChatId: s.liveChatId,
        type: s.type,
        bannedUserDetails: { channelId, displayName: s.bannedUserDetails?.displayName ?? channelId },
        ...(s.type === 'temporary' ? { banDurationSeconds: s.banDurationSeconds ?? '300' } : {}),
      },
    };
    ban.etag = etag(ban);
    chat.bans.set(channelId, ban);
    this.#pushEvent(chat, {
      type: 'userBannedEvent',
      userBannedDetails: { banType: s.type, bannedUserDetails: ban.snippet!.bannedUserDetails, banDurationSeconds: ban.snippet!.banDurationSeconds },
    });
    return pick(ban, parts);
  }

  deleteBan(id: string): void {
    for (const chat of this.deps.state.chats.values()) {
      for (const [channelId, ban] of chat.bans) {
        if (ban.id === id) {
          chat.bans.delete(channelId);
          return;
        }
      }
    }
    throw errors.banNotFound();
  }

  listModerators(liveChatId: string): LiveChatModerator[] {
    return this.#chat(liveChatId).moderators;
  }

  insertModerator(parts: string[], body: LiveChatModerator): LiveChatModerator {
    const s = body.snippet ?? {};
    if (!s.liveChatId) throw errors.required('snippet.liveChatId');
    const channelId = s.moderatorDetails?.channelId;
    if (!channelId) throw errors.required('snippet.moderatorDetails.channelId');
    const chat = this.#chat(s.liveChatId);
    const mod: LiveChatModerator = {
      kind: 'youtube#liveChatModerator',
      id: randomId('mod', 12),
      snippet: { liveChatId: s.liveChatId, moderatorDetails: { channelId, displayName: s.moderatorDetails?.displayName ?? channelId } },
    };
    mod.etag = etag(mod);
    chat.moderators.push(mod);
    return pick(mod, parts);
  }

  #chat(liveChatId: string): ChatEntry {
    const chat = this.deps.state.chats.get(liveChatId);
    if (!chat) throw errors.chatNotFound();
    return chat;
  }

  #addMessage(chat: ChatEntry, channelId: string, displayName: string, text: string, owner: boolean): LiveChatMessage {
    const m: LiveChatMessage = {
      kind: 'youtube#liveChatMessage',
      id: randomId('LCC.', 18),
      snippet: {
        type: 'textMessageEvent',
        liveChatId: chat.id,
        authorChannelId: channelId,
        publishedAt: this.deps.clock.now().toISOString(),
        hasDisplayContent: true,
        displayMessage: text,
        textMessageDetails: { messageText: text },
      },
      authorDetails: {
        channelId,
        channelUrl: `http://www.youtube.com/channel/${channelId}`,
        displayName,
        profileImageUrl: `https://yt3.ggpht.com/${channelId}`,
        isVerified: false,
        isChatOwner: owner,
        isChatSponsor: false,
        isChatModerator: chat.moderators.some((x) => x.snippet?.moderatorDetails?.channelId === channelId),
      },
    };
    m.etag = etag(m);
    chat.messages.push(m);
    return m;
  }

  #pushEvent(chat: ChatEntry, snippet: NonNullable<LiveChatMessage['snippet']>): void {
    const m: LiveChatMessage = {
      kind: 'youtube#liveChatMessage',
      id: randomId('LCE.', 18),
      snippet: { liveChatId: chat.id, publishedAt: this.deps.clock.now().toISOString(), hasDisplayContent: false, ...snippet },
    };
    m.etag = etag(m);
    chat.messages.push(m);
  }
}
