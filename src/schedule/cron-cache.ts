// node-cron's reading of cron expressions, remembered per Expander: validating and parsing
// an expression costs ~0.1 ms, and a schedule repeats a handful of expressions across
// hundreds of programmes (validation reads each one twice, expansion once more).
import { parse, validateDetailed } from 'node-cron';

export type CronFields = ReturnType<typeof parse>;
export type CronCheck = ReturnType<typeof validateDetailed>;

/** Beyond this many expressions the memory is dropped (a long-running server with many edits). */
const MAX_ENTRIES = 10_000;

export class CronCache {
  readonly #checks = new Map<string, CronCheck>();
  readonly #fields = new Map<string, CronFields>();

  /** node-cron's verdict on `expression` (a throw becomes an invalid verdict). */
  check(expression: string): CronCheck {
    let c = this.#checks.get(expression);
    if (!c) {
      try {
        c = validateDetailed(expression);
      } catch (err) {
        c = { valid: false, errors: [{ field: 'expression', value: expression, message: (err as Error).message } as never] };
      }
      if (this.#checks.size >= MAX_ENTRIES) this.#checks.clear();
      this.#checks.set(expression, c);
    }
    return c;
  }

  /** The parsed fields of a valid expression (shared: callers must not change them). */
  fields(expression: string): CronFields {
    let f = this.#fields.get(expression);
    if (!f) {
      f = parse(expression);
      if (this.#fields.size >= MAX_ENTRIES) this.#fields.clear();
      this.#fields.set(expression, f);
    }
    return f;
  }
}
