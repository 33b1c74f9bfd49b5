// The emulator's RTMP side, with a real ffmpeg pushing lavfi video: a stream is active
// only while data arrives, transitions follow it, and a dropped stream reads inactive.
import { expect } from 'chai';
import type { youtube_v3 } from '@googleapis/youtube';
import { YoutubeEmulator } from '../../src/emulator/youtube/index.js';
import { emulatorClient, reasonOf } from '../support/youtube-client.js';
import { waitFor } from '../support/wait.js';
import { startPush, type Push } from '../support/youtube-push.js';

describe('YouTube emulator ingest (real ffmpeg over RTMP)', function () {
  this.timeout(60_000);
  let emu: YoutubeEmulator;
  let push: Push | undefined;
  let yt: youtube_v3.Youtube;

  beforeEach(async () => {
    emu = new YoutubeEmulator({ settleMs: 200, inactiveAfterMs: 1000, noDataEndMs: 0 });
    await emu.start();
    yt = emulatorClient(emu).yt;
  });
  afterEach(async () => {
    await push?.stop();
    push = undefined;
    await emu.stop();
  });

  async function makeBound(contentDetails: youtube_v3.Schema$LiveBroadcastContentDetails = { monitorStream: { enableMonitorStream: false } }) {
    const b = await yt.liveBroadcasts.insert({
      part: ['snippet', 'status', 'contentDetails'],
      requestBody: {
        snippet: { title: 'Ingest', scheduledStartTime: new Date().toISOString() },
        status: { privacyStatus: 'unlisted' },
        contentDetails,
      },
    });
    const s = await yt.liveStreams.insert({
      part: ['snippet', 'cdn', 'contentDetails'],
      requestBody: { snippet: { title: 's' }, cdn: { ingestionType: 'rtmp', resolution: 'variable', frameRate: 'variable' } },
    });
    await yt.liveBroadcasts.bind({ id: b.data.id!, part: ['id'], streamId: s.data.id! });
    const info = s.data.cdn!.ingestionInfo!;
    return { id: b.data.id!, streamId: s.data.id!, url: `${info.ingestionAddress}/${info.streamName}` };
  }

  const streamStatus = async (id: string): Promise<string | undefined> =>
    (await yt.liveStreams.list({ part: ['status'], id: [id] })).data.items?.[0]?.status?.streamStatus ?? undefined;
  const life = async (id: string): Promise<string | undefined> =>
    (await yt.liveBroadcasts.list({ part: ['status'], id: [id] })).data.items?.[0]?.status?.lifeCycleStatus ?? undefined;

  it('goes active on real data, ready → liveStarting → live → complete, inactive when the push stops', async () => {
    const { id, streamId, url } = await makeBound();
    expect(await streamStatus(streamId)).to.equal('ready');
    push = startPush(url);
    await waitFor('(await streamStatus(streamId)) === active', async () => (await streamStatus(streamId)) === 'active');
    const t = await yt.liveBroadcasts.transition({ id, part: ['status'], broadcastStatus: 'live' });
    expect(t.data.status?.lifeCycleStatus).to.equal('liveStarting');
    await waitFor('(await life(id)) === live', async () => (await life(id)) === 'live');
    const again = await yt.liveBroadcasts.transition({ id, part: ['status'], broadcastStatus: 'live' }).catch((e: unknown) => e);
    expect(reasonOf(again)).to.equal('redundantTransition');
    await yt.liveBroadcasts.transition({ id, part: ['status'], broadcastStatus: 'complete' });
    expect(await life(id)).to.equal('complete');
    // Real media went through the ingest: a second of video (15 fps) and its audio.
    await waitFor('emu.ingestStats(streamId).videoFrames >= 15', () => emu.ingestStats(streamId).videoFrames >= 15);
    expect(emu.ingestStats(streamId).audioPackets).to.be.greaterThan(5);
    await push.stop();
    await waitFor('(await streamStatus(streamId)) === inactive', async () => (await streamStatus(streamId)) === 'inactive');
  });

  it('goes live by itself with enableAutoStart, and goes through testing with the monitor stream on', async () => {
    const auto = await makeBound({ monitorStream: { enableMonitorStream: false }, enableAutoStart: true });
    push = startPush(auto.url);
    await waitFor('(await life(auto.id)) === live', async () => (await life(auto.id)) === 'live');
    await push.stop();
    const monitored = await makeBound({ monitorStream: { enableMonitorStream: true } });
    push = startPush(monitored.url);
    await waitFor('(await streamStatus(monitored.streamId)) === active', async () => (await streamStatus(monitored.streamId)) === 'active');
    const direct = await yt.liveBroadcasts.transition({ id: monitored.id, part: ['status'], broadcastStatus: 'live' }).catch((e: unknown) => e);
    expect(reasonOf(direct)).to.equal('invalidTransition');
    await yt.liveBroadcasts.transition({ id: monitored.id, part: ['status'], broadcastStatus: 'testing' });
    await waitFor('(await life(monitored.id)) === testing', async () => (await life(monitored.id)) === 'testing');
    await yt.liveBroadcasts.transition({ id: monitored.id, part: ['status'], broadcastStatus: 'live' });
    await waitFor('(await life(monitored.id)) === live', async () => (await life(monitored.id)) === 'live');
    const bind = await yt.liveBroadcasts.bind({ id: monitored.id, part: ['id'], streamId: monitored.streamId }).catch((e: unknown) => e);
    expect(reasonOf(bind)).to.equal('liveBroadcastBindingNotAllowed');
  });

  it('a dropped stream reads inactive for the drop, refuses pushes when disconnected, then comes back', async () => {
    const { streamId, url } = await makeBound();
    push = startPush(url);
    await waitFor('(await streamStatus(streamId)) === active', async () => (await streamStatus(streamId)) === 'active');
    emu.dropStream(streamId, 4000, { disconnect: true });
    expect(await streamStatus(streamId)).to.equal('inactive');
    const code = await push.exited;
    expect(code).to.not.equal(0);
    // Like an encoder, push again whenever the connection is refused, until it takes.
    let refused = 0;
    push = startPush(url);
    await waitFor('the stream active once a push is taken', async () => {
      if (push!.process.exitCode !== null) {
        refused++;
        push = startPush(url);
      }
      return (await streamStatus(streamId)) === 'active';
    }, 20_000);
    expect(refused).to.be.at.least(1);
    expect(emu.ingestStats(streamId).publishes).to.be.at.least(2);
  });

  it('refuses a push to an unknown stream key', async () => {
    push = startPush(`${emu.ingestionAddress}/not-a-key`);
    const code = await push.exited;
    expect(code).to.not.equal(0);
  });
});
