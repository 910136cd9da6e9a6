/**
 * The V8 settings the service runs with: `npm start` and the Dockerfile's entrypoint pass them to
 * node (tests/deploy checks that both do, and bench:pipeline starts its worker with them).
 *
 * A worker holds up to `concurrency` jobs in flight (fetched bodies, articles back from the
 * extraction threads, queries) for as long as a fetch or a save takes. With V8's default young
 * generation much of that is still alive at a scavenge, gets promoted, and is left to full
 * collections. 32 MB semi-spaces let most of it die young: on bench:pipeline (5,000 URLs,
 * concurrency 16) the worker's CPU per URL fell from 10.5-11.4 to 8.5-9.0 ms, for 40-50 MB more
 * RSS. Twice that (64 MB) only added memory.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
