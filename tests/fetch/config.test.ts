import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createFetcher, parseFetcherConfig, type FetcherConfigInput } from '../../src/fetch/index.js';

describe('parseFetcherConfig', () => {
  it('fills the documented defaults', () => {
    const config = parseFetcherConfig({});
    expect(config).toMatchObject({
      headersTimeoutMs: 10_000,
      bodyTimeoutMs: 15_000,
      totalTimeoutMs: 30_000,
      maxRedirects: 5,
      maxBytes: 8 * 1024 * 1024,
      acceptTypes: ['text/html', 'application/xhtml+xml', 'text/plain'],
      allowCidrs: [],
      robots: { enabled: true, ttlMs: 3_600_000, unavailableTtlMs: 600_000, maxBytes: 512 * 1024 },
    });
  });

  it('keeps nested defaults when only one robots field is given', () => {
    expect(parseFetcherConfig({ robots: { ttlMs: 5 } }).robots).toMatchObject({ enabled: true, ttlMs: 5, unavailableTtlMs: 600_000 });
  });

  it('normalizes accepted media types', () => {
    expect(parseFetcherConfig({ acceptTypes: [' Application/RSS+XML '] }).acceptTypes).toEqual(['application/rss+xml']);
  });

  const invalid: Array<[FetcherConfigInput, RegExp]> = [
    [{ allowCidrs: ['127.0.0.2'] }, /allowCidrs\.0/],
    [{ allowCidrs: ['not-a-cidr/8'] }, /allowCidrs\.0/],
    [{ headersTimeoutMs: 0 }, /headersTimeoutMs/],
    [{ totalTimeoutMs: -5 }, /totalTimeoutMs/],
    [{ maxRedirects: 100 }, /maxRedirects/],
    [{ userAgent: '' }, /userAgent/],
    [{ robots: { ttlMs: 1.5 } }, /robots\.ttlMs/],
  ];
  it.each(invalid)('refuses %j naming the field', (input, field) => {
    expect(() => parseFetcherConfig(input)).toThrow(ConfigError);
    expect(() => parseFetcherConfig(input)).toThrow(field);
  });

  it('createFetcher validates too', () => {
    expect(() => createFetcher({ maxBytes: -1 })).toThrow(ConfigError);
  });
});
