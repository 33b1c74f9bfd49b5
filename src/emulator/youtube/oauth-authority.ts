// The emulator's OAuth 2.0 side: clients, refresh tokens, access tokens and consent codes,
// answering the token endpoint as Google's does (refresh_token and authorization_code
// grants) and checking the Bearer token of every API call.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import { ApiError, errors } from './google-error.js';

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** The client every emulator knows, for rehearsals and tests that need no other. */
export const EMULATOR_CLIENT: OAuthClientCredentials = Object.freeze({
  clientId: 'onair-emulator.apps.googleusercontent.com',
  clientSecret: 'emulator-client-secret',
});

export const YOUTUBE_SCOPE = 'https://www.googleapis.com/auth/youtube';

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

interface AccessToken {
  expiresAt: number;
  refreshToken: string;
}

export class OAuthAuthority {
  readonly #clock: Clock;
  readonly #ttlS: number;
  readonly #clients = new Map<string, string>();
  readonly #refresh = new Map<string, { clientId: string; scope: string; revoked: boolean }>();
  readonly #access = new Map<string, AccessToken>();
  readonly #codes = new Map<string, { clientId: string; redirectUri: string; scope: string }>();
  /** Token endpoint calls, by grant type, for tests. */
  readonly grants: Array<{ grantType: string; ok: boolean }> = [];

  constructor(clock: Clock, clients: OAuthClientCredentials[], accessTokenTtlS: number) {
    this.#clock = clock;
    this.#ttlS = accessTokenTtlS;
    for (const c of clients) this.#clients.set(c.clientId, c.clientSecret);
  }

  /** Issues a refresh token as if the channel owner had consented earlier. */
  issueRefreshToken(clientId = EMULATOR_CLIENT.clientId, scope = YOUTUBE_SCOPE): string {
    const token = `1//emu-${randomBytes(18).toString('base64url')}`;
    this.#refresh.set(token, { clientId, scope, revoked: false });
    return token;
  }

  /** The consent step: the owner allows the client; returns the code the redirect carries. */
  authorize(clientId: string, redirectUri: string, scope: string): string {
    if (!this.#clients.has(clientId)) throw new ApiError(401, 'invalid_client', 'The OAuth client was not found.');
    const code = `4/emu-${randomBytes(12).toString('base64url')}`;
    this.#codes.set(code, { clientId, redirectUri, scope });
    return code;
  }

  /** Revokes every refresh and access token (the owner removed the app's access). */
  revokeAll(): void {
    for (const r of this.#refresh.values()) r.revoked = true;
    this.#access.clear();
  }

  /** Makes every access token expire now (the client must refresh). */
  expireAccessTokens(): void {
    this.#access.clear();
  }

  /** POST /token with form fields. */
  token(form: Record<string, string | undefined>): TokenAnswer {
    const grantType = form.grant_type ?? '';
    const answer = this.#token(grantType, form);
    this.grants.push({ grantType, ok: answer.status === 200 });
    return answer;
  }

  #token(grantType: string, form: Record<string, string | undefined>): TokenAnswer {
    const secret = form.client_id ? this.#clients.get(form.client_id) : undefined;
    if (secret === undefined || secret !== form.client_secret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' } };
    }
    if (grantType === 'refresh_token') {
      const r = form.refresh_token ? this.#refresh.get(form.refresh_token) : undefined;
      if (!r || r.revoked || r.clientId !== form.client_id) {
        return { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
      }
      return { status: 200, body: this.#accessToken(form.refresh_token!, r.scope) };
    }
    if (grantType === 'authorization_code') {
      const c = form.code ? this.#codes.get(form.code) : undefined;
      if (!c || c.clientId !== form.client_id || c.redirectUri !== form.redirect_uri) {
        return { status: 400, body: { error: 'invalid_grant', error_description: 'Malformed auth code.' } };
      }
      this.#codes.delete(form.code!);
      const refresh = this.issueRefreshToken(c.clientId, c.scope);
      return { status: 200, body: { ...this.#accessToken(refresh, c.scope), refresh_token: refresh } };
    }
    return { status: 400, body: { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grantType}` } };
  }

  #accessToken(refreshToken: string, scope: string): Record<string, unknown> {
    const token = `ya29.emu-${randomBytes(24).toString('base64url')}`;
    this.#access.set(token, { expiresAt: this.#clock.now().getTime() + this.#ttlS * 1000, refreshToken });
    return { access_token: token, expires_in: this.#ttlS, token_type: 'Bearer', scope };
  }

  /** Checks an Authorization header; throws Google's 401 when it does not carry a valid token. */
  check(header: string | undefined): void {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!m) throw new ApiError(401, 'required', 'Login Required.', 'global');
    const t = this.#access.get(m[1]!);
    if (!t) throw errors.unauthorized();
    const r = this.#refresh.get(t.refreshToken);
    if (!r || r.revoked) throw errors.unauthorized('Request had invalid authentication credentials. The access token was revoked.');
    if (t.expiresAt <= this.#clock.now().getTime()) {
      throw errors.unauthorized('Request had invalid authentication credentials. The access token expired.');
    }
  }
}
