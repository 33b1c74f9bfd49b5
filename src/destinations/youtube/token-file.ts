// The token file written by `onair auth youtube`: <dataDir>/youtube-token.json, mode 0600.
// It holds the refresh token and the client id it belongs to; the client secret stays in
// the environment (ONAIR_YOUTUBE_CLIENT_SECRET).
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const TOKEN_FILE_NAME = 'youtube-token.json';

export interface YoutubeTokenFile {
  clientId: string;
  refreshToken: string;
  scope: string;
  tokenUrl: string;
  createdAt: string;
}

export function tokenFilePath(dataDir: string): string {
  return path.join(dataDir, TOKEN_FILE_NAME);
}

/** Writes the file atomically, readable by the owner only. */
export function writeTokenFile(dataDir: string, token: YoutubeTokenFile): string {
  mkdirSync(dataDir, { recursive: true });
  const file = tokenFilePath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(token, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600); // the umask cannot widen it, but an existing tmp could be wider
  renameSync(tmp, file);
  return file;
}

/** Reads the file; undefined when there is none. Throws with the path when it is unreadable. */
export function readTokenFile(dataDir: string): YoutubeTokenFile | undefined {
  const file = tokenFilePath(dataDir);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); run \`onair auth youtube\` again`);
  }
  const t = parsed as Partial<YoutubeTokenFile>;
  if (typeof t.refreshToken !== 'string' || typeof t.clientId !== 'string') {
    throw new Error(`${file} lacks clientId or refreshToken; run \`onair auth youtube\` again`);
  }
  return t as YoutubeTokenFile;
}
