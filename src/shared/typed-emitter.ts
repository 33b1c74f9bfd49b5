// A typed wrapper over Node's EventEmitter: event names and payloads are checked at
// compile time on both sides (as socket.io's typed-events.ts does for sockets).
import { EventEmitter } from 'node:events';

export type EventMap = { [event: string]: (...args: any[]) => void };

export class TypedEmitter<E extends EventMap> {
  readonly #ee = new EventEmitter();

  constructor() {
    // Many subscribers (realtime, control room, metrics) are normal here.
    this.#ee.setMaxListeners(0);
  }

  on<K extends keyof E & string>(event: K, listener: E[K]): () => void {
    this.#ee.on(event, listener);
    return () => this.#ee.off(event, listener);
  }

  once<K extends keyof E & string>(event: K, listener: E[K]): void {
    this.#ee.once(event, listener);
  }

  off<K extends keyof E & string>(event: K, listener: E[K]): void {
    this.#ee.off(event, listener);
  }

  emit<K extends keyof E & string>(event: K, ...args: Parameters<E[K]>): void {
    this.#ee.emit(event, ...args);
  }
}
