// The committed JSON Schema is the one the validator's zod source generates, and every
// shipped example validates cleanly (they are what `npm start` plays).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { JSON_SCHEMA_PATH, renderScheduleJsonSchema } from '../../../src/schedule/json-schema.js';
import { listScheduleFiles, loadSchedules } from '../../../src/schedule/index.js';
import { loadConfig } from '../../../src/config/index.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('schedule JSON Schema and examples', () => {
  it('docs/schedule.schema.json equals the generated schema (run `npm run schema` after changing src/schedule/schema.ts)', () => {
    expect(readFileSync(JSON_SCHEMA_PATH, 'utf8')).to.equal(renderScheduleJsonSchema());
    const schema = JSON.parse(readFileSync(JSON_SCHEMA_PATH, 'utf8')) as { definitions: Record<string, { properties?: object; additionalProperties?: boolean }> };
    const programme = Object.values(schema.definitions).find((d) => d.properties && 'recurrence' in d.properties);
    expect(programme?.additionalProperties).to.equal(false);
  });

  it('every example references the schema and validates with no error, warning or overlap', () => {
    const config = loadConfig({ env: {}, cwd: ROOT });
    const files = listScheduleFiles([path.join(ROOT, 'schedules')]);
    expect(files.length).to.be.at.least(6);
    for (const f of files) expect(readFileSync(f, 'utf8').split('\n')[0]).to.equal('# yaml-language-server: $schema=../docs/schedule.schema.json');
    const load = loadSchedules(
      files,
      {
        mediaRoot: config.dirs.media,
        destinations: Object.keys(config.destinations),
        defaultTimezone: config.schedule.timezone,
        maxDurationMs: config.schedule.maxDuration,
      },
      { now: new Date('2026-11-26T00:00:00Z') },
    );
    expect(load.diagnostics).to.deep.equal([]);
    const ids = load.programmes.map((p) => p.id);
    for (const id of ['fairy-tale-time', 'book-reading-time', 'marbling-workshop', 'ai-for-women', 'blockchain-for-youth', 'innovation-final', 'exam-prep-weekday', 'demo'])
      expect(ids).to.include(id);
    expect(load.programmes.filter((p) => p.id !== 'demo').every((p) => p.destinations.join() === 'local')).to.equal(true);
  });
});
