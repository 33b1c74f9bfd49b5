// The rtmp destination: the ingest URL is url + key from the environment, the key never
// reaches a log line, a missing key or an unreachable server are clear typed errors, and
// the encoder's video really reaches a receiver through it.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/index.js';
import { createDestination, createDestinationFactory, RtmpDestination } from '../../src/destinations/index.js';
import { DestinationError, type DestinationContext, type DestinationState } from '../../src/scheduler/ports.js';
import type { Occurrence } from '../../src/schedule/types.js';
import { createLogger } from '../../src/shared/logger.js';
import { binaries, waitFor } from '../support/ffmpeg-tools.js';
import { RtmpReceiver } from '../support/rtmp-receiver.js';
import { freePort } from '../support/free-port.js';
import { testOccurrence } from '../support/test-occurrence.js';
import { testEncoderFactory } from '../support/test-encoder-factory.js';

const occ: Occurrence = testOccurrence('relay@2026-12-05T11:00', { destinations: ['municipal'] });
const pending: DestinationState = { name: 'municipal', kind: 'rtmp', status: 'pending', remote: {} };
const ctx: DestinationContext = { persist: async () => {}, signal: new AbortController().signal, now: () => new Date() };

function capture(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  return { logger: createLogger('debug', sink), text: () => out };
}

describe('rtmp destination (real RTMP receiver)', function () {
  this.timeout(60_000);
  let dir: string;
  let receiver: RtmpReceiver | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'onair-rtmp-'));
  });
  afterEach(async () => {
    await receiver?.stop();
    receiver = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('is built by name from config with the key from the environment, never logs the key, and carries real video', async () => {
    receiver = await RtmpReceiver.start(dir, 'S3cretKey');
    const config = loadConfig({
      env: { ONAIR_MUNICIPAL_KEY: 'S3cretKey' },
      overrides: { 'destinations.municipal': { type: 'rtmp', url: `${receiver.baseUrl}/`, keyEnv: 'ONAIR_MUNICIPAL_KEY' } },
    });
    const log = capture();
    const lookup = createDestinationFactory({ config, logger: log.logger, ffmpeg: binaries().ffmpeg });
    const dest = lookup('municipal');
    expect(lookup('municipal')).to.equal(dest);
    expect(dest).to.be.instanceOf(RtmpDestination);
    let state = await dest.prepare(occ, pending, ctx);
    expect(state.ingest).to.deep.equal({ url: receiver.url, format: 'flv' });
    state = await dest.awaitIngest(occ, state, ctx);

    const encoder = testEncoderFactory(dir, {}, { logger: log.logger }).create({ occurrence: occ, outputs: [{ destination: 'municipal', target: state.ingest! }] });
    try {
      encoder.start('programme');
      state = await dest.goLive(occ, state, ctx);
      await waitFor('video at the receiver', async () => (await receiver!.framesReceived()) >= 50, 30_000, 300);
    } finally {
      await encoder.stop();
    }
    state = await dest.end(occ, state, ctx);
    expect(state.status).to.equal('complete');
    expect(log.text()).to.include('rtmp: ingest ready');
    expect(log.text()).to.not.include('S3cretKey');
  });

  it('says which environment variable to set when the stream key is missing (not retryable)', async () => {
    const config = loadConfig({
      env: {},
      overrides: { 'destinations.municipal': { type: 'rtmp', url: 'rtmp://127.0.0.1/live', keyEnv: 'ONAIR_MUNICIPAL_KEY' } },
    });
    const dest = createDestination('municipal', { config, logger: createLogger('silent'), ffmpeg: binaries().ffmpeg });
    const err = (await dest.prepare(occ, pending, ctx).catch((e: unknown) => e)) as DestinationError;
    expect(err).to.be.instanceOf(DestinationError);
    expect(err.code).to.equal('stream-key-missing');
    expect(err.retryable).to.equal(false);
    expect(err.message).to.include('ONAIR_MUNICIPAL_KEY');
  });

  it('reports an unreachable server as retryable, naming the config key to check', async () => {
    // A port nothing listens on. (Stopping a receiver raced: its ffmpeg could still hold the
    // listening socket for a moment after the guard exited, and the connect succeeded.)
    const port = await freePort();
    const dest = new RtmpDestination({ name: 'municipal', url: `rtmp://127.0.0.1:${port}/live`, logger: createLogger('silent') });
    const state = await dest.prepare(occ, pending, ctx);
    const err = (await dest.awaitIngest(occ, state, ctx).catch((e: unknown) => e)) as DestinationError;
    expect(err.code).to.equal('rtmp-unreachable');
    expect(err.retryable).to.equal(true);
    expect(err.message).to.include('destinations.municipal.url').and.include('ECONNREFUSED');
  });

  it('names the configured destinations when asked for an unknown one', () => {
    const config = loadConfig({ env: {} });
    expect(() => createDestination('nope', { config, logger: createLogger('silent'), ffmpeg: binaries().ffmpeg })).to.throw(/no destination named "nope".*local/);
  });
});
