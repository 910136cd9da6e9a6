/**
 * A shortcut for the sanitize stage. HTML already in the form sanitize-html writes comes out of it
 * unchanged, but for void tags, which it writes `<br />`. That form is: allowlisted tags only,
 * nested so that the parser neither closes nor opens anything on its own, no attributes but a safe
 * `a[href]` and `img[src][alt]`, and text and values escaped exactly as the sanitizer escapes them.
 * The rendered blocks are nearly always in it, and recognising it takes one scan where the
 * sanitizer parses and re-serializes. Anything else gives null and goes through sanitize-html.
 *
 * tests/sanitize/sanitized-form.test.ts holds this against sanitize-html on every fixture and
 * dataset page and on generated markup.
 */

/** Allowlisted tags written without attributes. */
const PLAIN_TAGS: ReadonlySet<string> = new Set([
  'p', 'h2', 'h3', 'h4', 'blockquote', 'ul', 'ol', 'li', 'strong', 'em', 'b', 'i', 'figure', 'figcaption',
]);

/** htmlparser2 closes an open <p> when one of these opens directly inside it (its openImpliesClose). */
const CLOSES_P: ReadonlySet<string> = new Set(['p', 'h2', 'h3', 'h4', 'blockquote', 'ul', 'ol', 'figure', 'figcaption']);

/** A tag as the renderer writes it: lower-case name, then ` name="value"` pairs, nothing else. */
const TAG = /<(\/?)([a-z][a-z0-9]*)((?: [a-z]+="[^"]*")*)>/y;
const ATTRIBUTE = / ([a-z]+)="([^"]*)"/g;

/**
 * Text the sanitizer would write differently: a raw `<` or `>`, an `&` that does not start one of
 * the entities it writes, or a control character (carriage return included) it might not keep.
 */
const UNSAFE_TEXT = /[<>\x00-\x08\x0b-\x1f\x7f]|&(?!(?:amp|lt|gt);)/;
/** The same for attribute values, which also escape `"` and hold no line breaks or tabs. */
const UNSAFE_VALUE = /[<>"\x00-\x1f\x7f]|&(?!(?:amp|lt|gt|quot);)/;

const ENTITY = /&(amp|lt|gt|quot);/g;
const DECODED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"' };

function decodeValue(value: string): string {
  return value.includes('&') ? value.replace(ENTITY, (_m, name: string) => DECODED[name] ?? '') : value;
}

/**
 * What sanitize-html would write for `html`, when `html` is in its output form; else null.
 * `safeUrl` is the sanitizer's own URL check: a link or image source is in output form only when
 * it gives the address back unchanged.
 */
export function sanitizedForm(html: string, safeUrl: (raw: string) => string | undefined): string | null {
  const open: string[] = [];
  const out: string[] = [];
  let i = 0;
  while (i < html.length) {
    if (html.charCodeAt(i) !== 0x3c /* < */) {
      const next = html.indexOf('<', i);
      const end = next === -1 ? html.length : next;
      const text = html.slice(i, end);
      if (UNSAFE_TEXT.test(text)) return null;
      out.push(text);
      i = end;
      continue;
    }
    TAG.lastIndex = i;
    const match = TAG.exec(html);
    if (match === null) return null;
    const [token, slash, name, attributes] = match as unknown as [string, string, string, string];
    i = TAG.lastIndex;
    const top = open[open.length - 1];
    if (slash === '/') {
      // Only the innermost open element may close: anything else makes the parser close implicitly.
      if (attributes !== '' || name !== top) return null;
      open.pop();
      out.push(token);
      continue;
    }
    if (name === 'br' || name === 'img') {
      const written = voidTag(name, attributes, safeUrl);
      if (written === null) return null;
      out.push(written);
      continue;
    }
    if ((top === 'p' && CLOSES_P.has(name)) || (top === 'li' && name === 'li')) return null;
    if (name === 'a') {
      const href = onlyAttributes(attributes, ['href']);
      if (href === null || !isSafeAddress(href[0]!, safeUrl)) return null;
    } else if (!PLAIN_TAGS.has(name) || attributes !== '') {
      return null;
    }
    open.push(name);
    out.push(token);
  }
  return open.length === 0 ? out.join('') : null;
}

function voidTag(name: 'br' | 'img', attributes: string, safeUrl: (raw: string) => string | undefined): string | null {
  if (name === 'br') return attributes === '' ? '<br />' : null;
  const values = onlyAttributes(attributes, ['src', 'alt']);
  if (values === null || !isSafeAddress(values[0]!, safeUrl)) return null;
  return `<img${attributes} />`;
}

/** The raw values of exactly these attributes in this order, each in escaped form; else null. */
function onlyAttributes(attributes: string, names: readonly string[]): string[] | null {
  const values: string[] = [];
  for (const [, name, value] of attributes.matchAll(ATTRIBUTE)) {
    if (name !== names[values.length] || UNSAFE_VALUE.test(value!)) return null;
    values.push(value!);
  }
  return values.length === names.length ? values : null;
}

function isSafeAddress(raw: string, safeUrl: (raw: string) => string | undefined): boolean {
  const address = decodeValue(raw);
  return address !== '' && safeUrl(address) === address;
}
