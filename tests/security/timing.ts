/**
 * Per-call timing for the fuzz properties, on a warm run: the first WARMUP calls of each function
 * (JIT compilation, first-use caches such as the boilerplate config) are run but not timed. A
 * single slow call on a loaded 2-core machine may be a GC pause or another test file's burst; a
 * slow input is slow every time. So a call over the budget is timed again, and what counts for
 * the input is the fastest of its tries.
 */

export interface CallTimes {
  calls: number;
  /** Largest single measurement, hiccups included: what the report quotes. */
  rawMaxMs: number;
  /** Largest per-input time after re-timing slow calls: what the budget is asserted on. */
  maxMs: number;
  /** The input behind maxMs, for the failure message. */
  slowest: unknown;
}

export function newCallTimes(): CallTimes {
  return { calls: 0, rawMaxMs: 0, maxMs: 0, slowest: undefined };
}

const RETRIES = 3;
export const WARMUP = 20;

/** Milliseconds one call takes, whether it returns or throws. */
function once<I>(input: I, call: (input: I) => unknown): number {
  const started = performance.now();
  try {
    call(input);
  } catch {
    // The caller's own call below reports the error; here only the time matters.
  }
  return performance.now() - started;
}

/** Runs `call(input)`, returns its result or rethrows its error, and records its time. */
export function timed<I, R>(times: CallTimes, budgetMs: number, input: I, call: (input: I) => R): R {
  const started = performance.now();
  let result: R;
  try {
    result = call(input);
  } finally {
    let ms = performance.now() - started;
    times.calls += 1;
    if (times.calls > WARMUP) {
      times.rawMaxMs = Math.max(times.rawMaxMs, ms);
      for (let i = 0; i < RETRIES && ms > budgetMs; i++) ms = Math.min(ms, once(input, call));
      if (ms > times.maxMs) {
        times.maxMs = ms;
        times.slowest = input;
      }
    }
  }
  return result;
}

export function describeTimes(name: string, t: CallTimes): string {
  return `${name}: ${t.calls} calls (${Math.min(t.calls, WARMUP)} warm-up), max ${t.maxMs.toFixed(2)} ms (raw max ${t.rawMaxMs.toFixed(2)} ms)`;
}
