// Staff actions in cluster mode: a web node has no engine, so /api/broadcasts reads the shared
// store and forwards start/extend/end/slate to whichever node leads, through a Redis list
// (each request is taken by exactly one consumer, and waits there during a failover) with
// the answer published back on the asking node's own channel.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BroadcastStore, TransitionEntry } from '../scheduler/broadcast-store.js';
import type { BroadcastActions } from '../scheduler/broadcast-actions.js';
import { DestinationError, type BroadcastRecord } from '../scheduler/ports.js';
import type { ExternalModerator, StoredMessage } from '../chat/index.js';
import type { Clock } from '../shared/clock.js';
import { AuthError, ConflictError, NotFoundError, OnairError, ValidationError } from '../shared/errors.js';

export type { BroadcastActions };

export type BroadcastCommand =
  | { op: 'startNow'; occurrenceId: string }
  | { op: 'extend'; occurrenceId: string; ms: number }
  | { op: 'endNow'; occurrenceId: string }
  | { op: 'show'; occurrenceId: string; phase: 'slate' | 'programme' }
  // YouTube live chat moderation: the bridge (and its liveChatId) runs on the leader only.
  | { op: 'youtubeDelete'; message: StoredMessage }
  | { op: 'youtubeBan'; message: StoredMessage; durationSeconds: number | null };

type RecordCommand = Exclude<BroadcastCommand, { op: 'youtubeDelete' | 'youtubeBan' }>;

interface CommandRequest {
  id: string;
  replyTo: string;
  /** Epoch ms after which the asker has given up; the leader then skips it. */
  deadline: number;
  command: BroadcastCommand;
}

/** `record` is absent for the YouTube chat commands (they change no broadcast). */
type CommandReply = { id: string; ok: true; record?: BroadcastRecord } | { id: string; ok: false; error: { name: string; message: string } };

export function commandQueueKey(prefix: string): string {
  return `${prefix}broadcast-commands`;
}

const ERRORS: Record<string, new (message: string) => Error> = {
  NotFoundError,
  ConflictError,
  ValidationError,
  AuthError,
};

function reviveError(e: { name: string; message: string }): Error {
  const Cls = ERRORS[e.name];
  return Cls ? new Cls(e.message) : new OnairError(e.message);
}

export interface RemoteBroadcastsDeps {
  /** For LPUSH of requests (a normal connection). */
  redis: Redis;
  /** A connection of its own, in subscriber mode, for the answers. */
  subscriber: Redis;
  /** Reads come straight from the shared store. */
  store: Pick<BroadcastStore, 'list' | 'get' | 'transitions'>;
  prefix: string;
  nodeId: string;
  clock: Clock;
  /** How long to wait for the leader's answer. @defaultValue 20000 (longer than a failover) */
  timeoutMs?: number;
}

/** BroadcastActions on a web node: reads from the store, actions sent to the leader. */
export class RemoteBroadcasts implements BroadcastActions {
  readonly #deps: RemoteBroadcastsDeps;
  readonly #channel: string;
  readonly #pending = new Map<string, { resolve(r: BroadcastRecord | undefined): void; reject(e: Error): void; cancel(): void }>();
  readonly #onMessage = (channel: string, message: string): void => {
    if (channel !== this.#channel) return;
    let reply: CommandReply;
    try {
      reply = JSON.parse(message) as CommandReply;
    } catch {
      return;
    }
    const waiting = this.#pending.get(reply.id);
    if (!waiting) return;
    this.#pending.delete(reply.id);
    waiting.cancel();
    if (reply.ok) waiting.resolve(reply.record);
    else waiting.reject(reviveError(reply.error));
  };

  constructor(deps: RemoteBroadcastsDeps) {
    this.#deps = deps;
    this.#channel = `${deps.prefix}broadcast-replies:${deps.nodeId}`;
  }

  async start(): Promise<void> {
    this.#deps.subscriber.on('message', this.#onMessage);
    await this.#deps.subscriber.subscribe(this.#channel);
  }

  async stop(): Promise<void> {
    this.#deps.subscriber.off('message', this.#onMessage);
    for (const [, p] of this.#pending) {
      p.cancel();
      p.reject(new DestinationError('shutting-down', 'this node is shutting down; try again', true));
    }
    this.#pending.clear();
    try {
      await this.#deps.subscriber.unsubscribe(this.#channel);
    } catch {
      /* going away */
    }
  }

  list(from: Date, to: Date): Promise<BroadcastRecord[]> {
    return this.#deps.store.list(from, to);
  }

  async get(occurrenceId: string): Promise<BroadcastRecord> {
    const record = await this.#deps.store.get(occurrenceId);
    if (!record) throw new NotFoundError(`no broadcast with id "${occurrenceId}"; list them with GET /api/broadcasts`);
    return record;
  }

  transitions(occurrenceId: string): Promise<TransitionEntry[]> {
    return this.#deps.store.transitions(occurrenceId);
  }

  startNow(occurrenceId: string): Promise<BroadcastRecord> {
    return this.#send({ op: 'startNow', occurrenceId });
  }

  extend(occurrenceId: string, ms: number): Promise<BroadcastRecord> {
    return this.#send({ op: 'extend', occurrenceId, ms });
  }

  endNow(occurrenceId: string): Promise<BroadcastRecord> {
    return this.#send({ op: 'endNow', occurrenceId });
  }

  show(occurrenceId: string, phase: 'slate' | 'programme'): Promise<BroadcastRecord> {
    return this.#send({ op: 'show', occurrenceId, phase });
  }

  /**
   * Delete/ban of YouTube chat messages, carried out by the leader's bridge (which holds the
   * live chat ids and the API client). Attach it to this node's ChatService.
   */
  youtubeChat(): ExternalModerator {
    return {
      deleteMessage: async (message) => void (await this.#request({ op: 'youtubeDelete', message })),
      ban: async (message, durationSeconds) => void (await this.#request({ op: 'youtubeBan', message, durationSeconds })),
    };
  }

  async #send(command: RecordCommand): Promise<BroadcastRecord> {
    const record = await this.#request(command);
    if (!record) throw new OnairError('the leader answered without a broadcast record');
    return record;
  }

  async #request(command: BroadcastCommand): Promise<BroadcastRecord | undefined> {
    const timeoutMs = this.#deps.timeoutMs ?? 20_000;
    const now = this.#deps.clock.now().getTime();
    const request: CommandRequest = { id: randomUUID(), replyTo: this.#channel, deadline: now + timeoutMs, command };
    const answer = new Promise<BroadcastRecord | undefined>((resolve, reject) => {
      const cancel = this.#deps.clock.at(new Date(request.deadline), () => {
        if (!this.#pending.delete(request.id)) return;
        reject(
          new DestinationError(
            'no-leader',
            `no node running the broadcasts answered within ${Math.round(timeoutMs / 1000)} s (a failover may be in progress); check the worker and try again`,
            true,
          ),
        );
      });
      this.#pending.set(request.id, { resolve, reject, cancel });
    });
    try {
      await this.#deps.redis.lpush(commandQueueKey(this.#deps.prefix), JSON.stringify(request));
    } catch (err) {
      this.#pending.get(request.id)?.cancel();
      this.#pending.delete(request.id);
      throw new DestinationError('redis-down', `could not reach Redis to send the action: ${(err as Error).message}`, true, { cause: err });
    }
    return answer;
  }
}

export interface CommandServerDeps {
  /** A connection of its own: BRPOP blocks it. */
  blocking: Redis;
  /** For publishing answers. */
  publisher: Redis;
  prefix: string;
  /** The engine (only on the leader). */
  engine: Omit<BroadcastActions, 'list' | 'get' | 'transitions'>;
  /** The leader's YouTube chat bridge, when YouTube is configured. */
  youtubeChat?: ExternalModerator;
  clock: Clock;
  onError?: (err: Error) => void;
}

/** On the leader: takes staff actions from the queue, runs them on the engine, answers. */
export class CommandServer {
  readonly #deps: CommandServerDeps;
  #running = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(deps: CommandServerDeps) {
    this.#deps = deps;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run().catch((err: unknown) => this.#deps.onError?.(err as Error));
  }

  async stop(): Promise<void> {
    this.#running = false;
    // Wake the blocked BRPOP: disconnecting is the only way to interrupt it.
    this.#deps.blocking.disconnect(false);
    await this.#loop;
  }

  async #run(): Promise<void> {
    const key = commandQueueKey(this.#deps.prefix);
    while (this.#running) {
      let popped: [string, string] | null;
      try {
        popped = await this.#deps.blocking.brpop(key, 1);
      } catch (err) {
        if (!this.#running) return;
        this.#deps.onError?.(err as Error);
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      if (!popped) continue;
      await this.#handle(popped[1]);
    }
  }

  async #handle(raw: string): Promise<void> {
    let req: CommandRequest;
    try {
      req = JSON.parse(raw) as CommandRequest;
    } catch {
      return;
    }
    if (this.#deps.clock.now().getTime() > req.deadline) return; // the asker gave up; do not act late
    let reply: CommandReply;
    try {
      const c = req.command;
      const e = this.#deps.engine;
      const yt = (): ExternalModerator => {
        if (!this.#deps.youtubeChat) throw new OnairError('YouTube chat is not connected on the node running the broadcasts; act on it in YouTube Studio.');
        return this.#deps.youtubeChat;
      };
      const record =
        c.op === 'youtubeDelete'
          ? void (await yt().deleteMessage(c.message))
          : c.op === 'youtubeBan'
            ? void (await yt().ban(c.message, c.durationSeconds))
            : c.op === 'startNow'
          ? await e.startNow(c.occurrenceId)
          : c.op === 'extend'
            ? await e.extend(c.occurrenceId, c.ms)
            : c.op === 'endNow'
              ? await e.endNow(c.occurrenceId)
              : await e.show(c.occurrenceId, c.phase);
      reply = record ? { id: req.id, ok: true, record } : { id: req.id, ok: true };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { id: req.id, ok: false, error: { name: e.name, message: e.message } };
    }
    try {
      await this.#deps.publisher.publish(req.replyTo, JSON.stringify(reply));
    } catch (err) {
      this.#deps.onError?.(err as Error);
    }
  }
}
