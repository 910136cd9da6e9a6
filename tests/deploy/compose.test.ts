/**
 * No Docker engine runs here, so docker-compose.yml and the Dockerfile are kept correct by
 * parsing them and checking the properties production relies on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVICE_NODE_FLAGS } from '../../src/config/node-flags.js';

const ROOT = join(import.meta.dirname, '../..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const services = compose.services as Record<string, Record<string, any>>;

describe('docker-compose.yml', () => {
  it('has redis, postgres, worker and api', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'postgres', 'redis', 'worker']);
  });

  it('runs redis with AOF and noeviction, a healthcheck and a volume', () => {
    const cmd = (services.redis!.command as string[]).join(' ');
    expect(cmd).toMatch(/--appendonly yes/);
    expect(cmd).toMatch(/--maxmemory-policy noeviction/);
    expect(services.redis!.healthcheck.test).toContain('ping');
    expect(services.redis!.volumes[0]).toMatch(/^redis-data:\/data$/);
    expect(compose.volumes).toHaveProperty('redis-data');
  });

  it('runs postgres with a healthcheck and a volume', () => {
    expect(services.postgres!.healthcheck.test.join(' ')).toMatch(/pg_isready/);
    expect(services.postgres!.volumes[0]).toMatch(/^postgres-data:\/var\/lib\/postgresql\/data$/);
    expect(compose.volumes).toHaveProperty('postgres-data');
  });

  it.each(['worker', 'api'])('%s waits for healthy redis and postgres', (name) => {
    const deps = services[name]!.depends_on;
    expect(deps.redis.condition).toBe('service_healthy');
    expect(deps.postgres.condition).toBe('service_healthy');
  });

  it('worker and api run the same image with the fixed setting names', () => {
    expect(services.worker!.image).toBe(services.api!.image);
    for (const name of ['worker', 'api']) {
      const env = services[name]!.environment;
      expect(env.REDIS_URL).toMatch(/^redis:\/\/redis:6379/);
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    }
    expect(services.worker!.command).toEqual(['worker']);
    expect(services.api!.command).toEqual(['serve']);
    expect(Object.keys(services.api!.environment)).toEqual(
      expect.arrayContaining(['NEWSWORKER_API_TOKEN', 'NEWSWORKER_ADMIN_USER', 'NEWSWORKER_ADMIN_PASSWORD', 'HOST', 'PORT']),
    );
  });

  it('gives the worker more time to stop than its own shutdown deadline', () => {
    expect(Number.parseInt(services.worker!.stop_grace_period, 10)).toBeGreaterThan(30);
  });
});

describe('Dockerfile', () => {
  it('runs as a non-root user', () => {
    const user = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)$/);
  });

  it('installs from the lock file and ships the site rules', () => {
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/COPY config \.\/config/);
  });

  it('runs node with the service\'s V8 flags, as npm start does', () => {
    const entrypoint = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1];
    expect(entrypoint, 'an exec-form ENTRYPOINT').toBeDefined();
    expect(JSON.parse(entrypoint!)).toEqual(['node', ...SERVICE_NODE_FLAGS, 'bin/newsworker.js']);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts['start']).toBe(['node', ...SERVICE_NODE_FLAGS, 'bin/newsworker.js', 'start'].join(' '));
  });
});
