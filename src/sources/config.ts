/**
 * The sources file: which feeds and sitemaps are polled, and when. YAML or JSON with a top-level
 * `sources` list. It is validated as a whole on load, and every problem names the file, the
 * source's id (or its position when it has none) and the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { packageRoot } from '../config/paths.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90s`, `15m`, `2h`, `1d` → milliseconds; at least a minute, so no source is hammered. */
const interval = z
  .string()
  .regex(/^\d+\s*[smhd]$/, 'an interval such as "15m", "2h" or "1d"')
  .transform((s) => Number.parseInt(s, 10) * UNIT_MS[s.trim().slice(-1) as keyof typeof UNIT_MS])
  .refine((ms) => ms >= 60_000, 'at least 1 minute');

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const scheduleSchema = z.union([
  z
    .object({
      /** Cron pattern, 5 fields (minute first) or 6 (seconds first). */
      cron: z.string().refine((c) => [5, 6].includes(c.trim().split(/\s+/).length), 'a cron pattern of 5 or 6 fields'),
      tz: z.string().refine(isTimeZone, 'an IANA time zone such as "Asia/Seoul"').default('UTC'),
    })
    .strict(),
  z.object({ every: interval }).strict(),
]);

export const DEFAULT_SCHEDULE = { every: 15 * 60_000 } as const;

export const sourceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" or "-" (at most 64)'),
    url: z.url({ protocol: /^https?$/, error: 'an absolute http(s) URL' }),
    /** Detected from the document when left out. */
    kind: z.enum(['feed', 'sitemap']).optional(),
    schedule: scheduleSchema.default(DEFAULT_SCHEDULE),
    /** The site rule the ingest should use (a file name under config/sites, without .json). */
    rule: z.string().min(1).optional(),
    /** Language hint when the feed gives none (BCP 47, e.g. "ko"). */
    language: z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'a language tag such as "ko" or "en-GB"').optional(),
    /** New items enqueued per poll at most (newest first); the rest wait for the next poll. */
    maxItems: z.number().int().min(1).max(50_000).default(500),
    enabled: z.boolean().default(true),
  })
  .strict();

export type SourceConfig = z.output<typeof sourceSchema>;
export type SourceInput = z.input<typeof sourceSchema>;
export type Schedule = SourceConfig['schedule'];

export interface SourcesFile {
  file: string;
  sources: SourceConfig[];
}

/** NEWSWORKER_SOURCES, else ./config/sources.yaml, else the example shipped with the package. */
export function sourcesFilePath(sourcesFile: string | undefined, cwd: string = process.cwd()): string {
  if (sourcesFile !== undefined) return resolve(cwd, sourcesFile);
  const local = resolve(cwd, 'config/sources.yaml');
  return existsSync(local) ? local : join(packageRoot(), 'config/sources.yaml');
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(entry)' : path.map(String).join('.');
}

/** Validates the parsed contents of a sources file; `file` only names it in errors. */
export function parseSources(data: unknown, file: string): SourcesFile {
  const top = z.object({ sources: z.array(z.unknown()) }).safeParse(data);
  if (!top.success) throw new ConfigError(`${file}: expected a top-level "sources" list`);
  const problems: string[] = [];
  const sources: SourceConfig[] = [];
  const seen = new Set<string>();
  top.data.sources.forEach((entry, index) => {
    const rawId = (entry as { id?: unknown } | null)?.id;
    const who = typeof rawId === 'string' && rawId !== '' ? `source "${rawId}"` : `source #${index + 1} (no id)`;
    const parsed = sourceSchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${file}: ${who}: ${fieldPath(issue.path)}: ${issue.message}`);
      return;
    }
    if (seen.has(parsed.data.id)) problems.push(`${file}: ${who}: id: used by another source`);
    seen.add(parsed.data.id);
    sources.push(parsed.data);
  });
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return { file, sources };
}

/** Reads and validates a sources file (`.json` as JSON, anything else as YAML). */
export function loadSources(file: string): SourcesFile {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the sources file: ${(err as Error).message}`, { cause: err });
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(raw) : parseYaml(raw);
  } catch (err) {
    throw new ConfigError(`${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`, { cause: err });
  }
  return parseSources(data, file);
}

/** The interval a schedule repeats at, when it has a fixed one (cron schedules have none). */
export function scheduleIntervalMs(schedule: Schedule): number | null {
  return 'every' in schedule ? schedule.every : null;
}

export function describeSchedule(schedule: Schedule): string {
  if ('cron' in schedule) return `cron "${schedule.cron}" ${schedule.tz}`;
  const ms = schedule.every;
  for (const [unit, size] of [['d', UNIT_MS.d], ['h', UNIT_MS.h], ['m', UNIT_MS.m]] as const) {
    if (ms % size === 0) return `every ${ms / size}${unit}`;
  }
  return `every ${ms / 1000}s`;
}
