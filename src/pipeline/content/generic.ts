/**
 * The generic main-content extractor: no site knowledge, only the shape of the page. It measures
 * prose density over the whole document in one pass, takes the element holding the most prose
 * for the least boilerplate as the article container, and turns it into blocks while leaving out
 * the boilerplate found among the paragraphs.
 */
import type { Document, Element } from 'domhandler';
import type { Block } from '../types.js';
import { elementToBlocks } from './blocks.js';
import { bestCandidate, containerWithSiblings, widenContainer } from './candidate.js';
import { measure } from './density.js';
import { bodyCharsOf, dropFurniture, isEndOfBody } from './furniture.js';
import { boilerplateSkipper } from './prune.js';

export interface GenericOptions {
  baseUrl: string | null;
}

/** The article body as blocks, or an empty array when the page holds no article-like prose. */
export function extractGenericContent(document: Document, opts: GenericOptions): Block[] {
  // First with hinted boilerplate pruned; if that leaves no prose (a page whose wrapper carries an
  // unlucky class name), measure again without the hints.
  let map = measure(document, true);
  let top = bestCandidate(map);
  if (top === null) {
    map = measure(document, false);
    top = bestCandidate(map);
  }
  if (top === null) return [];
  const blocks: Block[] = [];
  let ended = false;
  // Once one root ends at a "related stories" heading, the roots after it are not the story either.
  const stopAt = (el: Element, soFar: readonly Block[]): boolean =>
    (ended ||= isEndOfBody(el, () => bodyCharsOf(blocks) + bodyCharsOf(soFar)));
  for (const root of containerWithSiblings(map, widenContainer(map, top))) {
    if (ended) break;
    blocks.push(...elementToBlocks(root, { baseUrl: opts.baseUrl, skip: boilerplateSkipper(map, root), stopAt }));
  }
  return dropFurniture(blocks);
}
