import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { FetchError } from './errors.js';

/** The encodings we advertise; anything else in Content-Encoding is refused. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

function decoderFor(coding: string, url: string): Transform | undefined {
  switch (coding) {
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
    case 'deflate':
      // Unzip accepts both gzip and zlib-wrapped deflate. SYNC_FLUSH tolerates a truncated tail,
      // as browsers do, instead of failing a page that is complete in practice.
      return zlib.createUnzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'br':
      return zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      });
    default:
      throw new FetchError('bad_encoding', `unsupported Content-Encoding "${coding}"`, { url });
  }
}

/** Content-Encoding lists codings in the order applied, so decoding runs them in reverse. */
export function decodersFor(contentEncoding: string | undefined, url: string): Transform[] {
  if (contentEncoding === undefined) return [];
  const codings = contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '');
  return codings
    .reverse()
    .map((c) => decoderFor(c, url))
    .filter((d): d is Transform => d !== undefined);
}

export interface ReadBodyOptions {
  url: string;
  contentEncoding: string | undefined;
  /** Cap on decoded bytes: a decompression bomb stops here, not at the wire size. */
  maxBytes: number;
  /** 'throw' refuses an oversized body (pages); 'truncate' keeps the first maxBytes (robots.txt). */
  onLimit: 'throw' | 'truncate';
}

export interface DecodedBody {
  body: Buffer;
  truncated: boolean;
}

class LimitReached extends Error {}

/**
 * Reads and decodes a response body, counting bytes after decompression. Hitting the cap throws
 * inside the pipeline, which destroys every stage including the undici body, so the request is
 * aborted and no more of the bomb is inflated.
 */
export async function readDecodedBody(body: Readable, opts: ReadBodyOptions): Promise<DecodedBody> {
  let decoders: Transform[];
  try {
    decoders = decodersFor(opts.contentEncoding, opts.url);
  } catch (err) {
    body.destroy();
    throw err;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  let truncated = false;
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      const room = opts.maxBytes - total;
      if (chunk.length > room) {
        if (opts.onLimit === 'throw') {
          throw new FetchError('too_large', `body exceeds ${opts.maxBytes} decoded bytes`, { url: opts.url });
        }
        chunks.push(chunk.subarray(0, room));
        total += room;
        truncated = true;
        throw new LimitReached();
      }
      chunks.push(chunk);
      total += chunk.length;
    }
  };
  try {
    await (pipeline as (...streams: unknown[]) => Promise<void>)(body, ...decoders, collect);
  } catch (err) {
    if (!(err instanceof LimitReached)) throw mapDecodeError(err, opts.url);
  }
  return { body: Buffer.concat(chunks, total), truncated };
}

function mapDecodeError(err: unknown, url: string): unknown {
  if (err instanceof FetchError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code === 'ERR__ERROR_FORMAT_PADDING_1')) {
    return new FetchError('bad_encoding', `corrupt compressed body: ${(err as Error).message}`, { url, cause: err });
  }
  return err;
}
