// A broadcast's chat transcript as exported (src/http/routes/chat-export.ts writes JSON/CSV).
import type { TranscriptRow } from '../shared/chat-payloads.js';
import type { StoredMessage } from './types.js';

export type { TranscriptRow };

/** The exported fields: never the IP address or the device fingerprint. */
export function transcriptRows(messages: readonly StoredMessage[]): TranscriptRow[] {
  return messages.map((m) => ({
    id: m.id,
    at: m.at,
    origin: m.origin,
    nickname: m.nickname,
    authorId: m.authorId,
    text: m.text,
    deleted: m.deletedAt !== null,
    deletedAt: m.deletedAt,
    deletedBy: m.deletedBy,
  }));
}
