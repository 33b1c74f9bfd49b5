// Reading a request's query parameters as Google does: `part` and id lists repeated or
// comma-separated, maxResults within bounds, opaque page tokens; a bad value is Google's
// own error (invalidValue, required), so googleapis sees what YouTube would send.
import type { Request } from 'express';
import { errors } from './google-error.js';

/** The last value of a query parameter (express gives an array for a repeated key). */
export function queryString(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return v === undefined ? undefined : String(v);
}

export function requireParam(req: Request, name: string): string {
  const v = queryString(req.query[name]);
  if (!v) throw errors.required(name);
  return v;
}

/**
 * Reads `part` as googleapis sends it (repeated keys) or as people write it
 * (comma-separated); checks each name against what the resource has.
 */
export function readParts(raw: unknown, allowed: string[], name = 'part'): string[] {
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (values.length === 0) throw errors.required(name);
  for (const v of values) {
    if (!allowed.includes(v)) throw errors.invalidValue(name, `Invalid value for part: ${v}`);
  }
  return [...new Set(values)];
}

/** Reads a repeated or comma-separated list parameter (e.g. liveStreams.list id). */
export function readList(raw: unknown): string[] {
  return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function encodePageToken(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

export function decodePageToken(token: unknown): number {
  if (token === undefined || token === '') return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(String(token), 'base64url').toString());
  if (!m) throw errors.invalidValue('pageToken', 'The request specifies an invalid page token.');
  return Number(m[1]);
}

export function readMaxResults(raw: unknown, min: number, max: number, dflt: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw errors.invalidValue('maxResults', `Invalid value for maxResults: must be between ${min} and ${max}.`);
  }
  return n;
}

export function readBool(raw: unknown): boolean | undefined {
  if (raw === undefined) return undefined;
  return String(raw) === 'true';
}
