/**
 * Finding the real address of an image. News sites lazy-load: `src` is often a placeholder (a
 * data: URI, a 1x1 gif) and the photo sits in `data-src`, `data-srcset` or a `<picture>` source.
 */
import type { Element } from 'domhandler';
import { attr, isElement, resolveUrl, tagName } from './dom.js';

/**
 * Attributes holding the real address, most specific first: the original-size photo some CMSs
 * keep beside a resized `src`, then those lazy-loading scripts move the address to.
 */
const LAZY_SRC_ATTRIBUTES = [
  'data-org-src', 'data-original-src', 'data-orig-file', 'data-full-src',
  'data-src', 'data-lazy-src', 'data-original', 'data-lazy', 'data-url', 'data-hi-res-src',
];
const LAZY_SRCSET_ATTRIBUTES = ['srcset', 'data-srcset', 'data-lazy-srcset'];
const PLACEHOLDER_SRC = /^data:|blank\.|spacer\.|placeholder|transparent\.|1x1\.|pixel\.gif|lazy[-_.]?load/i;

/** Class words of images that are page furniture, not photos of the story. */
const NOT_A_PHOTO = /emoji|icon|avatar|logo|spinner|loader|sprite|badge/;

/** Under this many pixels (declared width or height) an image is an icon or a tracking pixel. */
const MIN_IMAGE_SIDE_PX = 50;

/** The largest candidate of a `srcset` (by its `w` or `x` descriptor). */
export function largestFromSrcset(srcset: string): string | null {
  let best: string | null = null;
  let bestSize = -1;
  for (const candidate of srcset.split(/,\s+/)) {
    const [url, descriptor] = candidate.trim().split(/\s+/);
    if (url === undefined || url === '' || url.startsWith('data:')) continue;
    const size = descriptor === undefined ? 1 : Number.parseFloat(descriptor) || 1;
    if (size > bestSize) {
      best = url;
      bestSize = size;
    }
  }
  return best;
}

function rawImageAddress(img: Element): string | null {
  for (const name of LAZY_SRC_ATTRIBUTES) {
    const value = attr(img, name);
    if (value !== null && value.trim() !== '' && !value.startsWith('data:')) return value;
  }
  const src = attr(img, 'src');
  if (src !== null && src.trim() !== '' && !PLACEHOLDER_SRC.test(src)) return src;
  for (const name of LAZY_SRCSET_ATTRIBUTES) {
    const value = attr(img, name);
    const best = value === null ? null : largestFromSrcset(value);
    if (best !== null) return best;
  }
  // <picture><source srcset> <img src=placeholder></picture>
  const parent = img.parent;
  if (parent !== null && isElement(parent) && tagName(parent) === 'picture') {
    for (const sibling of parent.children) {
      if (!isElement(sibling) || tagName(sibling) !== 'source') continue;
      const value = attr(sibling, 'srcset') ?? attr(sibling, 'data-srcset');
      const best = value === null ? null : largestFromSrcset(value);
      if (best !== null) return best;
    }
  }
  return null;
}

/** The absolute address of an `<img>`, or null for placeholders, icons and tracking pixels. */
export function imageAddress(img: Element, baseUrl: string | null): string | null {
  const cls = attr(img, 'class');
  if (cls !== null && NOT_A_PHOTO.test(cls.toLowerCase())) return null;
  for (const side of ['width', 'height']) {
    const declared = attr(img, side);
    if (declared !== null && /^\d+$/.test(declared) && Number(declared) < MIN_IMAGE_SIDE_PX) return null;
  }
  const raw = rawImageAddress(img);
  return raw === null ? null : resolveUrl(raw, baseUrl);
}

/**
 * Elements looked at when searching a figure or caption box for its photo: a photo sits near the
 * top of its box, and the cap keeps nested boxes (figures in figures...) from costing O(n²).
 */
const IMAGE_SEARCH_LIMIT = 200;

/** The first `<img>` under `root` (iterative: figures can nest deeply), or null. */
export function firstImage(root: Element): Element | null {
  const stack: Element[] = [root];
  let seen = 0;
  while (stack.length > 0 && seen++ < IMAGE_SEARCH_LIMIT) {
    const el = stack.pop() as Element;
    if (el !== root && tagName(el) === 'img') return el;
    for (let i = el.children.length - 1; i >= 0; i--) {
      const child = el.children[i] as Element;
      if (isElement(child) && tagName(child) !== 'noscript') stack.push(child);
    }
  }
  return null;
}
