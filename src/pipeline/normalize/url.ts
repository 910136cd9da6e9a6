/**
 * URLs as the article stores them: `canonicalUrl` normalized so one page has one URL whatever link
 * led to it, and `site`, the host a page came from.
 */
import { getDomain } from 'tldts';

/** Query parameters that only say how a reader arrived (campaign, click and share trackers). */
const TRACKING_PARAMS: ReadonlySet<string> = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid',
  'li_fat_id', 'igshid', 'igsh', 'mc_cid', 'mc_eid', '_ga', '_gl', 'ref_src', 'ref_url', 'mkt_tok',
  '_hsenc', '_hsmi', '__hstc', '__hssc', '__hsfp', 'vero_id', 'rb_clickid', 's_cid', 'wickedid',
  'ncid', 'ocid', 'cmpid', 'sr_share', 'at_medium', 'at_campaign', 'spm',
]);

/** Families of tracking parameters: Google Analytics, Matomo/Piwik, Olytics, HubSpot ads. */
const TRACKING_PREFIXES: readonly string[] = ['utm_', 'mtm_', 'pk_', 'oly_', 'hsa_'];

function isTrackingParam(rawName: string): boolean {
  let name: string;
  try {
    name = decodeURIComponent(rawName.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return false;
  }
  return TRACKING_PARAMS.has(name) || TRACKING_PREFIXES.some((prefix) => name.startsWith(prefix));
}

function parseHttpUrl(url: string): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : null;
}

/**
 * An absolute http(s) URL in its stored form, or null for anything else. The WHATWG URL parser
 * already lower-cases the scheme and host, writes international hosts in punycode and drops a
 * default port; on top of that the fragment, any credentials and the tracking parameters go. The
 * other parameters stay in their order and exactly as written: rewriting their encoding could
 * turn one page's URL into another's.
 */
export function normalizeUrl(url: string): string | null {
  const parsed = parseHttpUrl(url);
  if (parsed === null) return null;
  parsed.hash = '';
  parsed.username = '';
  parsed.password = '';
  const kept = parsed.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !isTrackingParam(pair.split('=', 1)[0] ?? ''));
  // Assigned even when empty: that also drops the bare `?` of `/x?`, which `search` reports as ''.
  parsed.search = kept.length === 0 ? '' : `?${kept.join('&')}`;
  return parsed.href;
}

/** The host of an http(s) URL without a leading `www.`, or null. */
export function siteOf(url: string): string | null {
  const parsed = parseHttpUrl(url);
  if (parsed === null || parsed.hostname === '') return null;
  return parsed.hostname.startsWith('www.') ? parsed.hostname.slice(4) : parsed.hostname;
}

/**
 * The registrable domain of a host (`news.bbc.co.uk` gives `bbc.co.uk`) from the public suffix
 * list's ICANN section, so `*.blogspot.com` hosts all count as `blogspot.com`; null for IP
 * addresses and bare suffixes.
 */
export function registrableDomain(host: string): string | null {
  return getDomain(host) ?? null;
}
