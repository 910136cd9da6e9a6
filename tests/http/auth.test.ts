/**
 * Access control: the policy table, constant-time credential checks, the bind rule, and a sweep
 * over every registered route (collected by the app's onRoute hook), so a route added later
 * cannot be left open by accident: an anonymous request to it must be refused, or the route must
 * be on the explicit public list below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessFor, assertBindAllowed, isAuthorized, isLoopback, presentedCredentials, requestAccess, type Access,
} from '../../src/http/auth.js';
import { registeredRoutes } from '../../src/http/app.js';
import { ConfigError } from '../../src/errors.js';
import { ADMIN, basic, bearer, CREDENTIALS, openTestApp, TOKEN, type TestApp } from './harness.js';

/** The only routes anyone may call without credentials. Adding one here is a decision, not an accident. */
const PUBLIC: Array<[method: RegExp, path: RegExp]> = [
  [/^(GET|HEAD)$/, /^\/(healthz|readyz|metrics)$/],
  [/^(GET|HEAD)$/, /^\/docs(\/.*)?$/],
  [/^(GET|HEAD)$/, /^\/api\/(articles|jobs|sources)(\/.*)?$/],
];

const isPublic = (method: string, url: string) => PUBLIC.some(([m, p]) => m.test(method) && p.test(url));

/** A concrete path for a route pattern: parameters and wildcards filled in. */
function concrete(url: string): string {
  return url.replace(/:[A-Za-z_]+(\([^)]*\))?/g, 'x1').replace(/\*/g, 'x1');
}

describe('the policy table', () => {
  it.each([
    ['GET', '/api/articles', 'public'],
    ['HEAD', '/api/articles/a1', 'public'],
    ['POST', '/api/ingest', 'token'],
    ['DELETE', '/api/articles/a1', 'token'],
    ['PUT', '/api/anything', 'token'],
    ['GET', '/admin/queues', 'admin'],
    ['POST', '/admin/queues/api/queues/ingest/retry', 'admin'],
    ['GET', '/admin', 'admin'],
    ['GET', '/administrator', 'public'],
    ['GET', '/healthz', 'public'],
    ['POST', '/healthz', 'public'],
  ] as const)('%s %s is %s', (method, path, access) => {
    expect(accessFor(method, path)).toBe(access);
  });

  it.each([
    ['/%61dmin/articles', undefined, 'admin'],
    ['//admin/queues', undefined, 'admin'],
    ['/ADMIN/queues', undefined, 'admin'],
    ['/something', '/admin/articles/:id', 'admin'],
    ['/api/ingest?x=/admin', undefined, 'public'],
  ] as const)('a request for %s (route %s) is %s: every spelling the router could match is covered', (url, route, access: Access) => {
    expect(requestAccess('GET', url, route)).toBe(access);
  });
});

describe('credentials', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it.each([
    [undefined, null],
    [`Bearer ${TOKEN}`, { kind: 'bearer', token: TOKEN }],
    [`bearer   ${TOKEN}`, { kind: 'bearer', token: TOKEN }],
    [`Basic ${b64('editor:pass:with:colons')}`, { kind: 'basic', user: 'editor', password: 'pass:with:colons' }],
    [`Basic ${b64('no-colon')}`, null],
    ['Digest abc', null],
    ['Bearer', null],
  ])('%s parses as %j', (header, parsed) => {
    expect(presentedCredentials(header)).toEqual(parsed);
  });

  it.each([
    ['token', `Bearer ${TOKEN}`, true],
    ['token', `Bearer ${TOKEN}x`, false],
    ['token', `Bearer ${TOKEN.slice(0, -1)}`, false],
    ['token', `Basic ${b64(`${ADMIN.user}:${ADMIN.password}`)}`, true],
    ['admin', `Basic ${b64(`${ADMIN.user}:${ADMIN.password}`)}`, true],
    ['admin', `Basic ${b64(`${ADMIN.user}:wrong password`)}`, false],
    ['admin', `Basic ${b64(`other:${ADMIN.password}`)}`, false],
    ['admin', `Bearer ${TOKEN}`, true],
    ['admin', undefined, false],
    ['public', undefined, true],
  ] as const)('%s access with %s: %s', (access, header, ok) => {
    expect(isAuthorized(access, presentedCredentials(header), CREDENTIALS)).toBe(ok);
  });

  it('with no credentials configured nothing is checked', () => {
    expect(isAuthorized('admin', null, {})).toBe(true);
    expect(isAuthorized('token', null, {})).toBe(true);
  });
});

describe('binding', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.5', false],
    ['example.com', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
  });

  it.each([
    ['127.0.0.1', {}, null],
    ['0.0.0.0', {}, /refusing to listen on 0\.0\.0\.0/],
    ['0.0.0.0', { apiToken: TOKEN }, null],
    ['0.0.0.0', { adminUser: 'a', adminPassword: 'b12345678' }, null],
    ['127.0.0.1', { adminUser: 'a' }, /must be set together/],
  ])('listening on %s with %j', (host, credentials, error) => {
    const attempt = () => assertBindAllowed(host, credentials);
    if (error === null) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(ConfigError), expect(attempt).toThrow(error);
  });
});

describe('the sweep over every registered route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp('sqlite');
  });
  afterAll(async () => t.close());

  it('collects the routes, bull-board and the inspector included', () => {
    const urls = registeredRoutes(t.app).map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual(expect.arrayContaining(['POST /api/ingest', 'GET /admin/articles/:id', 'GET /admin/queues', 'GET /metrics']));
    expect(urls.filter((u) => u.includes('/admin/queues/api')).length).toBeGreaterThan(5);
  });

  it('every route not on the public list refuses anonymous and wrong credentials with 401, and opens to the right ones', async () => {
    const checked: string[] = [];
    for (const { method, url } of registeredRoutes(t.app)) {
      if (method === 'OPTIONS') continue;
      const path = concrete(url);
      const ask = (headers: Record<string, string>) =>
        t.app.inject({ method: method as 'GET', url: path, headers: { ...headers, 'content-type': 'application/json' }, payload: method === 'GET' || method === 'HEAD' ? undefined : '{}' });
      const anonymous = await ask({});
      if (isPublic(method, url)) {
        expect(anonymous.statusCode, `${method} ${url}`).not.toBe(401);
        continue;
      }
      expect(anonymous.statusCode, `${method} ${url} is open without credentials`).toBe(401);
      if (method !== 'HEAD') expect(anonymous.json(), `${method} ${url}`).toMatchObject({ error: 'unauthorized' });
      expect((await ask(bearer('wrong-token-0123456789'))).statusCode, `${method} ${url}`).toBe(401);
      expect((await ask(basic(ADMIN.user, 'not the password'))).statusCode, `${method} ${url}`).toBe(401);
      expect((await ask(bearer())).statusCode, `${method} ${url} with the token`).not.toBe(401);
      expect((await ask(basic())).statusCode, `${method} ${url} with basic auth`).not.toBe(401);
      checked.push(`${method} ${url}`);
    }
    expect(checked).toEqual(expect.arrayContaining(['POST /api/ingest', 'POST /api/sources/:id/run', 'GET /admin/articles', 'GET /admin/queues']));
  });

  it('/admin asks the browser for basic auth; an API write asks for a bearer token', async () => {
    const admin = await t.app.inject('/admin/articles');
    expect(admin.headers['www-authenticate']).toMatch(/^Basic realm="newsworker admin"/);
    const write = await t.app.inject({ method: 'POST', url: '/api/ingest', payload: { urls: ['http://127.0.0.2/a'] } });
    expect(write.statusCode).toBe(401);
    expect(write.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it.each(['/%61dmin/articles', '/admin//articles', '/admin/articles/%2e%2e/queues'])('%s is refused without credentials', async (url) => {
    const res = await t.app.inject(url);
    expect(res.statusCode).toBe(401);
  });
});

describe('with no credentials configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp('sqlite', { credentials: {} });
  });
  afterAll(async () => t.close());

  it.each([
    ['POST', '/api/ingest', 202],
    ['GET', '/admin/articles', 200],
  ] as const)('%s %s is open (the server binds loopback only)', async (method, url, status) => {
    const res = await t.app.inject({ method, url, payload: method === 'POST' ? { urls: ['http://127.0.0.2/open'] } : undefined });
    expect(res.statusCode).toBe(status);
  });
});
