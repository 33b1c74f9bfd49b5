// `onair run`: the server on the configured defaults (the same as `npm start`).
// SIGTERM/SIGINT stop it in order (engine → encoders → HTTP); a second signal, or a stop
// that hangs past SHUTDOWN_BOUND_MS, exits at once. An unhandled rejection is logged, not
// fatal: one failed background task must not take every broadcast off the air.
import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { startOnair } from '../main.js';
import { startClusterNode } from '../main-cluster.js';

/** Longest an orderly stop may take before onair exits anyway. */
const SHUTDOWN_BOUND_MS = 30_000;

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Start the server: HTTP, schedules, broadcast engine and real-time layer (npm start).')
    .action(async () => {
      const config = loadConfig();
      // With Redis configured, `run` is a cluster node doing both jobs (web and worker).
      const app = config.cluster.redisUrl ? await startClusterNode(config, { role: 'all' }) : await startOnair(config);
      process.on('unhandledRejection', (err) => app.logger.error({ err }, 'unhandled rejection (kept running)'));
      let stopping = false;
      const shutdown = (signal: string): void => {
        if (stopping) {
          app.logger.warn({ signal }, 'second signal: exiting now');
          process.exit(1);
        }
        stopping = true;
        app.logger.info({ signal }, 'shutting down');
        setTimeout(() => {
          app.logger.error('shutdown took too long; exiting');
          process.exit(1);
        }, SHUTDOWN_BOUND_MS).unref();
        app
          .stop()
          .then(() => process.exit(0))
          .catch((err: unknown) => {
            app.logger.error({ err }, 'shutdown failed');
            process.exit(1);
          });
      };
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGINT', () => shutdown('SIGINT'));
    });
}
