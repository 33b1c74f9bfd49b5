// `onair auth youtube`: the installed-app consent flow on a loopback redirect. Prints the
// consent URL, waits on 127.0.0.1 for Google's redirect with the code, exchanges it at the
// token URL (PKCE), and stores the refresh token in <dataDir>/youtube-token.json (0600).
// Never prints the client secret or any token.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { tokenFilePath, writeTokenFile } from '../destinations/youtube/index.js';

export const GOOGLE_AUTH_URL = 'https://accounts.google.com/o/oauth2/v2/auth';
/** Upload, manage broadcasts and moderate chat (what onair does); narrower scopes cannot. */
export const YOUTUBE_AUTH_SCOPE = 'https://www.googleapis.com/auth/youtube.force-ssl';

export interface YoutubeAuthOptions {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  authUrl: string;
  dataDir: string;
  /** Loopback port for the redirect; 0 picks a free one. */
  port: number;
  /** Give up after this long without the redirect. */
  timeoutMs: number;
  /** Where the consent URL and progress go (never a secret). */
  out: (line: string) => void;
  signal?: AbortSignal;
}

export class AuthFlowError extends Error {
  override name = 'AuthFlowError';
}

/** Runs the flow; resolves with the token file written. */
export async function runYoutubeAuth(o: YoutubeAuthOptions): Promise<string> {
  const state = randomBytes(16).toString('base64url');
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  let settle!: { resolve: (code: string) => void; reject: (err: Error) => void };
  const codePromise = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/oauth2callback') {
      res.writeHead(404).end();
      return;
    }
    const page = (status: number, text: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><title>onair</title><p>${text}</p></html>`);
    };
    if (url.searchParams.get('state') !== state) {
      page(400, 'This answer does not belong to the running <code>onair auth youtube</code>. Start it again.');
      return;
    }
    const error = url.searchParams.get('error');
    const code = url.searchParams.get('code');
    if (error || !code) {
      page(400, `Google did not give access (${error ?? 'no code'}). You can close this window.`);
      settle.reject(new AuthFlowError(`consent refused: ${error ?? 'no code in the redirect'}`));
      return;
    }
    page(200, 'onair now has access to the YouTube channel. You can close this window.');
    settle.resolve(code);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => resolve());
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2callback`;
  const timer = setTimeout(() => settle.reject(new AuthFlowError(`no answer from the browser within ${Math.round(o.timeoutMs / 1000)} s; run the command again`)), o.timeoutMs);
  const onAbort = (): void => settle.reject(new AuthFlowError('cancelled'));
  o.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const consent = new URL(o.authUrl);
    consent.search = new URLSearchParams({
      client_id: o.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: YOUTUBE_AUTH_SCOPE,
      access_type: 'offline', // ask for a refresh token
      prompt: 'consent', // ... even if access was given before
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    o.out('Open this address in a browser, sign in with the channel\'s Google account and allow access:');
    o.out(consent.toString());
    o.out(`Waiting for the answer on ${redirectUri} ...`);
    const code = await codePromise;

    const res = await fetch(o.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: o.clientId,
        client_secret: o.clientSecret,
        code_verifier: verifier,
      }),
    });
    const body = (await res.json().catch(() => ({}))) as { refresh_token?: string; scope?: string; error?: string; error_description?: string };
    if (!res.ok) {
      throw new AuthFlowError(`the token endpoint refused the code: ${body.error ?? res.status}${body.error_description ? ` (${body.error_description})` : ''}`);
    }
    if (!body.refresh_token) {
      throw new AuthFlowError(
        'Google gave no refresh token. Remove onair\'s access at https://myaccount.google.com/permissions and run the command again.',
      );
    }
    const file = writeTokenFile(o.dataDir, {
      clientId: o.clientId,
      refreshToken: body.refresh_token,
      scope: body.scope ?? YOUTUBE_AUTH_SCOPE,
      tokenUrl: o.tokenUrl,
      createdAt: new Date().toISOString(),
    });
    o.out(`Saved the YouTube token to ${file} (readable by this user only).`);
    return file;
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
    server.close();
    server.closeAllConnections();
  }
}

export function registerAuth(program: Command): void {
  const auth = program.command('auth').description('Give onair access to an outside service.');
  auth
    .command('youtube')
    .description(
      `Let onair manage live events on the channel: opens Google's consent page, then stores the refresh token in <data dir>/youtube-token.json (mode 0600). Needs ONAIR_YOUTUBE_CLIENT_ID and ONAIR_YOUTUBE_CLIENT_SECRET (a "Desktop app" OAuth client).`,
    )
    .option('--port <port>', 'loopback port for the redirect (0 = any free port)', '0')
    .option('--auth-url <url>', 'consent page (Google\'s; an emulator\'s in rehearsals)', GOOGLE_AUTH_URL)
    .option('--timeout <seconds>', 'how long to wait for the browser', '300')
    .action(async (opts: { port: string; authUrl: string; timeout: string }) => {
      const config = loadConfig();
      const { youtubeClientId: clientId, youtubeClientSecret: clientSecret } = config.secrets;
      if (!clientId || !clientSecret) {
        process.stderr.write(
          'onair auth youtube: set ONAIR_YOUTUBE_CLIENT_ID and ONAIR_YOUTUBE_CLIENT_SECRET first (Google Cloud console → APIs & Services → Credentials → OAuth client of type "Desktop app").\n',
        );
        process.exitCode = 2;
        return;
      }
      const port = Number(opts.port);
      const timeoutS = Number(opts.timeout);
      if (!Number.isInteger(port) || port < 0 || port > 65535 || !(timeoutS > 0)) {
        process.stderr.write('onair auth youtube: --port must be 0-65535 and --timeout a positive number of seconds\n');
        process.exitCode = 2;
        return;
      }
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      try {
        await runYoutubeAuth({
          clientId,
          clientSecret,
          tokenUrl: config.youtube.tokenUrl,
          authUrl: opts.authUrl,
          dataDir: config.dirs.data,
          port,
          timeoutMs: timeoutS * 1000,
          out: (line) => process.stdout.write(`${line}\n`),
          signal: controller.signal,
        });
        process.stdout.write(`onair will use it when ONAIR_YOUTUBE_REFRESH_TOKEN is not set. To start over, delete ${tokenFilePath(config.dirs.data)}.\n`);
      } catch (err) {
        process.stderr.write(`onair auth youtube: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
