import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSiteRules } from '../../src/rules/load.js';
import { findHostRule, findSignatureRules, mergeRules } from '../../src/rules/resolve.js';
import { ConfigError } from '../../src/errors.js';

function ruleDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nw-rules-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

describe('loading site rules', () => {
  it('loads the shipped rules', () => {
    const rules = loadSiteRules();
    expect(rules.map((r) => r.name)).toEqual(
      expect.arrayContaining(['The Korea Herald', 'Daum News (portal syndication)', 'The Korea Herald syndicated on Daum']),
    );
  });

  it('loads YAML and JSON alike, with defaults filled in', () => {
    const dir = ruleDir({
      'a.yaml': 'name: Example\nhosts: [www.example.test]\nselectors:\n  body: [".story"]\n',
      'b.json': JSON.stringify({ name: 'Other', domains: ['other.test'] }),
    });
    const [a, b] = loadSiteRules(dir);
    expect(a).toMatchObject({ name: 'Example', hosts: ['www.example.test'], remove: [], selectors: { body: ['.story'] } });
    expect(b).toMatchObject({ name: 'Other', domains: ['other.test'], hosts: [] });
  });

  it.each([
    ['bad.json', '{"name": "X", "selectors": {"body": []}}', /bad\.json.*selectors\.body/],
    ['bad.json', '{"name": "X", "hosts": "www.x.test"}', /bad\.json.*hosts.*expected array/i],
    ['bad.json', '{"name": "X", "colour": "red"}', /bad\.json.*colour/],
    ['bad.json', '{"hosts": []}', /bad\.json.*name/],
    ['bad.json', '{"name": "X", "captions": {"credit": "(unclosed"}}', /bad\.json.*captions\.credit.*regular expression/],
    ['bad.json', '{"name": ', /bad\.json.*not valid JSON/],
    ['bad.yaml', 'name: [unclosed', /bad\.yaml.*not valid YAML/],
  ])('%s %s fails naming the file and field', (file, body, message) => {
    const dir = ruleDir({ [file]: body });
    expect(() => loadSiteRules(dir)).toThrow(ConfigError);
    expect(() => loadSiteRules(dir)).toThrow(message);
  });

  it('a missing directory is a ConfigError naming it', () => {
    expect(() => loadSiteRules('/nonexistent/rules')).toThrow(/\/nonexistent\/rules/);
  });
});

describe('rule lookup', () => {
  const dir = ruleDir({
    'exact.json': JSON.stringify({ name: 'Exact', hosts: ['news.example.co.uk'] }),
    'domain.json': JSON.stringify({ name: 'Domain', domains: ['example.co.uk'] }),
    'sig.json': JSON.stringify({ name: 'Sig', signatures: ['Example Wire daum'], publisher: 'Example Wire', footers: ['Example Wire daum'] }),
  });
  const rules = loadSiteRules(dir);

  it.each([
    ['news.example.co.uk', 'Exact'],
    ['NEWS.EXAMPLE.CO.UK', 'Exact'],
    ['www.example.co.uk', 'Domain'],
    ['example.co.uk', 'Domain'],
    ['co.uk', null],
    ['elsewhere.test', null],
    [null, null],
  ])('%s → %s', (host, name) => {
    expect(findHostRule(rules, host)?.name ?? null).toBe(name);
  });

  it('a signature in the blocks adds its rule on top of the host rule', () => {
    const host = findHostRule(rules, 'www.example.co.uk');
    const sig = findSignatureRules(rules, ['Body text.', 'example wire  DAUM']);
    expect(sig.map((r) => r.name)).toEqual(['Sig']);
    const merged = mergeRules(host, sig);
    expect(merged).toMatchObject({ name: 'Domain + Sig', publisher: 'Example Wire', footers: ['Example Wire daum'] });
  });

  it('no host rule and no signature: generic', () => {
    expect(mergeRules(null, findSignatureRules(rules, ['Nothing here']))).toBeNull();
  });
});
