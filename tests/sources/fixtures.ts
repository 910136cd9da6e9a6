/** Feed and sitemap documents built from item lists, so each test states its items once. */
export interface Item {
  url: string;
  title: string;
  date?: string;
  lang?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function rss(items: readonly Item[], extra: { ttl?: number; skipHours?: number[]; skipDays?: string[]; language?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>News</title><link>https://news.example/</link><description>d</description>
${extra.language ? `<language>${extra.language}</language>` : ''}${extra.ttl ? `<ttl>${extra.ttl}</ttl>` : ''}
${extra.skipHours ? `<skipHours>${extra.skipHours.map((h) => `<hour>${h}</hour>`).join('')}</skipHours>` : ''}
${extra.skipDays ? `<skipDays>${extra.skipDays.map((d) => `<day>${d}</day>`).join('')}</skipDays>` : ''}
${items.map((i) => `<item><title>${esc(i.title)}</title><link>${esc(i.url)}</link>${i.date ? `<pubDate>${new Date(i.date).toUTCString()}</pubDate>` : ''}${i.lang ? `<dc:language>${i.lang}</dc:language>` : ''}</item>`).join('\n')}
</channel></rss>`;
}

export function atom(items: readonly Item[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title><id>urn:x</id><updated>2026-11-28T00:00:00Z</updated>
${items.map((i, n) => `<entry><title>${esc(i.title)}</title><id>urn:e${n}</id><link rel="alternate" href="${esc(i.url)}"${i.lang ? ` hreflang="${i.lang}"` : ''}/><published>${i.date ?? ''}</published><updated>${i.date ?? '2026-01-01T00:00:00Z'}</updated></entry>`).join('\n')}
</feed>`;
}

export function rdf(items: readonly Item[], language = 'ko'): string {
  return `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://news.example/"><title>News</title><link>https://news.example/</link><description>d</description><dc:language>${language}</dc:language></channel>
${items.map((i) => `<item rdf:about="${esc(i.url)}"><title>${esc(i.title)}</title><link>${esc(i.url)}</link>${i.date ? `<dc:date>${i.date}</dc:date>` : ''}</item>`).join('\n')}
</rdf:RDF>`;
}

export function jsonFeed(items: readonly Item[]): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: 'News',
    language: 'en',
    items: items.map((i, n) => ({ id: String(n), url: i.url, title: i.title, date_published: i.date, language: i.lang, content_text: 'x' })),
  });
}

export interface Entry {
  url: string;
  lastmod?: string;
  news?: { title: string; date: string; language: string };
}

export function urlset(entries: readonly Entry[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
${entries.map((e) => `<url><loc>${esc(e.url)}</loc>${e.lastmod ? `<lastmod>${e.lastmod}</lastmod>` : ''}${e.news ? `<news:news><news:publication><news:name>Ex</news:name><news:language>${e.news.language}</news:language></news:publication><news:publication_date>${e.news.date}</news:publication_date><news:title>${esc(e.news.title)}</news:title></news:news>` : ''}</url>`).join('\n')}
</urlset>`;
}

export function sitemapIndex(children: ReadonlyArray<{ url: string; lastmod?: string }>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${children.map((c) => `<sitemap><loc>${esc(c.url)}</loc>${c.lastmod ? `<lastmod>${c.lastmod}</lastmod>` : ''}</sitemap>`).join('\n')}
</sitemapindex>`;
}

/** The classic billion-laughs document, as a feed. */
export const ENTITY_BOMB = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>https://news.example/bomb</link></item></channel></rss>`;
