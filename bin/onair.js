#!/usr/bin/env node
// The `onair` command. Runs the compiled JavaScript in dist/ (`npm run build`, which `npm ci`
// and `npm start` run by themselves). Only in a development checkout whose src/ changed
// after the last build does it run the sources through tsx instead, so a developer never
// runs stale code; an installed copy (no src/, or nothing newer) always runs dist/.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const built = new URL('dist/.built', root);

/** True when some source file is newer than the build (a development checkout being edited). */
function sourcesNewer(since) {
  const src = new URL('src/', root);
  if (!existsSync(src)) return false;
  for (const e of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && e.name.endsWith('.ts') && statSync(`${e.parentPath}/${e.name}`).mtimeMs > since) return true;
  }
  return false;
}

if (existsSync(built) && !sourcesNewer(statSync(built).mtimeMs)) {
  await import('../dist/cli/main.js');
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('onair: dist/ is missing or older than src/; run `npm run build` first\n');
    process.exit(2);
  }
  register();
  await import('../src/cli/main.ts');
}
