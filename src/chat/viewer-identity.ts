// The chat identity of a viewer: a random id the server issues on first connect and signs
// (HMAC-SHA256), which the page keeps in localStorage and presents on every connection.
// Sanctions (time-outs, bans) are keyed on this id, so they hit one browser and never
// everyone behind the same address, and a client cannot pick or forge someone's id.
// What it leaves out: a viewer who wipes the browser's storage gets a new identity; that is
// what the explicit, time-limited address ban is for.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Name of the key file in the data folder, when the key is not in the environment. */
export const VIEWER_KEY_FILE = 'viewer-id.key';

/** A signed identity as the page keeps it: "<id>.<signature>", both base64url. */
export interface IssuedViewerId {
  id: string;
  token: string;
}

const TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export class ViewerIdentities {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('the viewer id key must be at least 32 bytes');
    this.#key = key;
  }

  #sign(id: string): string {
    return createHmac('sha256', this.#key).update(`onair-viewer:${id}`).digest('base64url');
  }

  /** A new identity: 128 random bits and their signature. */
  issue(): IssuedViewerId {
    const id = randomBytes(16).toString('base64url');
    return { id, token: this.tokenFor(id) };
  }

  /** The token of an id this server issued (sent again to a viewer that never got it). */
  tokenFor(id: string): string {
    return `${id}.${this.#sign(id)}`;
  }

  /** The id inside a token this server signed, or undefined (absent, malformed, forged). */
  verify(token: unknown): string | undefined {
    if (typeof token !== 'string') return undefined;
    const m = TOKEN.exec(token);
    if (!m) return undefined;
    const want = Buffer.from(this.#sign(m[1]!));
    const got = Buffer.from(m[2]!);
    return want.length === got.length && timingSafeEqual(want, got) ? m[1] : undefined;
  }
}

/**
 * The signing key: ONAIR_VIEWER_ID_SECRET when set (several web nodes must share it), else
 * a key generated once into `<dataDir>/viewer-id.key` (mode 0600) and reused, so viewers
 * keep their identity — and sanctions keep holding — across restarts. Never logged.
 */
export function loadViewerKey(secret: string | undefined, dataDir: string): Buffer {
  if (secret !== undefined) {
    // A short secret could be guessed, and with it anyone's identity forged.
    if (secret.length < 32) throw new Error('ONAIR_VIEWER_ID_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`)');
    return Buffer.from(secret, 'utf8');
  }
  const file = path.join(dataDir, VIEWER_KEY_FILE);
  try {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
    if (key.length >= 32) return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64url') + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
