/** Pages that defeat a parser by size or shape, shared by the sandbox and crashing-page suites. */

const sentence = (i: number) => `<p>Paragraph ${i} of the story says that officials in the district met on Tuesday to talk.</p>`;

/**
 * 120,000 paragraphs (11.3 MB; fetch it with maxBytes raised to 16 MiB): a DOM beyond a 128 MB
 * process heap and far beyond a 64 MB sandbox thread. (Half of it fits in 128 MB since the
 * pipeline got leaner, so the margin is kept wide.)
 */
export const BIG_HEAP_BOMB = `<html><body><article><h1>T</h1>${Array.from({ length: 120_000 }, (_, i) => sentence(i)).join('')}</article></body></html>`;

/** 200,000 nested divs: parsed and walked far longer than a short deadline allows. */
export const DEEP_DOM = `<html><body><article>${'<div>'.repeat(200_000)}<p>deep text</p>${'</div>'.repeat(200_000)}</article></body></html>`;
