// The one way tests wait for a condition no event announces (a record's state, a file
// growing, a process gone): poll `check` until it returns something other than
// undefined/null/false, and on time-out fail naming `what` and the last value or error seen.
// A check that throws counts as "not yet" (a server still starting answers ECONNREFUSED).

/** Polls `check` every `everyMs` until it yields a value; throws after `timeoutMs`. @defaultValue timeoutMs 15000, everyMs 100 */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== null && v !== false) return v as Exclude<T, undefined | null | false>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
