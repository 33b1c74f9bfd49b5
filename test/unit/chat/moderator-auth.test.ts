// Moderator passwords (scrypt), sessions that expire, the bearer token, and the
// `onair hash-password` command run as a real process.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { hashPassword, isPasswordHash, MemorySessionStore, ModeratorAuth, verifyPassword, type SessionStore } from '../../../src/chat/index.js';
import { RedisSessionStore } from '../../../src/store/redis/session-store.js';
import { ManualClock } from '../../support/manual-clock.js';
import { credentialsOf } from '../../../src/shared/credentials.js';
import { deletePrefix, testRedis, uniquePrefix } from '../cluster/redis-test-support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function runCli(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/onair.js'), ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('chat: moderator auth', () => {
  it('hashes with scrypt and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(isPasswordHash(hash)).to.equal(true);
    expect(hash).to.match(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', hash)).to.equal(true);
    expect(await verifyPassword('correct horse batterY', hash)).to.equal(false);
    expect(await verifyPassword('x', 'not-a-hash')).to.equal(false);
    expect(await hashPassword('same')).to.not.equal(await hashPassword('same'));
  });

  // The same contract in memory (embedded) and in the real Redis (cluster mode).
  const stores: Array<[string, (clock: ManualClock) => { store: SessionStore; close(): Promise<void> }]> = [
    ['in memory', (clock) => ({ store: new MemorySessionStore(() => clock.now().getTime()), close: async () => {} })],
    [
      'in Redis',
      (clock) => {
        const redis = testRedis();
        const prefix = uniquePrefix('sessions');
        return {
          store: new RedisSessionStore({ redis, prefix, now: () => clock.now().getTime() }),
          async close() {
            await deletePrefix(redis, prefix);
            redis.disconnect();
          },
        };
      },
    ],
  ];
  for (const [label, make] of stores) {
    it(`logs in to a session (${label}) that expires after sessionTtl, and logs out`, async () => {
      const clock = new ManualClock('2026-12-05T08:00:00Z');
      const { store, close } = make(clock);
      try {
        const account = { name: 'ayse', passwordHash: await hashPassword('moderator secret') };
        const auth = new ModeratorAuth({ accounts: [account], token: undefined, sessionTtlMs: 3600_000, clock, sessions: store });
        expect(await auth.login('ayse', 'wrong')).to.equal(undefined);
        expect(await auth.login('nobody', 'moderator secret')).to.equal(undefined);
        const s = await auth.login('ayse', 'moderator secret');
        if (!s) throw new Error('login failed');
        expect(s.expiresAt.toISOString()).to.equal('2026-12-05T09:00:00.000Z');
        expect((await auth.identify(credentialsOf({ cookie: `a=b; onair_mod=${s.id}` })))?.moderator).to.equal('ayse');
        // Another auth over the same store (another node, or this one restarted) knows the session.
        const other = new ModeratorAuth({ accounts: [account], token: undefined, sessionTtlMs: 3600_000, clock, sessions: store });
        expect((await other.identify(credentialsOf({ cookie: `onair_mod=${s.id}` })))?.moderator).to.equal('ayse');
        await clock.advance(3600_000);
        expect(await auth.identify(credentialsOf({ cookie: `onair_mod=${s.id}` }))).to.equal(undefined);
        expect(await store.get(s.id)).to.equal(undefined);
        const s2 = await auth.login('ayse', 'moderator secret');
        if (!s2) throw new Error('login failed');
        await auth.logout(s2.id);
        expect(await other.session(s2.id)).to.equal(undefined);
      } finally {
        await close();
      }
    });
  }

  it('accepts the bearer token only when one is configured, compared whole', async () => {
    const clock = new ManualClock('2026-12-05T08:00:00Z');
    const none = new ModeratorAuth({ accounts: [], token: undefined, sessionTtlMs: 1000, clock });
    expect(await none.identify({ token: '' })).to.equal(undefined);
    const auth = new ModeratorAuth({ accounts: [], token: 's3cret-token', sessionTtlMs: 1000, clock });
    expect(await auth.identify({ token: 's3cret-token' })).to.deep.equal({ moderator: 'token', expiresAt: null });
    expect(await auth.identify({ token: 's3cret-toke' })).to.equal(undefined);
    expect(await auth.identify({ token: 's3cret-token ' })).to.equal(undefined);
  });

  it('`onair hash-password` prints a hash of the password read from stdin, and refuses a short one', async function () {
    this.timeout(30_000);
    const ok = await runCli(['hash-password', '--name', 'ayse'], 'a long enough password\n');
    expect(ok.code).to.equal(0);
    const hash = ok.stdout.trim();
    expect(await verifyPassword('a long enough password', hash)).to.equal(true);
    expect(ok.stderr).to.contain('name: ayse').and.contain(hash);
    const short = await runCli(['hash-password'], 'short');
    expect(short.code).to.equal(1);
    expect(short.stdout).to.equal('');
    expect(short.stderr).to.contain('at least 10 characters');
  });
});
