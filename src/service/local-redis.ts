/**
 * A local Redis for the service command when no REDIS_URL is configured: `redis-server` with AOF
 * on, `noeviction` (BullMQ must never lose keys to eviction) and its data under ./data/redis.
 * Installs Debian's package when it is missing and we run as root; otherwise stops with a clear
 * message saying what to do.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ConfigError } from '../errors.js';

/** Not 6379, so a system Redis (or the test suite's) is never mistaken for ours. */
export const LOCAL_REDIS_PORT = 6479;

export interface LocalRedis {
  url: string;
  /** Null when an already running local Redis was reused. */
  process: ChildProcess | null;
  stop(): Promise<void>;
}

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

function installRedisServer(logger: Logger): void {
  if (process.getuid?.() !== 0) {
    throw new ConfigError(
      'no REDIS_URL is set and redis-server is not installed: install it (apt-get install redis-server) or set REDIS_URL to your Redis',
    );
  }
  logger.info('redis-server is missing: installing Debian package redis-server');
  for (const args of [['update'], ['install', '-y', 'redis-server']]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new ConfigError(`apt-get ${args.join(' ')} failed (exit ${r.status}): set REDIS_URL to a Redis instead`);
  }
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export async function startLocalRedis(dataDir: string, logger: Logger): Promise<LocalRedis> {
  const url = `redis://127.0.0.1:${LOCAL_REDIS_PORT}`;
  if (await answers(url)) {
    logger.info({ url }, 'reusing the local Redis already running');
    return { url, process: null, stop: async () => {} };
  }
  if (!hasRedisServer()) installRedisServer(logger);
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(LOCAL_REDIS_PORT), '--dir', dir, '--appendonly', 'yes',
      '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--save', ''],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  for (let i = 0; i < 100 && !(await answers(url)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await answers(url))) throw new ConfigError(`the local redis-server did not start on ${url}`);
  logger.info({ url, dir }, 'started a local Redis (AOF on, noeviction)');
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** BullMQ loses jobs if Redis evicts keys: say so loudly when a configured Redis may. */
export async function warnIfEvicting(redis: Redis, logger: Logger): Promise<void> {
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy !== 'noeviction') {
      logger.warn({ policy }, `Redis maxmemory-policy is ${policy}: set it to noeviction, or queued jobs can be lost`);
    }
  } catch {
    // Managed Redis services often forbid CONFIG; nothing to check then.
  }
}
