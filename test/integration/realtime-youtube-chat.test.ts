// YouTube live chat in the moderator console of the composed server (startRealtime →
// startJourney, YouTube pointed at the emulator over HTTP): chat/'s bridge polls
// liveChatMessages.list once the engine says the broadcast is live, shows the messages to
// moderators marked "youtube", deletes and bans through the API, counts quota. The event is
// prepared on the emulator beforehand, as the engine's prepare would; the programme starts
// ten minutes ahead, so the engine itself stays idle and the test announces "live".
import { expect } from 'chai';
import type { Clock } from '../../src/shared/clock.js';
import { YoutubeEmulator } from '../../src/emulator/youtube/index.js';
import type { Ack, AuditEntryPayload, ChatMessagePayload, ChatRoomSummary, YoutubeChatStatus } from '../../src/realtime/events.js';
import { destinationFor, initialState, RecordingContext, type DestinationRig, emulatorEnv } from '../support/youtube-fixtures.js';
import { makeOccurrence, makeRecord, request, startRealtime, type ModeratorClient, type Realtime } from '../support/realtime-harness.js';

function nextMatching<T>(socket: ModeratorClient, event: string, match: (p: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const on = (p: T): void => {
      if (!match(p)) return;
      socket.off(event as 'chat:messages', on as never);
      resolve(p);
    };
    socket.on(event as 'chat:messages', on as never);
  });
}

/** The first message, in any batch, that matches. */
function nextMessage(socket: ModeratorClient, match: (m: ChatMessagePayload) => boolean): Promise<ChatMessagePayload> {
  return nextMatching<ChatMessagePayload[]>(socket, 'chat:messages', (batch) => batch.some(match)).then((batch) => batch.find(match)!);
}

describe('realtime: YouTube live chat beside ours (emulator)', function () {
  this.timeout(30_000);
  let emu: YoutubeEmulator;
  let rig: DestinationRig;
  let h: Realtime<Clock>;

  beforeEach(async () => {
    emu = new YoutubeEmulator({ settleMs: 100, chatPollingIntervalMs: 1000 });
    await emu.start();
    rig = destinationFor(emu);
  });
  afterEach(async () => {
    await h?.stop();
    rig.close();
    await emu.stop();
  });

  it('shows YouTube messages to moderators by origin, deletes and bans through the API, and says what it costs', async () => {
    // On a whole minute (the schedule's `once` is to the minute), inside the chat's opening window.
    const occ = makeOccurrence({ programmeId: 'fairy-tales', start: new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 10 * 60_000), destinations: ['youtube'] });
    const prepared = await rig.destination.prepare(occ, initialState(), new RecordingContext());
    const liveChatId = prepared.remote['liveChatId']!;
    h = await startRealtime({
      occurrences: [occ],
      env: {
        ...emulatorEnv(emu),
      },
    });
    const mod = await h.moderator();
    const viewer = await h.viewer();
    await request(viewer, 'chat:join', { occurrenceId: occ.id, nickname: 'Zeynep' });
    const leaked: ChatMessagePayload[] = [];
    viewer.on('chat:messages', (batch) => leaked.push(...batch));

    emu.postViewerMessage(liveChatId, { channelId: 'UCkid', displayName: 'Ali \u202Eyt', text: 'Merhaba YouTube!' });
    emu.postViewerMessage(liveChatId, { channelId: 'UCtroll', displayName: 'Troll', text: 'spam' });
    const first = nextMessage(mod, (m) => m.origin === 'youtube' && m.text === 'spam');
    const status = nextMatching<YoutubeChatStatus>(mod, 'youtube:status', (s) => s.polls >= 1);
    h.engine.emit(
      'transition',
      makeRecord(occ, 'live', [{ name: 'youtube', kind: 'youtube', status: 'live', watchUrl: 'https://www.youtube.com/watch?v=x', remote: prepared.remote }]),
      'ready',
      occ,
    );
    const spam = await first;
    expect(spam).to.include({ origin: 'youtube', nickname: 'Troll', occurrenceId: occ.id });
    const st = await status;
    expect(st).to.include({ occurrenceId: occ.id, destination: 'youtube', polling: true, pollingIntervalMs: 1000, dailyQuota: 10_000 });
    expect(st.unitsSpent).to.equal(5 * st.polls);
    expect(st.unitsPerHour).to.equal(18_000); // 5 units a poll, a poll a second: say so in the console
    const rooms = await request<Ack<{ rooms: ChatRoomSummary[] }>>(mod, 'mod:rooms');
    expect(rooms.ok && rooms.rooms.find((r) => r.state.occurrenceId === occ.id)?.youtube?.polling).to.equal(true);

    // Delete through liveChatMessages.delete; ban through liveChatBans.insert.
    const del = await request<Ack<{ entry: AuditEntryPayload }>>(mod, 'mod:action', { action: 'delete', messageId: spam.id });
    expect(del.ok && del.entry).to.include({ action: 'delete', origin: 'youtube', target: 'Troll' });
    expect(emu.chatMessages(liveChatId).map((m) => m.snippet?.displayMessage ?? m.snippet?.textMessageDetails?.messageText)).to.not.include('spam');
    const ban = await request<Ack>(mod, 'mod:action', { action: 'timeout', messageId: spam.id, minutes: 10 });
    expect(ban.ok).to.equal(true);
    expect(() => emu.postViewerMessage(liveChatId, { channelId: 'UCtroll', displayName: 'Troll', text: 'again' })).to.throw(/banned/);
    const spent = await nextMatching<YoutubeChatStatus>(mod, 'youtube:status', (s) => s.unitsSpent >= 5 * s.polls + 100);
    expect(spent.unitsSpent - 5 * spent.polls).to.equal(100); // delete 50 + ban 50

    // YouTube's messages are for moderators: viewers of our page did not get them.
    expect(leaked).to.deep.equal([]);

    // Ending the broadcast stops the polling.
    const stopped = nextMatching<YoutubeChatStatus>(mod, 'youtube:status', (s) => !s.polling);
    h.engine.emit('transition', makeRecord(occ, 'complete', [], { liveAt: occ.start.toISOString(), endedAt: new Date().toISOString() }), 'ending', occ);
    expect((await stopped).polling).to.equal(false);
  });
});
