/** Pages that defeat a parser by size or shape, shared by the sandbox and crashing-page suites. */

const sentence = (i: number) => `<p>Paragraph ${i} of the story says that officials in the district met on Tuesday to talk.</p>`;

/** 60,000 paragraphs (5.7 MB, under the fetch cap): a DOM far beyond a 64 MB heap. */
export const HEAP_BOMB = `<html><body><article><h1>T</h1>${Array.from({ length: 60_000 }, (_, i) => sentence(i)).join('')}</article></body></html>`;

/** 200,000 nested divs: parsed and walked far longer than a short deadline allows. */
export const DEEP_DOM = `<html><body><article>${'<div>'.repeat(200_000)}<p>deep text</p>${'</div>'.repeat(200_000)}</article></body></html>`;
