// The schedule checker's worker thread: owns the overlap index of the files in force and
// answers the service's requests one at a time (see check-protocol.ts). Everything a file
// can make expensive — reading, YAML, validation, a year of broadcasts, overlaps — runs here.
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckerData, CheckRequest, CheckResponse, Horizon, RequestEnvelope } from './check-protocol.js';
import { ConflictIndex, type FileEntry } from './conflicts.js';
import { Expander } from './expand.js';
import { slotsWithin } from './load.js';
import { readScheduleFile, UnreadableFileError } from './read-file.js';
import type { Diagnostic } from './types.js';
import { hasErrors, validateScheduleText } from './validate-file.js';

const data = workerData as CheckerData;
const expander = new Expander();
let index = new ConflictIndex(data.ctx.maxDurationMs, expander);
/** Versions valid alone, waiting to be put in force (or refused because of other files). */
const pending = new Map<string, FileEntry>();

function window(h: Horizon): { from: Date; to: Date } {
  return { from: new Date(h.fromMs), to: new Date(h.toMs) };
}

function handle(req: CheckRequest): CheckResponse {
  switch (req.op) {
    case 'check': {
      pending.delete(req.file);
      let text: string;
      try {
        text = readScheduleFile(req.abs, { root: data.root });
      } catch (err) {
        if (err instanceof UnreadableFileError) return err.reason === 'missing' ? { kind: 'missing' } : { kind: 'unreadable', message: err.text.en, tr: err.text.tr };
        throw err;
      }
      const result = validateScheduleText(text, req.file, data.ctx, expander);
      let cross: Diagnostic[] = [];
      if (!hasErrors(result.diagnostics) && result.programmes.length) {
        const slots = slotsWithin(expander, result.programmes, window(req.horizon), result);
        if (slots) {
          const entry: FileEntry = { file: req.file, programmes: result.programmes, slots };
          cross = index.check(entry);
          pending.set(req.file, entry);
        }
      }
      return { kind: 'checked', programmes: result.programmes, diagnostics: result.diagnostics, empty: result.empty, cross };
    }
    case 'recheck': {
      const entry = pending.get(req.file);
      // A fresh worker (after one was ended) has no pending versions: the file is checked
      // again when it next changes.
      return entry ? { kind: 'rechecked', cross: index.check(entry) } : { kind: 'failed', message: 'no version waiting' };
    }
    case 'put': {
      const entry = pending.get(req.file);
      pending.delete(req.file);
      if (entry) index.put(entry);
      return { kind: 'done' };
    }
    case 'remove':
      pending.delete(req.file);
      index.remove(req.file);
      return { kind: 'done' };
    case 'horizon':
    case 'restore': {
      const h = window(req.horizon);
      const entries = req.op === 'restore' ? req.entries : [...index.files.values()];
      index = new ConflictIndex(data.ctx.maxDurationMs, expander);
      for (const e of entries) index.put({ file: e.file, programmes: e.programmes, slots: expander.slotsAll(e.programmes, h.from.getTime(), h.to.getTime()) });
      return { kind: 'done' };
    }
  }
}

parentPort!.on('message', ({ id, request }: RequestEnvelope) => {
  let response: CheckResponse;
  try {
    response = handle(request);
  } catch (err) {
    // Nothing a file holds may stop the checker: report it as the file's problem.
    response = { kind: 'failed', message: (err as Error).message };
  }
  parentPort!.postMessage({ id, response });
});
// Ready: the service starts a request's time budget only now, so loading the worker (slow on
// a busy machine, from sources) never counts against a file.
parentPort!.postMessage({ id: 0, response: { kind: 'done' } });
