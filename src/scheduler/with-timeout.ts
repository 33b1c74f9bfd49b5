// Bounds a promise by the injected clock, so a hung remote call cannot block a broadcast's
// timeline forever (and tests with a manual clock can make it time out on purpose).
import type { Clock } from '../shared/clock.js';

export class TimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, clock: Clock, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancel = clock.at(new Date(clock.now().getTime() + ms), () =>
      reject(new TimeoutError(`${what} took longer than ${Math.round(ms / 1000)} s`)),
    );
    promise.then(
      (v) => {
        cancel();
        resolve(v);
      },
      (err: unknown) => {
        cancel();
        reject(err);
      },
    );
  });
}
