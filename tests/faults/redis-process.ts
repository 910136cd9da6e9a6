/**
 * A redis-server of the test's own on a free loopback port, so kill, restart and SIGSTOP scenarios
 * never disturb the shared Redis on 6379. Data lives in a temp directory kept across restarts, so
 * an AOF-persisted server comes back with its data and a non-persistent one comes back empty.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface RedisProcessOptions {
  /** appendonly yes + appendfsync always: every acknowledged write survives a SIGKILL. */
  aof?: boolean;
  /** A fixed port (to start a server where a client already waits); a free one when omitted. */
  port?: number;
}

export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  /** The pid of the running server, or null while it is down. */
  readonly pid: number | null;
  start(): Promise<void>;
  /** SIGKILL: no shutdown save, no goodbye to clients. */
  kill(): Promise<void>;
  /** Kill then start again on the same port and directory. */
  restart(): Promise<void>;
  pause(): void;
  resume(): void;
  /** Kills the server and removes its directory. */
  cleanup(): Promise<void>;
}

/** A port nobody listens on right now (the kernel picks it; it is released before we return). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 500 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      // not up yet
    } finally {
      probe.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`redis at ${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function createRedisProcess(opts: RedisProcessOptions = {}): Promise<RedisProcess> {
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'newsworker-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const args = [
    '--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '',
    '--maxmemory-policy', 'noeviction', '--daemonize', 'no', '--logfile', join(dir, 'redis.log'),
    ...(opts.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  ];

  const handle: RedisProcess = {
    port,
    url,
    get pid() {
      return child?.pid ?? null;
    },
    async start() {
      const proc = spawn('redis-server', args, { stdio: 'ignore' });
      child = proc;
      exited = new Promise((resolve) => proc.once('exit', () => resolve()));
      await waitForPing(url, 10_000);
    },
    async kill() {
      if (child === null) return;
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
      child = null;
    },
    async restart() {
      await handle.kill();
      await handle.start();
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async cleanup() {
      await handle.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
