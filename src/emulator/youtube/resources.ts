// The emulator's resources, typed with Google's own generated schemas, and the small
// helpers that shape them (ids, etags, part filtering).
import { createHash, randomBytes } from 'node:crypto';
import type { youtube_v3 } from '@googleapis/youtube';

export type LiveBroadcast = youtube_v3.Schema$LiveBroadcast;
export type LiveStream = youtube_v3.Schema$LiveStream;
export type LiveChatMessage = youtube_v3.Schema$LiveChatMessage;
export type LiveChatBan = youtube_v3.Schema$LiveChatBan;
export type LiveChatModerator = youtube_v3.Schema$LiveChatModerator;

export const BROADCAST_PARTS = ['id', 'snippet', 'contentDetails', 'status', 'statistics', 'monetizationDetails'];
export const STREAM_PARTS = ['id', 'snippet', 'cdn', 'contentDetails', 'status'];
export const CHAT_PARTS = ['id', 'snippet', 'authorDetails'];

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** An 11-character id like a YouTube video id. */
export function videoId(): string {
  const bytes = randomBytes(11);
  return Array.from(bytes, (b) => ID_ALPHABET[b % 64]).join('');
}

export function randomId(prefix: string, bytes = 16): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** A stream key shaped like YouTube's (xxxx-xxxx-xxxx-xxxx-xxxx). */
export function streamKey(): string {
  const a = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const part = (): string => Array.from(randomBytes(4), (b) => a[b % a.length]).join('');
  return [part(), part(), part(), part(), part()].join('-');
}

export function etag(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 27);
}

/** A resource with only the named parts (plus kind, etag and id, which always come back). */
export function pick<T extends { kind?: string | null; etag?: string | null; id?: string | null }>(
  resource: T,
  parts: string[],
): T {
  const out: Record<string, unknown> = { kind: resource.kind, etag: resource.etag, id: resource.id };
  for (const p of parts) {
    const v = (resource as Record<string, unknown>)[p];
    if (p !== 'id' && v !== undefined) out[p] = structuredClone(v);
  }
  return out as T;
}
