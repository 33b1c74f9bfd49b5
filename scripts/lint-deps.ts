// `npm run lint:deps` (run by `npm test`): the import graph of src/ as madge reads it must
// have no cycle, imports must flow one way between layers — shared/config ← schedule ←
// scheduler ← features (adapters) ← compose ← main ← cli — and a few packages may be
// imported only by the one module that isolates them. Prints each breach with the fix.
import madge from 'madge';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Layer of each top-level folder (or root file) of src/; an import may only go to a lower or equal layer. */
const LAYERS: Record<string, number> = {
  shared: 0,
  config: 1,
  schedule: 1,
  scheduler: 2,
  // Features (adapters): each reaches the world for the scheduler through its ports.
  media: 3,
  destinations: 3,
  store: 3,
  realtime: 3,
  chat: 3,
  http: 3,
  metrics: 3,
  cluster: 3,
  emulator: 3,
  compose: 4,
  main: 5,
  'main-cluster': 5,
  cli: 6,
};

/** Packages kept behind one module (the rest of onair must not depend on them directly). */
const ISOLATED: Record<string, { only: string; why: string }> = {
  'node-media-server': {
    only: 'emulator/youtube/rtmp-ingest.ts',
    why: 'it serves only the YouTube emulator\'s RTMP ingest, never the viewer or engine path',
  },
};

function layerOf(file: string): { name: string; rank: number | undefined } {
  const name = file.split('/')[0]!.replace(/\.ts$/, '');
  return { name, rank: LAYERS[name] };
}

const graph = await madge(path.join(ROOT, 'src'), {
  fileExtensions: ['ts'],
  tsConfig: path.join(ROOT, 'tsconfig.json'),
  includeNpm: true,
  detectiveOptions: { ts: { skipTypeImports: false }, es6: { skipTypeImports: false } },
});
const problems: string[] = [];

for (const cycle of graph.circular()) {
  problems.push(`import cycle: ${[...cycle, cycle[0]].join(' → ')} (a circular import is a design error: move what both need into the lower module)`);
}

for (const [file, deps] of Object.entries(graph.obj())) {
  const from = layerOf(file);
  if (from.rank === undefined) {
    problems.push(`src/${file}: src/${from.name} has no layer; add it to LAYERS in scripts/lint-deps.ts`);
    continue;
  }
  for (const dep of deps) {
    if (dep.includes('node_modules/')) continue;
    const to = layerOf(dep);
    if (to.rank !== undefined && to.rank > from.rank) {
      problems.push(`src/${file} imports src/${dep}: ${from.name} (layer ${from.rank}) may not depend on ${to.name} (layer ${to.rank}); pass it in through a port or move the code down`);
    }
  }
}

// Read from the text, not the graph: a package reached with createRequire (as node-media-server
// is, through an internal file path) is invisible to madge.
for (const file of Object.keys(graph.obj())) {
  const text = readFileSync(path.join(ROOT, 'src', file), 'utf8');
  for (const [pkg, rule] of Object.entries(ISOLATED)) {
    const uses = new RegExp(`(?:from\\s+|import\\(|require\\()\\s*['"]${pkg}(?:/|['"])`).test(text);
    if (uses && file !== rule.only) problems.push(`src/${file} imports ${pkg}: only src/${rule.only} may (${rule.why})`);
  }
}

if (problems.length) {
  process.stderr.write(`lint:deps: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`lint:deps: ${Object.keys(graph.obj()).length} modules, no cycle, imports flow one way\n`);
