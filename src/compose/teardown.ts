// What a composition has built so far, released in reverse order: the same list serves a
// normal stop and a start that failed halfway (a port in use, Redis away, a bad password
// hash), so a failed start leaves no open database, watcher, lock or Redis connection.
import type { Logger } from '../shared/logger.js';

export class Teardown {
  readonly #steps: Array<{ name: string; run: () => Promise<void> | void }> = [];
  readonly #logger: Logger;
  #done: Promise<void> | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Registers a release step, run before every step registered earlier. */
  defer(name: string, run: () => Promise<void> | void): void {
    this.#steps.push({ name, run });
  }

  /**
   * Runs every step, newest first, once (a second call waits on the first). A step that
   * throws is logged and the rest still run: a stuck watcher must not keep the lock held.
   */
  run(): Promise<void> {
    this.#done ??= (async () => {
      for (const step of this.#steps.splice(0).reverse()) {
        try {
          await step.run();
        } catch (err) {
          this.#logger.warn({ err, step: step.name }, 'could not release a part while stopping');
        }
      }
    })();
    return this.#done;
  }
}
