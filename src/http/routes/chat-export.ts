// A broadcast's chat transcript for moderators: GET /api/chat/<occurrenceId>/transcript.json
// or .csv (also ?format=csv). Deleted messages are included and flagged; no IP or device id.
import express from 'express';
import type { TranscriptRow } from '../../shared/chat-payloads.js';
import { requireModerator, type ModeratorLoginPort } from './auth.js';
import { strictRouter } from '../router.js';

export type { TranscriptRow };

/** What the route needs of the chat (src/chat ChatService + transcriptRows fit it). */
export interface TranscriptPort {
  transcriptRows(occurrenceId: string): Promise<TranscriptRow[]>;
}

export interface ChatExportDeps {
  auth: ModeratorLoginPort;
  transcripts: TranscriptPort;
}

const COLUMNS = ['id', 'at', 'origin', 'nickname', 'authorId', 'text', 'deleted', 'deletedAt', 'deletedBy'] as const;

function csvCell(value: string | boolean | null): string {
  let s = value === null ? '' : String(value);
  // A cell starting like a formula is run by spreadsheets: defuse it (CSV injection).
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Times are ISO UTC instants: the header says so, for people opening it in a spreadsheet. */
const HEADER: Record<(typeof COLUMNS)[number], string> = {
  id: 'id',
  at: 'at (UTC)',
  origin: 'origin',
  nickname: 'nickname',
  authorId: 'authorId',
  text: 'text',
  deleted: 'deleted',
  deletedAt: 'deletedAt (UTC)',
  deletedBy: 'deletedBy',
};

export function transcriptCsv(rows: readonly TranscriptRow[]): string {
  const lines = [COLUMNS.map((c) => HEADER[c]).join(',')];
  for (const r of rows) lines.push(COLUMNS.map((c) => csvCell(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

const ID = /^[A-Za-z0-9_.:@+-]{1,160}$/;

export function chatExportRouter(deps: ChatExportDeps): express.Router {
  const router = strictRouter();
  router.get(/^\/api\/chat\/([^/]+)\/transcript(?:\.(json|csv))?$/, requireModerator(deps.auth), async (req, res, next) => {
    try {
      const params = req.params as unknown as Record<string, string | undefined>;
      const id = decodeURIComponent(params[0] ?? '');
      const format = params[1] ?? (req.query['format'] === 'csv' ? 'csv' : 'json');
      if (!ID.test(id)) {
        res.status(400).json({ error: 'invalid', message: 'That is not a broadcast id.' });
        return;
      }
      const rows = await deps.transcripts.transcriptRows(id);
      const file = `chat-${id.replace(/[^A-Za-z0-9_-]+/g, '_')}`;
      if (format === 'csv') {
        res.type('text/csv; charset=utf-8').attachment(`${file}.csv`).send('\uFEFF' + transcriptCsv(rows));
      } else {
        res.attachment(`${file}.json`).json({ occurrenceId: id, timeZone: 'UTC', messages: rows });
      }
    } catch (err) {
      next(err);
    }
  });
  return router;
}
