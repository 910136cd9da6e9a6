/**
 * Structured logs through pino: one JSON object a line on stdout, so a log shipper can read them.
 * Every component takes a child logger naming itself.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', name = 'newsworker'): Logger {
  return pino({ name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
