// Hand-written fakes of the engine's ports (schedule reader, destination, encoder), each
// checked against its port with `satisfies`, recording every call for assertions.
import type { Occurrence } from '../../../src/schedule/types.js';
import { testOccurrence } from '../../support/test-occurrence.js';
import {
  DestinationError,
  type Destination,
  type DestinationContext,
  type DestinationState,
  type Encoder,
  type EncoderEvents,
  type EncoderFactory,
  type EncoderHealth,
  type EncoderSpec,
  type ErrorInfo,
  type ProgrammeStanding,
  type ScheduleReader,
} from '../../../src/scheduler/ports.js';

/** The engine tests' occurrence (test/support/test-occurrence.ts): `minutes` long from `start`, in UTC, to the fake destination 'alpha', chat on. */
export function occurrence(id: string, start: string, minutes: number, extra: Partial<Occurrence> = {}): Occurrence {
  const s = new Date(start);
  return testOccurrence(id, {
    title: { tr: `Program ${id}`, en: `Programme ${id}` },
    timezone: 'UTC',
    start: s,
    end: new Date(s.getTime() + minutes * 60_000),
    destinations: ['alpha'],
    youtube: { privacy: 'public', madeForKids: false },
    chat: { enabled: true, slowModeMs: 0 },
    ...extra,
  });
}

export function fakeSchedule(initial: Occurrence[] = []) {
  let occs = initial;
  let invalid = false;
  const listeners = new Set<() => void>();
  const reader = {
    occurrences(from: Date, to: Date): Occurrence[] {
      return occs.filter((o) => o.start < to && o.end > from).sort((a, b) => a.start.getTime() - b.start.getTime());
    },
    find(id: string): Occurrence | undefined {
      return occs.find((o) => o.id === id);
    },
    standing(programmeId: string): ProgrammeStanding {
      return occs.some((o) => o.programmeId === programmeId) ? 'in-force' : invalid ? 'unknown' : 'gone';
    },
    onChange(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /**
     * Replaces the occurrences (a hot reload) and tells the listeners; `invalid`: some file
     * could not be read, so a programme missing from `next` may still be in it.
     */
    set(next: Occurrence[], opts: { invalid?: boolean } = {}): void {
      occs = next;
      invalid = opts.invalid ?? false;
      for (const l of listeners) l();
    },
    get listenerCount(): number {
      return listeners.size;
    },
  } satisfies ScheduleReader & Record<string, unknown>;
  return reader;
}

export interface DestinationCall {
  method: string;
  occurrenceId: string;
  at: string;
  title: string;
  end: string;
}

type Method = 'prepare' | 'awaitIngest' | 'goLive' | 'update' | 'end' | 'teardown';

export function fakeDestination(name: string) {
  const calls: DestinationCall[] = [];
  /** Errors to throw, by method (kept until cleared). */
  const failures: Partial<Record<Method, DestinationError>> = {};
  /** Promises a method waits for before answering (to hold awaitIngest, say). */
  const gates: Partial<Record<Method, Promise<void>>> = {};
  /** The signal each call was given, in call order. */
  const signals: Array<{ method: Method; signal: AbortSignal }> = [];
  const record = async (method: Method, occ: Occurrence, ctx: DestinationContext): Promise<void> => {
    signals.push({ method, signal: ctx.signal });
    calls.push({
      method,
      occurrenceId: occ.id,
      at: ctx.now().toISOString(),
      title: occ.title.en,
      end: occ.end.toISOString(),
    });
    const gate = gates[method];
    if (gate) {
      // As a real destination does: stop waiting when the engine calls the call off.
      await Promise.race([
        gate,
        new Promise<never>((_, reject) =>
          ctx.signal.aborted
            ? reject(ctx.signal.reason)
            : ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }),
        ),
      ]);
    }
    const failure = failures[method];
    if (failure) throw failure;
  };
  const dest = {
    name,
    kind: 'rtmp' as const,
    async prepare(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
      await record('prepare', occ, ctx);
      // As a real destination does: persist the remote id before using it.
      const withId: DestinationState = { ...state, remote: { eventId: `${name}-${occ.id}` } };
      await ctx.persist(withId);
      return { ...withId, status: 'ready', ingest: { url: `rtmp://127.0.0.1/live/${name}`, format: 'flv' } };
    },
    async awaitIngest(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
      await record('awaitIngest', occ, ctx);
      return state;
    },
    async goLive(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
      await record('goLive', occ, ctx);
      return { ...state, status: 'live', watchUrl: `https://watch.example/${name}/${occ.id}` };
    },
    async update(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
      await record('update', occ, ctx);
      return state;
    },
    async end(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
      await record('end', occ, ctx);
      return { ...state, status: 'complete' };
    },
    async teardown(occ: Occurrence, state: DestinationState, ctx: DestinationContext): Promise<DestinationState> {
      await record('teardown', occ, ctx);
      return { ...state, status: 'cancelled' };
    },
    calls,
    failures,
    gates,
    signals,
    count(method: Method, occurrenceId?: string): number {
      return calls.filter((c) => c.method === method && (!occurrenceId || c.occurrenceId === occurrenceId)).length;
    },
  } satisfies Destination & Record<string, unknown>;
  return dest;
}

export type FakeDestination = ReturnType<typeof fakeDestination>;

export function fakeEncoder(spec: EncoderSpec) {
  const listeners: { [K in keyof EncoderEvents]?: Set<EncoderEvents[K]> } = {};
  const log: string[] = [];
  const health: EncoderHealth = { phase: 'stopped', fps: 0, bitrateKbps: 0, speed: 0, droppedFrames: 0, restarts: 0 };
  const encoder = {
    spec,
    log,
    stopped: false,
    start(phase: 'slate' | 'programme'): void {
      log.push(`start:${phase}`);
      health.phase = phase;
    },
    show(phase: 'slate' | 'programme'): void {
      log.push(`show:${phase}`);
      health.phase = phase;
    },
    async stop(): Promise<void> {
      log.push('stop');
      encoder.stopped = true;
      health.phase = 'stopped';
    },
    get health(): EncoderHealth {
      return { ...health };
    },
    on<K extends keyof EncoderEvents & string>(event: K, listener: EncoderEvents[K]): () => void {
      const set = (listeners[event] ??= new Set()) as Set<EncoderEvents[K]>;
      set.add(listener);
      return () => set.delete(listener);
    },
    /** Test side: make the "encoder" report something. */
    emitHealth(h: Partial<EncoderHealth>): void {
      for (const l of listeners.health ?? []) l({ ...health, ...h });
    },
    emitProblem(e: ErrorInfo): void {
      for (const l of listeners.problem ?? []) l(e);
    },
    emitFatal(e: ErrorInfo): void {
      for (const l of listeners.fatal ?? []) l(e);
    },
    emitOutputFailed(destination: string, e: ErrorInfo): void {
      for (const l of listeners.outputFailed ?? []) l(destination, e);
    },
    emitDelivering(destination: string): void {
      for (const l of listeners.outputDelivering ?? []) l(destination);
    },
  } satisfies Encoder & Record<string, unknown>;
  return encoder;
}

export type FakeEncoder = ReturnType<typeof fakeEncoder>;

export function fakeEncoders() {
  const created: FakeEncoder[] = [];
  const factory = {
    created,
    create(spec: EncoderSpec): FakeEncoder {
      const e = fakeEncoder(spec);
      created.push(e);
      return e;
    },
    for(occurrenceId: string): FakeEncoder[] {
      return created.filter((e) => e.spec.occurrence.id === occurrenceId);
    },
  } satisfies EncoderFactory & Record<string, unknown>;
  return factory;
}
