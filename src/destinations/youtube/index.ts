// Public face of the YouTube destination: the destination itself, the factory that builds
// it from the config, the chat client for the real-time bridge, the quota ledger and the
// quota projection for `onair validate`.
import type { Config } from '../../config/index.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { SqliteDatabase } from '../../store/sqlite/database.js';
import { resolveCredentials } from './credentials.js';
import { QuotaLedger } from '../../store/sqlite/quota-ledger.js';
import type { RetryPolicy } from './retry-policy.js';
import { YoutubeApi, type YoutubeApiDeps } from './youtube-api.js';
import { YoutubeDestination, type YoutubeDestinationDeps } from './youtube-destination.js';
import { LiveChatClient, chatBridgePort, type ChatBridgePort } from './live-chat-client.js';

export { YoutubeDestination, occurrenceMarker, watchUrl, type YoutubeDestinationDeps } from './youtube-destination.js';
export { YoutubeApi, YoutubeCallError, type YoutubeApiDeps } from './youtube-api.js';
export { QuotaLedger, type QuotaUsage } from '../../store/sqlite/quota-ledger.js';
export { resolveCredentials, type YoutubeCredentials } from './credentials.js';
export { readTokenFile, writeTokenFile, tokenFilePath, TOKEN_FILE_NAME, type YoutubeTokenFile } from './token-file.js';
export { projectYoutubeQuota, formatQuotaProjection, lifecycleUnits, chatUnits, type DayProjection, type QuotaProjectionOptions } from './quota-projection.js';
export {
  LiveChatClient,
  chatBridgePort,
  DEFAULT_CHAT_MIN_POLL_MS,
  type ChatBridgePort,
  type YoutubeLiveChat,
  type YoutubeChatMessage,
  type YoutubeChatPage,
} from './live-chat-client.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

export interface YoutubeServicesDeps {
  config: Readonly<Config>;
  clock: Clock;
  logger: Logger;
  /** The embedded database; the quota ledger keeps its own table there. */
  db: SqliteDatabase;
  retry?: Partial<RetryPolicy>;
  /** Told of every API call and its outcome (the metrics' youtubeCall). */
  onCall?: YoutubeApiDeps['onCall'];
}

/**
 * Everything YouTube, built once in the composition root: the API client (or the reason
 * there is none), the quota ledger, a destination factory and the chat client.
 * Missing credentials do not stop onair: each YouTube call then fails with the reason,
 * and the other destinations carry on.
 */
export function createYoutubeServices(deps: YoutubeServicesDeps): {
  api: YoutubeApi | { problem: string };
  ledger: QuotaLedger;
  destination(name: string, options?: { pollMs?: number; profile?: YoutubeDestinationDeps['profile'] }): YoutubeDestination;
  chat: LiveChatClient | undefined;
  /** For chat/'s YoutubeChatBridge (buildRealtimeParts' youtubeChat), when YouTube is configured. */
  chatPort: ChatBridgePort | undefined;
} {
  const { config, clock, logger } = deps;
  const ledger = new QuotaLedger({ db: deps.db, clock, dailyQuota: config.youtube.dailyQuota });
  const creds = resolveCredentials(config);
  const api = creds.ok
    ? new YoutubeApi({ apiRoot: config.youtube.apiRoot, tokenUrl: config.youtube.tokenUrl, credentials: creds.credentials, clock, logger, ledger, retry: deps.retry, ...(deps.onCall ? { onCall: deps.onCall } : {}) })
    : { problem: creds.problem };
  const chat = api instanceof YoutubeApi ? new LiveChatClient({ api, clock }) : undefined;
  if (!creds.ok) logger.warn({ problem: creds.problem }, 'YouTube destinations will fail until credentials are set');
  return {
    api,
    ledger,
    destination: (name, options = {}) =>
      new YoutubeDestination({ name, api, language: config.schedule.language, clock, logger: logger.child({ destination: name }), mediaRoot: config.dirs.media, ...options }),
    chat,
    chatPort: chat && api instanceof YoutubeApi ? chatBridgePort(chat, api) : undefined,
  };
}
