import { describe, expect, it } from 'vitest';
import { checkUrl, checkUrlWithDns, FetchError, isBlockedAddress } from '../../src/fetch/index.js';

describe('isBlockedAddress', () => {
  const table: Array<[ip: string, blocked: boolean, allow?: string[]]> = [
    ['8.8.8.8', false],
    ['93.184.215.14', false],
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['100.127.255.254', true],
    ['100.128.0.1', false],
    ['0.0.0.0', true],
    ['255.255.255.255', true],
    ['224.0.0.1', true],
    ['240.0.0.1', true],
    ['192.0.2.1', true],
    ['198.18.0.1', true],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fec0::1', true],
    ['fc00::1', true],
    ['fd00:ec2::254', true],
    ['ff02::1', true],
    ['2001:db8::1', true],
    ['2606:4700:4700::1111', false],
    ['[2606:4700:4700::1111]', false],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:8.8.8.8', false],
    ['::ffff:0:10.0.0.1', true],
    ['::127.0.0.1', true],
    ['64:ff9b::169.254.169.254', true],
    ['64:ff9b::8.8.8.8', false],
    ['64:ff9b:1::a00:1', true],
    ['2002:7f00:1::', true],
    ['2002:0808:0808::1', false],
    // Teredo: server 65.54.227.120, client ~(7f00:0001) = 127.0.0.1
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', true],
    // Teredo with public server and public client 8.8.8.8 (inverted: f7f7:f7f7)
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', false],
    ['not-an-ip', true],
    ['', true],
    ['127.0.0.2', false, ['127.0.0.2/32']],
    ['127.0.0.1', true, ['127.0.0.2/32']],
    ['::ffff:127.0.0.2', false, ['127.0.0.2/32']],
    ['10.9.8.7', false, ['10.0.0.0/8']],
  ];
  it.each(table)('%s → blocked=%s (allow %j)', (ip, expected, allow) => {
    expect(isBlockedAddress(ip, allow)).toBe(expected);
  });
});

function reasonOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof FetchError) return err.reason;
    throw err;
  }
}

describe('checkUrl', () => {
  const table: Array<[url: string, reason: string]> = [
    ['https://example.com/news/1', 'ok'],
    ['http://example.com:8080/', 'ok'],
    ['http://127.0.0.1/', 'blocked_address'],
    ['http://2130706433/', 'blocked_address'],
    ['http://0x7f.1/', 'blocked_address'],
    ['http://0177.0.0.1/', 'blocked_address'],
    ['http://127.1/', 'blocked_address'],
    ['http://[::1]/', 'blocked_address'],
    ['http://[::ffff:127.0.0.1]/', 'blocked_address'],
    ['http://[::ffff:a9fe:a9fe]/', 'blocked_address'],
    ['http://169.254.169.254/latest/meta-data/', 'blocked_address'],
    ['http://[fd00:ec2::254]/', 'blocked_address'],
    ['http://0/', 'blocked_address'],
    ['file:///etc/passwd', 'bad_scheme'],
    ['gopher://127.0.0.2:70/_x', 'bad_scheme'],
    ['ftp://example.com/', 'bad_scheme'],
    ['javascript:alert(1)', 'bad_scheme'],
    ['http://user:pw@127.0.0.2/', 'credentials_in_url'],
    ['http://user@example.com/', 'credentials_in_url'],
    ['not a url', 'bad_url'],
    ['/relative/path', 'bad_url'],
    ['http://127.0.0.2/', 'ok'],
  ];
  it.each(table)('%s → %s', (url, expected) => {
    expect(reasonOf(() => checkUrl(url, ['127.0.0.2/32']))).toBe(expected);
  });

  it('exposes the WHATWG-normalized host', () => {
    expect(() => checkUrl('http://2130706433/')).toThrow(/127\.0\.0\.1/);
  });
});

describe('checkUrlWithDns', () => {
  const resolve = async (hostname: string) =>
    hostname === 'intranet.test'
      ? [
          { address: '93.184.215.14', family: 4 },
          { address: '10.0.0.5', family: 4 },
        ]
      : [{ address: '93.184.215.14', family: 4 }];

  it('refuses a name when any of its addresses is private', async () => {
    await expect(checkUrlWithDns('http://intranet.test/', [], resolve)).rejects.toMatchObject({ reason: 'blocked_address' });
  });

  it('accepts a name whose addresses are all public', async () => {
    const checked = await checkUrlWithDns('http://news.test/a', [], resolve);
    expect(checked.hostname).toBe('news.test');
  });
});
