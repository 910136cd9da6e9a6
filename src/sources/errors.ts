import { NewsworkerError } from '../errors.js';

/**
 * Why a source's poll ended without a result. Each is permanent for that document: polling again
 * only helps once the publisher fixes it, which the next scheduled poll will see.
 */
export type SourceFailureReason =
  | 'malformed_feed'
  | 'malformed_sitemap'
  | 'unknown_format'
  | 'xml_entities'
  | 'too_large'
  | 'bad_gzip'
  | 'sitemap_loop'
  | 'sitemap_too_deep';

export class SourceError extends NewsworkerError {
  declare readonly reason: SourceFailureReason;
  constructor(reason: SourceFailureReason, message: string, opts: { cause?: unknown } = {}) {
    super(reason, message, { retryable: false, cause: opts.cause });
    this.name = 'SourceError';
  }
}
