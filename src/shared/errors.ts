// Small named error classes used across modules. The HTTP layer maps them to status
// codes in one place (src/http/error-handler.ts); staff-facing text lives in `message`.

export class OnairError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Configuration is invalid; `key` is the dotted path of the bad setting. */
export class ConfigError extends OnairError {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`config ${key}: ${message}`);
  }
}

/** Input from a person or a client did not validate. */
export class ValidationError extends OnairError {}

/** A named thing (programme, occurrence, destination) does not exist. */
export class NotFoundError extends OnairError {}

/** The caller is not allowed to do this (missing or bad credentials). */
export class AuthError extends OnairError {}

/** The request conflicts with the current state (e.g. ending a broadcast that is not live). */
export class ConflictError extends OnairError {}
