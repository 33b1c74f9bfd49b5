#!/usr/bin/env node
// The `onair` command. Runs the TypeScript sources through tsx, so a fresh `npm ci` is
// enough; `npm run build` emits dist/ for deployments that prefer plain JavaScript.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
