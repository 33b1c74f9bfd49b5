// `onair run`: the server on the configured defaults (the same as `npm start`).
import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { startOnair } from '../main.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Start the server: HTTP, schedules, broadcast engine and real-time layer (npm start).')
    .action(async () => {
      const config = loadConfig();
      const app = await startOnair(config);
      const shutdown = (signal: string): void => {
        app.logger.info({ signal }, 'shutting down');
        app
          .stop()
          .then(() => process.exit(0))
          .catch((err: unknown) => {
            app.logger.error({ err }, 'shutdown failed');
            process.exit(1);
          });
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
}
