// Builds the real-time layer and chat: Socket.IO, chat service, moderator auth and the
// YouTube chat bridge, fed by the engine's events and the schedule.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { Config } from '../config/index.js';
import type { Logger } from '../shared/logger.js';
import type { Clock } from '../shared/clock.js';
import { TypedEmitter } from '../shared/typed-emitter.js';
import type { SqliteDatabase } from '../store/sqlite/database.js';
import type { BroadcastRecord, EngineEvents, ScheduleReader } from '../scheduler/ports.js';
import {
  ChatService,
  isPasswordHash,
  loadViewerKey,
  ModeratorAuth,
  SqliteChatStore,
  ViewerIdentities,
  YoutubeChatBridge,
  type ChatStore,
  type SessionStore,
  type YoutubeChatPort,
} from '../chat/index.js';
import { ConfigError } from '../shared/errors.js';
import { ensureStaffToken } from '../http/staff-token.js';
import { memoryRateLimits, type RateLimits } from '../shared/rate-limit.js';
import {
  attachRealtime,
  type ModeratorIdentityPort,
  type RealtimeChatPort,
  type RealtimeServer,
  type RealtimeSettings,
  type ScheduleStatusPort,
  type ViewerIdentityPort,
  type YoutubeStatusPort,
} from '../realtime/index.js';

export interface RealtimePartsDeps {
  config: Readonly<Config>;
  logger: Logger;
  clock: Clock;
  db: SqliteDatabase;
  schedule: ScheduleReader;
  /** The schedule files' problems, pushed live to staff sockets. @defaultValue none sent */
  scheduleStatus?: ScheduleStatusPort;
  engineEvents: Pick<TypedEmitter<EngineEvents>, 'on'>;
  /** Broadcast records at start (from the broadcast store), so a restart knows what is live. */
  initialRecords?: readonly BroadcastRecord[];
  /** Where chat keeps transcripts, sanctions and the audit log. @defaultValue SQLite in `db` (cluster mode: Redis) */
  chatStore?: ChatStore;
  /** YouTube live chat (over the destinations/youtube client), when YouTube is configured. */
  youtubeChat?: YoutubeChatPort;
  /** Where moderator/staff sessions live. @defaultValue in memory (cluster mode: Redis, shared by every web node) */
  sessions?: SessionStore;
  /** Where rate limits count. @defaultValue in memory, on `clock` (cluster mode: Redis, shared by every web node) */
  rateLimits?: RateLimits;
  /** Socket.IO limits beyond the config (benchmarks raise the per-socket event limit). */
  realtimeLimits?: Pick<RealtimeSettings, 'eventsPer10s' | 'maxHttpBufferSize' | 'recoveryWindowMs'>;
}

export interface RealtimeParts {
  chat: ChatService;
  auth: ModeratorAuth;
  youtubeChat: YoutubeChatBridge | undefined;
  /** What createHttpApp needs for login and transcript export. */
  http: { auth: ModeratorAuth; transcripts: ChatService; deviceKey: string };
  /** The rate limits chat and Socket.IO count in; createHttpApp takes the same. */
  rateLimits: RateLimits;
  start(): Promise<void>;
  /** Attaches Socket.IO to the HTTP server (after it listens). */
  attach(server: http.Server): RealtimeServer;
  /** Stops Socket.IO (before the HTTP server closes); chat keeps running until stop(). */
  detach(): Promise<void>;
  stop(): Promise<void>;
}

/** The chat service on its store (SQLite by default; the cluster's shared Redis store). */
export function buildChat(
  deps: Pick<RealtimePartsDeps, 'config' | 'logger' | 'clock' | 'schedule' | 'engineEvents' | 'rateLimits'> & ({ chatStore: ChatStore } | { db: SqliteDatabase; chatStore?: ChatStore }),
): ChatService {
  const { config } = deps;
  return new ChatService({
    store: deps.chatStore ?? new SqliteChatStore((deps as { db: SqliteDatabase }).db), // the union guarantees one of the two
    // A shared store (cluster) is also written by other nodes: re-read settings and sanctions.
    ...(deps.chatStore ? { cacheTtlMs: 1000 } : {}),
    schedule: deps.schedule,
    engineEvents: deps.engineEvents,
    clock: deps.clock,
    ...(deps.rateLimits ? { rateLimits: deps.rateLimits } : {}),
    logger: deps.logger.child({ module: 'chat' }),
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
}

/** The bridge that polls each live YouTube broadcast's chat into `chat` and carries out delete/ban there. */
export function buildYoutubeChatBridge(
  deps: Pick<RealtimePartsDeps, 'config' | 'logger' | 'clock' | 'engineEvents'> & { chat: ChatService; port: YoutubeChatPort },
): YoutubeChatBridge {
  return new YoutubeChatBridge({
    port: deps.port,
    chat: deps.chat,
    engineEvents: deps.engineEvents,
    clock: deps.clock,
    logger: deps.logger.child({ module: 'youtube-chat' }),
    dailyQuota: deps.config.youtube.dailyQuota,
  });
}

/** Builds the chat service, moderator auth, YouTube chat bridge and realtime layer. */
export function buildRealtimeParts(deps: RealtimePartsDeps): RealtimeParts {
  const { config, logger, clock } = deps;
  const rateLimits = deps.rateLimits ?? memoryRateLimits(clock);
  const chat = buildChat({ ...deps, rateLimits });
  // A mistyped hash would make that moderator's login fail in silence: refuse to start instead.
  config.moderation.accounts.forEach((a, i) => {
    if (!isPasswordHash(a.passwordHash)) {
      throw new ConfigError(
        `moderation.accounts[${i}].passwordHash`,
        `the hash of "${a.name}" is not one made by \`onair hash-password\`; run \`onair hash-password --name ${a.name}\` and paste its output`,
      );
    }
  });
  const localToken = ensureStaffToken(config.dirs.data, logger);
  const auth = new ModeratorAuth({
    accounts: config.moderation.accounts,
    token: config.secrets.moderatorToken,
    // Staff on this machine act with the token file instead of being trusted for their address.
    localToken,
    sessionTtlMs: config.moderation.sessionTtl,
    clock,
    ...(deps.sessions ? { sessions: deps.sessions } : {}),
  });
  const youtubeChat = deps.youtubeChat ? buildYoutubeChatBridge({ ...deps, chat, port: deps.youtubeChat }) : undefined;
  // Chat identities are signed so sanctions hold on one browser, not on an address.
  let viewers: ViewerIdentities;
  try {
    viewers = new ViewerIdentities(loadViewerKey(config.secrets.viewerIdSecret, config.dirs.data));
  } catch (err) {
    if (config.secrets.viewerIdSecret === undefined) throw err;
    throw new ConfigError('ONAIR_VIEWER_ID_SECRET', (err as Error).message);
  }
  let realtime: RealtimeServer | undefined;
  return {
    chat,
    auth,
    youtubeChat,
    // Nodes sharing the data folder (so the token file) trust each other's device cookies.
    http: { auth, transcripts: chat, deviceKey: createHash('sha256').update(`onair-device-key\u0000${localToken}`).digest('base64url') },
    rateLimits,
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
        viewers: viewers satisfies ViewerIdentityPort,
        ...(youtubeChat ? { youtube: youtubeChat satisfies YoutubeStatusPort } : {}),
        ...(deps.scheduleStatus ? { scheduleStatus: deps.scheduleStatus } : {}),
        ...(deps.initialRecords ? { initialRecords: deps.initialRecords } : {}),
        settings: {
          chatOpensBeforeMs: config.chat.opensBefore,
          chatClosesAfterMs: config.chat.closesAfter,
          corsOrigins: config.server.corsOrigins,
          trustProxy: config.server.trustProxy,
          maxSocketsPerAddress: config.server.maxSocketsPerAddress,
          publicUrl: config.server.publicUrl,
          allowedHosts: config.server.allowedHosts,
          ...deps.realtimeLimits,
        },
        logger: logger.child({ module: 'realtime' }),
        clock,
        rateLimits,
      });
      return realtime;
    },
    async detach() {
      const attached = realtime;
      realtime = undefined;
      await attached?.stop();
    },
    async stop() {
      // Socket.IO first (its stop tells viewers to reconnect elsewhere), then chat.
      await this.detach();
      youtubeChat?.stop();
      await chat.stop();
    },
  };
}
