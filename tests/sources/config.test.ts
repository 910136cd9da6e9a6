import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { describeSchedule, loadSources, parseSources } from '../../src/sources/index.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'newsworker-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadSources', () => {
  it('reads YAML with defaults applied', () => {
    const file = write('ok.yaml', `sources:\n  - id: yna\n    url: https://en.yna.co.kr/RSS/news.xml\n    schedule: { cron: "*/10 6-23 * * *", tz: Asia/Seoul }\n  - id: bbc\n    url: https://feeds.bbci.co.uk/news/world/rss.xml\n    kind: feed\n    enabled: false\n`);
    const { sources } = loadSources(file);
    expect(sources.map((s) => [s.id, s.kind, describeSchedule(s.schedule), s.maxItems, s.enabled])).toEqual([
      ['yna', undefined, 'cron "*/10 6-23 * * *" Asia/Seoul', 500, true],
      ['bbc', 'feed', 'every 15m', 500, false],
    ]);
  });

  it('reads JSON', () => {
    const file = write('ok.json', JSON.stringify({ sources: [{ id: 'a', url: 'https://news.example/feed', schedule: { every: '2h' } }] }));
    expect(loadSources(file).sources.map((s) => describeSchedule(s.schedule))).toEqual(['every 2h']);
  });

  it('loads the shipped example', () => {
    const { sources } = loadSources(join(PROJECT_ROOT, 'config/sources.yaml'));
    expect(sources.map((s) => s.id)).toEqual(expect.arrayContaining(['koreaherald-all', 'yonhap-en', 'yonhap-ko', 'guardian-news-sitemap']));
  });

  // Each bad entry: the message names the file, the source (id, or position without one) and the field.
  it.each([
    ['bad url', { id: 'a', url: 'ftp://news.example/feed' }, 'source "a": url:'],
    ['bad kind', { id: 'b', url: 'https://n.example/f', kind: 'podcast' }, 'source "b": kind:'],
    ['too short interval', { id: 'c', url: 'https://n.example/f', schedule: { every: '30s' } }, 'source "c": schedule'],
    ['bad time zone', { id: 'd', url: 'https://n.example/f', schedule: { cron: '0 * * * *', tz: 'Mars/Olympus' } }, 'source "d": schedule'],
    ['unknown field', { id: 'e', url: 'https://n.example/f', maxitems: 3 }, 'source "e": (entry): Unrecognized key'],
    ['maxItems over the sitemap cap', { id: 'f', url: 'https://n.example/f', maxItems: 60_000 }, 'source "f": maxItems:'],
    ['bad id', { id: 'Bad Id', url: 'https://n.example/f' }, 'source "Bad Id": id:'],
    ['no id', { url: 'https://n.example/f' }, 'source #2 (no id): id:'],
  ])('%s', (_label, entry, expected) => {
    const file = write('bad.yaml', JSON.stringify({ sources: [{ id: 'fine', url: 'https://n.example/ok' }, entry] }));
    const err = errorOf(() => loadSources(file));
    expect(err.message).toContain(`${file}: ${expected}`);
    expect(err.message).not.toContain('"fine"');
  });

  it('names both problems when two entries are bad, and duplicate ids', () => {
    const err = errorOf(() => parseSources({ sources: [{ id: 'x', url: 'nope' }, { id: 'y', url: 'https://n.example/f' }, { id: 'y', url: 'https://n.example/g' }] }, 'f.yaml'));
    expect(err.message.split('\n')).toEqual([expect.stringMatching(/^f\.yaml: source "x": url: /), 'f.yaml: source "y": id: used by another source']);
  });

  it.each([
    ['no sources list', 'feeds: []\n', 'expected a top-level "sources" list'],
    ['broken YAML', 'sources: [\n', 'not valid YAML'],
  ])('%s', (_label, text, expected) => {
    const file = write('broken.yaml', text);
    expect(errorOf(() => loadSources(file)).message).toContain(`${file}: ${expected}`);
  });

  it('names a missing file', () => {
    expect(errorOf(() => loadSources(join(dir, 'missing.yaml'))).message).toContain(`${join(dir, 'missing.yaml')}: cannot read`);
  });
});
