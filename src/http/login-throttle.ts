// The one login throttle (POST /api/moderation/login). Failed attempts are counted, on the
// shared rate limiter (src/shared/rate-limit.ts, so in cluster mode across web nodes):
//  - per address and name: 10 a minute — guessing one moderator's password is slow;
//  - per address: 100 in 15 minutes — spraying many names is slow too.
// A right password is never what gets an address throttled, and a browser that has logged
// in as that moderator before carries a device cookie (OWASP "device cookies") that lets it
// past the throttle: a guesser behind the same NAT — a library's Wi-Fi, a school — cannot
// lock the moderators out. Only failures count, and a success clears that name's count.
import { createHmac, randomBytes } from 'node:crypto';
import type { Limit, Limiter, RateLimits } from '../shared/rate-limit.js';
import { sameSecret } from '../shared/credentials.js';

export interface LoginThrottleOptions {
  limits: RateLimits;
  /**
   * Signs device cookies; nodes that share it trust each other's (the composition passes a
   * value derived from the local staff token). @defaultValue random per process
   */
  deviceKey?: string;
  /** Failures per address and name. @defaultValue 10 a minute */
  perName?: Limit;
  /** Failures per address, any name. @defaultValue 100 in 15 minutes */
  perAddress?: Limit;
}

export class LoginThrottle {
  readonly #perName: Limiter;
  readonly #perAddress: Limiter;
  readonly #key: string;

  constructor(options: LoginThrottleOptions) {
    this.#perName = options.limits.limiter('login-name', options.perName ?? { points: 10, windowMs: 60_000 });
    this.#perAddress = options.limits.limiter('login-address', options.perAddress ?? { points: 100, windowMs: 15 * 60_000 });
    this.#key = options.deviceKey ?? randomBytes(32).toString('base64url');
  }

  /** 0 when this attempt may be checked, else ms until it may. `trusted`: a device cookie of that name. */
  async waitMs(address: string, name: string, trusted: boolean): Promise<number> {
    if (trusted) return 0;
    const [byName, byAddress] = await Promise.all([this.#perName.peek(`${address}|${name}`), this.#perAddress.peek(address)]);
    return Math.max(byName.retryAfterMs, byAddress.retryAfterMs);
  }

  async failed(address: string, name: string): Promise<void> {
    await Promise.all([this.#perName.consume(`${address}|${name}`), this.#perAddress.consume(address)]);
  }

  async succeeded(address: string, name: string): Promise<void> {
    await this.#perName.reset(`${address}|${name}`);
  }

  /** A device cookie's value for `name` (set after a successful login). */
  deviceCookie(name: string): string {
    const nonce = randomBytes(12).toString('base64url');
    return `${nonce}.${this.#sign(nonce, name)}`;
  }

  /** True when `cookie` is a device cookie this server (or one sharing its key) made for `name`. */
  trusts(cookie: string | undefined, name: string): boolean {
    const [nonce, mac] = (cookie ?? '').split('.');
    if (!nonce || !mac) return false;
    return sameSecret(mac, this.#sign(nonce, name));
  }

  #sign(nonce: string, name: string): string {
    return createHmac('sha256', this.#key).update(`onair-device\u0000${nonce}\u0000${name}`).digest('base64url');
  }
}
