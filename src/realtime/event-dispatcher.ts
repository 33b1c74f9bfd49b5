// Incoming events, one dispatcher per namespace shared by every socket: unknown events and
// floods are refused before any parsing, the payload is parsed by the handler's zod schema
// (an `invalid` ack otherwise), a failure inside answers `internal`, and a missing ack is
// tolerated. Handlers are looked up in a table built once, so a connection costs one small
// closure (its middleware) rather than a listener per event.
import type { z } from 'zod';
import type { Logger } from '../shared/logger.js';
import type { Limiter } from '../shared/rate-limit.js';
import type { AckError } from './events.js';
import { describeIssues } from './schemas.js';

export type AnyAck = (ack: { ok: true; [key: string]: unknown } | { ok: false; error: AckError }) => void;

/** One event's handler: its payload schema (null: takes none) and what it does. */
export interface Handler<S> {
  schema: z.ZodType | null;
  run: (socket: S, payload: unknown, ack: AnyAck) => unknown;
}

/** Answers an event with an error a page can show (`code` for logic, `message` for people). */
export function refuse(ack: AnyAck | undefined, code: string, message: string): void {
  ack?.({ ok: false, error: { code, message } });
}

/** A handler table for the events `E` of one namespace, each payload typed by its schema. */
export class HandlerTable<S, E> {
  readonly handlers = new Map<string, Handler<S>>();

  on<Z extends z.ZodType>(event: keyof E & string, schema: Z | null, run: (socket: S, payload: z.infer<Z>, ack: AnyAck) => unknown): this {
    // The schema parsed the payload before `run` sees it, so its type is the schema's.
    this.handlers.set(event, { schema, run: run as Handler<S>['run'] });
    return this;
  }
}

export interface DispatcherDeps<S> {
  handlers: ReadonlyMap<string, Handler<S>>;
  /** The flood guard of this namespace: events per socket (viewers and moderators differ). */
  flood: Limiter;
  logger: Logger;
}

export class EventDispatcher<S extends { id: string }> {
  readonly #deps: DispatcherDeps<S>;

  constructor(deps: DispatcherDeps<S>) {
    this.#deps = deps;
  }

  /** Checks one incoming packet (a socket middleware's `packet`) and runs its handler. */
  dispatch(socket: S, packet: unknown[]): void {
    const [event] = packet;
    const last = packet[packet.length - 1];
    const ack: AnyAck = typeof last === 'function' ? (last as AnyAck) : () => {};
    const handler = typeof event === 'string' ? this.#deps.handlers.get(event) : undefined;
    if (!handler) {
      refuse(ack, 'unknown-event', `"${String(event).slice(0, 40)}" is not an event of this namespace.`);
      return;
    }
    this.#deps.flood.consume(socket.id).then(
      (verdict) => {
        if (verdict.allowed) this.#run(socket, packet, handler, ack);
        else refuse(ack, 'rate-limited', 'Too many requests; wait a few seconds.');
      },
      (err: unknown) => {
        this.#deps.logger.error({ err, event }, 'realtime: the flood guard failed');
        refuse(ack, 'internal', 'Something went wrong on the server; try again.');
      },
    );
  }

  /** Parses the payload with the handler's schema and runs it. */
  #run(socket: S, packet: unknown[], handler: Handler<S>, ack: AnyAck): void {
    const [event] = packet;
    let payload: unknown = undefined;
    if (handler.schema) {
      const parsed = handler.schema.safeParse(packet[1]);
      if (!parsed.success) {
        refuse(ack, 'invalid', describeIssues(parsed.error));
        return;
      }
      payload = parsed.data;
    }
    Promise.resolve()
      .then(() => handler.run(socket, payload, ack))
      .catch((err: unknown) => {
        this.#deps.logger.error({ err, event }, 'realtime: handler failed');
        refuse(ack, 'internal', 'Something went wrong on the server; try again.');
      });
  }
}
