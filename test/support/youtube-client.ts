// Test helper: the real googleapis client and OAuth2 client pointed at a YouTube emulator,
// as production builds them (retry off, expiry kept by the library from expires_in).
import { auth, youtube, type youtube_v3 } from '@googleapis/youtube';
import { EMULATOR_CLIENT, type YoutubeEmulator } from '../../src/emulator/youtube/index.js';

export type OAuth2 = InstanceType<typeof auth.OAuth2>;

export function emulatorClient(emu: YoutubeEmulator, refreshToken = emu.oauth.issueRefreshToken()): {
  yt: youtube_v3.Youtube;
  oauth: OAuth2;
  refreshToken: string;
} {
  const oauth = new auth.OAuth2({
    clientId: EMULATOR_CLIENT.clientId,
    clientSecret: EMULATOR_CLIENT.clientSecret,
    endpoints: { oauth2TokenUrl: emu.tokenUrl },
  });
  oauth.setCredentials({ refresh_token: refreshToken });
  const yt = youtube({ version: 'v3', auth: oauth, rootUrl: emu.rootUrl, retry: false });
  return { yt, oauth, refreshToken };
}

/** Google's error reason of a failed googleapis call (err.response.data.error.errors[0].reason). */
export function reasonOf(err: unknown): string | undefined {
  const data = (err as { response?: { data?: { error?: { errors?: Array<{ reason?: string }> } | string } } }).response?.data;
  if (typeof data?.error === 'string') return data.error;
  return data?.error?.errors?.[0]?.reason;
}

export function statusOf(err: unknown): number | undefined {
  return (err as { status?: number; response?: { status?: number } }).status ?? (err as { response?: { status?: number } }).response?.status;
}

