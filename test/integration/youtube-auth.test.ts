// `onair auth youtube` as staff run it (the real command, a child process) against the
// emulator's consent page and token endpoint; the browser step is a fetch that follows
// the consent redirect to the command's loopback listener.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { YoutubeEmulator, EMULATOR_CLIENT } from '../../src/emulator/youtube/index.js';
import { emulatorClient } from '../support/youtube-client.js';

describe('onair auth youtube (emulator token endpoint)', function () {
  this.timeout(60_000);
  let emu: YoutubeEmulator;
  let dir: string;
  beforeEach(async () => {
    emu = new YoutubeEmulator();
    await emu.start();
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-auth-'));
  });
  afterEach(async () => {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a 0600 token file that works, and prints no secret', async () => {
    const child = spawn(process.execPath, ['bin/onair.js', 'auth', 'youtube', '--auth-url', emu.authUrl, '--timeout', '40'], {
      env: {
        ...process.env,
        ONAIR_DATA_DIR: dir,
        ONAIR_YOUTUBE_CLIENT_ID: EMULATOR_CLIENT.clientId,
        ONAIR_YOUTUBE_CLIENT_SECRET: EMULATOR_CLIENT.clientSecret,
        ONAIR_YOUTUBE_TOKEN_URL: emu.tokenUrl,
        ONAIR_YOUTUBE_REFRESH_TOKEN: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const consentUrl = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^(http:\/\/127\.0\.0\.1:\d+\/o\/oauth2\/v2\/auth\?\S+)$/m.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', () => reject(new Error(`auth exited early: ${err}`)));
    });
    // The "browser": the consent page redirects to the command's loopback address.
    const page = await fetch(consentUrl);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.contain('You can close this window');
    expect(await exited, err).to.equal(0);

    const file = path.join(dir, 'youtube-token.json');
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { refreshToken: string; clientId: string };
    expect(saved.clientId).to.equal(EMULATOR_CLIENT.clientId);
    expect(out + err).to.not.contain(EMULATOR_CLIENT.clientSecret);
    expect(out + err).to.not.contain(saved.refreshToken);
    expect(out).to.contain('youtube-token.json');
    // The stored token really works against the API.
    const { yt } = emulatorClient(emu, saved.refreshToken);
    const res = await yt.liveBroadcasts.list({ part: ['id'], mine: true });
    expect(res.status).to.equal(200);
  });

  it('refuses to start without the client id and secret (usage error, exit 2)', async () => {
    const child = spawn(process.execPath, ['bin/onair.js', 'auth', 'youtube'], {
      env: { ...process.env, ONAIR_DATA_DIR: dir, ONAIR_YOUTUBE_CLIENT_ID: '', ONAIR_YOUTUBE_CLIENT_SECRET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code, err).to.equal(2);
    expect(err).to.contain('ONAIR_YOUTUBE_CLIENT_ID');
  });
});
