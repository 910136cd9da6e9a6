import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { PIECE_CHARS, decodeInput } from '../../src/pipeline/decode.js';
import { InputError } from '../../src/errors.js';

const KOREAN = '서울 한국 정부는 오늘 새로운 경제 정책을 발표했다.';
const JAPANESE = '東京の天気は晴れ、気温は二十度です。';
const CHINESE = '北京市政府今天宣布了新的经济政策。';
const RUSSIAN = 'Москва объявила о новых экономических мерах.';

function page(charsetMeta: string | null, body: string): string {
  const meta = charsetMeta === null ? '' : `<meta charset="${charsetMeta}">`;
  return `<!doctype html><html><head>${meta}<title>t</title></head><body><p>${body}</p></body></html>`;
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('decodeInput: legacy charsets', () => {
  const cases: Array<{ name: string; text: string; codec: string; meta: string | null; header?: string; charset: string }> = [
    { name: 'EUC-KR by meta', text: KOREAN, codec: 'euc-kr', meta: 'euc-kr', charset: 'euc-kr' },
    { name: 'EUC-KR by alias ks_c_5601-1987', text: KOREAN, codec: 'cp949', meta: 'ks_c_5601-1987', charset: 'euc-kr' },
    { name: 'EUC-KR by header', text: KOREAN, codec: 'euc-kr', meta: null, header: 'text/html; charset=EUC-KR', charset: 'euc-kr' },
    { name: 'Shift_JIS by meta', text: JAPANESE, codec: 'shift_jis', meta: 'Shift_JIS', charset: 'shift_jis' },
    { name: 'Shift_JIS by alias x-sjis', text: JAPANESE, codec: 'shift_jis', meta: null, header: 'text/html;charset=x-sjis', charset: 'shift_jis' },
    { name: 'GBK by alias gb2312', text: CHINESE, codec: 'gbk', meta: 'gb2312', charset: 'gbk' },
    { name: 'GB18030 by header', text: CHINESE, codec: 'gb18030', meta: null, header: 'text/html; charset="GB18030"', charset: 'gb18030' },
    { name: 'Big5 by meta', text: '臺北市政府今天宣布新政策。', codec: 'big5', meta: 'big5', charset: 'big5' },
    { name: 'windows-1251 by meta', text: RUSSIAN, codec: 'windows-1251', meta: 'windows-1251', charset: 'windows-1251' },
    { name: 'windows-1251 by alias cp1251', text: RUSSIAN, codec: 'windows-1251', meta: 'cp1251', charset: 'windows-1251' },
    { name: 'single-quoted header charset', text: RUSSIAN, codec: 'windows-1251', meta: null, header: "text/html; charset='windows-1251'", charset: 'windows-1251' },
    { name: 'KOI8-R by header', text: RUSSIAN, codec: 'koi8-r', meta: null, header: 'text/html; charset=koi8-r', charset: 'koi8-r' },
    { name: 'ISO-8859-2 by meta', text: 'Zażółć gęślą jaźń', codec: 'iso-8859-2', meta: 'iso-8859-2', charset: 'iso-8859-2' },
    { name: 'iso-8859-1 means windows-1252', text: 'Café “quoted” – dash', codec: 'windows-1252', meta: 'iso-8859-1', charset: 'windows-1252' },
  ];
  it.each(cases)('$name', ({ text, codec, meta, header, charset }) => {
    const html = page(meta, text);
    const result = decodeInput(iconv.encode(html, codec), { contentType: header });
    expect(result.charset).toBe(charset);
    expect(result.text).toBe(html);
    expect(result.kind).toBe('html');
  });

  it('reads the http-equiv form of the declaration', () => {
    const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr"></head><body>${KOREAN}</body></html>`;
    const result = decodeInput(iconv.encode(html, 'euc-kr'), {});
    expect({ text: result.text, charset: result.charset, kind: result.kind }).toEqual({ text: html, charset: 'euc-kr', kind: 'html' });
  });

  it('finds a declaration behind a long comment banner (past 1024, within 4096 bytes)', () => {
    const html = `<html><head><!-- ${'x'.repeat(2000)} --><meta charset="windows-1251"></head><body>${RUSSIAN}</body></html>`;
    expect(decodeInput(iconv.encode(html, 'windows-1251'), {}).text).toBe(html);
  });

  it('finds a declaration however the prescan steps cut it, and the first declaration wins', () => {
    // The prescan reads in steps of 512 bytes: put the tag across each cut, and a second, wrong one after it.
    for (const at of [490, 500, 505, 510, 511, 512, 513, 1020, 1030, 1530, 2040, 3900]) {
      const head = `<html><head><!-- ${'x'.repeat(at - 17)} -->`;
      const html = `${head}<meta charset="windows-1251"><meta charset="iso-8859-2"></head><body>${RUSSIAN}</body></html>`;
      const result = decodeInput(iconv.encode(html, 'windows-1251'), {});
      expect(result.charset, `tag at ${at}`).toBe('windows-1251');
      expect(result.text).toBe(html);
    }
  });
});

describe('decodeInput: which declaration wins', () => {
  const utf8Bom = Buffer.from([0xef, 0xbb, 0xbf]);
  const cases: Array<{ name: string; bytes: Buffer; header?: string; charset: string; text: string }> = [
    {
      name: 'BOM beats header and meta',
      bytes: Buffer.concat([utf8Bom, Buffer.from(page('shift_jis', KOREAN))]),
      header: 'text/html; charset=euc-kr',
      charset: 'utf-8',
      text: page('shift_jis', KOREAN),
    },
    {
      name: 'header beats meta',
      bytes: iconv.encode(page('koi8-r', RUSSIAN), 'windows-1251'),
      header: 'text/html; charset=windows-1251',
      charset: 'windows-1251',
      text: page('koi8-r', RUSSIAN),
    },
    {
      name: 'UTF-16LE BOM',
      bytes: iconv.encode(page('euc-kr', KOREAN), 'utf-16le', { addBOM: true }),
      header: 'text/html; charset=euc-kr',
      charset: 'utf-16le',
      text: page('euc-kr', KOREAN),
    },
    {
      name: 'UTF-16BE BOM',
      bytes: iconv.encode(page(null, JAPANESE), 'utf-16be', { addBOM: true }),
      charset: 'utf-16be',
      text: page(null, JAPANESE),
    },
    {
      name: 'UTF-7 in the header is ignored for the meta',
      bytes: iconv.encode(page('euc-kr', KOREAN), 'euc-kr'),
      header: 'text/html; charset=utf-7',
      charset: 'euc-kr',
      text: page('euc-kr', KOREAN),
    },
    {
      name: 'UTF-7 in the meta is ignored: its +ADw- stays text, never markup',
      bytes: Buffer.from(page('utf-7', '+ADw-script+AD4-alert(1)+ADw-/script+AD4-')),
      charset: 'utf-8',
      text: page('utf-7', '+ADw-script+AD4-alert(1)+ADw-/script+AD4-'),
    },
    {
      name: 'an unknown header label falls through to the meta',
      bytes: iconv.encode(page('gbk', CHINESE), 'gbk'),
      header: 'text/html; charset=no-such-charset',
      charset: 'gbk',
      text: page('gbk', CHINESE),
    },
    {
      name: 'an encoding WHATWG refuses (ISO-2022-KR) falls through to the meta',
      bytes: iconv.encode(page('euc-kr', KOREAN), 'euc-kr'),
      header: 'text/html; charset=iso-2022-kr',
      charset: 'euc-kr',
      text: page('euc-kr', KOREAN),
    },
    {
      name: 'undeclared valid UTF-8 is sniffed as UTF-8',
      bytes: Buffer.from(page(null, KOREAN)),
      charset: 'utf-8',
      text: page(null, KOREAN),
    },
    {
      name: 'undeclared invalid UTF-8 is sniffed as windows-1252',
      bytes: iconv.encode(page(null, 'Café crème brûlée'), 'windows-1252'),
      charset: 'windows-1252',
      text: page(null, 'Café crème brûlée'),
    },
  ];
  it.each(cases)('$name', ({ bytes, header, charset, text }) => {
    const result = decodeInput(bytes, { contentType: header });
    expect(result.charset).toBe(charset);
    expect(result.text).toBe(text);
  });

  it('ignores a declaration beyond the prescan window', () => {
    const html = `<html><head><!-- ${'x'.repeat(5000)} --><meta charset="windows-1251"></head><body>${RUSSIAN}</body></html>`;
    expect(decodeInput(iconv.encode(html, 'windows-1251'), {}).charset).toBe('windows-1252');
  });
});

describe('decodeInput: kind', () => {
  const cases: Array<{ input: string; contentType?: string; kind: 'html' | 'text' }> = [
    { input: 'Plain words <p> here', contentType: 'text/html; charset=utf-8', kind: 'html' },
    { input: 'Plain words', contentType: 'application/xhtml+xml', kind: 'html' },
    { input: '<html><body><p>x</p></body></html>', contentType: 'text/plain', kind: 'text' },
    { input: '  <!DOCTYPE html><title>x</title>', kind: 'html' },
    { input: '<!-- banner --><html lang="en">', kind: 'html' },
    { input: '<head><title>x</title></head>', kind: 'html' },
    { input: '<BODY>x</BODY>', kind: 'html' },
    { input: '<div class="a"><p>One</p><p>Two</p><br></div>', kind: 'html' },
    { input: 'SEOUL, Nov. 28 (Yonhap) -- The government said on Friday that x < y.\n\nSecond paragraph.', kind: 'text' },
    { input: `A long plain article.\n\n${'Words and more words. '.repeat(400)} It cites <p> once and <br> twice <br>.`, kind: 'text' },
  ];
  it.each(cases)('$kind: $input', ({ input, contentType, kind }) => {
    expect(decodeInput(input, { contentType }).kind).toBe(kind);
    expect(decodeInput(Buffer.from(input), { contentType }).kind).toBe(kind);
  });
});

describe('decodeInput: refused inputs', () => {
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
    Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919 + 13) % 256)),
  ]);
  const cases: Array<{ name: string; input: string | Buffer; maxBytes?: number; reason: string }> = [
    { name: 'empty buffer', input: Buffer.alloc(0), reason: 'empty_input' },
    { name: 'empty string', input: '', reason: 'empty_input' },
    { name: 'whitespace only', input: Buffer.from(' \n\t\r\n  '), reason: 'empty_input' },
    { name: 'a UTF-8 BOM and nothing else', input: Buffer.from([0xef, 0xbb, 0xbf]), reason: 'empty_input' },
    { name: 'binary (a PNG)', input: png, reason: 'binary_input' },
    { name: 'NUL-padded text', input: Buffer.from('a\0b\0c\0d\0'.repeat(100)), reason: 'binary_input' },
    // Longer than the sample the check reads: judged by its start, as binary bodies show from their first bytes.
    { name: 'binary of 1 MB', input: Buffer.concat(Array.from({ length: 500 }, () => png)), reason: 'binary_input' },
    { name: 'over maxBytes (buffer)', input: Buffer.alloc(2048, 0x61), maxBytes: 1024, reason: 'too_large' },
    { name: 'over maxBytes (string)', input: 'a'.repeat(2048), maxBytes: 1024, reason: 'too_large' },
    { name: 'over maxBytes only as UTF-8 bytes', input: 'é'.repeat(600), maxBytes: 1024, reason: 'too_large' },
  ];
  it.each(cases)('$name → $reason', ({ input, maxBytes, reason }) => {
    const err = inputError(() => decodeInput(input, { maxBytes }));
    expect(err.reason).toBe(reason);
    expect(err.retryable).toBe(false);
    expect(err.message.length).toBeGreaterThan(30);
  });

  it('accepts a page with a stray control character', () => {
    const html = page(null, `Text with one stray \u0001 control in ${'a long paragraph '.repeat(20)}`);
    expect(decodeInput(Buffer.from(html), {}).text).toBe(html);
  });

  // Speed is measured in bench/; the timeouts here only guard against hangs.
  it('refuses a 50 MB page before decoding it', { timeout: 2_000 }, () => {
    const huge = Buffer.alloc(50 * 1024 * 1024, 0x61);
    const err = inputError(() => decodeInput(huge, {}));
    expect(err.reason).toBe('too_large');
  });

  it('decodes a 1 MB page', { timeout: 2_000 }, () => {
    const html = page('utf-8', '<p>Hello world, ünïcode text here.</p>\n'.repeat(25_000));
    const result = decodeInput(Buffer.from(html), {});
    expect(result.text.length).toBe(html.length);
  });
});

describe('decodeInput: strings', () => {
  it('replaces malformed UTF-8 with U+FFFD exactly as the WHATWG decoder (TextDecoder) does', () => {
    const malformed = [
      [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82, 0x41, 0xff, 0xfe], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80, 0xbf], [0xef, 0xbf, 0xbf],
    ];
    for (const bytes of malformed) {
      const input = Buffer.concat([Buffer.from('<p>before '), Buffer.from(bytes), Buffer.from(' after</p>')]);
      const { text } = decodeInput(input, { contentType: 'text/html; charset=utf-8' });
      expect(text, Buffer.from(bytes).toString('hex')).toBe(new TextDecoder('utf-8').decode(input));
      expect(text).toContain(bytes[0] === 0xef ? '\uffff' : '\ufffd');
    }
  });

  it('decodes any valid UTF-8 as the WHATWG decoder does: ASCII, BMP, astral, with and without a BOM', () => {
    // Valid UTF-8 and ASCII take other routes than malformed UTF-8 (see decodeUtf8): each must agree.
    // Any scalar value but the C0 controls, which would make the page look binary.
    const scalar = fc.integer({ min: 0x20, max: 0x10ffff }).filter((cp) => cp < 0xd800 || cp > 0xdfff).map((cp) => String.fromCodePoint(cp));
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('a', ' ', '<', '\n', 'é', '’'), scalar), minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(text, fc.boolean(), (body, bom) => {
        const input = Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(`<p>x${body}</p>`)]);
        expect(decodeInput(input, { contentType: 'text/html; charset=utf-8' }).text).toBe(new TextDecoder('utf-8').decode(input));
      }),
      { numRuns: 2000 },
    );
  });

  it('drops a UTF-8 BOM from bytes', () => {
    const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<p>Hello</p>')]);
    expect(decodeInput(input, { contentType: 'text/html' }).text).toBe('<p>Hello</p>');
  });

  it('takes a string as already decoded and drops a leading BOM', () => {
    const result = decodeInput('\ufeffHello there', {});
    expect({ text: result.text, charset: result.charset, kind: result.kind }).toEqual({ text: 'Hello there', charset: 'utf-8', kind: 'text' });
    expect(result.pieces).toEqual(['Hello there']);
  });
});

describe('decodeInput: pieces', () => {
  const lengths = (pieces: readonly string[]): number[] => pieces.map((piece) => piece.length);

  it('cuts a large UTF-8 page into pieces of at most PIECE_CHARS, never between the halves of a surrogate pair', () => {
    // An emoji (two UTF-16 units) straddles each multiple of PIECE_CHARS.
    const filler = 'é'.repeat(PIECE_CHARS - 1);
    const html = `<p>${filler.slice(3)}😀${filler}😀${filler}😀 end</p>`;
    const result = decodeInput(Buffer.from(html), { contentType: 'text/html' });
    expect(result.pieces.length).toBeGreaterThan(3);
    expect(result.pieces.join('')).toBe(html);
    expect(result.text).toBe(html);
    for (const piece of result.pieces) {
      expect(piece.length).toBeLessThanOrEqual(PIECE_CHARS);
      expect(piece.charCodeAt(piece.length - 1)).not.toBeGreaterThanOrEqual(0xd800);
      expect(piece.charCodeAt(0)).not.toSatisfy((c: number) => c >= 0xdc00 && c <= 0xdfff);
    }
    expect(lengths(result.pieces).slice(0, 3)).toEqual([PIECE_CHARS - 1, PIECE_CHARS, PIECE_CHARS]);
  });

  it('cuts a large ASCII page into pieces', () => {
    const html = `<!doctype html><p>${'word '.repeat(20_000)}</p>`;
    const result = decodeInput(Buffer.from(html), {});
    expect(result.text).toBe(html);
    expect(result.kind).toBe('html');
    expect(Math.max(...lengths(result.pieces))).toBeLessThanOrEqual(PIECE_CHARS);
  });

  it('finds control characters spread over the pieces of the binary sample', () => {
    const noisy = Array.from({ length: 3 * PIECE_CHARS }, (_, i) => (i % 50 === 0 ? '\u0001' : 'x')).join('');
    expect(inputError(() => decodeInput(Buffer.from(noisy), {})).reason).toBe('binary_input');
    // Past the first 64 Ki characters, controls are not looked for.
    const late = 'x'.repeat(2 * PIECE_CHARS) + '\u0001'.repeat(5000);
    expect(decodeInput(Buffer.from(late), {}).kind).toBe('text');
  });
});
