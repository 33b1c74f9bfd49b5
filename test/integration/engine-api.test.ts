// /api/broadcasts on onair as `npm start` builds it (startOnair on port 0: the real express
// app, schedule service reading YAML, engine and SQLite store) on a manual clock; only the
// engine's destinations and encoder are the port fakes (test/unit/scheduler/fakes.ts),
// injected through the composition's options.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/config/index.js';
import { startOnair, type Onair } from '../../src/main.js';
import { createLogger } from '../../src/shared/logger.js';
import { ManualClock } from '../support/manual-clock.js';
import { fakeDestination, fakeEncoders, type FakeDestination } from '../unit/scheduler/fakes.js';

// 13:00 in Istanbul (the default zone) is 10:00 UTC.
const OCC = 'story@2026-12-05T13:00';
const START = '2026-12-05T10:00:00.000Z';
const STORY = `id: story
title: { tr: Masal, en: Story }
category: reading
duration: 30m
recurrence:
  once: 2026-12-05T13:00
source: { testPattern: {} }
destinations: [alpha, beta]
`;

describe('engine API: /api/broadcasts', () => {
  let dir: string;
  let onair: Onair;
  let base: string;
  let encoders: ReturnType<typeof fakeEncoders>;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-engine-api-'));
    fs.mkdirSync(path.join(dir, 'schedules'));
    fs.writeFileSync(path.join(dir, 'schedules', 'story.yaml'), STORY);
    const loaded = loadConfig({
      env: {
        PORT: '0', ONAIR_HOST: '127.0.0.1', ONAIR_DATA_DIR: path.join(dir, 'data'), ONAIR_SCHEDULES_DIR: path.join(dir, 'schedules'),
        ONAIR_MEDIA_DIR: path.join(dir, 'media'), ONAIR_MODERATOR_TOKEN: 'test-token-123',
      },
    });
    const config = {
      ...loaded,
      destinations: { alpha: { type: 'rtmp', url: 'rtmp://127.0.0.1/alpha' }, beta: { type: 'rtmp', url: 'rtmp://127.0.0.1/beta' } } as const,
    };
    encoders = fakeEncoders();
    const dests = new Map<string, FakeDestination>();
    onair = await startOnair(config, {
      clock: new ManualClock('2026-12-05T09:00:00Z'),
      logger: createLogger('silent'),
      encoders,
      destinations: (name) => dests.get(name) ?? dests.set(name, fakeDestination(name)).get(name)!,
    });
    base = `http://127.0.0.1:${onair.port}`;
  });
  afterEach(async () => {
    await onair?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const state = async (id: string): Promise<string> => ((await (await fetch(`${base}/api/broadcasts/${encodeURIComponent(id)}`)).json()) as { state: string }).state;

  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(base + path, {
      method: 'POST',
      // Staff actions always need a credential (no "loopback means staff").
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-token-123', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });

  it('lists broadcasts in a window with state, times and per-destination status, without ingest URLs', async () => {
    const res = await fetch(`${base}/api/broadcasts?from=2026-12-05&to=2026-12-06`);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { broadcasts: Array<Record<string, unknown>> };
    expect(body.broadcasts).to.have.length(1);
    const b = body.broadcasts[0]!;
    expect(b).to.include({ occurrenceId: OCC, programmeId: 'story', scheduledStart: START, scheduledEnd: '2026-12-05T10:30:00.000Z' });
    expect(b['destinations']).to.deep.equal([
      { name: 'alpha', kind: 'rtmp', status: 'pending' },
      { name: 'beta', kind: 'rtmp', status: 'pending' },
    ]);
    const none = await fetch(`${base}/api/broadcasts?from=2026-12-06&to=2026-12-07`);
    expect(((await none.json()) as { broadcasts: unknown[] }).broadcasts).to.deep.equal([]);
  });

  it('says what is wrong with a bad window', async () => {
    const res = await fetch(`${base}/api/broadcasts?from=yesterday`);
    expect(res.status).to.equal(400);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).to.equal('invalid');
    expect(body.message).to.match(/^from: not a date; write e\.g\. 2026-12-05/);
    const reversed = await fetch(`${base}/api/broadcasts?from=2026-12-06&to=2026-12-05`);
    expect(((await reversed.json()) as { message: string }).message).to.match(/from must be before to/);
  });

  it('answers 404 with a hint for an unknown broadcast', async () => {
    const res = await fetch(`${base}/api/broadcasts/${encodeURIComponent('nope@2026-01-01T10:00')}`);
    expect(res.status).to.equal(404);
    expect(((await res.json()) as { message: string }).message).to.match(/no broadcast with id "nope@2026-01-01T10:00"/);
  });

  it('runs the staff actions: start now, extend, slate, programme, end now', async () => {
    const id = encodeURIComponent(OCC);
    const started = await post(`/api/broadcasts/${id}/start`);
    expect(started.status).to.equal(200);
    const s = (await started.json()) as { state: string; liveAt: string; destinations: Array<{ ingest?: unknown }> };
    expect(s.state).to.equal('live');
    expect(s.liveAt).to.equal('2026-12-05T09:00:00.000Z');
    expect(s.destinations.every((d) => d.ingest === undefined)).to.equal(true);

    const ext = await post(`/api/broadcasts/${id}/extend`, { minutes: 15 });
    expect(((await ext.json()) as { scheduledEnd: string }).scheduledEnd).to.equal('2026-12-05T10:45:00.000Z');

    expect((await post(`/api/broadcasts/${id}/slate`)).status).to.equal(200);
    expect((await post(`/api/broadcasts/${id}/programme`)).status).to.equal(200);
    expect(encoders.created[0]!.log).to.deep.equal(['start:programme', 'show:slate', 'show:programme']);

    const ended = await post(`/api/broadcasts/${id}/end`);
    const e = (await ended.json()) as { state: string; reason: string };
    expect(e.state).to.equal('complete');
    expect(e.reason).to.match(/ended early by staff/);

    const history = await fetch(`${base}/api/broadcasts/${id}/transitions`);
    const h2 = (await history.json()) as { transitions: Array<{ from?: string; to: string }> };
    expect(h2.transitions.map((t) => `${t.from ?? '∅'}→${t.to}`)).to.deep.equal([
      '∅→scheduled', 'scheduled→preparing', 'preparing→ready', 'ready→live', 'live→ending', 'ending→complete',
    ]);

    const again = await post(`/api/broadcasts/${id}/end`);
    expect(again.status).to.equal(409);
    expect(((await again.json()) as { message: string }).message).to.match(/is complete; only a live broadcast can be ended/);
  });

  it('validates the extend body', async () => {
    const id = encodeURIComponent(OCC);
    const zero = await post(`/api/broadcasts/${id}/extend`, { minutes: 0 });
    expect(zero.status).to.equal(400);
    const text = await post(`/api/broadcasts/${id}/extend`, { minutes: 'ten' });
    expect(((await text.json()) as { message: string }).message).to.match(/minutes must be a number/);
    const broken = await post(`/api/broadcasts/${id}/extend`, '{"minutes": ');
    expect(broken.status).to.equal(400);
    expect(((await broken.json()) as { message: string }).message).to.match(/not valid JSON/);
  });

  it('refuses staff actions from behind a proxy without the token, and takes the token', async () => {
    const id = encodeURIComponent(OCC);
    const refused = await post(`/api/broadcasts/${id}/start`, undefined, { 'x-forwarded-for': '203.0.113.9', authorization: '' });
    expect(refused.status).to.equal(401);
    expect(((await refused.json()) as { message: string }).message).to.match(/ONAIR_MODERATOR_TOKEN/);
    expect(await state(OCC)).to.equal('scheduled');
    const wrong = await post(`/api/broadcasts/${id}/start`, undefined, {
      'x-forwarded-for': '203.0.113.9',
      authorization: 'Bearer wrong-token-12',
    });
    expect(wrong.status).to.equal(401);
    const ok = await post(`/api/broadcasts/${id}/start`, undefined, {
      'x-forwarded-for': '203.0.113.9',
      authorization: 'Bearer test-token-123',
    });
    expect(ok.status).to.equal(200);
  });
});

describe('error handler: one map from error classes to HTTP answers', () => {
  it('maps each class to its status and keeps the actionable message', async () => {
    const { mapError } = await import('../../src/http/error-handler.js');
    const { ValidationError, NotFoundError, AuthError, ConflictError, ConfigError } = await import('../../src/shared/errors.js');
    const { DestinationError } = await import('../../src/scheduler/ports.js');
    const cases: Array<[unknown, number, string]> = [
      [new ValidationError('minutes must be whole'), 400, 'invalid'],
      [new AuthError('send the token'), 401, 'unauthorized'],
      [new NotFoundError('no broadcast "x"'), 404, 'not-found'],
      [new ConflictError('is complete'), 409, 'conflict'],
      [new DestinationError('quotaExceeded', 'daily quota used up; resets at midnight Pacific', true), 503, 'quotaExceeded'],
      [new DestinationError('forbidden', 'the channel may not stream live', false), 502, 'forbidden'],
      [new ConfigError('engine.prepareLead', 'not a duration'), 500, 'config'],
    ];
    for (const [err, status, code] of cases) {
      const m = mapError(err);
      expect(m, String(err)).to.not.equal(undefined);
      expect([m!.status, m!.body.error]).to.deep.equal([status, code]);
      expect(m!.body.message).to.include((err as Error).message);
    }
    expect(mapError(new Error('boom'))).to.equal(undefined);
  });
});
