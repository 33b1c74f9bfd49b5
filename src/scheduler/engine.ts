// The broadcast engine: keeps one BroadcastRun per occurrence within the planning window,
// resumes unfinished ones from the store at start, passes schedule changes and staff
// actions to them, and emits typed events for every transition. Air times come from the
// injected clock (clock.at), periodic re-planning and housekeeping included (every()).
import { every, type Cancel } from '../shared/clock.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { TypedEmitter } from '../shared/typed-emitter.js';
import type { Occurrence } from '../schedule/types.js';
import { BroadcastRun, type RunHost } from './broadcast-run.js';
import type { TransitionEntry } from './broadcast-store.js';
import type { EngineDeps } from './engine-deps.js';
import type { BroadcastRecord, BroadcastState, EngineEvents } from './ports.js';
import { FINAL_STATES } from './ports.js';
import { canTransition, PRE_AIR_STATES } from './state-machine.js';
import { newRecord } from './records.js';

/** A broadcast as a running engine knows it. */
export interface KnownBroadcast {
  record: BroadcastRecord;
  /** The occurrence the schedule gave it, when it did. */
  occurrence?: Occurrence;
}

/** How long stop() waits for a run's current step before stopping its encoder anyway. */
const STOP_STEP_BOUND_MS = 10_000;

export class BroadcastEngine extends TypedEmitter<EngineEvents> {
  readonly #deps: Required<EngineDeps>;
  readonly #runs = new Map<string, BroadcastRun>();
  readonly #host: RunHost;
  #tasks: Cancel[] = [];
  #offChange: (() => void) | undefined;
  #planning: Promise<void> = Promise.resolve();
  #started = false;
  #lastKnown: KnownBroadcast[] = [];

  constructor(deps: EngineDeps) {
    super();
    this.#deps = {
      replanEvery: 60_000,
      housekeepingEvery: 86_400_000,
      retention: 400 * 86_400_000,
      healthSaveInterval: 5_000,
      destinationTimeout: 60_000,
      publicText: (text: string) => text,
      ...deps,
    };
    this.#host = {
      deps: this.#deps,
      transitioned: (record, from, occ) => this.#emitSafely('transition', record, from, occ),
      destinationChanged: (record) => this.#emitSafely('destination', record),
      recordChanged: (record) => this.#emitSafely('changed', record),
      health: (id, health) => this.#emitSafely('health', id, health),
      reminder: (occ, offset) => this.#emitSafely('reminder', occ, offset),
      finished: (run) => {
        if (this.#runs.get(run.id) === run) this.#runs.delete(run.id);
      },
    };
  }

  /** Resumes unfinished broadcasts from the store, plans the window ahead and arms the crons. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    for (const record of await this.#deps.store.listUnfinished()) {
      const occ = this.#find(record.occurrenceId);
      const stored = occ ? undefined : await this.#deps.store.recallOccurrence(record.occurrenceId);
      const run = new BroadcastRun(this.#host, record, occ ?? stored);
      this.#runs.set(record.occurrenceId, run);
      await run.reconcile(occ);
    }
    await this.plan();
    this.#offChange = this.#deps.schedule.onChange(() => {
      this.plan().catch((err: unknown) => this.#deps.logger.error({ err }, 're-planning after a schedule change failed'));
    });
    const { clock, logger } = this.#deps;
    if (this.#deps.replanEvery > 0) {
      this.#tasks.push(every(clock, this.#deps.replanEvery, () => this.plan(), (err) => logger.error({ err }, 're-planning failed')));
    }
    if (this.#deps.housekeepingEvery > 0) {
      this.#tasks.push(every(clock, this.#deps.housekeepingEvery, () => this.housekeeping(), (err) => logger.error({ err }, 'housekeeping failed')));
    }
    this.#deps.logger.info({ runs: this.#runs.size }, 'broadcast engine started');
  }

  /**
   * Stops timers, crons and encoders. Persisted states stay as they are, so the next start
   * resumes whatever was prepared or live.
   */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#lastKnown = this.knownBroadcasts();
    this.#offChange?.();
    for (const cancel of this.#tasks) cancel();
    this.#tasks = [];
    // A real-time bound: a hung destination call must not hold up a shutdown.
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_STEP_BOUND_MS);
      timer.unref();
    });
    await Promise.all([...this.#runs.values()].map((run) => run.stop(bound)));
    clearTimeout(timer);
    this.#runs.clear();
    this.#deps.logger.info('broadcast engine stopped');
  }

  /** knownBroadcasts() as it was when stop() began (the runs are gone after it). */
  knownAtStop(): KnownBroadcast[] {
    return this.#lastKnown;
  }

  /** Creates records and runs for occurrences entering the window; reconciles the others. */
  plan(): Promise<void> {
    const p = this.#planning.then(() => this.#plan());
    this.#planning = p.catch((err: unknown) => this.#deps.logger.error({ err }, 'planning failed'));
    return this.#planning;
  }

  async #plan(): Promise<void> {
    if (!this.#started) return;
    const now = this.#deps.clock.now();
    const to = new Date(now.getTime() + this.#deps.timing.planAhead);
    const seen = new Set<string>();
    for (const occ of this.#deps.schedule.occurrences(now, to)) {
      seen.add(occ.id);
      const run = this.#runs.get(occ.id);
      if (run) {
        await run.reconcile(occ);
        continue;
      }
      await this.#ensureRun(occ);
    }
    for (const run of [...this.#runs.values()]) {
      if (!seen.has(run.id)) await run.reconcile(this.#find(run.id));
    }
  }

  /** The run for an occurrence, creating its record when it has none. Undefined if final. */
  async #ensureRun(occ: Occurrence): Promise<BroadcastRun | undefined> {
    const existing = this.#runs.get(occ.id);
    if (existing) return existing;
    const now = this.#deps.clock.now();
    let record = await this.#deps.store.get(occ.id);
    if (record && FINAL_STATES.has(record.state)) return undefined;
    if (!record) {
      const state: BroadcastState = occ.cancelled ? 'cancelled' : 'scheduled';
      record = newRecord(occ, state, this.#deps.destinations, now);
      const reason = occ.cancelled ? 'cancelled in the schedule' : undefined;
      if (reason) record.reason = reason;
      await this.#deps.store.transition(record, undefined, { at: now, ...(reason ? { reason } : {}) });
      this.#emitSafely('transition', structuredClone(record), undefined, occ);
      if (occ.cancelled) return undefined;
    }
    // A run may have been created by another caller while the store was read.
    const raced = this.#runs.get(occ.id);
    if (raced) return raced;
    const run = new BroadcastRun(this.#host, record, occ);
    this.#runs.set(occ.id, run);
    await run.reconcile(occ);
    return run;
  }

  /** Nightly: prunes final records older than the retention. */
  async housekeeping(): Promise<number> {
    const before = new Date(this.#deps.clock.now().getTime() - this.#deps.retention);
    const pruned = await this.#deps.store.prune(before);
    if (pruned) this.#deps.logger.info({ pruned }, 'pruned old broadcast records');
    return pruned;
  }

  /**
   * What this engine knows of the broadcasts it is running: each run's record as last written
   * (or about to be) and its occurrence. A cluster leader keeps this across a Redis outage,
   * to put back what a Redis restarted empty has lost (src/cluster/restore-broadcasts.ts).
   */
  knownBroadcasts(): KnownBroadcast[] {
    return [...this.#runs.values()].map((run) => ({
      record: structuredClone(run.record),
      ...(run.scheduled ? { occurrence: run.scheduled } : {}),
    }));
  }

  /** Resolves once planning and every run are idle (for tests and orderly shutdowns). */
  async settled(): Promise<void> {
    for (;;) {
      await this.#planning;
      const runs = [...this.#runs.values()];
      await Promise.all(runs.map((r) => r.settled()));
      const now = [...this.#runs.values()];
      if (now.length === runs.length && now.every((r, i) => r === runs[i])) return;
    }
  }

  // -------------------------------------------------------------------------------------
  // Reading
  // -------------------------------------------------------------------------------------

  list(from: Date, to: Date): Promise<BroadcastRecord[]> {
    return this.#deps.store.list(from, to);
  }

  async get(occurrenceId: string): Promise<BroadcastRecord> {
    const record = this.#runs.get(occurrenceId)?.record ?? (await this.#deps.store.get(occurrenceId));
    if (!record) throw new NotFoundError(`no broadcast with id "${occurrenceId}"; list them with GET /api/broadcasts`);
    return structuredClone(record);
  }

  transitions(occurrenceId: string): Promise<TransitionEntry[]> {
    return this.#deps.store.transitions(occurrenceId);
  }

  // -------------------------------------------------------------------------------------
  // Staff actions
  // -------------------------------------------------------------------------------------

  /**
   * Starts a broadcast that has not started yet, now (prepares what is needed at once). A
   * failed one whose time has not passed starts again (staff resume it, e.g. once the disk
   * has room): a fresh record from its occurrence, every destination prepared anew.
   */
  async startNow(occurrenceId: string): Promise<BroadcastRecord> {
    await this.#planning;
    const failedRun = this.#runs.get(occurrenceId);
    // A run that has just failed may still be letting go of its encoder and destinations:
    // that finishes first, so nothing of the old run writes over the new record.
    if (failedRun?.record.state === 'failed') await failedRun.settled();
    const run = this.#runs.get(occurrenceId);
    if (!run || run.record.state === 'failed') {
      const stored = await this.#deps.store.get(occurrenceId);
      if (stored?.state === 'failed') {
        if (run) this.#runs.delete(occurrenceId);
        return this.#resume(stored);
      }
    }
    return (await this.#runFor(occurrenceId)).startNow();
  }

  async #resume(failed: BroadcastRecord): Promise<BroadcastRecord> {
    const id = failed.occurrenceId;
    const occ = this.#find(id);
    if (!occ) throw new NotFoundError(`broadcast "${id}" is no longer in the schedule; it cannot be started again`);
    const now = this.#deps.clock.now();
    if (Date.parse(failed.scheduledEnd) <= now.getTime()) {
      throw new ConflictError(`broadcast ${id} failed and its time has passed (it was due to end at ${failed.scheduledEnd}); it cannot be started again`);
    }
    if (!canTransition('failed', 'scheduled')) throw new ConflictError(`broadcast ${id} is failed; it cannot be started again`);
    // Its planned times from the schedule, the end staff may have moved, and a start of now.
    const record = { ...newRecord(occ, 'scheduled', this.#deps.destinations, now), scheduledStart: now.toISOString(), scheduledEnd: failed.scheduledEnd };
    const reason = `started again by staff after it failed (${failed.reason ?? 'no reason recorded'})`;
    await this.#deps.store.transition(record, 'failed', { at: now, reason });
    this.#deps.logger.info({ occurrence: id, previous: failed.reason }, 'failed broadcast started again by staff');
    this.#emitSafely('transition', structuredClone(record), 'failed', occ);
    const run = new BroadcastRun(this.#host, record, occ);
    this.#runs.set(id, run);
    // Reconciling already walks it towards air (its start is now); startNow covers the rest.
    await run.reconcile(occ);
    return PRE_AIR_STATES.has(run.record.state) ? run.startNow() : structuredClone(run.record);
  }

  /** Moves the end of a live or coming broadcast later by `ms`. */
  async extend(occurrenceId: string, ms: number): Promise<BroadcastRecord> {
    return (await this.#runFor(occurrenceId)).extend(ms);
  }

  /** Ends a live broadcast now. */
  async endNow(occurrenceId: string): Promise<BroadcastRecord> {
    return (await this.#runFor(occurrenceId)).endNow();
  }

  /** Switches a live broadcast to the slate ("we'll be right back") or back to the programme. */
  async show(occurrenceId: string, phase: 'slate' | 'programme'): Promise<BroadcastRecord> {
    return (await this.#runFor(occurrenceId)).show(phase);
  }

  async #runFor(occurrenceId: string): Promise<BroadcastRun> {
    await this.#planning;
    const run = this.#runs.get(occurrenceId);
    if (run) return run;
    const occ = this.#find(occurrenceId);
    const record = await this.#deps.store.get(occurrenceId);
    if (!occ && !record) throw new NotFoundError(`no broadcast with id "${occurrenceId}"; list them with GET /api/broadcasts`);
    if (record && FINAL_STATES.has(record.state)) {
      // Let the run's own checks word the conflict ("is complete; ...").
      return new BroadcastRun(this.#host, record, occ);
    }
    if (!occ) throw new NotFoundError(`broadcast "${occurrenceId}" is no longer in the schedule`);
    const created = await this.#ensureRun(occ);
    if (!created) return new BroadcastRun(this.#host, (await this.#deps.store.get(occurrenceId))!, occ);
    return created;
  }

  #find(occurrenceId: string): Occurrence | undefined {
    try {
      return this.#deps.schedule.find(occurrenceId);
    } catch (err) {
      this.#deps.logger.error({ err, occurrenceId }, 'schedule lookup failed');
      return undefined;
    }
  }

  /** A listener that throws must not break the timeline that emitted the event. */
  #emitSafely<K extends 'transition' | 'destination' | 'changed' | 'health' | 'reminder'>(event: K, ...args: Parameters<EngineEvents[K]>): void {
    try {
      this.emit(event, ...args);
    } catch (err) {
      this.#deps.logger.error({ err, event }, 'engine event listener threw');
    }
  }
}

