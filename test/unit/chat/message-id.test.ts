// Message ids: short (they go to every member of a room with each message), unique, taken
// by the moderators' actions as any id is, and grouped by time for the store's index.
import { expect } from 'chai';
import { newMessageId } from '../../../src/chat/index.js';
import { idSchema } from '../../../src/realtime/schemas.js';

describe('chat: message ids', () => {
  it('are 20 base64url characters that a moderator action accepts', () => {
    const id = newMessageId(Date.parse('2026-12-05T09:00:00Z'));
    expect(id).to.match(/^[A-Za-z0-9_-]{20}$/);
    expect(idSchema.safeParse(id).success).to.equal(true);
  });

  it('are unique, and begin with the time they were made at', () => {
    const at = Date.parse('2026-12-05T09:00:00Z');
    const ids = Array.from({ length: 10_000 }, () => newMessageId(at));
    expect(new Set(ids).size).to.equal(ids.length);
    expect(new Set(ids.map((id) => id.slice(0, 8))).size, 'same time, same first 8 characters').to.equal(1);
    expect(Buffer.from(newMessageId(at + 60_000), 'base64url').readUIntBE(0, 6)).to.equal(at + 60_000);
  });
});
