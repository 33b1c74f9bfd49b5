// What each incoming event does, viewers' and moderators', as handler tables for the
// EventDispatcher: each payload arrives already parsed by its schema, and each handler
// answers through its ack.
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { Clock } from '../shared/clock.js';
import type { ScheduleReader } from '../scheduler/ports.js';
import type {
  ClientToServerEvents,
  ModerationClientToServerEvents,
  ModerationServerToClientEvents,
  ServerToClientEvents,
} from './events.js';
import { HandlerTable, refuse, type AnyAck, type Handler } from './event-dispatcher.js';
import type { RealtimeChatPort, SanctionNotice, YoutubeStatusPort } from './ports.js';
import type { ProgrammeFeed } from './programme-feed.js';
import { roomOf } from './programme-feed.js';
import { auditSchema, chatJoinSchema, chatLeaveSchema, chatSendSchema, historySchema, moderationActionSchema, subscribeSchema } from './schemas.js';

/** Between web nodes of a cluster (socket.io serverSideEmit). */
export interface ServerSideEvents {
  'chat:sanction': (sanction: SanctionNotice) => void;
  'chat:sanction-lifted': (sanction: SanctionNotice) => void;
}

export interface ViewerData {
  /** The server-signed chat identity (never the client-chosen handshake fingerprint). */
  viewerId: string;
  ip: string;
  nickname: string | null;
}

export interface ModeratorData {
  moderator: string;
  expiresAt: string | null;
}

export type ViewerSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, ViewerData>;
export type ModeratorSocket = Socket<ModerationClientToServerEvents, ModerationServerToClientEvents, Record<string, never>, ModeratorData>;

export function viewerHandlers(deps: { chat: RealtimeChatPort | undefined; feed: ProgrammeFeed }): ReadonlyMap<string, Handler<ViewerSocket>> {
  const { chat, feed } = deps;
  const roomsOf = (req: z.infer<typeof subscribeSchema>): string[] => [
    ...(req.programmes ?? []).map(roomOf.programme),
    ...(req.categories ?? []).map(roomOf.category),
    ...(req.audiences ?? []).map(roomOf.audience),
  ];
  const subscribed = (socket: ViewerSocket): string[] => [...socket.rooms].filter((r) => /^[pca]:/.test(r));
  return new HandlerTable<ViewerSocket, ClientToServerEvents>()
    .on('subscribe', subscribeSchema, (socket, req, ack) => {
      const rooms = roomsOf(req);
      if (subscribed(socket).length + rooms.length > 100) return refuse(ack, 'too-many', 'At most 100 subscriptions per page.');
      socket.join(rooms);
      ack({ ok: true, rooms: subscribed(socket) });
    })
    .on('unsubscribe', subscribeSchema, (socket, req, ack) => {
      for (const r of roomsOf(req)) socket.leave(r);
      ack({ ok: true, rooms: subscribed(socket) });
    })
    .on('schedule:get', null, (_socket, _req, ack) => {
      ack({ ok: true, snapshot: feed.snapshot() });
    })
    .on('chat:join', chatJoinSchema, async (socket, req, ack) => {
      if (!chat) return refuse(ack, 'no-chat', 'Chat is not available on this server.');
      const result = await chat.join(req.occurrenceId, req.nickname, { viewerId: socket.data.viewerId, ip: socket.data.ip });
      if (!result.ok) return refuse(ack, result.code, result.message);
      socket.data.nickname = result.value.nickname;
      socket.join(roomOf.chat(req.occurrenceId));
      ack({ ok: true, state: result.value.state, history: result.value.history });
    })
    .on('chat:leave', chatLeaveSchema, (socket, req, ack) => {
      socket.leave(roomOf.chat(req.occurrenceId));
      ack({ ok: true });
    })
    .on('chat:send', chatSendSchema, async (socket, req, ack) => {
      if (!chat) return refuse(ack, 'no-chat', 'Chat is not available on this server.');
      if (!socket.rooms.has(roomOf.chat(req.occurrenceId)) || !socket.data.nickname) {
        return refuse(ack, 'not-joined', 'Join the chat with a nickname first.');
      }
      const result = await chat.post(
        { connectionId: socket.id, fingerprint: socket.data.viewerId, ip: socket.data.ip, nickname: socket.data.nickname },
        req.occurrenceId,
        req.text,
      );
      if (!result.ok) return refuse(ack, result.code, result.message);
      ack({ ok: true, message: result.value });
    }).handlers;
}

export interface ModeratorHandlerDeps {
  chat: RealtimeChatPort | undefined;
  schedule: ScheduleReader;
  youtube: YoutubeStatusPort | undefined;
  clock: Clock;
  /** Tells a moderator whose session ran out, and closes the socket. */
  endSession(socket: ModeratorSocket): void;
}

export function moderatorHandlers(deps: ModeratorHandlerDeps): ReadonlyMap<string, Handler<ModeratorSocket>> {
  const table = new HandlerTable<ModeratorSocket, ModerationClientToServerEvents>();
  // Every moderator event first checks the session is still valid and chat exists.
  const on = <Z extends z.ZodType>(
    event: keyof ModerationClientToServerEvents & string,
    schema: Z | null,
    run: (socket: ModeratorSocket, p: z.infer<Z>, ack: AnyAck, chat: RealtimeChatPort) => unknown,
  ): void => {
    table.on(event, schema, (socket, p, ack) => {
      const at = socket.data.expiresAt;
      if (at !== null && Date.parse(at) <= deps.clock.now().getTime()) {
        refuse(ack, 'session-expired', 'Your session has ended; log in again.');
        deps.endSession(socket);
        return;
      }
      const chat = deps.chat;
      if (!chat) return refuse(ack, 'no-chat', 'Chat is not available on this server.');
      return run(socket, p, ack, chat);
    });
  };

  on('mod:action', moderationActionSchema, async (socket, action, ack, chat) => {
    const result = await chat.moderate(socket.data.moderator, action);
    if (!result.ok) return refuse(ack, result.code, result.message);
    ack({ ok: true, entry: result.value });
  });
  on('mod:rooms', null, async (_socket, _p, ack, chat) => {
    const statuses = deps.youtube?.statuses() ?? [];
    const rooms = (await chat.rooms()).map((state) => {
      const occ = deps.schedule.find(state.occurrenceId);
      return {
        state,
        title: chat.title(state.occurrenceId),
        start: occ?.start.toISOString() ?? null,
        end: occ?.end.toISOString() ?? null,
        timezone: occ?.timezone ?? null,
        destinations: occ ? [...occ.destinations] : [],
        youtube: statuses.find((y) => y.occurrenceId === state.occurrenceId) ?? null,
      };
    });
    rooms.sort((a, b) => (a.start ?? '').localeCompare(b.start ?? ''));
    ack({ ok: true, rooms });
  });
  on('mod:sanctions', null, async (_socket, _p, ack, chat) => {
    ack({ ok: true, sanctions: await chat.sanctions() });
  });
  on('mod:history', historySchema, async (_socket, req, ack, chat) => {
    ack({ ok: true, messages: await chat.history(req.occurrenceId, 200) });
  });
  on('mod:audit', auditSchema, async (_socket, req, ack, chat) => {
    ack({ ok: true, entries: await chat.audit(req.limit ?? 100) });
  });
  return table.handlers;
}
