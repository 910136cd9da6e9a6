import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ConfigError } from '../errors.js';
import { FetchError } from './errors.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

/** Parsed allowlist: ranges that are fetchable even though the policy below would refuse them. */
export interface AllowList {
  readonly cidrs: readonly Cidr[];
}

const EMPTY_ALLOW: AllowList = { cidrs: [] };

/** Parses CIDRs ("127.0.0.2/32", "fd00::/8"); throws with the offending entry named. */
export function parseAllowList(cidrs: readonly string[]): AllowList {
  return {
    cidrs: cidrs.map((text) => {
      try {
        return ipaddr.parseCIDR(text.trim());
      } catch (cause) {
        throw new ConfigError(`allowCidrs: "${text}" is not a CIDR like 203.0.113.0/24`, { cause });
      }
    }),
  };
}

function toAllowList(allow: AllowList | readonly string[] | undefined): AllowList {
  if (allow === undefined) return EMPTY_ALLOW;
  return 'cidrs' in allow ? allow : parseAllowList(allow as readonly string[]);
}

function isAllowlisted(address: Address, allow: AllowList): boolean {
  return allow.cidrs.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
}

// IPv4-compatible (::a.b.c.d, deprecated) and the rest of ::/8 are never used on the public internet.
const IPV6_RESERVED_ZERO: Cidr = [ipaddr.IPv6.parse('::'), 8];

function ipv4FromWords(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * IPv6 forms that carry an IPv4 address a gateway may translate and connect to:
 * IPv4-mapped (::ffff:a.b.c.d), SIIT (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96, 64:ff9b:1::/48),
 * 6to4 (2002:AABB:CCDD::) and Teredo (server in bits 32-63, client inverted in the last 32 bits).
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const p = address.parts;
  if (address.isIPv4MappedAddress()) return [address.toIPv4Address()];
  switch (address.range()) {
    case 'rfc6145':
    case 'rfc6052':
      return [ipv4FromWords(p[6]!, p[7]!)];
    case '6to4':
      return [ipv4FromWords(p[1]!, p[2]!)];
    case 'teredo':
      return [ipv4FromWords(p[2]!, p[3]!), ipv4FromWords(~p[6]! & 0xffff, ~p[7]! & 0xffff)];
    default:
      return [];
  }
}

function blocked(address: Address, allow: AllowList): boolean {
  if (isAllowlisted(address, allow)) return false;
  if (address.kind() === 'ipv4') return address.range() !== 'unicast';
  const v6 = address as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded.length > 0) return embedded.some((v4) => blocked(v4, allow));
  if (v6.match(IPV6_RESERVED_ZERO)) return true;
  // ipaddr.js names every special-purpose block (loopback, uniqueLocal incl. fd00:ec2::254,
  // linkLocal, deprecatedSiteLocal, multicast, documentation, benchmarking...); only 'unicast' is public.
  return v6.range() !== 'unicast';
}

/**
 * True when connecting to `ip` must be refused: anything but public unicast, unless an allowlisted
 * CIDR covers it. Unparseable input is refused.
 */
export function isBlockedAddress(ip: string, allow?: AllowList | readonly string[]): boolean {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  // Zone ids (fe80::1%eth0) only occur on link-local addresses, which are refused anyway.
  if (!ipaddr.isValid(text) || isIP(text.split('%')[0]!) === 0) return true;
  return blocked(ipaddr.parse(text), toAllowList(allow));
}

export interface CheckedUrl {
  url: URL;
  /** Host name without IPv6 brackets, as the connector sees it. */
  hostname: string;
  /** True when the host is an IP literal: no DNS lookup will happen, so the check above was final. */
  isIpLiteral: boolean;
}

/**
 * Synchronous pre-check, usable by the API and CLI before queueing: scheme, credentials and IP
 * literals (after WHATWG normalization, so 2130706433 and 0x7f.1 are 127.0.0.1). Host names
 * are checked later, at connect time, against every address DNS returns.
 */
export function checkUrl(input: string | URL, allow?: AllowList | readonly string[]): CheckedUrl {
  let url: URL;
  try {
    url = new URL(input);
  } catch (cause) {
    throw new FetchError('bad_url', `not an absolute URL: ${String(input).slice(0, 200)}`, { cause });
  }
  const href = url.href;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('bad_scheme', `only http and https are fetched, not ${url.protocol}`, { url: href });
  }
  if (url.username !== '' || url.password !== '') {
    throw new FetchError('credentials_in_url', 'URLs with user name or password are refused', {
      url: `${url.protocol}//${url.host}${url.pathname}`,
    });
  }
  if (url.hostname === '') throw new FetchError('bad_url', `URL has no host: ${href}`, { url: href });
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const isIpLiteral = isIP(hostname) !== 0;
  if (isIpLiteral && isBlockedAddress(hostname, allow)) {
    throw new FetchError('blocked_address', `refusing non-public address ${hostname}`, { url: href });
  }
  return { url, hostname, isIpLiteral };
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all its addresses; injectable so tests can map names to chosen IPs. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Throws blocked_address when ANY answer is non-public: a mixed answer lets an attacker pick. */
export function assertPublicAddresses(
  hostname: string,
  addresses: readonly ResolvedAddress[],
  allow?: AllowList | readonly string[],
): void {
  if (addresses.length === 0) throw new FetchError('dns_not_found', `no address for ${hostname}`);
  const bad = addresses.find((a) => isBlockedAddress(a.address, allow));
  if (bad !== undefined) {
    throw new FetchError('blocked_address', `${hostname} resolves to non-public address ${bad.address}`);
  }
}

/** checkUrl plus a DNS resolution of host names, for callers that want to refuse early. */
export async function checkUrlWithDns(
  input: string | URL,
  allow?: AllowList | readonly string[],
  resolve: Resolver = systemResolver,
): Promise<CheckedUrl> {
  const checked = checkUrl(input, allow);
  if (!checked.isIpLiteral) assertPublicAddresses(checked.hostname, await resolve(checked.hostname), allow);
  return checked;
}
