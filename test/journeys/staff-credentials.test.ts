// Journey: staff act on a broadcast only with a credential, whatever a request says about
// where it comes from. The real composed server (startOnair) on loopback: the local staff
// token file written at first start, requests from 127.0.0.1 carrying spoofed proxy headers
// (Forwarded, X-Real-IP, an empty X-Forwarded-For) refused, a DNS-rebinding Host refused on
// HTTP and Socket.IO, and the token file's token accepted; routes that match exactly (no
// /START), and every attempt in the staff audit, refused or not.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'chai';
import { io } from 'socket.io-client';
import { startJourney, type Journey } from '../support/journey.js';

const START = '2026-12-05T08:00:00Z'; // 11:00 in Istanbul: the programme is an hour ahead
const ID = 'story-hour@2026-12-05T12:00';
const STORY = `id: story-hour
title: { tr: Masal Saati, en: Story Hour }
duration: 30m
recurrence:
  once: 2026-12-05T12:00
source: { testPattern: {} }
destinations: [local]
`;

interface Answer {
  status: number;
  body: { error?: string; message?: string; state?: string; scheduledEnd?: string } & Record<string, unknown>;
}

/** One request with exactly these headers (fetch would not let a test set Host). */
function send(j: Journey, method: string, urlPath: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port: j.port,
        method,
        path: urlPath,
        headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let parsed: Answer['body'] = {};
          try {
            parsed = JSON.parse(text) as Answer['body'];
          } catch {
            parsed = { text };
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('journey: staff actions need a credential, never an address', function () {
  this.timeout(60_000);
  let j: Journey;
  let token: string;

  before(async () => {
    j = await startJourney({ schedules: { 'story.yaml': STORY }, start: START });
    token = fs.readFileSync(path.join(j.dirs.data, 'staff-token'), 'utf8').trim();
  });
  after(async () => {
    await j?.stop();
  });

  async function state(): Promise<string | undefined> {
    return (await send(j, 'GET', `/api/broadcasts/${encodeURIComponent(ID)}`)).body.state;
  }

  it('writes the local staff token at first start, readable by its owner only, and logs its path but never the token', () => {
    const file = path.join(j.dirs.data, 'staff-token');
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    expect(token).to.match(/^[A-Za-z0-9_-]{40,}$/);
    const lines = j.logs.map((l) => JSON.stringify(l));
    expect(lines.filter((l) => l.includes(file))).to.have.length(1);
    expect(lines.some((l) => l.includes(token))).to.equal(false);
  });

  it('refuses a loopback request without a credential, whatever proxy headers it carries', async () => {
    expect(await state()).to.equal('scheduled');
    const spoofs: Array<Record<string, string>> = [
      {},
      { forwarded: 'for=203.0.113.9' },
      { 'x-real-ip': '203.0.113.9' },
      { 'x-forwarded-for': '' },
      { forwarded: 'for=127.0.0.1', 'x-real-ip': '127.0.0.1' },
    ];
    for (const headers of spoofs) {
      const started = await send(j, 'POST', `/api/broadcasts/${encodeURIComponent(ID)}/start`, headers);
      expect(started.status, JSON.stringify(headers)).to.equal(401);
      expect(started.body.message).to.include('staff-token');
      const ended = await send(j, 'POST', `/api/broadcasts/${encodeURIComponent(ID)}/end`, headers);
      expect(ended.status, JSON.stringify(headers)).to.equal(401);
    }
    // A wrong token, one of another length, and the token without the Bearer scheme: refused too.
    for (const authorization of [`Bearer ${token.slice(0, -1)}x`, `Bearer ${token}x`, token]) {
      expect((await send(j, 'POST', `/api/broadcasts/${encodeURIComponent(ID)}/start`, { authorization })).status).to.equal(401);
    }
    expect(await state()).to.equal('scheduled');
    expect((await send(j, 'GET', '/api/control-room')).status).to.equal(401);
  });

  it('lets the token from the staff-token file act (and names it in the audit)', async () => {
    const before = await send(j, 'GET', `/api/broadcasts/${encodeURIComponent(ID)}`);
    const extended = await send(j, 'POST', `/api/broadcasts/${encodeURIComponent(ID)}/extend`, { authorization: `Bearer ${token}` }, { minutes: 5 });
    expect(extended.status, JSON.stringify(extended.body)).to.equal(200);
    expect(Date.parse(String(extended.body.scheduledEnd))).to.equal(Date.parse(String(before.body.scheduledEnd)) + 5 * 60_000);
    const room = await send(j, 'GET', '/api/control-room', { authorization: `bearer ${token}` });
    expect(room.status).to.equal(200);
    const audit = room.body['audit'] as Array<{ staff: string; action: string; status: number }>;
    expect(audit[0]).to.include({ staff: 'local-token', action: 'extend', status: 200 });
  });

  it('refuses a host name it does not answer to (DNS rebinding), on HTTP and Socket.IO, even with the token', async () => {
    const rebinding = { host: 'evil.example', origin: 'http://evil.example', authorization: `Bearer ${token}` };
    const start = await send(j, 'POST', `/api/broadcasts/${encodeURIComponent(ID)}/start`, rebinding);
    expect(start.status).to.equal(421);
    expect(start.body.message).to.include('server.allowedHosts');
    expect((await send(j, 'GET', '/api/status', { host: `evil.example:${j.port}` })).status).to.equal(421);
    expect((await send(j, 'GET', '/', { host: 'evil.example' })).status).to.equal(421);
    expect(await state()).to.equal('scheduled');
    // Addresses and localhost are never rebinding names; probes answer whatever the name.
    expect((await send(j, 'GET', '/api/status', { host: `localhost:${j.port}` })).status).to.equal(200);
    expect((await send(j, 'GET', '/api/status', { host: `[::1]:${j.port}` })).status).to.equal(200);
    expect((await send(j, 'GET', '/healthz', { host: 'onair-internal' })).status).to.equal(200);

    // The Socket.IO handshake (engine.io's first polling request) follows the same rule.
    const handshake = '/socket.io/?EIO=4&transport=polling';
    expect((await send(j, 'GET', handshake, { host: 'evil.example', origin: 'http://evil.example' })).status).to.equal(403);
    expect((await send(j, 'GET', handshake, { host: `evil.example:${j.port}` })).status).to.equal(403);
    const welcomed = await new Promise<string>((resolve) => {
      const socket = io(j.url, { transports: ['polling'], reconnection: false });
      socket.on('connect', () => {
        socket.close();
        resolve('connected');
      });
      socket.on('connect_error', (err) => {
        socket.close();
        resolve(err.message);
      });
    });
    expect(welcomed).to.equal('connected');
  });

  async function audit(): Promise<Array<{ staff: string; action: string; occurrenceId: string; status: number; detail: string }>> {
    const room = await send(j, 'GET', '/api/control-room', { authorization: `Bearer ${token}` });
    return room.body['audit'] as Array<{ staff: string; action: string; occurrenceId: string; status: number; detail: string }>;
  }

  it('routes staff actions by their exact name: /START, /Extend and /Api/Broadcasts/…/SLATE do not act, and are audited', async () => {
    const id = encodeURIComponent(ID);
    const before = await send(j, 'GET', `/api/broadcasts/${id}`);
    const auth = { authorization: `Bearer ${token}` };
    const attempts: Array<[string, string]> = [
      [`/api/broadcasts/${id}/START`, 'START'],
      [`/api/broadcasts/${id}/Extend`, 'Extend'],
      [`/Api/Broadcasts/${id}/SLATE`, 'SLATE'],
      [`/api/broadcasts/${id}/end/`, 'end'],
    ];
    for (const [p] of attempts) {
      const res = await send(j, 'POST', p, auth, { minutes: 30 });
      expect(res.status, p).to.equal(404);
    }
    const after = await send(j, 'GET', `/api/broadcasts/${id}`);
    expect(after.body.state).to.equal('scheduled');
    expect(after.body.scheduledEnd).to.equal(before.body.scheduledEnd);
    const entries = (await audit()).slice(0, attempts.length).reverse();
    expect(entries.map((e) => [e.action, e.status, e.occurrenceId, e.staff])).to.deep.equal(attempts.map(([, action]) => [action, 404, ID, 'unauthenticated']));
  });

  it('audits every refused staff action with its reason, and answers {"minutes":0} with the allowed range', async () => {
    const id = encodeURIComponent(ID);
    const auth = { authorization: `Bearer ${token}` };
    const zero = await send(j, 'POST', `/api/broadcasts/${id}/extend`, auth, { minutes: 0 });
    expect(zero.status).to.equal(400);
    expect(zero.body.message).to.include('minutes must be between 1 and 720');
    const text = await send(j, 'POST', `/api/broadcasts/${id}/extend`, auth, { minutes: 'ten' });
    expect(text.body.message).to.include('minutes must be a number');
    const unknown = await send(j, 'POST', '/api/broadcasts/no-such-programme%402026-12-05T12%3A00/extend', auth, { minutes: 5 });
    expect(unknown.status).to.equal(404);
    const ended = await send(j, 'POST', `/api/broadcasts/${id}/end`, auth);
    expect(ended.status).to.equal(409);
    const anonymous = await send(j, 'POST', `/api/broadcasts/${id}/slate`);
    expect(anonymous.status).to.equal(401);
    const entries = (await audit()).slice(0, 5).reverse();
    expect(entries.map((e) => [e.action, e.status, e.occurrenceId, e.staff])).to.deep.equal([
      ['extend', 400, ID, 'local-token'],
      ['extend', 400, ID, 'local-token'],
      ['extend', 404, 'no-such-programme@2026-12-05T12:00', 'local-token'],
      ['end', 409, ID, 'local-token'],
      ['slate', 401, ID, 'unauthenticated'],
    ]);
    expect(entries[0]!.detail).to.equal('+0 minutes; refused (400)');
    expect(j.logs.some((l) => JSON.stringify(l).includes('could not write the staff audit entry'))).to.equal(false);
  });
});
