// One occurrence's timeline: from its persisted record and the clock it works out the next
// due step, does it, and arms a single timer for the one after. Every step is keyed on the
// persisted state (written before the side effect it announces), so running `advance` again
// — after a restart, a clock jump or a second timer — never repeats what already happened.
// All steps of one run are serialised on one promise queue.
import type { Cancel } from '../shared/clock.js';
import { ConflictError } from '../shared/errors.js';
import { formatDuration } from '../shared/duration.js';
import type { Occurrence } from '../schedule/types.js';
import { StaleStateError } from './broadcast-store.js';
import type { EngineDeps } from './engine-deps.js';
import type {
  BroadcastRecord,
  BroadcastState,
  Destination,
  DestinationContext,
  DestinationState,
  Encoder,
  EncoderHealth,
  ErrorInfo,
} from './ports.js';
import { FINAL_STATES } from './ports.js';
import { describeDestinationErrors, effectiveOccurrence, errorInfo, failedWith, initialDestinations, occurrenceFromRecord, recoversByDelivery, withEvent } from './records.js';
import { canTransition, PRE_AIR_STATES } from './state-machine.js';
import { diffOccurrence, type OccurrenceDiff } from './diff-occurrence.js';
import { withTimeout } from './with-timeout.js';

/** What a run needs from its engine. */
export interface RunHost {
  deps: Required<EngineDeps>;
  transitioned(record: BroadcastRecord, from: BroadcastState | undefined, occ: Occurrence | undefined): void;
  destinationChanged(record: BroadcastRecord): void;
  recordChanged(record: BroadcastRecord): void;
  health(occurrenceId: string, health: EncoderHealth): void;
  reminder(occ: Occurrence, offsetMs: number): void;
  finished(run: BroadcastRun): void;
}

/** Thrown inside a run's queue once the engine stops; never reaches a caller of the engine. */
class RunStopped extends Error {}

type DestinationMethod = 'prepare' | 'awaitIngest' | 'goLive' | 'update' | 'end' | 'teardown';

/** Methods whose failure means the destination cannot carry this broadcast. */
const FATAL_METHODS: ReadonlySet<DestinationMethod> = new Set(['prepare', 'awaitIngest', 'goLive']);

/** After an unexpected error (e.g. the store could not write), try the step again this much later. */
const RETRY_AFTER_MS = 10_000;

/** What a state handler asks for next: run the next handler now, sleep until a time, or nothing. */
type Step = 'again' | 'idle' | { wakeAt: number };

/** The clock and the broadcast's times (ms) as one step sees them. */
interface Moment {
  now: number;
  start: number;
  end: number;
}

/**
 * How a broadcast lets go of one destination: a live one is ended; one that holds anything
 * (prepared, an ingest, a remote event — even after a failed call) is torn down, unless it
 * already finished. One rule for every way out, so no path leaves a remote event behind.
 */
export function finishing(d: DestinationState): 'end' | 'teardown' | undefined {
  if (d.status === 'live') return 'end';
  if (d.status === 'complete' || d.status === 'cancelled') return undefined;
  if (d.status === 'ready' || d.ingest || Object.keys(d.remote).length > 0) return 'teardown';
  return undefined;
}

export class BroadcastRun {
  record: BroadcastRecord;
  readonly #host: RunHost;
  #occ: Occurrence | undefined;
  /** The schedule has given this occurrence since this process started. */
  #seen = false;
  #remembered = '';
  #warnedMissing = false;
  #warnedDestinations = false;
  #cancelReason: string | undefined;
  #endReason: string | undefined;
  #fatal: ErrorInfo | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #timer: Cancel | undefined;
  #reminders: Cancel[] = [];
  #remindersFor = '';
  #encoder: Encoder | undefined;
  #encoderOff: Array<() => void> = [];
  #liveSetup = false;
  /** The engine already asked the encoder for the programme (switchLead before air). */
  #switched = false;
  #chains = new Set<Promise<void>>();
  /** awaitIngest calls begun with the slate, reused when going live. */
  #ingest = new Map<string, Promise<DestinationState>>();
  #abort = new AbortController();
  #stopped = false;
  #released = false;
  #lastHealthSave = -Infinity;

  constructor(host: RunHost, record: BroadcastRecord, occ: Occurrence | undefined) {
    this.#host = host;
    this.record = record;
    this.#occ = occ;
    this.#armReminders();
  }

  get id(): string {
    return this.record.occurrenceId;
  }

  /** The occurrence as the engine acts on it (staff changes applied). */
  get occurrence(): Occurrence {
    return effectiveOccurrence(this.#occ ?? occurrenceFromRecord(this.record), this.record);
  }

  get #deps(): Required<EngineDeps> {
    return this.#host.deps;
  }

  get #log() {
    return this.#deps.logger.child({ occurrence: this.id });
  }

  // -------------------------------------------------------------------------------------
  // Queue
  // -------------------------------------------------------------------------------------

  /** Works out and does whatever is due now; safe to call any number of times. */
  kick(): void {
    if (this.#stopped) return;
    this.#exclusive(() => this.#advance()).catch((err: unknown) => this.#onError(err));
  }

  /** Resolves once the queue and the background destination calls are idle. */
  async settled(): Promise<void> {
    for (;;) {
      const queue = this.#queue;
      const chains = [...this.#chains];
      await Promise.allSettled([queue, ...chains]);
      if (queue === this.#queue && this.#chains.size === 0) return;
    }
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#queue.then(fn);
    this.#queue = p.catch(() => undefined);
    return p;
  }

  #onError(err: unknown): void {
    if (err instanceof RunStopped || this.#stopped) return;
    if (err instanceof StaleStateError) {
      // Someone else wrote this record; read it back and carry on from what is stored.
      this.#deps.store
        .get(this.id)
        .then((stored) => {
          if (stored) this.record = stored;
          this.kick();
        })
        .catch((e: unknown) => this.#log.error({ err: e }, 'cannot re-read broadcast record'));
      return;
    }
    this.#log.error({ err }, 'broadcast step failed; retrying shortly');
    this.#arm(this.#deps.clock.now().getTime() + RETRY_AFTER_MS);
  }

  #checkStopped(): void {
    if (this.#stopped) throw new RunStopped();
  }

  #arm(at: number): void {
    this.#timer?.();
    this.#timer = this.#deps.clock.at(new Date(at), () => {
      this.#timer = undefined;
      this.kick();
    });
  }

  // -------------------------------------------------------------------------------------
  // The timeline
  // -------------------------------------------------------------------------------------

  /** Runs the handler of the current state until one asks to wait (or the run is over). */
  async #advance(): Promise<void> {
    this.#timer?.();
    this.#timer = undefined;
    for (;;) {
      this.#checkStopped();
      const step = await this.#step();
      if (step === 'again') continue;
      if (step !== 'idle') this.#arm(step.wakeAt);
      return;
    }
  }

  /** One handler per state; each does what is due now and says what to do next. */
  async #step(): Promise<Step> {
    const state = this.record.state;
    if (FINAL_STATES.has(state)) {
      await this.#release();
      return 'idle';
    }
    const at: Moment = {
      now: this.#deps.clock.now().getTime(),
      start: Date.parse(this.record.scheduledStart),
      end: Date.parse(this.record.scheduledEnd),
    };
    if (PRE_AIR_STATES.has(state) && (await this.#leavePreAir(at))) return 'again';
    switch (state) {
      case 'scheduled':
        return this.#onScheduled(at);
      case 'preparing':
        return this.#onPreparing();
      case 'ready':
        return this.#onReady(at);
      case 'live':
        return this.#onLive(at);
      default:
        return this.#onEnding();
    }
  }

  /** Before air: a cancellation, a fatal error or a start long past ends the broadcast here. */
  async #leavePreAir({ now, start, end }: Moment): Promise<boolean> {
    const t = this.#deps.timing;
    if (this.#cancelReason) await this.#transition('cancelled', this.#cancelReason);
    else if (this.#fatal) await this.#transition('failed', this.#fatal.message);
    else if (now >= start && (now >= end || now - start > t.lateStartGrace)) {
      await this.#transition('missed', this.#missedReason(now, start, end));
    } else return false;
    return true;
  }

  async #onScheduled({ now, start }: Moment): Promise<Step> {
    const prepareAt = start - this.#deps.timing.prepareLead;
    if (now < prepareAt) return { wakeAt: prepareAt };
    await this.#transition('preparing');
    return 'again';
  }

  async #onPreparing(): Promise<Step> {
    await this.#prepareAll();
    if (this.#usable().length === 0 && !this.#anyRetryable()) {
      await this.#transition('failed', `no destination could be prepared: ${describeDestinationErrors(this.record.destinations)}`);
    } else {
      await this.#transition('ready');
    }
    return 'again';
  }

  async #onReady({ now, start }: Moment): Promise<Step> {
    const t = this.#deps.timing;
    if (this.#encoder && now < start - t.ffmpegLead) {
      // The start moved later than the encoder's lead: stop pushing the slate for now.
      await this.#stopEncoder();
    }
    const switchAt = start - t.switchLead;
    if (now >= start - t.ffmpegLead && !this.#encoder) {
      await this.#prepareAll();
      if (this.#usable().length === 0) {
        await this.#transition('failed', `no destination is ready to receive the stream: ${describeDestinationErrors(this.record.destinations)}`);
        return 'again';
      }
      if (now < start) {
        this.#switched = now >= switchAt;
        this.#startEncoder(this.#switched ? 'programme' : 'slate');
        return 'again';
      }
    }
    if (this.#encoder && now < start) {
      // The encoder switches ahead of this by its own latency (a no-op when the cue is unchanged).
      this.#encoder.cue?.(new Date(switchAt));
      const due = now >= switchAt;
      // A start moved later after the early switch goes back to the slate until then.
      if (due !== this.#switched) {
        this.#switched = due;
        this.#encoder.show(due ? 'programme' : 'slate');
      }
    }
    if (now >= start) {
      await this.#transition('live', undefined, { liveAt: new Date(now).toISOString() });
      return 'again';
    }
    return { wakeAt: now < start - t.ffmpegLead ? start - t.ffmpegLead : now < switchAt ? switchAt : start };
  }

  async #onLive({ now, end }: Moment): Promise<Step> {
    if (this.#fatal) {
      await this.#transition('failed', this.#fatal.message);
      return 'again';
    }
    if (this.#cancelReason || this.#endReason || now >= end) {
      const reason = this.#cancelReason ? `${this.#cancelReason}; ended while live` : this.#endReason;
      await this.#transition('ending', reason);
      return 'again';
    }
    if (!this.#liveSetup) {
      this.#liveSetup = true;
      if (!this.#encoder) this.#startEncoder('programme');
      else if (!this.#switched) this.#encoder.show('programme');
      if (this.#fatal) return 'again';
      this.#goLiveAll();
    }
    if (this.#chains.size === 0 && !this.record.destinations.some((d) => d.status === 'live')) {
      await this.#transition('failed', `no destination went live: ${describeDestinationErrors(this.record.destinations)}`);
      return 'again';
    }
    return { wakeAt: end };
  }

  async #onEnding(): Promise<Step> {
    await this.#finishDestinations();
    this.#checkStopped();
    await this.#transition('complete', this.record.reason, {
      endedAt: this.#deps.clock.now().toISOString(),
    });
    return 'again';
  }

  #missedReason(now: number, start: number, end: number): string {
    const when = this.occurrence.localStart || new Date(start).toISOString();
    if (now >= end) {
      return `nothing aired: onair was not running between its start (${when}) and its end; check why the server was down (its log), and reschedule the programme if it should still air`;
    }
    return `nothing aired: onair was not running at its start (${when}) and came back ${formatDuration(now - start)} later, beyond the late-start grace of ${formatDuration(this.#deps.timing.lateStartGrace)} (engine.lateStartGrace in config)`;
  }

  async #transition(to: BroadcastState, given?: string, patch: Partial<BroadcastRecord> = {}): Promise<void> {
    this.#checkStopped();
    const reason = given === undefined ? undefined : this.#deps.publicText(given);
    const from = this.record.state;
    if (!canTransition(from, to)) throw new Error(`illegal broadcast transition ${from} → ${to} for ${this.id}`);
    const now = this.#deps.clock.now();
    const next: BroadcastRecord = { ...this.record, ...patch, state: to, updatedAt: now.toISOString() };
    if (reason !== undefined) next.reason = reason;
    await this.#deps.store.transition(next, from, { at: now, ...(reason !== undefined ? { reason } : {}) });
    this.record = next;
    this.#log.info({ from, to, reason }, 'broadcast transition');
    if (!PRE_AIR_STATES.has(to)) this.#disarmReminders();
    this.#host.transitioned(structuredClone(next), from, this.#occ);
  }

  // -------------------------------------------------------------------------------------
  // Destinations
  // -------------------------------------------------------------------------------------

  /** A context whose signal aborts with the run's (cancel, end, shutdown) or with `own`. */
  #ctx(own: AbortController): DestinationContext {
    return {
      persist: (state) => this.#setDestination(state),
      signal: AbortSignal.any([this.#abort.signal, own.signal]),
      now: () => this.#deps.clock.now(),
    };
  }

  #destination(name: string): Destination | undefined {
    try {
      return this.#deps.destinations(name);
    } catch {
      return undefined;
    }
  }

  #current(name: string): DestinationState | undefined {
    return this.record.destinations.find((d) => d.name === name);
  }

  async #setDestination(state: DestinationState): Promise<void> {
    const before = this.#current(state.name);
    this.record = {
      ...this.record,
      destinations: this.record.destinations.map((d) => (d.name === state.name ? state : d)),
      updatedAt: this.#deps.clock.now().toISOString(),
    };
    await this.#deps.store.save(this.record, this.#deps.clock.now());
    // Viewers learn where to watch from this: a destination goes live after the broadcast.
    if (before?.status !== state.status || before?.watchUrl !== state.watchUrl) {
      this.#host.destinationChanged(structuredClone(this.record));
    }
  }

  /** Calls one destination method; a failure is recorded on the destination, never thrown. */
  async #call(dest: Destination, method: DestinationMethod, given: DestinationState): Promise<DestinationState> {
    const state = this.#current(given.name) ?? given;
    const limit = method === 'awaitIngest' || method === 'goLive' ? this.#deps.timing.ffmpegLead + this.#deps.destinationTimeout : this.#deps.destinationTimeout;
    // Aborted when the call times out, so the destination stops its own polling too.
    const own = new AbortController();
    // Aborted when the broadcast moves on (fails, ends, is cancelled) or the engine stops.
    const run = this.#abort.signal;
    try {
      const next = await withTimeout(
        dest[method](this.occurrence, state, this.#ctx(own)),
        limit,
        this.#deps.clock,
        `destination ${dest.name}: ${method}`,
      );
      this.#checkStopped();
      if ((method === 'awaitIngest' || method === 'goLive') && this.record.state !== 'live' && this.record.state !== 'ready') {
        // The broadcast moved on (ended, failed) while this call ran: its result is stale.
        return next;
      }
      const clean: DestinationState = { ...next };
      delete clean.error;
      if (method === 'prepare' && clean.ingest && clean.status === 'pending') clean.status = 'ready';
      await this.#setDestination(clean);
      return clean;
    } catch (err) {
      own.abort();
      this.#checkStopped();
      // Called off by the broadcast itself: the destination did nothing wrong, and its
      // "stopped while waiting" must not hide why the broadcast stopped.
      if (run.aborted) return this.#current(given.name) ?? state;
      const now = this.#deps.clock.now();
      const info = this.#public(errorInfo(err, now, `destination-${method}`));
      const latest = this.#current(given.name) ?? state;
      const failed: DestinationState = FATAL_METHODS.has(method)
        ? failedWith(latest, info)
        : { ...latest, error: info };
      this.record = { ...this.record, lastError: { ...info, message: `${dest.name}: ${info.message}` } };
      this.#log.warn({ destination: dest.name, method, code: info.code, message: info.message }, 'destination call failed');
      await this.#setDestination(failed);
      return failed;
    }
  }

  /** Destinations that can take the stream: prepared with an ingest and not failed. */
  #usable(): DestinationState[] {
    return this.record.destinations.filter((d) => d.ingest && d.status !== 'failed');
  }

  #anyRetryable(): boolean {
    return this.record.destinations.some((d) => d.status === 'failed' && d.error?.retryable);
  }

  /** Prepares every destination not yet prepared, retrying those whose failure may pass. */
  async #prepareAll(): Promise<void> {
    await Promise.all(
      this.record.destinations.map(async (d) => {
        if (d.ingest && d.status !== 'failed' && d.status !== 'pending') return;
        if (d.status === 'failed' && !d.error?.retryable) return;
        const dest = this.#destination(d.name);
        if (!dest) return;
        await this.#call(dest, 'prepare', d);
      }),
    );
    this.#checkStopped();
  }

  /** In the background: for each usable destination not yet live, await its ingest, then go live. */
  #goLiveAll(): void {
    for (const d of this.#usable()) {
      if (d.status === 'live') continue;
      const dest = this.#destination(d.name);
      if (!dest) continue;
      this.#track(
        (async () => {
          const seen = await (this.#ingest.get(d.name) ?? this.#call(dest, 'awaitIngest', d));
          if (seen.status === 'failed' || this.record.state !== 'live') return;
          await this.#call(dest, 'goLive', seen);
        })(),
      );
    }
  }

  #track(p: Promise<void>): void {
    const tracked = p
      .catch((err: unknown) => {
        if (!(err instanceof RunStopped)) this.#log.error({ err }, 'destination chain failed');
      })
      .finally(() => {
        this.#chains.delete(tracked);
        this.kick();
      });
    this.#chains.add(tracked);
  }

  /** Passes changed title or times to every prepared destination, in the background. */
  #updateDestinations(): void {
    // Without the schedule's occurrence there is nothing true to pass on (only a stand-in).
    if (!this.#occ) return;
    for (const d of this.record.destinations) {
      if (d.status !== 'ready' && d.status !== 'live') continue;
      const dest = this.#destination(d.name);
      if (!dest) continue;
      this.#track(this.#call(dest, 'update', d).then(() => undefined));
    }
  }

  // -------------------------------------------------------------------------------------
  // Encoder
  // -------------------------------------------------------------------------------------

  #startEncoder(phase: 'slate' | 'programme'): void {
    this.#checkStopped();
    const outputs = this.#usable().map((d) => ({ destination: d.name, target: d.ingest! }));
    let encoder: Encoder;
    try {
      encoder = this.#deps.encoders.create({ occurrence: this.occurrence, outputs });
    } catch (err) {
      this.#fatal = this.#public(errorInfo(err, this.#deps.clock.now(), 'encoder-start'));
      this.#fatal.message = `the encoder could not start: ${this.#fatal.message}`;
      return;
    }
    this.#encoder = encoder;
    this.#encoderOff = [
      encoder.on('health', (h) => this.#onHealth(h)),
      encoder.on('problem', (e) => this.#onProblem(this.#public(e))),
      encoder.on('outputFailed', (name, e) => this.#onOutputFailed(name, this.#public(e))),
      encoder.on('outputDelivering', (name) => this.#onOutputDelivering(name)),
      encoder.on('fatal', (raw) => {
        const e = this.#public(raw);
        this.#fatal = e;
        // What staff read first: the encoder's own error (a media file that is not a video,
        // a full disk), saved with the transition to failed.
        this.record = { ...this.record, lastError: e };
        this.kick();
      }),
    ];
    encoder.start(phase);
    if (phase === 'slate') {
      // Ask each destination to confirm it sees data; goLive waits for this at air time.
      for (const d of this.#usable()) {
        const dest = this.#destination(d.name);
        if (!dest || d.status === 'live') continue;
        const seen = this.#call(dest, 'awaitIngest', d);
        this.#ingest.set(d.name, seen);
        this.#track(seen.then(() => undefined));
      }
    }
  }

  async #stopEncoder(): Promise<void> {
    const encoder = this.#encoder;
    if (!encoder) return;
    this.#encoder = undefined;
    this.#ingest.clear();
    try {
      await withTimeout(encoder.stop(), this.#deps.timing.stopTimeout * 2 + 1000, this.#deps.clock, 'stopping the encoder');
    } catch (err) {
      this.#log.error({ err }, 'encoder did not stop cleanly');
    } finally {
      for (const off of this.#encoderOff) off();
      this.#encoderOff = [];
    }
  }

  /** The error as records may hold it (deps.publicText: no absolute folder paths). */
  #public(e: ErrorInfo): ErrorInfo {
    return { ...e, message: this.#deps.publicText(e.message) };
  }

  #onHealth(h: EncoderHealth): void {
    this.record = { ...this.record, health: h };
    this.#host.health(this.id, h);
    const now = this.#deps.clock.now();
    if (now.getTime() - this.#lastHealthSave >= this.#deps.healthSaveInterval) {
      this.#lastHealthSave = now.getTime();
      this.#deps.store.save(this.record, now).catch((err: unknown) => this.#log.error({ err }, 'cannot save health'));
    }
  }

  #onProblem(e: ErrorInfo): void {
    this.record = { ...this.record, lastError: e };
    this.#log.warn({ code: e.code, message: e.message }, 'encoder problem');
    this.#deps.store
      .save(this.record, this.#deps.clock.now())
      .catch((err: unknown) => this.#log.error({ err }, 'cannot save encoder problem'));
  }

  /** A destination's output stopped mid-stream for good: it is failed; the rest go on. */
  #onOutputFailed(name: string, e: ErrorInfo): void {
    this.#exclusive(async () => {
      const d = this.#current(name);
      if (!d || d.status === 'failed' || this.record.state !== 'live') return;
      this.record = { ...this.record, lastError: e };
      this.#log.warn({ destination: name, code: e.code, message: e.message }, 'destination failed mid-stream');
      await this.#setDestination(failedWith(d, e));
    })
      .then(() => this.kick())
      .catch((err: unknown) => this.#onError(err));
  }

  /**
   * A destination's receiver takes the stream (the encoder saw it acknowledge more and more):
   * one that had failed only for want of delivery (recoversByDelivery) is back — live again
   * while the broadcast is live (an RTMP destination's goLive does nothing remote), ready
   * again before air (it is then awaited and put live at air time like the others). Its
   * history keeps why it had failed; `error` goes.
   */
  #onOutputDelivering(name: string): void {
    this.#exclusive(async () => {
      const d = this.#current(name);
      const state = this.record.state;
      if (!d || !recoversByDelivery(d) || (state !== 'live' && state !== 'ready')) return;
      const was = d.error!;
      const at = this.#deps.clock.now().toISOString();
      const back = withEvent(
        { ...d, status: state === 'live' ? 'live' : 'ready' },
        { at, event: 'recovered', code: 'delivering', message: `Destination "${name}" is receiving again: its server takes the stream (it had failed at ${was.at}: ${was.code}).` },
      );
      delete back.error;
      // Before air, its failed awaitIngest is not to be reused: it is asked again at air time.
      this.#ingest.delete(name);
      this.#log.info({ destination: name, was: was.code }, 'destination receiving again');
      await this.#setDestination(back);
    })
      .then(() => this.kick())
      .catch((err: unknown) => this.#onError(err));
  }

  // -------------------------------------------------------------------------------------
  // Reminders
  // -------------------------------------------------------------------------------------

  #armReminders(): void {
    const occ = this.#occ;
    if (!occ || !PRE_AIR_STATES.has(this.record.state) || occ.cancelled) return this.#disarmReminders();
    const key = `${this.record.scheduledStart}|${occ.remindersMs.join(',')}`;
    if (key === this.#remindersFor) return;
    this.#disarmReminders();
    this.#remindersFor = key;
    const start = Date.parse(this.record.scheduledStart);
    const now = this.#deps.clock.now().getTime();
    for (const offset of occ.remindersMs) {
      const at = start - offset;
      // A reminder whose time passed (onair was down, or it already fired) is not sent late.
      if (at <= now) continue;
      this.#reminders.push(this.#deps.clock.at(new Date(at), () => this.#host.reminder(this.occurrence, offset)));
    }
  }

  #disarmReminders(): void {
    for (const cancel of this.#reminders) cancel();
    this.#reminders = [];
    this.#remindersFor = '';
  }

  // -------------------------------------------------------------------------------------
  // From the engine: schedule changes and staff actions
  // -------------------------------------------------------------------------------------

  /** Applies the schedule's latest view of this occurrence (undefined: it left the schedule). */
  reconcile(occ: Occurrence | undefined): Promise<void> {
    return this.#exclusive(async () => {
      if (FINAL_STATES.has(this.record.state)) return;
      if (occ) {
        this.#seen = true;
        await this.#remember(occ);
      }
      if (!occ) {
        if (this.#seen) {
          this.#cancelReason ??= 'removed from the schedule (its programme or this date no longer exists)';
        } else if (!this.#occ) {
          this.#cancelReason ??=
            'not in the schedule when onair started and no stored copy to carry on from; check its schedule file (GET /api/status lists file errors)';
        } else if (this.#deps.schedule.standing(this.#occ.programmeId) !== 'unknown') {
          // Every file reads well now (or its programme is back) and this date is not in it:
          // the stored copy stood in for an invalid file, and that file has let it go.
          this.#cancelReason ??= 'removed from the schedule (its file, valid again, no longer has this date)';
        } else if (!this.#warnedMissing) {
          // Its file may be invalid right now (at start-up there is no last good version):
          // carry on with the copy stored when it was planned rather than drop a broadcast.
          this.#warnedMissing = true;
          this.#log.warn('not in the schedule at start-up; carrying on with the stored copy (is its schedule file invalid?)');
        }
      } else if (occ.cancelled) {
        this.#occ = occ;
        this.#cancelReason ??= 'cancelled in the schedule';
      } else {
        this.#occ = occ;
        this.#cancelReason = undefined;
        await this.#apply(diffOccurrence(this.record, occ), occ);
        this.#armReminders();
      }
      await this.#advance();
    });
  }

  /** Writes a schedule edit to the record and passes what viewers see on to the destinations. */
  async #apply(diff: OccurrenceDiff, occ: Occurrence): Promise<void> {
    if (diff.destinationsKept && !this.#warnedDestinations) {
      this.#warnedDestinations = true;
      this.#log.warn(
        { was: this.record.destinations.map((d) => d.name), now: occ.destinations },
        'destinations changed after preparation began; this broadcast keeps the ones it prepared (the change applies to later ones)',
      );
    }
    if (Object.keys(diff.patch).length > 0 || diff.retakeDestinations) {
      const now = this.#deps.clock.now();
      this.record = {
        ...this.record,
        ...diff.patch,
        // Nothing prepared yet: take the schedule's destinations as they now are.
        ...(diff.retakeDestinations ? { destinations: initialDestinations(occ.destinations, this.#deps.destinations, now) } : {}),
        updatedAt: now.toISOString(),
      };
      await this.#deps.store.save(this.record, now);
    }
    if (diff.patch.title) this.#encoder?.retitle?.(diff.patch.title);
    if (diff.changed) this.#updateDestinations();
  }

  async #remember(occ: Occurrence): Promise<void> {
    const store = this.#deps.store;
    const json = JSON.stringify(occ);
    if (json === this.#remembered) return;
    await store.rememberOccurrence(occ, this.#deps.clock.now());
    this.#remembered = json;
  }

  startNow(): Promise<BroadcastRecord> {
    return this.#exclusive(async () => {
      const state = this.record.state;
      if (!PRE_AIR_STATES.has(state)) {
        throw new ConflictError(`broadcast ${this.id} is ${state}; only one that has not started yet can be started now`);
      }
      if (this.#cancelReason) throw new ConflictError(`broadcast ${this.id} is ${this.#cancelReason}; it cannot be started`);
      const now = this.#deps.clock.now();
      if (Date.parse(this.record.scheduledEnd) <= now.getTime()) {
        throw new ConflictError(`broadcast ${this.id} was due to end at ${this.record.scheduledEnd}; extend it before starting it`);
      }
      if (now.getTime() < Date.parse(this.record.scheduledStart)) {
        this.record = { ...this.record, scheduledStart: now.toISOString(), updatedAt: now.toISOString() };
        await this.#deps.store.save(this.record, now);
      }
      await this.#advance();
      return structuredClone(this.record);
    });
  }

  extend(ms: number): Promise<BroadcastRecord> {
    return this.#exclusive(async () => {
      const state = this.record.state;
      if (!PRE_AIR_STATES.has(state) && state !== 'live') {
        throw new ConflictError(`broadcast ${this.id} is ${state}; only one that is live or still to come can be extended`);
      }
      const now = this.#deps.clock.now();
      const end = new Date(Date.parse(this.record.scheduledEnd) + ms).toISOString();
      this.record = { ...this.record, scheduledEnd: end, updatedAt: now.toISOString() };
      await this.#deps.store.save(this.record, now);
      this.#host.recordChanged(structuredClone(this.record));
      this.#updateDestinations();
      await this.#advance();
      return structuredClone(this.record);
    });
  }

  endNow(): Promise<BroadcastRecord> {
    return this.#exclusive(async () => {
      const state = this.record.state;
      if (state !== 'live') {
        throw new ConflictError(
          `broadcast ${this.id} is ${state}; only a live broadcast can be ended (to call off one still to come, cancel it in its schedule file)`,
        );
      }
      const now = this.#deps.clock.now();
      this.#endReason = `ended early by staff at ${now.toISOString()}`;
      this.record = { ...this.record, scheduledEnd: now.toISOString(), updatedAt: now.toISOString() };
      await this.#deps.store.save(this.record, now);
      await this.#advance();
      return structuredClone(this.record);
    });
  }

  show(phase: 'slate' | 'programme'): Promise<BroadcastRecord> {
    return this.#exclusive(async () => {
      if (this.record.state !== 'live' || !this.#encoder) {
        throw new ConflictError(`broadcast ${this.id} is ${this.record.state}; the slate can only be switched while it is live`);
      }
      this.#encoder.show(phase);
      this.#log.info({ phase }, 'switched by staff');
      return structuredClone(this.record);
    });
  }

  // -------------------------------------------------------------------------------------
  // Ending
  // -------------------------------------------------------------------------------------

  /** After a final state: stop the encoder and undo whatever the destinations still hold. */
  async #release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#disarmReminders();
    // A complete broadcast finished its destinations on the way through `ending`.
    if (this.record.state === 'complete') {
      this.#abort.abort();
      await this.#stopEncoder();
    } else {
      await this.#finishDestinations();
    }
    this.#host.finished(this);
  }

  /**
   * The one way a broadcast lets go of its destinations, whether it ends normally (`ending`)
   * or leaves for failed, missed or cancelled: calls still waiting (to go live, for ingest)
   * are called off, the encoder stops first so local recordings and playlists are complete
   * before the destinations finish them, then each destination is ended or torn down as
   * `finishing` says.
   */
  async #finishDestinations(): Promise<void> {
    this.#abort.abort();
    // Calls made with the run's signal aborted would give up at once: use a fresh context.
    this.#abort = new AbortController();
    await this.#stopEncoder();
    await Promise.all(
      this.record.destinations.map(async (d) => {
        const method = finishing(d);
        const dest = method && this.#destination(d.name);
        if (!method || !dest) return;
        const after = await this.#call(dest, method, d);
        // Cleaned up, a destination that failed still says so, with its error: that is
        // what staff need to read afterwards, not "cancelled".
        if (d.status === 'failed' && after.status !== 'failed') {
          await this.#setDestination({ ...after, status: 'failed', ...(d.error ? { error: d.error } : {}) });
        }
      }),
    );
  }

  /**
   * Engine shutdown: stop timers and the encoder, keep the persisted state for the next start.
   * The encoder stops at once, not after the step in progress: that step may be waiting on a
   * store that is unreachable (a cluster leader that lost Redis, and with it the lease, must
   * not keep pushing), and once stopped no step starts an encoder again.
   */
  async stop(bound: Promise<void>): Promise<void> {
    this.#stopped = true;
    this.#timer?.();
    this.#disarmReminders();
    this.#abort.abort();
    await Promise.all([this.#stopEncoder(), Promise.race([this.#queue.then(() => undefined), bound])]);
    await this.#stopEncoder();
  }

  /** The occurrence as the schedule last gave it (undefined for a stand-in from the record). */
  get scheduled(): Occurrence | undefined {
    return this.#occ;
  }
}
