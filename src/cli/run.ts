// `onair run`: the server on the configured defaults (the same as `npm start`): embedded, or
// with ONAIR_REDIS_URL a cluster node doing both jobs (web and worker). It stops in order
// (engine → encoders → HTTP) on SIGTERM/SIGINT (see stop-on-signals.ts).
import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { startOnair } from '../main.js';
import { stopOnSignals } from './stop-on-signals.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Start the server: HTTP, schedules, broadcast engine and real-time layer (npm start).')
    .action(async () => {
      stopOnSignals(await startOnair(loadConfig()));
    });
}
