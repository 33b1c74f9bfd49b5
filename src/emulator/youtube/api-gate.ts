// The gate every emulated API call passes before its handler runs: injected latency, the
// Bearer token, the day's quota and injected faults, in Google's order, with every call
// recorded (tests and rehearsals read the record to count calls and units).
import type { Clock } from '../../shared/clock.js';
import { ApiError, errors } from './google-error.js';
import type { CallRecord } from './emulator-backend.js';
import type { OAuthAuthority } from './oauth-authority.js';
import type { QuotaMeter } from './quota-meter.js';

interface InjectedErrors {
  remaining: number;
  code: number;
  reason: string;
  methods?: string[];
}

export interface ApiGateDeps {
  clock: Clock;
  oauth: OAuthAuthority;
  quota: QuotaMeter;
}

export class ApiGate {
  readonly calls: CallRecord[] = [];
  #latencyMs = 0;
  #latencyMethods: string[] | undefined;
  #injected: InjectedErrors[] = [];

  constructor(private readonly deps: ApiGateDeps) {}

  /** The next `count` API calls (optionally only of these methods) fail with this error. */
  injectErrors(count: number, error: { code?: number; reason?: string; methods?: string[] } = {}): void {
    this.#injected.push({ remaining: count, code: error.code ?? 503, reason: error.reason ?? 'backendError', methods: error.methods });
  }

  /** Every API call (or only calls of `methods`) waits this long before it is answered. */
  setLatency(ms: number, methods?: string[]): void {
    this.#latencyMs = ms;
    this.#latencyMethods = methods;
  }

  get latencyMs(): number {
    return this.#latencyMs;
  }

  /**
   * Runs one API call: latency, Bearer token, quota, injected faults, then the handler.
   * Every call that reaches the project costs at least 1 unit, a refused one included.
   */
  async call<T>(method: string, authorization: string | undefined, handler: () => T, target?: string): Promise<T> {
    if (this.#latencyMs > 0 && (!this.#latencyMethods || this.#latencyMethods.includes(method))) {
      await new Promise((r) => setTimeout(r, this.#latencyMs));
    }
    const at = this.deps.clock.now().toISOString();
    const record = (status: number, cost: number, reason?: string): void => {
      this.calls.push({ method, status, cost, at, ...(target ? { target } : {}), ...(reason ? { reason } : {}) });
    };
    try {
      this.deps.oauth.check(authorization);
    } catch (err) {
      record(401, 0, (err as ApiError).reason);
      throw err;
    }
    if (this.deps.quota.wouldExceed(method)) {
      record(403, 0, 'quotaExceeded');
      throw errors.quotaExceeded();
    }
    const cost = this.deps.quota.charge(method);
    const fault = this.#injected.find((f) => f.remaining > 0 && (!f.methods || f.methods.includes(method)));
    if (fault) {
      fault.remaining--;
      this.#injected = this.#injected.filter((f) => f.remaining > 0);
      const err =
        fault.reason === 'rateLimitExceeded'
          ? errors.rateLimitExceeded(fault.code === 429 ? 429 : 403)
          : fault.reason === 'backendError'
            ? errors.backendError(fault.code)
            : new ApiError(fault.code, fault.reason, fault.reason);
      record(err.code, cost, err.reason);
      throw err;
    }
    try {
      const out = handler();
      record(200, cost);
      return out;
    } catch (err) {
      record(err instanceof ApiError ? err.code : 500, cost, err instanceof ApiError ? err.reason : 'internal');
      throw err;
    }
  }
}
