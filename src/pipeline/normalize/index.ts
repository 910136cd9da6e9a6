/**
 * Stage 7, normalize: the derived fields of the article, each a pure function of text or URL.
 *   text.ts      normalizeText, joinParagraphs, countWords
 *   url.ts       normalizeUrl, siteOf, registrableDomain
 *   ids.ts       articleId, textId, contentHash
 *   simhash.ts   simhash64, hammingDistance
 *   language.ts  detectLanguage
 */
export { countWords, joinParagraphs, normalizeText } from './text.js';
export { normalizeUrl, registrableDomain, siteOf } from './url.js';
export { articleId, contentHash, textId } from './ids.js';
export { hammingDistance, simhash64 } from './simhash.js';
export { declaredLanguageFits, detectLanguage } from './language.js';
