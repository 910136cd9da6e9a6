/** Option parsers shared by the commands; a bad value is a usage error naming the option. */
import { InvalidArgumentError } from 'commander';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

export function isoDate(value: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`expected a date such as 2024-05-01 or 2024-05-01T12:00:00Z, got ${JSON.stringify(value)}`);
  return new Date(t).toISOString();
}
