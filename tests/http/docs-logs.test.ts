/** The OpenAPI description covers every API route; request logs carry the request id. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../src/http/app.js';
import { openTestApp, type TestApp } from './harness.js';

describe('OpenAPI and request logs', () => {
  let t: TestApp;
  const lines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    t = await openTestApp('sqlite', { logger: pino({ level: 'info' }, sink) });
  });
  afterAll(async () => t.close());

  it('/docs/json describes every /api route and /docs serves the UI', async () => {
    const doc = (await t.app.inject('/docs/json')).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const apiRoutes = registeredRoutes(t.app)
      .filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(apiRoutes.length).toBeGreaterThanOrEqual(7);
    expect(documented).toEqual(expect.arrayContaining(apiRoutes));
    const ui = await t.app.inject('/docs/');
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });

  it('logs each request with its id, the id the response carries', async () => {
    const res = await t.app.inject({ url: '/api/articles', headers: { 'x-request-id': 'abc-123' } });
    const generated = await t.app.inject({ url: '/healthz' });
    const ids = lines.filter((l) => l.msg === 'request completed').map((l) => l.reqId);
    expect(ids).toEqual(expect.arrayContaining(['abc-123', generated.headers['x-request-id']]));
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(String(generated.headers['x-request-id'])).toMatch(/^[0-9a-f-]{36}$/);
  });
});
