// The main thread's side of the schedule checker: starts the worker thread (check-worker.ts),
// sends it one request at a time and gives each a time budget. A request past its budget
// (a file that takes too long to check) ends the worker; a fresh one is started with the
// files in force, so the rest of the programme is never lost to one file.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckerData, CheckRequest, CheckResponse, ResponseEnvelope } from './check-protocol.js';
import type { Programme } from './types.js';
import { CHECK_BUDGET_MS } from './limits.js';

/** A request that ran past its time budget (the worker was ended). */
export class CheckTimeoutError extends Error {
  override name = 'CheckTimeoutError';
  constructor(readonly budgetMs: number) {
    super(`checking took longer than ${Math.round(budgetMs / 1000)} s`);
  }
}

/** Whether this module runs from TypeScript sources (tsx) or from the built dist/. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');

function spawn(data: CheckerData): Worker {
  const entry = new URL(FROM_SOURCES ? './check-worker.ts' : './check-worker.js', import.meta.url).href;
  if (!FROM_SOURCES) return unref(new Worker(new URL(entry), { workerData: data }));
  // Run from sources, the worker needs tsx's loader too: bin/onair.js registers it in the
  // main thread only, and Node 20 does not apply a worker's `--import` before its entry.
  // So the worker first registers tsx through its API (`tsx/esm/api`, ESM build: found
  // beside tsx's main entry by absolute URL, whatever the cwd), then imports the checker.
  const api = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx')), 'esm/api/index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return unref(new Worker(code, { eval: true, workerData: data }));
}

/** The checker never keeps the process alive by itself (a pending request's timer does). */
function unref(worker: Worker): Worker {
  worker.unref();
  return worker;
}

export interface CheckerOptions {
  data: CheckerData;
  /** @defaultValue CHECK_BUDGET_MS */
  budgetMs?: number;
  /** What is in force, for a fresh worker taking over after one was ended. */
  inForce: () => { horizon: { fromMs: number; toMs: number }; entries: Array<{ file: string; programmes: Programme[] }> };
  onError: (err: Error) => void;
}

export class Checker {
  readonly #options: CheckerOptions;
  #worker: Worker | undefined;
  /** Resolves once the current worker has loaded (its message 0). */
  #ready: Promise<void> = Promise.resolve();
  #nextId = 1;
  #waiting = new Map<number, { resolve: (r: CheckResponse) => void; reject: (e: Error) => void }>();
  /** Requests run one at a time, in order. */
  #queue: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(options: CheckerOptions) {
    this.#options = options;
  }

  /** Sends a request after those before it; rejects with CheckTimeoutError past the budget. */
  request(request: CheckRequest, budgetMs = this.#options.budgetMs ?? CHECK_BUDGET_MS): Promise<CheckResponse> {
    const run = this.#queue.then(() => this.#send(request, budgetMs));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const w = this.#worker;
    this.#worker = undefined;
    for (const { reject } of this.#waiting.values()) reject(new Error('the schedule checker stopped'));
    this.#waiting.clear();
    await w?.terminate();
  }

  #ensure(): Worker {
    if (this.#worker) return this.#worker;
    const worker = spawn(this.#options.data);
    let loaded!: () => void;
    this.#ready = new Promise<void>((resolve) => (loaded = resolve));
    worker.on('message', ({ id, response }: ResponseEnvelope) => {
      if (id === 0) return loaded();
      const w = this.#waiting.get(id);
      this.#waiting.delete(id);
      w?.resolve(response);
    });
    const fail = (err: Error): void => {
      loaded(); // a worker that died while loading: the request below fails, not hangs
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      for (const { reject } of this.#waiting.values()) reject(err);
      this.#waiting.clear();
      if (!this.#stopped) this.#options.onError(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the schedule checker exited (code ${code})`)));
    this.#worker = worker;
    return worker;
  }

  async #send(request: CheckRequest, budgetMs: number): Promise<CheckResponse> {
    if (this.#stopped) throw new Error('the schedule checker stopped');
    const fresh = !this.#worker;
    const worker = this.#ensure();
    await this.#ready;
    if (this.#worker !== worker) throw new Error('the schedule checker could not start');
    if (fresh && request.op !== 'restore') {
      // A new worker knows nothing yet: give it what is in force first (no budget: these
      // files were checked before).
      const state = this.#options.inForce();
      if (state.entries.length) await this.#post(worker, { op: 'restore', ...state }, Infinity);
    }
    return this.#post(worker, request, budgetMs);
  }

  #post(worker: Worker, request: CheckRequest, budgetMs: number): Promise<CheckResponse> {
    const id = this.#nextId++;
    return new Promise<CheckResponse>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      this.#waiting.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      if (Number.isFinite(budgetMs)) {
        // A wall-clock budget on purpose: it bounds real CPU spent, whatever the test clock says.
        timer = setTimeout(() => {
          this.#waiting.delete(id);
          if (this.#worker === worker) this.#worker = undefined;
          void worker.terminate();
          reject(new CheckTimeoutError(budgetMs));
        }, budgetMs);
      }
      worker.postMessage({ id, request });
    });
  }
}
