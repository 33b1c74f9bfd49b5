// /api/broadcasts: the engine's records (what is scheduled, live, done, and why not), each
// one's transition history, and the staff actions on one broadcast. Reads are public (they say no more than the schedule and
// the watch links); actions go through the requireStaff hook.
import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import type { BroadcastActions } from '../../scheduler/broadcast-actions.js';
import type { BroadcastRecord, DestinationState } from '../../scheduler/ports.js';
import { strictRouter } from '../router.js';

/** What the routes need of the engine (BroadcastEngine, or a web node's RemoteBroadcasts). */
export type BroadcastsPort = BroadcastActions;

export interface BroadcastsRouteDeps {
  broadcasts: BroadcastsPort;
  requireStaff: RequestHandler;
  clock: Clock;
}

/** One destination as the API shows it: never the ingest URL (it holds the stream key) nor remote ids. */
export interface DestinationView {
  name: string;
  kind: DestinationState['kind'];
  status: DestinationState['status'];
  watchUrl?: string;
  error?: DestinationState['error'];
  warning?: DestinationState['warning'];
  /** Its failures and recoveries while the broadcast ran (DestinationState.history). */
  history?: DestinationState['history'];
}

export type BroadcastView = Omit<BroadcastRecord, 'destinations'> & { destinations: DestinationView[] };

export function toView(record: BroadcastRecord): BroadcastView {
  return {
    ...record,
    destinations: record.destinations.map((d) => {
      const view: DestinationView = { name: d.name, kind: d.kind, status: d.status };
      if (d.watchUrl) view.watchUrl = d.watchUrl;
      if (d.error) view.error = d.error;
      if (d.warning) view.warning = d.warning;
      if (d.history) view.history = d.history;
      return view;
    }),
  };
}

const DAY = 86_400_000;
/** Longest window one list request may cover. */
const MAX_WINDOW = 92 * DAY;

const instant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not a date; write e.g. 2026-12-05 or 2026-12-05T10:00:00Z' })
  .transform((s) => new Date(s));

// zod runs an object's refinements even when a field failed (then still the raw string):
// compare only two dates.
const dates = (q: { from?: unknown; to?: unknown }): q is { from: Date; to: Date } => q.from instanceof Date && q.to instanceof Date;

const listQuery = z
  .strictObject({ from: instant.optional(), to: instant.optional() })
  .refine((q) => !dates(q) || q.from < q.to, { message: 'from must be before to', path: ['from'] })
  .refine((q) => !dates(q) || q.to.getTime() - q.from.getTime() <= MAX_WINDOW, {
    message: 'the window may span at most 92 days; ask for a shorter one',
    path: ['to'],
  });

/** Longest extension one request may ask for, in minutes. */
const MAX_EXTEND_MINUTES = 720;
const minutesRange = `minutes must be between 1 and ${MAX_EXTEND_MINUTES}, e.g. {"minutes": 10}`;
// Each check carries its own message: a schema-level message would also answer a 0 with
// "must be a number".
const extendBody = z.strictObject({
  minutes: z
    .number({ error: (issue) => (issue.input === undefined ? 'minutes is missing; send e.g. {"minutes": 10}' : 'minutes must be a number, e.g. {"minutes": 10}') })
    .int({ error: 'minutes must be a whole number, e.g. {"minutes": 10}' })
    .min(1, { error: minutesRange })
    .max(MAX_EXTEND_MINUTES, { error: minutesRange }),
});

export function broadcastsRouter(deps: BroadcastsRouteDeps): express.Router {
  const router = strictRouter();
  const { broadcasts } = deps;
  const json = express.json({ limit: '4kb' });

  router.get('/api/broadcasts', async (req, res) => {
    const q = listQuery.parse(req.query);
    const now = deps.clock.now().getTime();
    // Default window: yesterday to a week ahead (what the control room shows).
    const from = q.from ?? new Date(q.to ? q.to.getTime() - 8 * DAY : now - DAY);
    const to = q.to ?? new Date(from.getTime() + 8 * DAY);
    const records = await broadcasts.list(from, to);
    res.json({ from: from.toISOString(), to: to.toISOString(), broadcasts: records.map(toView) });
  });

  router.get('/api/broadcasts/:id', async (req, res) => {
    res.json(toView(await broadcasts.get(req.params.id)));
  });

  router.get('/api/broadcasts/:id/transitions', async (req, res) => {
    const record = await broadcasts.get(req.params.id);
    res.json({ occurrenceId: record.occurrenceId, transitions: await broadcasts.transitions(record.occurrenceId) });
  });

  router.post('/api/broadcasts/:id/start', deps.requireStaff, async (req, res) => {
    res.json(toView(await broadcasts.startNow(req.params['id'] as string)));
  });

  router.post('/api/broadcasts/:id/extend', deps.requireStaff, json, async (req, res) => {
    const body = extendBody.parse(req.body ?? {});
    res.json(toView(await broadcasts.extend(req.params['id'] as string, body.minutes * 60_000)));
  });

  router.post('/api/broadcasts/:id/end', deps.requireStaff, async (req, res) => {
    res.json(toView(await broadcasts.endNow(req.params['id'] as string)));
  });

  router.post('/api/broadcasts/:id/slate', deps.requireStaff, async (req, res) => {
    res.json(toView(await broadcasts.show(req.params['id'] as string, 'slate')));
  });

  router.post('/api/broadcasts/:id/programme', deps.requireStaff, async (req, res) => {
    res.json(toView(await broadcasts.show(req.params['id'] as string, 'programme')));
  });

  return router;
}
