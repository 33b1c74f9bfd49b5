// How a long-running command (`run`, `web`, `worker`) ends: SIGTERM/SIGINT stop the app in
// order; a second signal, or a stop that hangs past SHUTDOWN_BOUND_MS, exits at once. An
// unhandled rejection is logged, not fatal: one failed background task must not take every
// broadcast off the air.
import type { Onair } from '../main.js';

/** Longest an orderly stop may take before the process exits anyway. */
const SHUTDOWN_BOUND_MS = 30_000;

/**
 * Stops `app` in order on SIGTERM/SIGINT (a second signal, or a stop that hangs, exits at
 * once) and logs unhandled rejections instead of dying of them.
 */
export function stopOnSignals(app: Pick<Onair, 'logger' | 'stop'>): void {
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
}
