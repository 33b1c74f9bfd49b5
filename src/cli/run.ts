// `onair run`: the server on the configured defaults (the same as `npm start`). It stops
// in order (engine → encoders → HTTP) on SIGTERM/SIGINT (see stop-on-signals.ts).
import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { startOnair } from '../main.js';
import { startClusterNode } from '../main-cluster.js';
import { stopOnSignals } from './stop-on-signals.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Start the server: HTTP, schedules, broadcast engine and real-time layer (npm start).')
    .action(async () => {
      const config = loadConfig();
      // With Redis configured, `run` is a cluster node doing both jobs (web and worker).
      stopOnSignals(config.cluster.redisUrl ? await startClusterNode(config, { role: 'all' }) : await startOnair(config));
    });
}
