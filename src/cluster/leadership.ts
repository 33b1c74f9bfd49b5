// Runs the leader's work (engine, ffmpeg, command server, event relay) exactly while this node
// holds the lease: started on 'acquired' with that term's fencing token, stopped on 'lost'.
// Starts and stops are chained, so a quick lose-and-regain never overlaps two terms' work.
// A stop is bounded: one that hangs (waiting on a Redis that is away) must not keep the
// chain — and with it the next term and the onair_leader metric — stuck for good.
import type { Logger } from '../shared/logger.js';
import type { LeaderLease } from './leader-lease.js';
import { settleWithin } from './settle-within.js';

/**
 * Longest a term's stop may take before the next step goes ahead anyway. The work's own
 * stop stops ffmpeg first and bounds its other steps well within this.
 * @defaultValue 20 s
 */
export const WORK_STOP_BOUND_MS = 20_000;

/** What a term of leadership runs; stop() must end every side effect (ffmpeg included). */
export interface LeaderWork {
  stop(): Promise<void>;
}

export interface LeadershipDeps {
  lease: LeaderLease;
  /** Builds and starts the leader's work for a term. */
  startWork(fencingToken: number): Promise<LeaderWork>;
  logger: Logger;
  /** Told of every change (metrics). */
  onChange?: (leading: boolean) => void;
}

export class Leadership {
  readonly #deps: LeadershipDeps;
  #chain: Promise<void> = Promise.resolve();
  #work: LeaderWork | undefined;
  #offs: Array<() => void> = [];
  #stopping = false;

  constructor(deps: LeadershipDeps) {
    this.#deps = deps;
  }

  get leading(): boolean {
    return this.#work !== undefined;
  }

  start(): void {
    const { lease, logger } = this.#deps;
    this.#offs.push(
      lease.on('acquired', (token) => {
        logger.info({ fencingToken: token }, 'this node now leads: starting the scheduler');
        this.#enqueue(async () => {
          await this.#stopWork();
          if (this.#stopping || lease.fencingToken !== token) return; // lost again meanwhile
          try {
            this.#work = await this.#deps.startWork(token);
            this.#deps.onChange?.(true);
          } catch (err) {
            logger.error({ err }, 'could not start the scheduler; handing the lease back');
            await lease.stop();
            if (!this.#stopping) lease.start();
          }
        });
      }),
      lease.on('lost', (reason) => {
        logger.warn({ reason }, 'this node no longer leads: stopping the scheduler and ffmpeg');
        this.#enqueue(() => this.#stopWork());
      }),
      lease.on('error', (err) => logger.warn({ err: err.message }, 'leader lease: Redis problem')),
    );
    lease.start();
  }

  /** Stops the work first (ffmpeg ends while we still hold the lease), then releases it. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#enqueue(() => this.#stopWork());
    await this.#chain;
    await this.#deps.lease.stop();
    await this.#chain;
    this.#offs.forEach((off) => off());
    this.#offs = [];
  }

  /** Resolves when every queued start/stop has finished (tests, orderly shutdown). */
  settled(): Promise<void> {
    return this.#chain;
  }

  #enqueue(step: () => Promise<void>): void {
    this.#chain = this.#chain.then(step).catch((err: unknown) => this.#deps.logger.error({ err }, 'leadership step failed'));
  }

  async #stopWork(): Promise<void> {
    const work = this.#work;
    if (!work) return;
    this.#work = undefined;
    this.#deps.onChange?.(false);
    const outcome = await settleWithin(work.stop(), WORK_STOP_BOUND_MS);
    if (!outcome.settled) this.#deps.logger.error(`the leader's work did not stop within ${WORK_STOP_BOUND_MS / 1000} s; going on without it`);
    else if (outcome.error) this.#deps.logger.error({ err: outcome.error }, "stopping the leader's work failed");
    else this.#deps.logger.info('the scheduler and ffmpeg are stopped');
  }
}
