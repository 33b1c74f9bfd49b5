// The ChatStore contract (src/chat/types.ts), one suite run against every implementation:
// chat-stores.test.ts runs it on SQLite (the embedded default) and on Redis (cluster mode), so
// the two keep messages, audit entries, sanctions and room settings alike.
import { expect } from 'chai';
import type { ChatStore, StoredMessage } from '../../../src/chat/types.js';

export interface ChatStoreUnderTest {
  store: ChatStore;
  close(): Promise<void>;
}

function msg(id: string, occ: string, at: string, over: Partial<StoredMessage> = {}): StoredMessage {
  return {
    id,
    occurrenceId: occ,
    origin: 'onair',
    nickname: 'Ayşe',
    authorId: 'a1',
    text: `merhaba ${id}`,
    at,
    fingerprint: 'fp-1',
    ip: '10.0.0.5',
    externalId: null,
    deletedAt: null,
    deletedBy: null,
    ...over,
  };
}

export function chatStoreContract(make: () => Promise<ChatStoreUnderTest>): void {
  let t: ChatStoreUnderTest;
  let store: ChatStore;

  beforeEach(async () => {
    t = await make();
    store = t.store;
  });
  afterEach(async () => {
    await t.close();
  });

  it('keeps messages once, in send order, with deletions flagged and skipped by recent()', async () => {
    for (let i = 1; i <= 7; i++) await store.appendMessage(msg(`m${i}`, 'story@1', `2026-12-05T08:00:0${i}.000Z`));
    await store.appendMessage(msg('m1', 'story@1', '2026-12-05T09:00:00.000Z', { text: 'duplicate' }));
    await store.appendMessage(msg('x1', 'other@1', '2026-12-05T08:00:00.000Z'));
    await store.markDeleted('m6', 'moderator-zeynep', '2026-12-05T08:01:00.000Z');
    await store.markDeleted('m6', 'someone-else', '2026-12-05T08:02:00.000Z');

    expect((await store.getMessage('m1'))?.text).to.equal('merhaba m1');
    const deleted = await store.getMessage('m6');
    expect(deleted).to.include({ deletedAt: '2026-12-05T08:01:00.000Z', deletedBy: 'moderator-zeynep', externalId: null });
    expect((await store.transcript('story@1')).map((m) => m.id)).to.deep.equal(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    expect((await store.recent('story@1', 3)).map((m) => m.id)).to.deep.equal(['m4', 'm5', 'm7']);
    expect((await store.recent('story@1', 1)).map((m) => m.id)).to.deep.equal(['m7']);
    expect(await store.rooms(10)).to.deep.equal(['other@1', 'story@1']);
    expect(await store.getMessage('nope')).to.equal(undefined);
  });

  it('numbers audit entries, returns them newest first, and keeps sanctions and room settings', async () => {
    const a1 = await store.appendAudit({ at: '2026-12-05T08:00:00.000Z', moderator: 'zeynep', action: 'ban', occurrenceId: 'story@1', messageId: 'm1', target: 'troll', origin: 'onair', detail: '' });
    const a2 = await store.appendAudit({ at: '2026-12-05T08:01:00.000Z', moderator: 'zeynep', action: 'close', occurrenceId: 'story@1', messageId: null, target: null, origin: null, detail: 'chat closed' });
    expect([a1.id, a2.id]).to.deep.equal([1, 2]);
    const audit = await store.audit(10);
    expect(audit.map((e) => e.id)).to.deep.equal([2, 1]);
    expect(audit[0]).to.deep.equal(a2);

    await store.addSanction({ id: 's1', nickname: 'Troll', origin: 'onair', kind: 'ban', fingerprint: 'fp-1', ip: null, occurrenceId: null, until: null, at: '2026-12-05T08:00:00.000Z', moderator: 'zeynep' });
    await store.addSanction({ id: 's2', nickname: 'Kid', origin: 'onair', kind: 'timeout', fingerprint: 'fp-2', ip: null, occurrenceId: 'story@1', until: '2026-12-05T08:10:00.000Z', at: '2026-12-05T08:00:00.000Z', moderator: 'zeynep' });
    expect((await store.activeSanctions('2026-12-05T08:05:00.000Z')).map((s) => s.kind)).to.deep.equal(['ban', 'timeout']);
    expect((await store.activeSanctions('2026-12-05T08:11:00.000Z')).map((s) => s.kind)).to.deep.equal(['ban']);
    // Unban: lifted once, then gone from the sanctions in force.
    expect((await store.liftSanction('s1', 'zeynep', '2026-12-05T08:12:00.000Z'))?.nickname).to.equal('Troll');
    expect(await store.liftSanction('s1', 'zeynep', '2026-12-05T08:12:00.000Z')).to.equal(undefined);
    expect(await store.activeSanctions('2026-12-05T08:12:00.000Z')).to.deep.equal([]);

    await store.saveRoomSettings({ occurrenceId: 'story@1', slowModeMs: 30_000, pinnedMessageId: null, closedByModerator: true });
    expect(await store.roomSettings('story@1')).to.deep.equal({ occurrenceId: 'story@1', slowModeMs: 30_000, pinnedMessageId: null, closedByModerator: true });
    expect(await store.roomSettings('other@1')).to.equal(undefined);
  });
}
