/**
 * The load generator of bench/api.ts, in its own process so it does not share the server's event
 * loop: autocannon at a fixed overall rate over the given paths (round-robin), JSON result on stdout.
 *
 *   node --import tsx bench/api-load.ts <base-url> <rate> <seconds> <connections>  < paths.json
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
// autocannon ships no types; its programmatic API is small and stable.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const [base, rate, seconds, connections] = process.argv.slice(2);
const paths = JSON.parse(readFileSync(0, 'utf8')) as string[];

const result = await autocannon({
  url: base,
  connections: Number(connections),
  overallRate: Number(rate),
  duration: Number(seconds),
  requests: paths.map((path) => ({ method: 'GET', path })),
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }),
);
