// docs/schedule.schema.json, generated from the zod schema the validator uses, so the
// editor's autocompletion and onair's checks never disagree. `npm run schema` rewrites it;
// a test fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { scheduleJsonSchema } from './schema.js';

export const JSON_SCHEMA_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/schedule.schema.json');

/** The file's exact text. */
export function renderScheduleJsonSchema(): string {
  return JSON.stringify(scheduleJsonSchema(), null, 2) + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  writeFileSync(JSON_SCHEMA_PATH, renderScheduleJsonSchema());
  process.stdout.write(`wrote ${path.relative(process.cwd(), JSON_SCHEMA_PATH)}\n`);
}
