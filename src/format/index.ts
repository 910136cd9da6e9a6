/**
 * An article as a person reads it: plain text or Markdown (the JSON form is the article itself).
 * Shared by the CLI and the API, so both print the same thing.
 */
import { load } from 'cheerio';
import type { AnyNode } from 'domhandler';
import type { Article } from '../article.js';

export type ArticleFormat = 'json' | 'text' | 'markdown' | 'html';
export const ARTICLE_FORMATS: readonly ArticleFormat[] = ['json', 'text', 'markdown', 'html'];

export function formatArticle(article: Article, format: ArticleFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(article, null, 2);
    case 'text':
      return `${article.title}\n\n${article.text}\n`;
    case 'markdown':
      return toMarkdown(article);
    case 'html':
      return article.html;
  }
}

function byline(article: Article): string {
  const parts = [
    article.authors.length ? `By ${article.authors.join(', ')}` : null,
    article.publisher,
    article.publishedAt,
    article.dateline ? `Dateline: ${article.dateline}` : null,
    article.agency ? `Agency: ${article.agency}` : null,
  ].filter((p): p is string => p !== null);
  return parts.length ? `_${parts.join(' · ')}_\n\n` : '';
}

export function toMarkdown(article: Article): string {
  const $ = load(article.html, { xml: { xmlMode: false } });
  const body = $.root()
    .children()
    .toArray()
    .map((node) => blockToMarkdown(node))
    .filter((s) => s !== '')
    .join('\n\n');
  const source = article.url ? `\n\nSource: <${article.url}>` : '';
  return `# ${article.title}\n\n${byline(article)}${body}${source}\n`;
}

function blockToMarkdown(node: AnyNode): string {
  if (node.type === 'text') return node.data.trim();
  if (node.type !== 'tag') return '';
  switch (node.name) {
    case 'h2':
      return `## ${inline(node.children)}`;
    case 'h3':
      return `### ${inline(node.children)}`;
    case 'h4':
      return `#### ${inline(node.children)}`;
    case 'blockquote':
      return inline(node.children)
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n');
    case 'ul':
    case 'ol':
      return node.children
        .filter((c) => c.type === 'tag' && c.name === 'li')
        .map((li, i) => `${node.name === 'ol' ? `${i + 1}.` : '-'} ${inline((li as { children: AnyNode[] }).children)}`)
        .join('\n');
    case 'figure': {
      const img = node.children.find((c) => c.type === 'tag' && c.name === 'img');
      const cap = node.children.find((c) => c.type === 'tag' && c.name === 'figcaption');
      const src = img && img.type === 'tag' ? img.attribs.src : undefined;
      const caption = cap && cap.type === 'tag' ? inline(cap.children) : '';
      return src ? `![${caption}](${src})` : caption ? `_${caption}_` : '';
    }
    default:
      return inline(node.children);
  }
}

const MD_SPECIAL = /([\\`*_[\]])/g;

function inline(nodes: AnyNode[]): string {
  let out = '';
  for (const n of nodes) {
    if (n.type === 'text') out += n.data.replace(MD_SPECIAL, '\\$1');
    else if (n.type === 'tag') {
      const inner = inline(n.children);
      if (n.name === 'a' && n.attribs.href) out += `[${inner}](${n.attribs.href})`;
      else if (n.name === 'strong' || n.name === 'b') out += `**${inner}**`;
      else if (n.name === 'em' || n.name === 'i') out += `_${inner}_`;
      else if (n.name === 'br') out += '\n';
      else out += inner;
    }
  }
  return out.trim();
}
