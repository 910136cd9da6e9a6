/**
 * Fetching one page for `newsworker extract <url>`: Node's fetch with a deadline and a size cap.
 * A person asked for this page by hand, so it is not paced or checked against robots.txt; the
 * worker uses the polite, SSRF-guarded fetcher of `src/fetch` instead.
 */
import { CliFailure, EXIT } from './exit-codes.js';

const DEADLINE_MS = 30_000;
const MAX_BYTES = 16 * 1024 * 1024;

export interface CliPage {
  url: string;
  body: Buffer;
  contentType: string | undefined;
}

export async function fetchForCli(url: string): Promise<CliPage> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(DEADLINE_MS) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new CliFailure(EXIT.fetchFailed, `fetch failed for ${url}: ${cause}`);
  }
  if (!res.ok) throw new CliFailure(EXIT.fetchFailed, `fetch failed for ${url}: HTTP ${res.status}`);
  const finalUrl = new URL(res.url || url);
  if (finalUrl.protocol !== 'http:' && finalUrl.protocol !== 'https:') {
    throw new CliFailure(EXIT.fetchFailed, `fetch failed for ${url}: redirected to a ${finalUrl.protocol} URL`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > MAX_BYTES) throw new CliFailure(EXIT.fetchFailed, `fetch failed for ${url}: larger than ${MAX_BYTES} bytes`);
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return { url: finalUrl.href, body: Buffer.concat(chunks), contentType: res.headers.get('content-type') ?? undefined };
}
