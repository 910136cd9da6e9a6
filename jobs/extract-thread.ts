/**
 * The worker-thread side of ./extract-sandbox.ts: runs `extractArticle` on each page it is sent and
 * answers with the article, or with the error's name, reason and message (errors do not cross a
 * thread boundary with their class).
 */
import { parentPort } from 'node:worker_threads';
import { NewsworkerError } from '../src/errors.js';
import { extractArticle, type ExtractOptions } from '../src/pipeline/index.js';

export interface ExtractRequest {
  id: number;
  body: Uint8Array;
  opts: ExtractOptions;
}

export type ExtractReply =
  | { id: number; ok: true; article: ReturnType<typeof extractArticle> }
  | { id: number; ok: false; reason: string | null; retryable: boolean; message: string };

const port = parentPort;
if (port === null) throw new Error('extract-thread must run in a worker thread');

port.on('message', (req: ExtractRequest) => {
  let reply: ExtractReply;
  try {
    const body = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
    reply = { id: req.id, ok: true, article: extractArticle(body, req.opts) };
  } catch (err) {
    const typed = err instanceof NewsworkerError ? err : null;
    // A RangeError here is the stack (or an array/string size limit) overflowing on this page:
    // the same page would overflow again, so it is a permanent crash of the extraction.
    const overflow = err instanceof RangeError;
    reply = {
      id: req.id,
      ok: false,
      reason: typed?.reason ?? (overflow ? 'extract_crashed' : null),
      retryable: typed?.retryable ?? !overflow,
      message: err instanceof Error ? err.message : String(err),
    };
  }
  port.postMessage(reply);
});

// Loading the pipeline takes a while (longer under tsx): the sandbox starts a call's deadline
// only once its thread says it is ready.
port.postMessage({ ready: true });
