import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_SQLITE_PATH, openStore, parseDatabaseUrl, type DatabaseTarget } from '../../src/store/index.js';

describe('parseDatabaseUrl', () => {
  const cases: Array<[string | undefined, DatabaseTarget]> = [
    [undefined, { backend: 'sqlite', path: DEFAULT_SQLITE_PATH }],
    ['', { backend: 'sqlite', path: DEFAULT_SQLITE_PATH }],
    ['   ', { backend: 'sqlite', path: DEFAULT_SQLITE_PATH }],
    ['./data/other.db', { backend: 'sqlite', path: './data/other.db' }],
    ['/var/lib/newsworker/news.db', { backend: 'sqlite', path: '/var/lib/newsworker/news.db' }],
    ['news.db', { backend: 'sqlite', path: 'news.db' }],
    ['sqlite:///var/lib/newsworker/news.db', { backend: 'sqlite', path: '/var/lib/newsworker/news.db' }],
    ['sqlite:relative/news.db', { backend: 'sqlite', path: 'relative/news.db' }],
    ['sqlite::memory:', { backend: 'sqlite', path: ':memory:' }],
    ['file:///tmp/news.db', { backend: 'sqlite', path: '/tmp/news.db' }],
    ['postgres://u:p@db:5432/news', { backend: 'postgres', connectionString: 'postgres://u:p@db:5432/news' }],
    ['postgresql://db/news?sslmode=require', { backend: 'postgres', connectionString: 'postgresql://db/news?sslmode=require' }],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(parseDatabaseUrl(input)).toEqual(expected);
  });

  const bad: Array<[string, RegExp]> = [
    ['mysql://root:secret@db/news', /unsupported scheme "mysql:"/],
    ['redis://127.0.0.1:6379', /unsupported scheme "redis:"/],
    ['sqlite://host/news.db', /names a host/],
    ['sqlite:', /has no path/],
    ['postgres:news', /is not a URL/],
  ];
  it.each(bad)('%s is a ConfigError naming DATABASE_URL and what is expected', async (input, why) => {
    const error = await openStore(input).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^DATABASE_URL /);
    expect(message).toMatch(why);
    expect(message).toMatch(/expected a file path, a sqlite: URL .*postgres:\/\//);
    expect(message).not.toContain('secret');
  });

  it.each([[4], [-1], [1.5]])('a near-duplicate distance of %d is a ConfigError', async (distance) => {
    await expect(openStore('sqlite::memory:', { nearDuplicateDistance: distance })).rejects.toBeInstanceOf(ConfigError);
  });
});
