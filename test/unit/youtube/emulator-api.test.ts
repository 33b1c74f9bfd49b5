// Pins the YouTube emulator to Google's documented behaviour, driven by the real googleapis
// client over HTTP: parts, required fields, filters, transition rules (without data), error
// bodies, OAuth, quota and injected faults. The RTMP-dependent rules are in
// test/integration/youtube-emulator-ingest.test.ts.
import { expect } from 'chai';
import { YoutubeEmulator } from '../../../src/emulator/youtube/index.js';
import { ManualClock } from '../../support/manual-clock.js';
import { emulatorClient, reasonOf, statusOf } from '../../support/youtube-client.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

const broadcastBody = (title = 'Masal saati') => ({
  snippet: { title, description: 'd', scheduledStartTime: '2026-12-05T08:00:00Z' },
  status: { privacyStatus: 'unlisted', selfDeclaredMadeForKids: true },
  contentDetails: { monitorStream: { enableMonitorStream: false }, enableAutoStart: false, enableAutoStop: false },
});

describe('YouTube emulator API (googleapis over HTTP)', () => {
  let emu: YoutubeEmulator;
  beforeEach(async () => {
    emu = new YoutubeEmulator({ settleMs: 50 });
    await emu.start();
  });
  afterEach(async () => {
    await emu.stop();
  });

  it('inserts a broadcast with Google defaults and returns only the named parts', async () => {
    const { yt } = emulatorClient(emu);
    const res = await yt.liveBroadcasts.insert({ part: ['snippet', 'status'], requestBody: { snippet: broadcastBody().snippet, status: broadcastBody().status } });
    expect(res.data.kind).to.equal('youtube#liveBroadcast');
    expect(res.data.id).to.match(/^[A-Za-z0-9_-]{11}$/);
    expect(res.data.status?.lifeCycleStatus).to.equal('created');
    expect(res.data.status?.selfDeclaredMadeForKids).to.equal(true);
    expect(res.data.contentDetails).to.equal(undefined);
    const stored = emu.broadcast(res.data.id!)!;
    // Defaults when contentDetails is not sent: monitor stream on, auto start/stop off.
    expect(stored.contentDetails?.monitorStream?.enableMonitorStream).to.equal(true);
    expect(stored.contentDetails?.enableAutoStart).to.equal(false);
    expect(stored.contentDetails?.enableAutoStop).to.equal(false);
    expect(stored.snippet?.liveChatId).to.be.a('string');
  });

  it('accepts part as repeated keys (googleapis) and comma-separated (by hand)', async () => {
    const { yt, oauth } = emulatorClient(emu);
    const ins = await yt.liveBroadcasts.insert({ part: ['snippet', 'status', 'contentDetails'], requestBody: broadcastBody() });
    const token = (await oauth.getAccessToken()).token!;
    const res = await fetch(`${emu.rootUrl}youtube/v3/liveBroadcasts?part=id,status&id=${ins.data.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { items: Array<Record<string, unknown>> };
    expect(res.status).to.equal(200);
    expect(Object.keys(body.items[0]!).sort()).to.deep.equal(['etag', 'id', 'kind', 'status']);
  });

  it('refuses missing required fields and a bad part with Google\'s error body', async () => {
    const { yt, oauth } = emulatorClient(emu);
    const err = await rejection(yt.liveBroadcasts.insert({ part: ['snippet', 'status'], requestBody: { snippet: { title: 'x' }, status: { privacyStatus: 'public' } } }));
    expect(statusOf(err)).to.equal(400);
    expect(reasonOf(err)).to.equal('required');
    const token = (await oauth.getAccessToken()).token!;
    const res = await fetch(`${emu.rootUrl}youtube/v3/liveBroadcasts?part=snippet,bogus&mine=true`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { error: { code: number; status: string; errors: Array<{ reason: string; domain: string }> } };
    expect(res.status).to.equal(400);
    expect(body.error.code).to.equal(400);
    expect(body.error.status).to.equal('INVALID_ARGUMENT');
    expect(body.error.errors[0]!.reason).to.equal('invalidValue');
  });

  it('takes only Google\'s values for a stream\'s cdn resolution and frame rate', async () => {
    const { yt } = emulatorClient(emu);
    const insert = (cdn: { resolution?: string; frameRate?: string }) =>
      yt.liveStreams.insert({ part: ['snippet', 'cdn'], requestBody: { snippet: { title: 's' }, cdn: { ingestionType: 'rtmp', ...cdn } } });
    const ok = await insert({ resolution: '720p', frameRate: '60fps' });
    expect(ok.data.cdn).to.deep.include({ resolution: '720p', frameRate: '60fps' });
    expect(reasonOf(await rejection(insert({ resolution: '576p', frameRate: '30fps' })))).to.equal('invalidValue');
    expect(reasonOf(await rejection(insert({ resolution: '720p', frameRate: '25fps' })))).to.equal('invalidValue');
    expect(reasonOf(await rejection(insert({ frameRate: '30fps' })))).to.equal('required');
    expect(reasonOf(await rejection(insert({ resolution: '720p' })))).to.equal('required');
  });

  it('wants exactly one of id, mine and broadcastStatus in liveBroadcasts.list, and pages', async () => {
    const { yt } = emulatorClient(emu);
    const err = await rejection(yt.liveBroadcasts.list({ part: ['id'], mine: true, broadcastStatus: 'upcoming' }));
    expect(reasonOf(err)).to.equal('incompatibleParameters');
    const none = await rejection(yt.liveBroadcasts.list({ part: ['id'] }));
    expect(reasonOf(none)).to.equal('incompatibleParameters');
    for (let i = 0; i < 7; i++) await yt.liveBroadcasts.insert({ part: ['snippet', 'status'], requestBody: broadcastBody(`b${i}`) });
    const first = await yt.liveBroadcasts.list({ part: ['snippet'], broadcastStatus: 'upcoming' });
    expect(first.data.items).to.have.length(5);
    expect(first.data.pageInfo?.totalResults).to.equal(7);
    const second = await yt.liveBroadcasts.list({ part: ['snippet'], broadcastStatus: 'upcoming', pageToken: first.data.nextPageToken! });
    expect(second.data.items).to.have.length(2);
    expect(second.data.nextPageToken).to.equal(undefined);
  });

  it('update replaces every mutable field of a named part: a field left out is reset', async () => {
    const { yt } = emulatorClient(emu);
    const ins = await yt.liveBroadcasts.insert({ part: ['snippet', 'status'], requestBody: broadcastBody() });
    await yt.liveBroadcasts.update({
      part: ['snippet'],
      requestBody: { id: ins.data.id!, snippet: { title: 'New title', scheduledStartTime: '2026-12-05T09:00:00Z' } },
    });
    const b = emu.broadcast(ins.data.id!)!;
    expect(b.snippet?.title).to.equal('New title');
    expect(b.snippet?.description).to.equal('');
    expect(b.snippet?.scheduledStartTime).to.equal('2026-12-05T09:00:00.000Z');
  });

  it('binds (created → ready), refuses unknown streams, and refuses live without data', async () => {
    const { yt } = emulatorClient(emu);
    const b = await yt.liveBroadcasts.insert({ part: ['snippet', 'status', 'contentDetails'], requestBody: broadcastBody() });
    const s = await yt.liveStreams.insert({
      part: ['snippet', 'cdn', 'contentDetails', 'status'],
      requestBody: { snippet: { title: 's' }, cdn: { ingestionType: 'rtmp', resolution: 'variable', frameRate: 'variable' }, contentDetails: { isReusable: false } },
    });
    expect(s.data.cdn?.ingestionInfo?.ingestionAddress).to.equal(`rtmp://127.0.0.1:${emu.rtmpPort}/live2`);
    expect(s.data.status?.streamStatus).to.equal('ready');
    expect(s.data.contentDetails?.isReusable).to.equal(false);
    expect(reasonOf(await rejection(yt.liveBroadcasts.bind({ id: b.data.id!, part: ['id'], streamId: 'nope' })))).to.equal('liveStreamNotFound');
    const bound = await yt.liveBroadcasts.bind({ id: b.data.id!, part: ['id', 'status', 'contentDetails'], streamId: s.data.id! });
    expect(bound.data.status?.lifeCycleStatus).to.equal('ready');
    expect(bound.data.contentDetails?.boundStreamId).to.equal(s.data.id);
    const live = await rejection(yt.liveBroadcasts.transition({ id: b.data.id!, part: ['status'], broadcastStatus: 'live' }));
    expect(statusOf(live)).to.equal(403);
    expect(reasonOf(live)).to.equal('errorStreamInactive');
    const complete = await rejection(yt.liveBroadcasts.transition({ id: b.data.id!, part: ['status'], broadcastStatus: 'complete' }));
    expect(reasonOf(complete)).to.equal('invalidTransition');
    // Testing needs the monitor stream, which this broadcast turned off.
    const testing = await rejection(yt.liveBroadcasts.transition({ id: b.data.id!, part: ['status'], broadcastStatus: 'testing' }));
    expect(reasonOf(testing)).to.equal('invalidTransition');
    const missing = await rejection(yt.liveBroadcasts.transition({ id: 'nope', part: ['status'], broadcastStatus: 'live' }));
    expect(statusOf(missing)).to.equal(404);
    expect(reasonOf(missing)).to.equal('liveBroadcastNotFound');
  });

  it('answers 401 without a token, with a revoked token, and invalid_grant on refresh after revocation', async () => {
    const plain = await fetch(`${emu.rootUrl}youtube/v3/liveBroadcasts?part=id&mine=true`);
    const body = (await plain.json()) as { error: { code: number; status: string } };
    expect(plain.status).to.equal(401);
    expect(body.error.status).to.equal('UNAUTHENTICATED');
    const { yt, oauth } = emulatorClient(emu);
    await yt.liveBroadcasts.list({ part: ['id'], mine: true });
    emu.revokeTokens();
    const err = await rejection(yt.liveBroadcasts.list({ part: ['id'], mine: true }));
    // With expiry_date kept, the client does not replay a 401 by itself; the access token
    // is dead, and a refresh is refused as Google refuses it.
    expect(statusOf(err)).to.equal(401);
    expect(reasonOf(err)).to.equal('authError');
    const refresh = await rejection(oauth.refreshAccessToken());
    expect(reasonOf(refresh)).to.equal('invalid_grant');
    expect(emu.oauth.grants.filter((g) => g.grantType === 'refresh_token' && !g.ok)).to.have.length(1);
  });

  it('charges Google\'s costs, refuses with quotaExceeded when exhausted, and resets at midnight Pacific', async () => {
    await emu.stop();
    const clock = new ManualClock('2026-12-05T07:00:00Z'); // 23:00 Pacific (PST, UTC-8)
    emu = new YoutubeEmulator({ clock, dailyQuota: 120, accessTokenTtlS: 7 * 86_400 });
    await emu.start();
    const { yt } = emulatorClient(emu);
    await yt.liveBroadcasts.insert({ part: ['snippet', 'status'], requestBody: broadcastBody() });
    await yt.liveBroadcasts.list({ part: ['id'], mine: true });
    // An invalid request still costs its price.
    await rejection(yt.liveBroadcasts.list({ part: ['id'] }));
    expect(emu.quotaUsed()).to.equal(52);
    await yt.liveBroadcasts.insert({ part: ['snippet', 'status'], requestBody: broadcastBody() });
    const err = await rejection(yt.liveBroadcasts.insert({ part: ['snippet', 'status'], requestBody: broadcastBody() }));
    expect(statusOf(err)).to.equal(403);
    expect(reasonOf(err)).to.equal('quotaExceeded');
    expect((err as { response: { data: { error: { errors: Array<{ domain: string }> } } } }).response.data.error.errors[0]!.domain).to.equal('youtube.quota');
    expect(emu.calls.map((c) => c.cost)).to.deep.equal([50, 1, 1, 50, 0]);
    await clock.set(new Date('2026-12-05T08:00:01Z')); // past midnight Pacific
    await yt.liveBroadcasts.list({ part: ['id'], mine: true });
    expect(emu.quotaUsed()).to.equal(1);
    emu.exhaustQuota();
    expect(reasonOf(await rejection(yt.liveBroadcasts.list({ part: ['id'], mine: true })))).to.equal('quotaExceeded');
  });

  it('injects 5xx bursts, rate limits and latency on demand', async () => {
    const { yt } = emulatorClient(emu);
    emu.failNext(2);
    const e1 = await rejection(yt.liveBroadcasts.list({ part: ['id'], mine: true }));
    expect(statusOf(e1)).to.equal(503);
    expect(reasonOf(e1)).to.equal('backendError');
    await rejection(yt.liveBroadcasts.list({ part: ['id'], mine: true }));
    await yt.liveBroadcasts.list({ part: ['id'], mine: true });
    emu.rateLimit(1, 429);
    const e2 = await rejection(yt.liveBroadcasts.list({ part: ['id'], mine: true }));
    expect(statusOf(e2)).to.equal(429);
    expect(reasonOf(e2)).to.equal('rateLimitExceeded');
    emu.setLatency(150);
    const t0 = Date.now();
    await yt.liveBroadcasts.list({ part: ['id'], mine: true });
    expect(Date.now() - t0).to.be.at.least(150);
  });

  it('serves live chat with pollingIntervalMillis and page tokens; delete, bans and moderators', async () => {
    const { yt } = emulatorClient(emu);
    const b = await yt.liveBroadcasts.insert({ part: ['snippet', 'status'], requestBody: broadcastBody() });
    const liveChatId = b.data.snippet!.liveChatId!;
    emu.postViewerMessage(liveChatId, { channelId: 'UCviewer1', displayName: 'Ayşe', text: 'Merhaba' });
    const first = await yt.liveChatMessages.list({ liveChatId, part: ['snippet', 'authorDetails'] });
    expect(first.data.pollingIntervalMillis).to.equal(2000);
    expect(first.data.items).to.have.length(1);
    expect(first.data.items![0]!.authorDetails?.displayName).to.equal('Ayşe');
    const mine = await yt.liveChatMessages.insert({
      part: ['snippet'],
      requestBody: { snippet: { liveChatId, type: 'textMessageEvent', textMessageDetails: { messageText: 'Hoş geldiniz' } } },
    });
    const next = await yt.liveChatMessages.list({ liveChatId, part: ['snippet'], pageToken: first.data.nextPageToken! });
    expect(next.data.items!.map((m) => m.id)).to.deep.equal([mine.data.id]);
    await yt.liveChatMessages.delete({ id: first.data.items![0]!.id! });
    const ban = await yt.liveChatBans.insert({
      part: ['snippet'],
      requestBody: { snippet: { liveChatId, type: 'temporary', bannedUserDetails: { channelId: 'UCviewer1' } } },
    });
    expect(ban.data.snippet?.banDurationSeconds).to.equal('300');
    expect(() => emu.postViewerMessage(liveChatId, { channelId: 'UCviewer1', displayName: 'Ayşe', text: 'again' })).to.throw();
    const events = await yt.liveChatMessages.list({ liveChatId, part: ['snippet'], pageToken: next.data.nextPageToken! });
    expect(events.data.items!.map((m) => m.snippet?.type)).to.deep.equal(['messageDeletedEvent', 'userBannedEvent']);
    await yt.liveChatBans.delete({ id: ban.data.id! });
    await yt.liveChatModerators.insert({ part: ['snippet'], requestBody: { snippet: { liveChatId, moderatorDetails: { channelId: 'UCmod' } } } });
    const mods = await yt.liveChatModerators.list({ liveChatId, part: ['snippet'] });
    expect(mods.data.items).to.have.length(1);
    const gone = await rejection(yt.liveChatMessages.list({ liveChatId: 'nope', part: ['snippet'] }));
    expect(reasonOf(gone)).to.equal('liveChatNotFound');
  });

  it('sets a thumbnail from raw bytes (media upload with rootUrl on the call)', async () => {
    const { yt } = emulatorClient(emu);
    const b = await yt.liveBroadcasts.insert({ part: ['snippet', 'status'], requestBody: broadcastBody() });
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const res = await yt.thumbnails.set({ videoId: b.data.id!, media: { mimeType: 'image/png', body: png } }, { rootUrl: emu.rootUrl });
    expect(res.data.items).to.have.length(1);
    expect(emu.thumbnailBytes(b.data.id!)).to.equal(png.length);
  });

  it('exchanges an authorization code from the consent redirect for tokens', async () => {
    const redirect = 'http://127.0.0.1:9/cb';
    const url = `${emu.authUrl}?client_id=onair-emulator.apps.googleusercontent.com&redirect_uri=${encodeURIComponent(redirect)}&response_type=code&scope=s&state=xyz`;
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).to.equal(302);
    const to = new URL(res.headers.get('location')!);
    expect(to.searchParams.get('state')).to.equal('xyz');
    const tok = await fetch(emu.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: to.searchParams.get('code')!,
        redirect_uri: redirect,
        client_id: 'onair-emulator.apps.googleusercontent.com',
        client_secret: 'emulator-client-secret',
      }),
    });
    const body = (await tok.json()) as Record<string, unknown>;
    expect(tok.status).to.equal(200);
    expect(body).to.include.keys('access_token', 'refresh_token', 'expires_in', 'token_type', 'scope');
  });

  it('deletes broadcasts and streams (404 with the resource reason when gone)', async () => {
    const { yt } = emulatorClient(emu);
    const b = await yt.liveBroadcasts.insert({ part: ['snippet', 'status'], requestBody: broadcastBody() });
    const s = await yt.liveStreams.insert({
      part: ['snippet', 'cdn'],
      requestBody: { snippet: { title: 's' }, cdn: { ingestionType: 'rtmp', resolution: 'variable', frameRate: 'variable' } },
    });
    await yt.liveBroadcasts.delete({ id: b.data.id! });
    await yt.liveStreams.delete({ id: s.data.id! });
    expect(emu.broadcasts()).to.have.length(0);
    expect(emu.streams()).to.have.length(0);
    expect(reasonOf(await rejection(yt.liveBroadcasts.delete({ id: b.data.id! })))).to.equal('liveBroadcastNotFound');
    expect(reasonOf(await rejection(yt.liveStreams.delete({ id: s.data.id! })))).to.equal('liveStreamNotFound');
  });

  it('takes faults over its control API and reports its state', async () => {
    const { yt } = emulatorClient(emu);
    const post = (body: unknown) =>
      fetch(`${emu.rootUrl}emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ type: 'backendError', count: 1, code: 500 })).status).to.equal(204);
    const err = await rejection(yt.liveBroadcasts.list({ part: ['id'], mine: true }));
    expect(statusOf(err)).to.equal(500);
    expect((await post({ type: 'quotaExhausted' })).status).to.equal(204);
    expect(reasonOf(await rejection(yt.liveBroadcasts.list({ part: ['id'], mine: true })))).to.equal('quotaExceeded');
    const bad = await post({ type: 'meteor' });
    expect(bad.status).to.equal(400);
    const state = (await (await fetch(`${emu.rootUrl}emulator/state`)).json()) as { quota: { used: number }; calls: unknown[] };
    expect(state.quota.used).to.equal(1);
    expect(state.calls).to.have.length(2);
  });
});
