// The embedded BroadcastStore: broadcast records, their transition log and the remembered
// occurrences in the SQLite database opened by openDatabase(). Each write is one SQLite
// transaction, so a record and its log line never disagree, even after a SIGKILL.
import type { BroadcastStore, TransitionEntry } from '../../scheduler/broadcast-store.js';
import { StaleStateError } from '../../scheduler/broadcast-store.js';
import type { Occurrence } from '../../schedule/types.js';
import type { BroadcastRecord, BroadcastState } from '../../scheduler/ports.js';
import { FINAL_STATES } from '../../scheduler/ports.js';
import type { SqliteDatabase } from './database.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS broadcasts (
  occurrence_id     TEXT PRIMARY KEY,
  programme_id      TEXT NOT NULL,
  state             TEXT NOT NULL,
  title_json        TEXT NOT NULL,
  scheduled_start   TEXT NOT NULL,
  scheduled_end     TEXT NOT NULL,
  planned_start     TEXT,
  planned_end       TEXT,
  live_at           TEXT,
  ended_at          TEXT,
  reason            TEXT,
  destinations_json TEXT NOT NULL,
  health_json       TEXT,
  last_error_json   TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS broadcasts_by_start ON broadcasts (scheduled_start);
CREATE INDEX IF NOT EXISTS broadcasts_by_state ON broadcasts (state);
CREATE TABLE IF NOT EXISTS broadcast_transitions (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  occurrence_id TEXT NOT NULL,
  from_state    TEXT,
  to_state      TEXT NOT NULL,
  at            TEXT NOT NULL,
  reason        TEXT
);
CREATE INDEX IF NOT EXISTS broadcast_transitions_by_occurrence ON broadcast_transitions (occurrence_id, seq);
CREATE TABLE IF NOT EXISTS broadcast_occurrences (
  occurrence_id   TEXT PRIMARY KEY,
  occurrence_json TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
`;

interface Row {
  occurrence_id: string;
  programme_id: string;
  state: string;
  title_json: string;
  scheduled_start: string;
  scheduled_end: string;
  planned_start: string | null;
  planned_end: string | null;
  live_at: string | null;
  ended_at: string | null;
  reason: string | null;
  destinations_json: string;
  health_json: string | null;
  last_error_json: string | null;
  created_at: string;
  updated_at: string;
}

interface TransitionRow {
  occurrence_id: string;
  from_state: string | null;
  to_state: string;
  at: string;
  reason: string | null;
}

function fromRow(r: Row): BroadcastRecord {
  const record: BroadcastRecord = {
    occurrenceId: r.occurrence_id,
    programmeId: r.programme_id,
    title: JSON.parse(r.title_json) as BroadcastRecord['title'],
    state: r.state as BroadcastState,
    scheduledStart: r.scheduled_start,
    scheduledEnd: r.scheduled_end,
    destinations: JSON.parse(r.destinations_json) as BroadcastRecord['destinations'],
    updatedAt: r.updated_at,
  };
  if (r.planned_start && r.planned_end) record.planned = { start: r.planned_start, end: r.planned_end };
  if (r.live_at) record.liveAt = r.live_at;
  if (r.ended_at) record.endedAt = r.ended_at;
  if (r.reason) record.reason = r.reason;
  if (r.health_json) record.health = JSON.parse(r.health_json) as BroadcastRecord['health'];
  if (r.last_error_json) record.lastError = JSON.parse(r.last_error_json) as BroadcastRecord['lastError'];
  return record;
}

/** Named parameters for every column but state and created_at. */
function params(record: BroadcastRecord, now: Date): Record<string, string | null> {
  return {
    id: record.occurrenceId,
    programme: record.programmeId,
    title: JSON.stringify(record.title),
    start: record.scheduledStart,
    end: record.scheduledEnd,
    plannedStart: record.planned?.start ?? null,
    plannedEnd: record.planned?.end ?? null,
    liveAt: record.liveAt ?? null,
    endedAt: record.endedAt ?? null,
    reason: record.reason ?? null,
    destinations: JSON.stringify(record.destinations),
    health: record.health ? JSON.stringify(record.health) : null,
    lastError: record.lastError ? JSON.stringify(record.lastError) : null,
    now: now.toISOString(),
  };
}

export class SqliteBroadcastStore implements BroadcastStore {
  readonly #db: SqliteDatabase;
  readonly #stmts;
  readonly #transition;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    db.exec(SCHEMA);
    this.#stmts = {
      get: db.prepare<[string], Row>('SELECT * FROM broadcasts WHERE occurrence_id = ?'),
      list: db.prepare<[string, string], Row>(
        'SELECT * FROM broadcasts WHERE scheduled_start < ? AND scheduled_end > ? ORDER BY scheduled_start, occurrence_id',
      ),
      unfinished: db.prepare<string[], Row>(
        `SELECT * FROM broadcasts WHERE state NOT IN (${[...FINAL_STATES].map(() => '?').join(',')}) ORDER BY scheduled_start`,
      ),
      state: db.prepare<[string], { state: string }>('SELECT state FROM broadcasts WHERE occurrence_id = ?'),
      insert: db.prepare(
        `INSERT INTO broadcasts (occurrence_id, programme_id, state, title_json, scheduled_start, scheduled_end,
           planned_start, planned_end, live_at, ended_at, reason, destinations_json, health_json, last_error_json,
           created_at, updated_at)
         VALUES (@id, @programme, @state, @title, @start, @end, @plannedStart, @plannedEnd, @liveAt, @endedAt,
           @reason, @destinations, @health, @lastError, @now, @now)`,
      ),
      update: db.prepare(
        `UPDATE broadcasts SET programme_id = @programme, title_json = @title, scheduled_start = @start,
           scheduled_end = @end, planned_start = @plannedStart, planned_end = @plannedEnd, live_at = @liveAt,
           ended_at = @endedAt, reason = @reason, destinations_json = @destinations, health_json = @health,
           last_error_json = @lastError, updated_at = @now
         WHERE occurrence_id = @id`,
      ),
      setState: db.prepare('UPDATE broadcasts SET state = ? WHERE occurrence_id = ?'),
      log: db.prepare(
        'INSERT INTO broadcast_transitions (occurrence_id, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?)',
      ),
      transitions: db.prepare<[string], TransitionRow>(
        'SELECT occurrence_id, from_state, to_state, at, reason FROM broadcast_transitions WHERE occurrence_id = ? ORDER BY seq',
      ),
      prunable: db.prepare<string[], { occurrence_id: string }>(
        `SELECT occurrence_id FROM broadcasts
         WHERE state IN (${[...FINAL_STATES].map(() => '?').join(',')}) AND COALESCE(ended_at, scheduled_end) < ?`,
      ),
      deleteRecord: db.prepare('DELETE FROM broadcasts WHERE occurrence_id = ?'),
      deleteLog: db.prepare('DELETE FROM broadcast_transitions WHERE occurrence_id = ?'),
      deleteOccurrence: db.prepare('DELETE FROM broadcast_occurrences WHERE occurrence_id = ?'),
      remember: db.prepare(
        `INSERT INTO broadcast_occurrences (occurrence_id, occurrence_json, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (occurrence_id) DO UPDATE SET occurrence_json = excluded.occurrence_json, updated_at = excluded.updated_at`,
      ),
      recall: db.prepare<[string], { occurrence_json: string }>(
        'SELECT occurrence_json FROM broadcast_occurrences WHERE occurrence_id = ?',
      ),
    };

    this.#transition = db.transaction(
      (record: BroadcastRecord, from: BroadcastState | undefined, at: Date, reason: string | undefined) => {
        const current = this.#stmts.state.get(record.occurrenceId)?.state as BroadcastState | undefined;
        if (current !== from) throw new StaleStateError(record.occurrenceId, from, current);
        const p = params(record, at);
        if (from === undefined) this.#stmts.insert.run({ ...p, state: record.state });
        else {
          this.#stmts.update.run(p);
          this.#stmts.setState.run(record.state, record.occurrenceId);
        }
        this.#stmts.log.run(record.occurrenceId, from ?? null, record.state, at.toISOString(), reason ?? null);
      },
    );
  }

  async get(occurrenceId: string): Promise<BroadcastRecord | undefined> {
    const row = this.#stmts.get.get(occurrenceId);
    return row ? fromRow(row) : undefined;
  }

  async list(from: Date, to: Date): Promise<BroadcastRecord[]> {
    return this.#stmts.list.all(to.toISOString(), from.toISOString()).map(fromRow);
  }

  async listUnfinished(): Promise<BroadcastRecord[]> {
    return this.#stmts.unfinished.all(...FINAL_STATES).map(fromRow);
  }

  async transition(
    record: BroadcastRecord,
    from: BroadcastState | undefined,
    entry: { at: Date; reason?: string },
  ): Promise<void> {
    this.#transition(record, from, entry.at, entry.reason);
  }

  async save(record: BroadcastRecord, now: Date): Promise<void> {
    this.#stmts.update.run(params(record, now));
  }

  async transitions(occurrenceId: string): Promise<TransitionEntry[]> {
    return this.#stmts.transitions.all(occurrenceId).map((r) => {
      const e: TransitionEntry = {
        occurrenceId: r.occurrence_id,
        from: (r.from_state ?? undefined) as BroadcastState | undefined,
        to: r.to_state as BroadcastState,
        at: r.at,
      };
      if (r.reason) e.reason = r.reason;
      return e;
    });
  }

  async prune(before: Date): Promise<number> {
    const ids = this.#stmts.prunable.all(...FINAL_STATES, before.toISOString());
    this.#db.transaction(() => {
      for (const { occurrence_id } of ids) {
        this.#stmts.deleteLog.run(occurrence_id);
        this.#stmts.deleteOccurrence.run(occurrence_id);
        this.#stmts.deleteRecord.run(occurrence_id);
      }
    })();
    return ids.length;
  }

  async rememberOccurrence(occ: Occurrence, now: Date): Promise<void> {
    this.#stmts.remember.run(occ.id, JSON.stringify(occ), now.toISOString());
  }

  async recallOccurrence(occurrenceId: string): Promise<Occurrence | undefined> {
    const row = this.#stmts.recall.get(occurrenceId);
    if (!row) return undefined;
    const occ = JSON.parse(row.occurrence_json) as Occurrence & { start: string; end: string };
    return { ...occ, start: new Date(occ.start), end: new Date(occ.end) };
  }

  async close(): Promise<void> {
    // The database is shared with other embedded stores; its owner (main.ts) closes it.
  }
}
