// The local staff token: a random bearer token written once into the data folder
// (<data>/staff-token, mode 0600) at first start, so whoever runs onair on this machine can
// act as staff (curl -H "Authorization: Bearer $(cat data/staff-token)") without setting
// ONAIR_MODERATOR_TOKEN, and nobody else can: a file only the server's user reads is the
// convenience that "loopback means staff" used to be, without trusting where a request comes
// from. The log names the file's path, never the token.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../shared/logger.js';

/** The file's name inside the data folder. */
export const STAFF_TOKEN_FILE = 'staff-token';

/**
 * Reads the token file, creating it (0600, exclusive create) when absent; a file readable by
 * others is tightened to 0600 first, with a warning. Returns the token.
 */
export function ensureStaffToken(dataDir: string, logger: Pick<Logger, 'info' | 'warn'>): string {
  const file = path.join(dataDir, STAFF_TOKEN_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    const token = randomBytes(32).toString('base64url');
    try {
      fs.writeSync(fd, `${token}\n`);
    } finally {
      fs.closeSync(fd);
    }
    logger.info({ file }, 'wrote the local staff token (send it as "Authorization: Bearer <token>"; see README "Staff actions")');
    return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const stat = fs.lstatSync(file);
  if (!stat.isFile()) throw new Error(`${file} is not a regular file; remove it and restart onair to get a new staff token`);
  if ((stat.mode & 0o077) !== 0) {
    fs.chmodSync(file, 0o600);
    logger.warn({ file }, 'the staff token file was readable by other users: made it 0600 (consider deleting it so a new token is written)');
  }
  const token = fs.readFileSync(file, 'utf8').trim();
  if (token.length < 32) throw new Error(`${file} holds no usable token; remove it and restart onair to get a new one`);
  return token;
}
