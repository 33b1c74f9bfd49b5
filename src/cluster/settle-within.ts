// Waits for a promise at most a given time (wall clock), for the steps of stopping a node or a
// leader's term: a step that waits on Redis while Redis is away must not hold up the steps
// after it (stopping ffmpeg, exiting on SIGTERM). What did not settle is reported, not awaited.

/** How it went: settled (fulfilled or rejected, with the error) or still pending after `ms`. */
export type Settled = { settled: true; error?: Error } | { settled: false };

export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<Settled> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Settled>((resolve) => {
    timer = setTimeout(() => resolve({ settled: false }), ms);
    timer.unref();
  });
  try {
    return await Promise.race([
      promise.then(
        (): Settled => ({ settled: true }),
        (err: unknown): Settled => ({ settled: true, error: err instanceof Error ? err : new Error(String(err)) }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
