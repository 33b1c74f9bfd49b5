// The messages between the schedule service (main thread) and its checker (a worker thread
// that reads, parses, validates, expands and checks files for overlaps, so none of that can
// hold up the event loop that serves viewers and starts broadcasts on time).
import type { ValidationContext } from './normalize.js';
import type { Diagnostic, Programme } from './types.js';

export interface Horizon {
  fromMs: number;
  toMs: number;
}

/** What the worker is started with. */
export interface CheckerData {
  ctx: ValidationContext;
  /** The schedules folder: symbolic links must stay inside it. */
  root: string;
}

export type CheckRequest =
  /** Read and check one file; the worker remembers a valid-alone version as pending. */
  | { op: 'check'; file: string; abs: string; horizon: Horizon }
  /** Check the pending version of `file` again against the files in force. */
  | { op: 'recheck'; file: string }
  /** Put the pending version of `file` in force. */
  | { op: 'put'; file: string }
  /** Take `file` out of force and forget its pending version. */
  | { op: 'remove'; file: string }
  /** Move the window overlaps are checked in, re-expanding what is in force. */
  | { op: 'horizon'; horizon: Horizon }
  /** A fresh worker taking over: these files are in force. */
  | { op: 'restore'; horizon: Horizon; entries: Array<{ file: string; programmes: Programme[] }> };

export type CheckResponse =
  | { kind: 'missing' }
  | { kind: 'unreadable'; message: string; tr: string }
  | {
      kind: 'checked';
      programmes: Programme[];
      diagnostics: Diagnostic[];
      empty: boolean;
      /** Problems next to the files in force (ids, overlaps): only for a file valid alone. */
      cross: Diagnostic[];
    }
  | { kind: 'rechecked'; cross: Diagnostic[] }
  | { kind: 'done' }
  | { kind: 'failed'; message: string };

export interface RequestEnvelope {
  id: number;
  request: CheckRequest;
}

export interface ResponseEnvelope {
  id: number;
  response: CheckResponse;
}
