// Builds the real-time layer and chat: Socket.IO, chat service, moderator auth and the
// YouTube chat bridge, fed by the engine's events and the schedule.
import http from 'node:http';
import type { Config } from '../config/index.js';
import type { Logger } from '../shared/logger.js';
import type { Clock } from '../shared/clock.js';
import { TypedEmitter } from '../shared/typed-emitter.js';
import type { SqliteDatabase } from '../store/sqlite/database.js';
import type { BroadcastRecord, EngineEvents, ScheduleReader } from '../scheduler/ports.js';
import { ChatService, isPasswordHash, ModeratorAuth, SqliteChatStore, YoutubeChatBridge, type ChatStore, type SessionStore, type YoutubeChatPort } from '../chat/index.js';
import { ConfigError } from '../shared/errors.js';
import { attachRealtime, type ModeratorIdentityPort, type RealtimeChatPort, type RealtimeServer, type RealtimeSettings, type YoutubeStatusPort } from '../realtime/index.js';

export interface RealtimePartsDeps {
  config: Readonly<Config>;
  logger: Logger;
  clock: Clock;
  db: SqliteDatabase;
  schedule: ScheduleReader;
  engineEvents: Pick<TypedEmitter<EngineEvents>, 'on'>;
  /** Broadcast records at start (from the broadcast store), so a restart knows what is live. */
  initialRecords?: readonly BroadcastRecord[];
  /** Where chat keeps transcripts, sanctions and the audit log. @defaultValue SQLite in `db` (cluster mode: Redis) */
  chatStore?: ChatStore;
  /** YouTube live chat (over the destinations/youtube client), when YouTube is configured. */
  youtubeChat?: YoutubeChatPort;
  /** Where moderator/staff sessions live. @defaultValue in memory (cluster mode: Redis, shared by every web node) */
  sessions?: SessionStore;
  /** Socket.IO limits beyond the config (benchmarks raise the per-socket event limit). */
  realtimeLimits?: Pick<RealtimeSettings, 'eventsPer10s' | 'maxHttpBufferSize' | 'recoveryWindowMs'>;
}

export interface RealtimeParts {
  chat: ChatService;
  auth: ModeratorAuth;
  youtubeChat: YoutubeChatBridge | undefined;
  /** What createHttpApp needs for login and transcript export. */
  http: { auth: ModeratorAuth; transcripts: ChatService };
  start(): Promise<void>;
  /** Attaches Socket.IO to the HTTP server (after it listens). */
  attach(server: http.Server): RealtimeServer;
  stop(): Promise<void>;
}

/** Builds the chat service, moderator auth, YouTube chat bridge and realtime layer. */
export function buildRealtimeParts(deps: RealtimePartsDeps): RealtimeParts {
  const { config, logger, clock } = deps;
  const chat = new ChatService({
    store: deps.chatStore ?? new SqliteChatStore(deps.db),
    // A shared store (cluster) is also written by other nodes: re-read settings and sanctions.
    ...(deps.chatStore ? { cacheTtlMs: 1000 } : {}),
    schedule: deps.schedule,
    engineEvents: deps.engineEvents,
    clock,
    logger: logger.child({ module: 'chat' }),
    settings: {
      opensBeforeMs: config.chat.opensBefore,
      closesAfterMs: config.chat.closesAfter,
      maxLength: config.chat.maxLength,
      rateLimitPerConnection: config.chat.rateLimitPerConnection,
      rateLimitPerIp: config.chat.rateLimitPerIp,
      allowLinks: config.chat.allowLinks,
      bannedWords: config.chat.bannedWords,
    },
  });
  // A mistyped hash would make that moderator's login fail in silence: refuse to start instead.
  config.moderation.accounts.forEach((a, i) => {
    if (!isPasswordHash(a.passwordHash)) {
      throw new ConfigError(
        `moderation.accounts[${i}].passwordHash`,
        `the hash of "${a.name}" is not one made by \`onair hash-password\`; run \`onair hash-password --name ${a.name}\` and paste its output`,
      );
    }
  });
  const auth = new ModeratorAuth({
    accounts: config.moderation.accounts,
    token: config.secrets.moderatorToken,
    sessionTtlMs: config.moderation.sessionTtl,
    clock,
    ...(deps.sessions ? { sessions: deps.sessions } : {}),
  });
  const youtubeChat = deps.youtubeChat
    ? new YoutubeChatBridge({
        port: deps.youtubeChat,
        chat,
        engineEvents: deps.engineEvents,
        clock,
        logger: logger.child({ module: 'youtube-chat' }),
        dailyQuota: config.youtube.dailyQuota,
      })
    : undefined;
  let realtime: RealtimeServer | undefined;
  return {
    chat,
    auth,
    youtubeChat,
    http: { auth, transcripts: chat },
    async start() {
      await chat.start();
      youtubeChat?.start();
    },
    attach(server) {
      realtime = attachRealtime({
        server,
        engineEvents: deps.engineEvents,
        schedule: deps.schedule,
        chat: chat satisfies RealtimeChatPort,
        moderators: auth satisfies ModeratorIdentityPort,
        ...(youtubeChat ? { youtube: youtubeChat satisfies YoutubeStatusPort } : {}),
        ...(deps.initialRecords ? { initialRecords: deps.initialRecords } : {}),
        settings: {
          chatOpensBeforeMs: config.chat.opensBefore,
          chatClosesAfterMs: config.chat.closesAfter,
          corsOrigins: config.server.corsOrigins,
          trustProxy: config.server.trustProxy,
          publicUrl: config.server.publicUrl,
          ...deps.realtimeLimits,
        },
        logger: logger.child({ module: 'realtime' }),
        clock,
      });
      return realtime;
    },
    async stop() {
      await realtime?.stop();
      youtubeChat?.stop();
      await chat.stop();
    },
  };
}
