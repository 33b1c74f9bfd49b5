#!/usr/bin/env node
// Compiles src/ to dist/ (one .js per .ts, ES modules for Node 20, with source maps): what
// `onair` and `npm start` run. esbuild only transpiles, so it takes well under a second;
// type checking is `npm run typecheck` (part of `npm test`). Run by `npm run build`, and
// by `prepare` (npm ci) and `prestart` (npm start), so the Quick start needs nothing more.
import { build } from 'esbuild';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const out = process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, 'dist');

const entryPoints = readdirSync(src, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
  .map((e) => path.join(e.parentPath, e.name));

// A file removed from src/ must not live on in dist/.
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints,
  outdir: out,
  outbase: src,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
// bin/onair.js compares this stamp with the sources' times (see there).
writeFileSync(path.join(out, '.built'), `${new Date().toISOString()}\n`);
