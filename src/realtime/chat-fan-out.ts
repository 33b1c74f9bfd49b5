// Chat goes out in batches per room: the first message after a quiet spell at once (next
// turn of the event loop), later ones gathered for up to chatBatchMs. With 1,000 viewers in a
// room a message costs 1,000 frames; batching keeps a busy chat from costing a frame per
// message per viewer. A plain timer, not the Clock: it paces delivery, it schedules nothing a
// test needs to drive.
import type { ChatMessagePayload } from './events.js';

export interface ChatFanOutDeps {
  /** Sends a batch to the viewers in one occurrence's chat room. */
  toViewers(occurrenceId: string, messages: ChatMessagePayload[]): void;
  /** Sends a batch to every moderator console. */
  toModerators(messages: ChatMessagePayload[]): void;
  /** @defaultValue 100 */
  batchMs?: number;
}

interface RoomQueue {
  viewers: ChatMessagePayload[];
  moderators: ChatMessagePayload[];
  cancel: (() => void) | undefined;
  last: number;
}

export class ChatFanOut {
  readonly #deps: ChatFanOutDeps;
  readonly #queues = new Map<string, RoomQueue>();

  constructor(deps: ChatFanOutDeps) {
    this.#deps = deps;
  }

  /** Queues one message; `moderatorsOnly` for those viewers must not see (external, held). */
  queue(message: ChatMessagePayload, moderatorsOnly: boolean): void {
    const key = message.occurrenceId;
    let q = this.#queues.get(key);
    if (!q) {
      q = { viewers: [], moderators: [], cancel: undefined, last: 0 };
      this.#queues.set(key, q);
    }
    if (!moderatorsOnly) q.viewers.push(message);
    q.moderators.push(message);
    if (q.cancel) return;
    const wait = q.last + (this.#deps.batchMs ?? 100) - Date.now();
    if (wait <= 0) {
      const h = setImmediate(() => this.flush(key));
      q.cancel = () => clearImmediate(h);
    } else {
      const h = setTimeout(() => this.flush(key), wait);
      q.cancel = () => clearTimeout(h);
    }
  }

  /** Sends what one room has queued now (before a delete or state change, so order holds). */
  flush(occurrenceId: string): void {
    const q = this.#queues.get(occurrenceId);
    if (!q) return;
    q.cancel?.();
    q.cancel = undefined;
    if (q.moderators.length === 0) {
      // Quiet room: forget it, so rooms of past broadcasts do not pile up.
      if (Date.now() - q.last > 60_000) this.#queues.delete(occurrenceId);
      return;
    }
    q.last = Date.now();
    if (q.viewers.length > 0) this.#deps.toViewers(occurrenceId, q.viewers);
    this.#deps.toModerators(q.moderators);
    q.viewers = [];
    q.moderators = [];
  }

  /** Flushes every room (and forgets quiet ones); called from the periodic prune. */
  flushAll(): void {
    for (const key of [...this.#queues.keys()]) this.flush(key);
  }

  /** Drops what is queued and its timers. */
  stop(): void {
    for (const q of this.#queues.values()) q.cancel?.();
    this.#queues.clear();
  }
}
