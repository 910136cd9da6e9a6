/**
 * Job ids come from the normalized URL, so a URL already waiting is not queued twice. BullMQ
 * refuses ids containing `:` and ids that are all digits, hence the `u-` prefix and hex.
 */
import { createHash } from 'node:crypto';

export function ingestJobId(normalizedUrl: string): string {
  return `u-${createHash('sha256').update(normalizedUrl).digest('hex').slice(0, 32)}`;
}
