import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { ConfigError } from '../../src/errors.js';

describe('settings from the environment', () => {
  it('has working defaults', () => {
    const s = loadSettings({});
    expect(s).toMatchObject({
      redisUrl: undefined,
      databaseUrl: undefined,
      allowCidrs: [],
      hostGapMs: 1000,
      attempts: 5,
      shutdownMs: 30_000,
      queuePrefix: '{newsworker}',
      host: '127.0.0.1',
      port: 3000,
      maxBytes: 8 * 1024 * 1024,
    });
  });

  it('reads the fixed variable names', () => {
    const s = loadSettings({
      REDIS_URL: 'redis://10.0.0.5:6379/2',
      DATABASE_URL: 'postgres://u:p@db/news',
      NEWSWORKER_ALLOW_CIDRS: '127.0.0.2/32, 10.1.0.0/16',
      NEWSWORKER_HOST_GAP_MS: '0',
      PORT: '8080',
    });
    expect(s.redisUrl).toBe('redis://10.0.0.5:6379/2');
    expect(s.databaseUrl).toBe('postgres://u:p@db/news');
    expect(s.allowCidrs).toEqual(['127.0.0.2/32', '10.1.0.0/16']);
    expect(s.hostGapMs).toBe(0);
    expect(s.port).toBe(8080);
  });

  it.each([
    [{ NEWSWORKER_HOST_GAP_MS: 'soon' }, /NEWSWORKER_HOST_GAP_MS="soon"/],
    [{ NEWSWORKER_HOST_GAP_MS: '-5' }, /NEWSWORKER_HOST_GAP_MS="-5"/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL="localhost:6379": a redis:\/\/ or rediss:\/\/ URL/],
    [{ PORT: '70000' }, /PORT="70000"/],
    [{ NEWSWORKER_QUEUE_PREFIX: 'newsworker' }, /NEWSWORKER_QUEUE_PREFIX.*hash tag/],
    [{ NEWSWORKER_API_TOKEN: 'short' }, /NEWSWORKER_API_TOKEN.*at least 16/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL="loud"/],
  ])('%j is refused, naming the setting', (env, message) => {
    expect(() => loadSettings(env)).toThrow(ConfigError);
    expect(() => loadSettings(env)).toThrow(message);
  });

  it('lists every bad setting at once', () => {
    const run = () => loadSettings({ PORT: 'x', NEWSWORKER_ATTEMPTS: '0' });
    expect(run).toThrow(/PORT="x"/);
    expect(run).toThrow(/NEWSWORKER_ATTEMPTS="0"/);
  });
});
