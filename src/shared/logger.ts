// Structured logs (pino). Secrets are redacted by key wherever they appear, so a token
// or stream key passed in a log object never reaches the output.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Keys whose values are never logged. */
export const REDACTED_KEYS = [
  'password',
  'passwordHash',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'streamKey',
  // The metrics token lives only in config.secrets (covered by 'secrets'). A key listed here
  // that also sits inside the frozen config would make pino's nested redaction write into it
  // and throw (seen with metricsToken), so the config's secret names are not repeated.
  'authorization',
  'cookie',
  'secrets',
  // redis://user:password@host — the cluster's Redis URL may hold a password.
  'redisUrl',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const paths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
  return pino({ level, base: undefined, redact: { paths, censor: '[redacted]' } }, destination);
}

/** Replaces the key part of rtmp URLs ("rtmp://host/app/KEY") so a log line never holds it. */
export function maskUrl(url: string): string {
  return url.replace(/^(rtmps?:\/\/[^/]+\/[^/?]+\/)[^?]+/i, '$1****');
}
