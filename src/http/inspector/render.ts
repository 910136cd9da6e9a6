/**
 * The inspector's HTML, rendered on the server as plain strings: no client framework, no script,
 * so a page is one fast response that reads well and prints. Everything interpolated is escaped.
 */
import type { Article } from '../../article.js';
import type { Segment, Highlighting } from './highlight.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
:root { color-scheme: light; --ink: #1d232b; --muted: #5c6670; --line: #d9dee3; --bg: #f7f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
header.top { background: #1d232b; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1.2rem; align-items: baseline; }
header.top a { color: #cfe3ff; text-decoration: none; }
main { padding: 1rem 1.2rem 3rem; max-width: 1500px; margin: 0 auto; }
h1 { font-size: 1.35rem; margin: .2rem 0 .4rem; }
.meta { color: var(--muted); font-size: .9rem; margin-bottom: 1rem; }
form.search { display: flex; gap: .5rem; margin: .5rem 0 1rem; flex-wrap: wrap; }
form.search input { padding: .4rem .6rem; border: 1px solid var(--line); border-radius: 4px; font: inherit; }
form.search input[name=q] { flex: 1 1 20rem; }
button { padding: .4rem .9rem; border: 0; border-radius: 4px; background: #2563eb; color: #fff; font: inherit; cursor: pointer; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; align-items: start; }
@media (max-width: 900px) { .columns { grid-template-columns: 1fr; } }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; min-width: 0; }
.panel h2 { font-size: .85rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 0 0 .6rem; }
.clean p { margin: 0 0 .8rem; }
.page { white-space: pre-wrap; overflow-wrap: anywhere; font-size: .9rem; max-height: 80vh; overflow: auto; }
mark.removed { background: hsl(var(--hue) 90% 88%); outline: 1px solid hsl(var(--hue) 60% 55%); border-radius: 2px; padding: 0 1px; }
mark.removed .rule { font: 600 .7rem/1 ui-monospace, monospace; background: hsl(var(--hue) 60% 40%); color: #fff; border-radius: 2px; padding: 1px 4px; margin-right: 4px; vertical-align: 1px; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem; margin: 0 0 .8rem; padding: 0; list-style: none; }
.legend li { background: hsl(var(--hue) 90% 92%); border: 1px solid hsl(var(--hue) 60% 60%); border-radius: 3px; padding: 1px 6px; font-size: .85rem; }
.notice { background: #fff7e0; border: 1px solid #f0d68a; padding: .5rem .8rem; border-radius: 4px; margin-bottom: 1rem; }
.missing li { margin-bottom: .3rem; }
code { font-family: ui-monospace, monospace; font-size: .85em; }
`;

export function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · newsworker</title><style>${STYLE}</style></head>
<body><header class="top"><strong>newsworker</strong><a href="/admin/articles">Articles</a><a href="/admin/queues">Queues</a><a href="/docs">API</a></header>
<main>${body}</main></body></html>`;
}

/** A stable hue per rule name, so a rule has the same colour on every page. */
export function ruleHue(rule: string): number {
  let h = 0;
  for (const ch of rule) h = (h * 31 + ch.codePointAt(0)!) % 360;
  return h;
}

export interface ListView {
  items: Article[];
  nextCursor: string | null;
  q: string;
  site: string;
  query: (cursor: string) => string;
}

export function renderList(view: ListView): string {
  const rows = view.items
    .map(
      (a) => `<tr><td><a href="/admin/articles/${encodeURIComponent(a.id)}">${escapeHtml(a.title || '(untitled)')}</a></td>
<td>${escapeHtml(a.site ?? '')}</td><td>${escapeHtml(a.language ?? '')}</td><td>${escapeHtml((a.publishedAt ?? a.extractedAt).slice(0, 16).replace('T', ' '))}</td>
<td class="num">${a.wordCount}</td><td>${a.duplicateOf ? `<a href="/admin/articles/${encodeURIComponent(a.duplicateOf)}">duplicate</a>` : ''}</td></tr>`,
    )
    .join('\n');
  const next = view.nextCursor ? `<p><a rel="next" href="${escapeHtml(view.query(view.nextCursor))}">Older articles →</a></p>` : '';
  return layout(
    'Articles',
    `<h1>Articles</h1>
<form class="search" method="get" action="/admin/articles">
<input type="search" name="q" value="${escapeHtml(view.q)}" placeholder='Search title and text: words, "a phrase", -excluded' aria-label="Search">
<input type="text" name="site" value="${escapeHtml(view.site)}" placeholder="site (example.com)" aria-label="Site">
<button type="submit">Search</button></form>
${view.items.length === 0 ? '<p>No articles match.</p>' : `<table><thead><tr><th>Title</th><th>Site</th><th>Lang</th><th>Published (UTC)</th><th>Words</th><th></th></tr></thead><tbody>${rows}</tbody></table>`}
${next}`,
  );
}

export interface ArticleView {
  article: Article;
  pageText: string | null;
  segments: Segment[];
  highlighting: Highlighting | null;
  /** Why there is no original to show, or what differs. */
  notices: string[];
}

export function renderArticle(view: ArticleView): string {
  const a = view.article;
  const meta = [
    a.site,
    a.authors.length ? `by ${a.authors.join(', ')}` : null,
    a.publishedAt ? `published ${a.publishedAt}` : null,
    a.language,
    `${a.wordCount} words`,
    `extractor ${a.extractor}`,
  ]
    .filter((x): x is string => x !== null)
    .map(escapeHtml)
    .join(' · ');
  const source = a.url ? ` · <a href="${escapeHtml(a.url)}" rel="noreferrer noopener">source</a>` : '';
  const clean = a.text
    .split('\n\n')
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('\n');
  const counts = new Map<string, number>();
  for (const l of view.highlighting?.located ?? []) counts.set(l.rule, (counts.get(l.rule) ?? 0) + 1);
  for (const m of view.highlighting?.missing ?? []) counts.set(m.rule, (counts.get(m.rule) ?? 0) + 1);
  const legend = [...counts]
    .map(([rule, n]) => `<li style="--hue:${ruleHue(rule)}"><code>${escapeHtml(rule)}</code> × ${n}</li>`)
    .join('');
  const page = view.segments
    .map((s) =>
      s.rule === null
        ? escapeHtml(s.text)
        : `<mark class="removed" data-rule="${escapeHtml(s.rule)}" title="removed by ${escapeHtml(s.rule)}" style="--hue:${ruleHue(s.rule)}"><span class="rule">${escapeHtml(s.rule)}</span>${escapeHtml(s.text)}</mark>`,
    )
    .join('');
  const missing = view.highlighting?.missing.length
    ? `<h2>Removed, not found verbatim in the page text</h2><ul class="missing">${view.highlighting.missing
        .map((m) => `<li style="--hue:${ruleHue(m.rule)}"><mark class="removed" style="--hue:${ruleHue(m.rule)}"><span class="rule">${escapeHtml(m.rule)}</span>${escapeHtml(m.text)}</mark></li>`)
        .join('')}</ul>`
    : '';
  return layout(
    a.title,
    `<h1>${escapeHtml(a.title)}</h1><div class="meta">${meta}${source} · <a href="/api/articles/${encodeURIComponent(a.id)}?explain=1">JSON</a> · <code>${escapeHtml(a.id)}</code></div>
${view.notices.map((n) => `<p class="notice">${escapeHtml(n)}</p>`).join('')}
<div class="columns">
<section class="panel clean" aria-label="Clean text"><h2>Clean text</h2>${clean}</section>
<section class="panel" aria-label="Original page text"><h2>Original page text, removed blocks highlighted</h2>
${legend ? `<ul class="legend">${legend}</ul>` : '<p>No blocks were removed.</p>'}
${view.pageText === null ? '' : `<div class="page">${page}</div>`}
${missing}</section>
</div>`,
  );
}

export function renderNotFound(id: string): string {
  return layout('Not found', `<h1>No article ${escapeHtml(id)}</h1><p><a href="/admin/articles">All articles</a></p>`);
}
