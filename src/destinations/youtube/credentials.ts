// Where the YouTube credentials come from: the environment (ONAIR_YOUTUBE_CLIENT_ID,
// _CLIENT_SECRET, _REFRESH_TOKEN, read into config.secrets), else the token file that
// `onair auth youtube` wrote (refresh token) with the client secret from the environment.
import type { Config } from '../../config/index.js';
import { readTokenFile, tokenFilePath } from './token-file.js';

export interface YoutubeCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Where they came from, for messages (never the values). */
  source: 'environment' | 'token-file';
}

export type CredentialsResult = { ok: true; credentials: YoutubeCredentials } | { ok: false; problem: string };

export function resolveCredentials(config: Pick<Config, 'secrets' | 'dirs'>): CredentialsResult {
  const s = config.secrets;
  if (s.youtubeClientId && s.youtubeClientSecret && s.youtubeRefreshToken) {
    return {
      ok: true,
      credentials: { clientId: s.youtubeClientId, clientSecret: s.youtubeClientSecret, refreshToken: s.youtubeRefreshToken, source: 'environment' },
    };
  }
  let file;
  try {
    file = readTokenFile(config.dirs.data);
  } catch (err) {
    return { ok: false, problem: (err as Error).message };
  }
  if (file) {
    if (s.youtubeClientId && s.youtubeClientId !== file.clientId) {
      return {
        ok: false,
        problem: `${tokenFilePath(config.dirs.data)} was made for another OAuth client than ONAIR_YOUTUBE_CLIENT_ID; run \`onair auth youtube\` again`,
      };
    }
    if (!s.youtubeClientSecret) {
      return { ok: false, problem: 'ONAIR_YOUTUBE_CLIENT_SECRET is not set (the token file holds the refresh token, not the client secret)' };
    }
    return {
      ok: true,
      credentials: { clientId: file.clientId, clientSecret: s.youtubeClientSecret, refreshToken: file.refreshToken, source: 'token-file' },
    };
  }
  const missing = [
    !s.youtubeClientId && 'ONAIR_YOUTUBE_CLIENT_ID',
    !s.youtubeClientSecret && 'ONAIR_YOUTUBE_CLIENT_SECRET',
    !s.youtubeRefreshToken && 'ONAIR_YOUTUBE_REFRESH_TOKEN',
  ].filter(Boolean);
  return {
    ok: false,
    problem: `YouTube is not set up: ${missing.join(', ')} missing and no ${tokenFilePath(config.dirs.data)}; set them or run \`onair auth youtube\``,
  };
}
