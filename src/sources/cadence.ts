/**
 * When a source is polled, beyond its schedule: what it says of itself (RSS ttl, skipHours,
 * skipDays, Cache-Control max-age) and how much it has been changing. A source that keeps
 * returning nothing new skips more and more of its scheduled ticks, up to MAX_BACKOFF, and is back
 * on every tick from the first poll that finds something.
 */
import type { SourceState } from './state.js';

/** At most every 16th tick for a source that has gone quiet. */
export const MAX_BACKOFF = 16;

/** An RSS ttl, the publisher's own request, holds polls off for at most a day. */
export const MAX_TTL_HOLD_MS = 24 * 3600 * 1000;
/**
 * Cache-Control max-age holds them off for at most an hour: it is often a CDN's blanket setting
 * rather than the newsroom's, and a day-long max-age on a news feed would hide a day of news.
 */
export const MAX_AGE_HOLD_MS = 3600 * 1000;

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export type DeferReason = 'skip_days' | 'skip_hours' | 'not_before' | 'backoff';

export interface Deferral {
  reason: DeferReason;
  message: string;
}

/** Why this scheduled tick should not fetch the source, or null to poll now. */
export function deferral(state: SourceState, now: Date): Deferral | null {
  const day = DAY_NAMES[now.getUTCDay()]!;
  if (state.skipDays.some((d) => d.toLowerCase() === day)) {
    return { reason: 'skip_days', message: `the feed asks not to be polled on ${day}s (skipDays)` };
  }
  if (state.skipHours.includes(now.getUTCHours())) {
    return { reason: 'skip_hours', message: `the feed asks not to be polled at ${now.getUTCHours()}:00 UTC (skipHours)` };
  }
  if (state.notBefore !== null && now.getTime() < state.notBefore) {
    return { reason: 'not_before', message: `the source asked not to be polled before ${new Date(state.notBefore).toISOString()} (ttl/max-age)` };
  }
  if (state.skipTicks > 0) {
    return { reason: 'backoff', message: `nothing new lately: polling every ${state.backoff}th tick (${state.skipTicks} to skip)` };
  }
  return null;
}

/** The state change of a deferred tick: a backoff tick is used up. */
export function afterDeferral(state: SourceState, d: Deferral): Partial<SourceState> {
  return d.reason === 'backoff' ? { skipTicks: state.skipTicks - 1 } : {};
}

export interface PollFacts {
  /** New items queued by this poll (0 for a 304). */
  fresh: number;
  ttlMinutes: number | null;
  maxAgeSeconds: number | null;
  /** Present when the document was read (not on a 304, which keeps the previous values). */
  skipHours?: number[];
  skipDays?: string[];
}

export function cadenceAfterPoll(state: SourceState, facts: PollFacts, now: Date): Partial<SourceState> {
  const backoff = facts.fresh > 0 ? 1 : Math.min(Math.max(1, state.backoff) * 2, MAX_BACKOFF);
  const holdMs = Math.max(Math.min((facts.ttlMinutes ?? 0) * 60_000, MAX_TTL_HOLD_MS), Math.min((facts.maxAgeSeconds ?? 0) * 1000, MAX_AGE_HOLD_MS));
  return {
    backoff,
    skipTicks: backoff - 1,
    notBefore: holdMs > 0 ? now.getTime() + holdMs : null,
    ...(facts.skipHours !== undefined ? { skipHours: facts.skipHours } : {}),
    ...(facts.skipDays !== undefined ? { skipDays: facts.skipDays } : {}),
  };
}

/** `max-age` of a Cache-Control header in seconds; 0 for no-cache/no-store; null when absent. */
export function maxAgeSeconds(cacheControl: string | undefined): number | null {
  if (cacheControl === undefined) return null;
  if (/(^|,)\s*(no-cache|no-store)\s*(,|$)/i.test(cacheControl)) return 0;
  const m = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl);
  return m ? Number.parseInt(m[1]!, 10) : null;
}
