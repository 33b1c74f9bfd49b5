// Relays the leader's engine events to every node over Redis Pub/Sub, so web nodes (which run
// no engine) keep their realtime feed, metrics and control room up to date. Pub/Sub is enough
// here: a node that misses an event while disconnected re-reads the shared store on reconnect
// (the 'resync' event), and viewers' missed packets come from the Socket.IO stream anyway.
import type { Redis } from 'ioredis';
import type { Occurrence } from '../schedule/types.js';
import type { EngineEvents } from '../scheduler/ports.js';
import { TypedEmitter } from '../shared/typed-emitter.js';

/** The engine's events plus 'resync': the relay lost messages; re-read shared state. */
export interface RelayedEngineEvents extends EngineEvents {
  resync: () => void;
}

interface Envelope {
  event: 'transition' | 'destination' | 'changed' | 'health' | 'reminder';
  args: unknown[];
}

export function engineChannel(prefix: string): string {
  return `${prefix}engine-events`;
}

/** Something that emits the engine's events (BroadcastEngine). */
export interface EngineEventSource {
  on<K extends keyof EngineEvents & string>(event: K, listener: EngineEvents[K]): () => void;
}

/** On the leader: publishes every engine event. Returns the unsubscribe. */
export function publishEngineEvents(engine: EngineEventSource, redis: Redis, prefix: string, onError: (err: Error) => void): () => void {
  const channel = engineChannel(prefix);
  const send = (env: Envelope): void => {
    redis.publish(channel, JSON.stringify(env)).catch((err: unknown) => onError(err instanceof Error ? err : new Error(String(err))));
  };
  const offs = [
    engine.on('transition', (record, from, occurrence) => send({ event: 'transition', args: [record, from ?? null, occurrence ?? null] })),
    engine.on('destination', (record) => send({ event: 'destination', args: [record] })),
    engine.on('changed', (record) => send({ event: 'changed', args: [record] })),
    engine.on('health', (id, health) => send({ event: 'health', args: [id, health] })),
    engine.on('reminder', (occurrence, offsetMs) => send({ event: 'reminder', args: [occurrence, offsetMs] })),
  ];
  return () => offs.forEach((off) => off());
}

/** JSON turned the occurrence's Date fields into strings; turn them back. */
export function reviveOccurrence(raw: unknown): Occurrence | undefined {
  if (raw === null || raw === undefined || typeof raw !== 'object') return undefined;
  const o = raw as Occurrence & { start: string | Date; end: string | Date };
  return { ...o, start: new Date(o.start), end: new Date(o.end) };
}

/**
 * On every node: an emitter of the leader's engine events, fed from Redis. `subscriber`
 * must be a connection of its own (it enters subscriber mode). Call stop() to unsubscribe.
 */
export class EngineEventsRelay extends TypedEmitter<RelayedEngineEvents> {
  readonly #redis: Redis;
  readonly #channel: string;
  readonly #onMessage = (channel: string, message: string): void => this.#receive(channel, message);
  readonly #onReady = (): void => {
    // Back after a disconnection: ioredis re-subscribes by itself, but what was published
    // meanwhile is gone; listeners re-read the store.
    if (this.#wasDown) this.emit('resync');
    this.#wasDown = false;
  };
  readonly #onClose = (): void => {
    this.#wasDown = true;
  };
  #wasDown = false;

  constructor(subscriber: Redis, prefix: string) {
    super();
    this.#redis = subscriber;
    this.#channel = engineChannel(prefix);
  }

  async start(): Promise<void> {
    this.#redis.on('message', this.#onMessage);
    this.#redis.on('ready', this.#onReady);
    this.#redis.on('close', this.#onClose);
    await this.#redis.subscribe(this.#channel);
  }

  async stop(): Promise<void> {
    this.#redis.off('message', this.#onMessage);
    this.#redis.off('ready', this.#onReady);
    this.#redis.off('close', this.#onClose);
    try {
      await this.#redis.unsubscribe(this.#channel);
    } catch {
      /* the connection is going away anyway */
    }
  }

  #receive(channel: string, message: string): void {
    if (channel !== this.#channel) return;
    let env: Envelope;
    try {
      env = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    const a = env.args;
    switch (env.event) {
      case 'transition':
        this.emit('transition', a[0] as Parameters<EngineEvents['transition']>[0], (a[1] ?? undefined) as Parameters<EngineEvents['transition']>[1], reviveOccurrence(a[2]));
        break;
      case 'destination':
        this.emit('destination', a[0] as Parameters<EngineEvents['destination']>[0]);
        break;
      case 'changed':
        this.emit('changed', a[0] as Parameters<EngineEvents['changed']>[0]);
        break;
      case 'health':
        this.emit('health', a[0] as string, a[1] as Parameters<EngineEvents['health']>[1]);
        break;
      case 'reminder': {
        const occ = reviveOccurrence(a[0]);
        if (occ) this.emit('reminder', occ, Number(a[1]));
        break;
      }
      default:
        break;
    }
  }
}
