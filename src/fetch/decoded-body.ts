import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream';
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
  /**
   * Takes each decoded chunk instead of it being kept (the body returned is then empty); awaited,
   * so a slow consumer holds the socket back. What it throws aborts the request and reaches the
   * caller as a ConsumerError.
   */
  onChunk?: (chunk: Buffer) => void | Promise<void>;
}

/**
 * An error thrown by onChunk, carried past the fetch's own error mapping: it is the consumer's to
 * report unchanged (a parse error of the document), not a failure of the fetch.
 */
export class ConsumerError extends Error {
  constructor(readonly error: unknown) {
    super('the body consumer failed', { cause: error });
    this.name = 'ConsumerError';
  }
}

export interface DecodedBody {
  body: Buffer;
  truncated: boolean;
}

/**
 * Reads and decodes a response body, counting bytes after decompression. Hitting the cap
 * destroys every stage including the undici body, so the request is aborted and no more of a
 * decompression bomb is inflated. The same happens when onChunk throws.
 */
export async function readDecodedBody(body: Readable, opts: ReadBodyOptions): Promise<DecodedBody> {
  let decoders: Transform[];
  try {
    decoders = decodersFor(opts.contentEncoding, opts.url);
  } catch (err) {
    abandon(body);
    throw err;
  }
  // pipeline() without a sink links the stages: an error anywhere destroys all of them and
  // surfaces in the iteration of the last one.
  const tail: Readable =
    decoders.length === 0 ? body : (pipeline as unknown as (...s: unknown[]) => Readable)(body, ...decoders, () => undefined);
  const chunks: Buffer[] = [];
  const take = async (chunk: Buffer): Promise<void> => {
    if (opts.onChunk === undefined) {
      chunks.push(chunk);
      return;
    }
    try {
      await opts.onChunk(chunk);
    } catch (err) {
      throw new ConsumerError(err);
    }
  };
  let total = 0;
  let truncated = false;
  try {
    for await (const chunk of tail as AsyncIterable<Buffer>) {
      const room = opts.maxBytes - total;
      if (chunk.length > room) {
        if (opts.onLimit === 'throw') {
          throw new FetchError('too_large', `body exceeds ${opts.maxBytes} decoded bytes`, { url: opts.url });
        }
        total += room;
        truncated = true;
        await take(chunk.subarray(0, room));
        break;
      }
      total += chunk.length;
      await take(chunk);
    }
  } catch (err) {
    throw mapDecodeError(err, opts.url);
  } finally {
    // Leaving the loop early destroys only `tail`; the wire body must go too, or its socket keeps reading.
    for (const stage of [body, ...decoders]) abandon(stage);
  }
  return { body: opts.onChunk === undefined ? Buffer.concat(chunks, total) : Buffer.alloc(0), truncated };
}

/** Destroys a stream we no longer read, swallowing the abort error it emits. */
export function abandon(stream: Readable | Transform): void {
  if (stream.destroyed) return;
  stream.on('error', () => undefined);
  stream.destroy();
}

function mapDecodeError(err: unknown, url: string): unknown {
  if (err instanceof FetchError || err instanceof ConsumerError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('Z_') || code.includes('BROTLI') || code.startsWith('ERR__ERROR'))) {
    return new FetchError('bad_encoding', `corrupt compressed body: ${(err as Error).message}`, { url, cause: err });
  }
  return err;
}
