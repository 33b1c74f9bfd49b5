// The live chat client (for chat/'s YouTube bridge) against the emulator: polling with
// pollingIntervalMillis and page tokens until the chat ends, delete and ban, quota counted.
import { expect } from 'chai';
import { YoutubeEmulator } from '../../src/emulator/youtube/index.js';
import { LiveChatClient, chatBridgePort, type YoutubeChatMessage } from '../../src/destinations/youtube/index.js';
import type { YoutubeChatPort } from '../../src/chat/types.js';
import { systemClock } from '../../src/shared/clock.js';
import { destinationFor, initialState, makeOccurrence, RecordingContext, type DestinationRig } from '../support/youtube-fixtures.js';
import { startPush, type Push } from '../support/youtube-push.js';

describe('YouTube live chat client (emulator)', function () {
  this.timeout(60_000);
  let emu: YoutubeEmulator;
  let rig: DestinationRig;
  let push: Push | undefined;

  beforeEach(async () => {
    emu = new YoutubeEmulator({ settleMs: 200, chatPollingIntervalMs: 100 });
    await emu.start();
    rig = destinationFor(emu);
  });
  afterEach(async () => {
    await push?.stop();
    push = undefined;
    rig.close();
    await emu.stop();
  });

  it('polls until the chat ends, sees deletions and bans, and counts 5 units per read', async () => {
    const occ = makeOccurrence();
    const ctx = new RecordingContext();
    const state = await rig.destination.prepare(occ, initialState(), ctx);
    const liveChatId = state.remote.liveChatId!;
    expect(liveChatId).to.be.a('string').and.not.equal('');
    const client = new LiveChatClient({ api: rig.api, clock: systemClock, minPollMs: 50 });
    emu.postViewerMessage(liveChatId, { channelId: 'UCa', displayName: 'Ali', text: 'Merhaba!' });

    const seen: YoutubeChatMessage[] = [];
    const controller = new AbortController();
    let pages = 0;
    let live = state;
    const polling = client.poll(
      liveChatId,
      async (page) => {
        pages++;
        seen.push(...page.messages);
        if (pages === 1) {
          const mine = await client.send(liveChatId, 'Hoş geldiniz');
          expect(mine).to.be.a('string');
          const viewer = page.messages.find((m) => m.type === 'text' && m.author?.channelId === 'UCa')!;
          await client.deleteMessage(viewer.id);
          await client.ban(liveChatId, 'UCa', 600);
          // Go live and end: the chat goes offline, which ends the polling.
          push = startPush(state.ingest!.url);
          live = await rig.destination.goLive(occ, await rig.destination.awaitIngest(occ, state, ctx), ctx);
          await rig.destination.end(occ, live, ctx);
        }
      },
      { signal: controller.signal },
    );
    await polling;
    expect(seen.filter((m) => m.type === 'text').map((m) => m.text)).to.deep.equal(['Merhaba!', 'Hoş geldiniz']);
    expect(seen.some((m) => m.type === 'deleted')).to.equal(true);
    expect(seen.find((m) => m.type === 'banned')?.bannedChannelId).to.equal('UCa');
    const usage = rig.ledger.usage();
    expect(usage.byMethod['liveChatMessages.list']!.units).to.equal(5 * usage.byMethod['liveChatMessages.list']!.calls);
    expect(usage.byMethod['liveChatMessages.insert']!.units).to.equal(20);
  });

  it('adapts to chat/\'s YoutubeChatPort; a deleted event\'s chat throws with reason liveChatNotFound', async () => {
    const occ = makeOccurrence();
    const state = await rig.destination.prepare(occ, initialState(), new RecordingContext());
    const port = chatBridgePort(new LiveChatClient({ api: rig.api, clock: systemClock }), rig.api) satisfies YoutubeChatPort;
    emu.postViewerMessage(state.remote.liveChatId!, { channelId: 'UCb', displayName: 'Banu', text: 'Selam' });
    const page = await port.list(state.remote.liveChatId!, undefined);
    expect(page.items.map((i) => [i.authorName, i.text])).to.deep.equal([['Banu', 'Selam']]);
    expect(page.pollingIntervalMillis).to.equal(100);
    expect(await port.liveChatIdOf(state.remote.broadcastId!)).to.equal(state.remote.liveChatId);
    await rig.destination.teardown(occ, state, new RecordingContext());
    const err = await port.list(state.remote.liveChatId!, page.nextPageToken).catch((e: unknown) => e);
    expect((err as { reason?: string }).reason).to.equal('liveChatNotFound');
  });
});
