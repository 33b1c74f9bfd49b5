// Composition root: builds every service from the config, starts them in order, and
// stops them in reverse. Services never build each other; they get what they need here.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/index.js';
import { createLogger, type Logger } from './shared/logger.js';
import { systemClock, type Clock } from './shared/clock.js';
import { createHttpApp } from './http/app.js';

export interface Onair {
  logger: Logger;
  server: http.Server;
  /** The port actually bound (useful with PORT=0 in tests). */
  port: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
}

export async function startOnair(config: Readonly<Config>, options: StartOptions = {}): Promise<Onair> {
  const logger = options.logger ?? createLogger(config.log.level);
  const clock = options.clock ?? systemClock;
  void clock;

  const app = createHttpApp({ config, logger });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'onair listening');

  return {
    logger,
    server,
    port,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
