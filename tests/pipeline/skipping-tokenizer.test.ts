/**
 * The skipping tokenizer must build exactly the tree the stock htmlparser2 tokenizer builds: same
 * nodes, names, attributes (in order), text and comments. Compared on tricky markup, on generated
 * markup, fed whole and in pieces, and on the 181 pages of the shared dataset.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { DomHandler, isTag, type AnyNode } from 'domhandler';
import { Parser, Tokenizer } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { PageParser, PageTokenizer, skippingTokenizerInUse } from '../../src/pipeline/skipping-tokenizer.js';

const OPTIONS = { xmlMode: false, decodeEntities: true } as const;

/** The tree as nested plain data: what a difference in the tokenizer would show in. */
function dump(node: AnyNode): unknown {
  if (isTag(node)) return [node.type, node.name, Object.entries(node.attribs), node.children.map(dump)];
  if ('data' in node) return [node.type, node.data];
  return [node.type, node.children.map(dump)];
}

function tree(html: string, tokenizer: typeof Tokenizer, pieces = 1): unknown {
  const handler = new DomHandler(undefined, OPTIONS);
  // The stock pair as htmlparser2 ships it; ours as parse.ts uses it.
  const parser = tokenizer === Tokenizer ? new Parser(handler, { ...OPTIONS, Tokenizer }) : new PageParser(handler, { ...OPTIONS, Tokenizer: tokenizer });
  const size = Math.ceil(html.length / pieces);
  for (let at = 0; at < html.length; at += size) parser.write(html.slice(at, at + size));
  parser.end();
  return dump(handler.root);
}

const stock = (html: string, pieces = 1): unknown => tree(html, Tokenizer, pieces);
const skipping = (html: string, pieces = 1): unknown => tree(html, PageTokenizer, pieces);

describe('skipping tokenizer', () => {
  it('is in use (htmlparser2 still has the methods it overrides)', () => {
    expect(skippingTokenizerInUse).toBe(true);
    expect(PageTokenizer).not.toBe(Tokenizer);
  });

  const cases: Array<[string, string]> = [
    ['plain text, no markup', 'just words and more words'],
    ['entities in text', '<p>Tom &amp; Jerry &lt;3 &copy 2024 &notin; &#x41;&#66; & alone &</p>'],
    ['entity cut by the end', '<p>fish &am'],
    ['entities in attributes', '<a href="/?a=1&amp;b=2&c=3" title=\'x &quot;y&quot; &notanentity;\'>link</a>'],
    ['unquoted and empty attributes', '<img src=/a.jpg alt= data-x data-y="" data-z=&amp;>'],
    ['attribute value never closed', '<div class="open to the end'],
    ['quote inside the other quote', `<p title="it's" data-q='say "hi"'>x</p>`],
    ['script with markup, comparisons and a fake end', '<script>if (a<b && c>d) x = "</scr" + "ipt>"; y = "<div>";</script><p>after</p>'],
    ['script end tag in capitals, with space', '<SCRIPT type="text/javascript">var s = 1 < 2;</SCRIPT >tail'],
    ['script never closed', '<script>var a = 1; <p>not a tag'],
    ['style and title', '<title>A &amp; B &lt; C</title><style>a<b{color:red}</style><p>x</p>'],
    ['textarea keeps entities', '<textarea>a &lt; b <b>not bold</b></textarea>'],
    ['comments of every shape', '<!-- a -- b --><!----><!--->x<!-- <p>in</p> --!><p>out</p>'],
    ['cdata, doctype and processing instructions', '<!DOCTYPE html><![CDATA[ x < y ]]><?xml version="1.0"?><p>z</p>'],
    ['a lone < in text', '<p>3 < 4 and 5 <= 6 << 7 < p>x</p>'],
    ['closing tag with junk', '<div>a</div class="x">b</ div></div >'],
    ['many ampersands far apart', `<p>${'a'.repeat(5000)}&amp;${'b'.repeat(5000)}</p><a href="?x&amp;y">${'c'.repeat(3000)}&</a>`],
    ['non-Latin text', '<p lang="ko">서울 &amp; 부산 — «ok» 😀</p>'],
    ['page cut inside a closing tag', `<div><p>${'words '.repeat(8)}</p></div `],
    ['page cut inside a self-closing tag', `<div><p>${'words '.repeat(8)}<br /`],
    ['nothing', ''],
  ];

  it.each(cases)('builds the same tree: %s', (_name, html) => {
    const expected = stock(html);
    expect(skipping(html)).toEqual(expected);
    // Fed in pieces, as a streaming caller would, the tree is still the same.
    expect(skipping(html, 7)).toEqual(expected);
  });

  it('builds the same tree as the stock tokenizer on generated markup', () => {
    const pieces = [
      '<', '>', '</', '/>', '&', '&amp;', '&lt', '&#x3c;', '&#60', '&notin;', '&not', '"', "'", '=', ' ', '\n',
      'text', 'é', '서울', '<p>', '</p>', '<a href="', '<a href=\'', '<img alt=', '<div class="', '<br/>',
      '<script>', '</script>', '<style>', '</style>', '<title>', '</title>', '<textarea>', '</textarea>',
      '<!--', '-->', '--!>', '<![CDATA[', ']]>', '<!DOCTYPE html>', '<?x ?>', '</SCRIPT', '<Script>',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), fc.integer({ min: 1, max: 5 }), (parts, split) => {
        const html = parts.join('');
        // The reference is the stock tokenizer on the whole text, as parsing was before pieces.
        expect(skipping(html, split)).toEqual(stock(html));
      }),
      { numRuns: 3000 },
    );
  });

  it('builds the same tree as the stock tokenizer on the shared dataset pages', () => {
    const dataset = join(import.meta.dirname, '../../../shared/datasets/scrapinghub-aeb/html');
    const files = readdirSync(dataset).filter((file) => file.endsWith('.html.gz'));
    expect(files.length).toBe(181);
    const differing = files.filter((file) => {
      const html = gunzipSync(readFileSync(join(dataset, file))).toString('utf8');
      return JSON.stringify(skipping(html)) !== JSON.stringify(stock(html));
    });
    expect(differing).toEqual([]);
  });
});
