/**
 * Typed errors. The class carries the policy: `retryable` says whether trying again later may help,
 * `reason` is a stable code for logs, metrics and the stored outcome of an attempt.
 */
export class NewsworkerError extends Error {
  readonly reason: string;
  readonly retryable: boolean;
  constructor(reason: string, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'NewsworkerError';
    this.reason = reason;
    this.retryable = opts.retryable ?? false;
  }
}

/** The input cannot be read as a page: empty, binary, unknown charset, too large. Permanent. */
export class InputError extends NewsworkerError {
  constructor(reason: string, message: string, opts: { cause?: unknown } = {}) {
    super(reason, message, { retryable: false, cause: opts.cause });
    this.name = 'InputError';
  }
}

/** A configuration file or setting is invalid; the message names the file, the field and what was expected. */
export class ConfigError extends NewsworkerError {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super('bad_config', message, { retryable: false, cause: opts.cause });
    this.name = 'ConfigError';
  }
}
