// The one home of how a request or a Socket.IO handshake says who it is, and which sites and
// host names may talk to this server. HTTP (src/http) and Socket.IO (src/realtime) both read
// credentials with credentialsOf(), compare secrets with sameSecret(), and check Origin and
// Host with originAllowed() and hostAllowed(); who a credential belongs to is decided in one
// place too, ModeratorAuth.identify() (src/chat), reached by both through a port.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** The name of the moderator/staff session cookie, set by POST /api/moderation/login. */
export const SESSION_COOKIE = 'onair_mod';

/** The name of the cookie marking a browser where a moderator logged in before (src/http/login-throttle.ts). */
export const DEVICE_COOKIE = 'onair_device';

/** What a request carries that may prove who it is. */
export interface Credentials {
  /** The session id from the session cookie. */
  sessionId?: string;
  /** A bearer token (Authorization: Bearer …, or the Socket.IO handshake's auth.token). */
  token?: string;
}

/** The headers credentialsOf reads (node's IncomingHttpHeaders fits). */
export interface CredentialHeaders {
  cookie?: string | undefined;
  authorization?: string | undefined;
}

/** Longest credential value read; anything longer is no credential (and no work to compare). */
const MAX_CREDENTIAL = 512;

/** The credentials in a request's headers (a missing or malformed one is simply absent). */
export function credentialsOf(headers: CredentialHeaders): Credentials {
  const out: Credentials = {};
  const sessionId = cookieValue(headers.cookie, SESSION_COOKIE);
  if (sessionId) out.sessionId = sessionId;
  const token = bearerOf(headers.authorization);
  if (token) out.token = token;
  return out;
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 7235). */
export function bearerOf(header: string | undefined): string | undefined {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  const token = m?.[1];
  return token && token.length <= MAX_CREDENTIAL ? token : undefined;
}

/** One cookie's value from a Cookie header (percent-decoded), or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      return undefined;
    }
    return value && value.length <= MAX_CREDENTIAL ? value : undefined;
  }
  return undefined;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * True when `given` equals `expected`, in time that tells nothing about either: both are
 * hashed first, so the comparison is always of 32 bytes and a length difference shows no
 * more than a content difference.
 */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function originOf(url: string): string | undefined {
  try {
    const o = new URL(url).origin;
    return o === 'null' ? undefined : o;
  } catch {
    return undefined;
  }
}

/**
 * May a page from `origin` call this server? No Origin (not a browser, or a same-origin GET)
 * is fine; otherwise it must be the page's own host or one of `allowed` (config
 * server.corsOrigins and server.publicUrl). Host itself is checked by hostAllowed(), so a
 * rebinding name (Host: evil.example with Origin: http://evil.example) never gets this far.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && parsed.host === host.toLowerCase()) return true;
  return allowed.some((a) => originOf(a) === parsed.origin);
}

/** The host names this server answers to, from config (see hostAllowed). */
export interface HostRule {
  /** Lower-case host names (no port), e.g. from server.publicUrl and server.allowedHosts. */
  names: ReadonlySet<string>;
}

/**
 * The host allow-list: the host of `publicUrl` (ONAIR_PUBLIC_URL), `extra` names
 * (server.allowedHosts), and always `localhost` and any IP literal — a DNS rebinding attack
 * needs a name the attacker controls, never an address, so addresses are safe to accept and
 * keep a LAN install (http://192.168.1.20:3000) working without configuration.
 */
export function hostRule(publicUrl: string, extra: readonly string[] = []): HostRule {
  const names = new Set<string>(['localhost']);
  if (publicUrl) {
    try {
      names.add(new URL(publicUrl).hostname.toLowerCase());
    } catch {
      // A malformed publicUrl is reported by config validation; nothing to add here.
    }
  }
  for (const e of extra) names.add(e.trim().toLowerCase().replace(/\.$/, ''));
  return { names };
}

/** The host name of a Host header without its port, lower-cased; undefined if malformed. */
export function hostnameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  try {
    const url = new URL(`http://${host}`);
    if (url.host !== host.toLowerCase() && url.host !== host.toLowerCase().replace(/:80$/, '')) return undefined;
    return url.hostname.replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/** Does this server answer to `host` (a Host header)? See hostRule. */
export function hostAllowed(host: string | undefined, rule: HostRule): boolean {
  const name = hostnameOf(host);
  if (name === undefined) return false;
  if (rule.names.has(name)) return true;
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  return isIP(bare) !== 0;
}
