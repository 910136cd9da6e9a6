import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceStateStore } from '../../src/sources/index.js';
import { deleteKeys, REDIS_URL, testPrefix } from './harness.js';

let redis: Redis;
let prefix: string;
beforeEach(() => {
  redis = new Redis(REDIS_URL);
  prefix = testPrefix();
});
afterEach(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

describe('SourceStateStore', () => {
  it('keeps the state as one Redis hash of JSON fields, merged field by field', async () => {
    const state = new SourceStateStore(redis, { prefix });
    expect(await state.get('s')).toMatchObject({ lastOutcome: null, backoff: 1, skipHours: [] });
    await state.update('s', { lastOutcome: 'ok', itemsFound: 3, skipHours: [1, 2] });
    await state.update('s', { backoff: 4 });
    expect(await redis.hgetall(`${prefix}:source:s`)).toEqual({ lastOutcome: '"ok"', itemsFound: '3', skipHours: '[1,2]', backoff: '4' });
    expect(await state.get('s')).toMatchObject({ lastOutcome: 'ok', itemsFound: 3, skipHours: [1, 2], backoff: 4, skipTicks: 0 });
  });

  it('remembers seen URLs up to the cap, oldest dropped first, with an expiry', async () => {
    const state = new SourceStateStore(redis, { prefix, seenCap: 3, seenTtlSeconds: 100 });
    await state.markSeen('s', ['a', 'b'], 1000);
    await state.markSeen('s', ['c', 'd'], 2000);
    expect(await state.seenCount('s')).toBe(3);
    // a and b were seen at the same time; Redis orders equal scores by member, so a goes first.
    expect(await state.unseen('s', ['a', 'b', 'c', 'd', 'e'])).toEqual(['a', 'e']);
    expect(await state.unseen('s', ['c', 'd'])).toEqual([]);
    const ttl = await redis.ttl(`${prefix}:source:s:seen`);
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
  });

  it('keeps validators per document URL and forgets a source entirely', async () => {
    const state = new SourceStateStore(redis, { prefix });
    await state.setValidators('s', [['https://n.example/feed', { etag: '"x"', lastModified: null }]]);
    expect(await state.getValidators('s', 'https://n.example/feed')).toEqual({ etag: '"x"', lastModified: null });
    expect(await state.getValidators('s', 'https://n.example/other')).toBeNull();
    await state.markSeen('s', ['a']);
    await state.update('s', { lastOutcome: 'ok' });
    await state.clear('s');
    expect(await redis.keys(`${prefix}:source:s*`)).toEqual([]);
  });
});
