/**
 * URLs found in metadata, made absolute against the page URL, and the canonical URL check: a
 * page may declare a canonical that is plainly wrong (the site's home page, a template
 * placeholder), and storing it would merge unrelated articles under one id.
 */

/** The value as an absolute http(s) URL, or null (relative without a base, other scheme, junk). */
export function absoluteUrl(value: string | null | undefined, base: string | null): string | null {
  const raw = value?.trim() ?? '';
  if (raw === '') return null;
  let url: URL;
  try {
    url = base === null ? new URL(raw) : new URL(raw, base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.href;
}

/** Template leftovers that show a canonical was never filled in. */
const PLACEHOLDER = /\{\{|\}\}|%7B%7B|\$\{|<%|%%/i;

/**
 * A canonical URL is trusted unless it points at a home page while the fetched URL is an
 * article path, or at a host that cannot be public. Another site's article is allowed:
 * syndicated copies point at the original on purpose.
 */
export function trustedCanonical(value: string, base: string | null): string | null {
  if (PLACEHOLDER.test(value)) return null;
  const absolute = absoluteUrl(value, base);
  if (absolute === null) return null;
  const canonical = new URL(absolute);
  const host = canonical.hostname;
  if (host === 'localhost' || !host.includes('.') || host.endsWith('.local') || host === 'example.com') return null;
  if (base !== null && isHomePage(canonical)) {
    const page = parseOrNull(base);
    if (page !== null && !isHomePage(page)) return null;
  }
  canonical.hash = '';
  return canonical.href;
}

function isHomePage(url: URL): boolean {
  return /^\/?(?:index\.\w{2,5})?$/i.test(url.pathname) && url.search === '';
}

function parseOrNull(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}
