// How YouTube failures are read and classed: Google's body, OAuth errors, network errors;
// which are retried, and what staff are told.
import { expect } from 'chai';
import { readFailure, isTransient, toDestinationError } from '../../../src/destinations/youtube/youtube-failure.js';
import { backoffDelay, DEFAULT_RETRY_POLICY } from '../../../src/destinations/youtube/retry-policy.js';

const google = (status: number, reason: string) => ({
  status,
  response: { status, data: { error: { code: status, message: reason, errors: [{ domain: 'x', reason, message: `${reason}!` }], status: 'X' } } },
});

describe('YouTube failures', () => {
  it('reads Google\'s reason, OAuth errors and network errors', () => {
    expect(readFailure(google(403, 'errorStreamInactive'))).to.deep.include({ status: 403, reason: 'errorStreamInactive' });
    expect(readFailure({ response: { status: 400, data: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } } })).to.deep.include({
      reason: 'invalid_grant',
    });
    expect(readFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).reason).to.equal('network');
  });

  it('retries 5xx, backendError and rate limits, never quota or transitions', () => {
    expect(isTransient(readFailure(google(503, 'backendError')))).to.equal(true);
    expect(isTransient(readFailure(google(403, 'rateLimitExceeded')))).to.equal(true);
    expect(isTransient(readFailure(google(429, 'userRateLimitExceeded')))).to.equal(true);
    expect(isTransient(readFailure(google(500, 'errorExecutingTransition')))).to.equal(true);
    expect(isTransient(readFailure(google(403, 'quotaExceeded')))).to.equal(false);
    expect(isTransient(readFailure(google(403, 'invalidTransition')))).to.equal(false);
    expect(isTransient(readFailure(google(403, 'errorStreamInactive')))).to.equal(false);
  });

  it('tells staff what to do, and says whether it may pass', () => {
    const q = toDestinationError(readFailure(google(403, 'quotaExceeded')), 'create the YouTube event');
    expect(q.code).to.equal('quotaExceeded');
    expect(q.retryable).to.equal(false);
    const t = toDestinationError(readFailure(google(403, 'invalidTransition')), 'go live');
    expect(t.retryable).to.equal(false);
    expect(t.message).to.contain('YouTube Studio');
    const l = toDestinationError(readFailure(google(403, 'liveStreamingNotEnabled')), 'create');
    expect(l.message).to.contain('youtube.com/features');
    const b = toDestinationError(readFailure(google(503, 'backendError')), 'create');
    expect(b.retryable).to.equal(true);
  });

  it('backs off exponentially with jitter, up to the maximum', () => {
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, () => 1)).to.equal(500);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 3, () => 1)).to.equal(2000);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 3, () => 0)).to.equal(1000);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 10, () => 1)).to.equal(8000);
  });
});
