/**
 * `extractArticle` run in a pool of worker threads with resource limits, so a page whose parsing
 * blows the heap or the stack, or never ends, fails its own job (`extract_crashed`,
 * `extract_timeout`, both permanent) instead of killing the worker process and every job in it.
 * A thread that crashed or overran its deadline is terminated and replaced.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Article } from '../src/article.js';
import { NewsworkerError } from '../src/errors.js';
import { extractArticle, type ExtractOptions } from '../src/pipeline/index.js';
import type { ExtractReply, ExtractRequest } from './extract-thread.js';

export interface ExtractSandboxOptions {
  /** Threads in the pool. @defaultValue available cores, at most 4 */
  threads?: number;
  /** V8 old-generation heap per thread. @defaultValue 256 */
  maxOldGenerationSizeMb?: number;
  /** Stack per thread. @defaultValue 4 */
  stackSizeMb?: number;
  /** Longest one extraction may take. @defaultValue 20000 */
  deadlineMs?: number;
}

export interface ExtractSandbox {
  extract(body: Buffer, opts: ExtractOptions): Promise<Article | null>;
  close(): Promise<void>;
}

/** An extraction function: the sandbox's, or `extractArticle` itself (tests, benchmarks). */
export type Extract = (body: Buffer, opts: ExtractOptions) => Promise<Article | null>;

interface Call {
  request: ExtractRequest;
  resolve: (article: Article | null) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  call: Call | null;
  timer: NodeJS.Timeout | null;
}

/**
 * Built, the thread's entry is JavaScript. Under tsx or vitest this module is TypeScript and so is
 * the entry; a thread does not inherit the parent's loader (Node 20 ignores `--import` in a
 * worker's execArgv), so a small bootstrap registers tsx in the thread first.
 */
function threadEntry(): { script: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { script: new URL('./extract-thread.js', import.meta.url), eval: false };
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const entry = new URL('./extract-thread.ts', import.meta.url).href;
  return {
    script: `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
    eval: true,
  };
}

export function createExtractSandbox(options: ExtractSandboxOptions = {}): ExtractSandbox {
  // One core is left to the worker's own thread (fetching, storing, BullMQ); each extraction
  // thread also carries its own heap and modules, which is what peak RSS pays for.
  const size = options.threads ?? Math.max(1, Math.min(availableParallelism() - 1, 4));
  const deadlineMs = options.deadlineMs ?? 20_000;
  const resourceLimits = {
    maxOldGenerationSizeMb: options.maxOldGenerationSizeMb ?? 256,
    stackSizeMb: options.stackSizeMb ?? 4,
  };
  const entry = threadEntry();
  const queue: Call[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;

  const finish = (slot: Slot, outcome: { article: Article | null } | { error: Error }) => {
    const call = slot.call;
    if (slot.timer !== null) clearTimeout(slot.timer);
    slot.call = null;
    slot.timer = null;
    if (call !== null) {
      if ('error' in outcome) call.reject(outcome.error);
      else call.resolve(outcome.article);
    }
    dispatch();
  };

  /** Replaces a dead or overrunning thread; the call it was running fails with `error`. */
  const replace = (slot: Slot, error: Error) => {
    const old = slot.worker;
    old.removeAllListeners();
    old.on('error', () => undefined);
    void old.terminate();
    if (!closed) slot.worker = spawn(slot);
    finish(slot, { error });
  };

  const spawn = (slot: Slot): Worker => {
    const worker = new Worker(entry.script, { eval: entry.eval, resourceLimits });
    worker.unref();
    slot.ready = false;
    worker.on('message', (reply: ExtractReply | { ready: true }) => {
      if ('ready' in reply) {
        slot.ready = true;
        return dispatch();
      }
      if (slot.call?.request.id !== reply.id) return;
      if (reply.ok) return finish(slot, { article: reply.article });
      const error = reply.reason === null
        ? new Error(`extraction failed: ${reply.message}`)
        : new NewsworkerError(reply.reason, reply.message, { retryable: reply.retryable });
      finish(slot, { error });
    });
    // ERR_WORKER_OUT_OF_MEMORY arrives as 'error' then 'exit'; an abort only as 'exit'.
    const crashed = (detail: string) => {
      if (slot.worker !== worker) return;
      replace(slot, new NewsworkerError('extract_crashed', `extraction crashed its sandbox (${detail})`, { retryable: false }));
    };
    worker.on('error', (err) => crashed(err.message));
    worker.on('exit', (code) => crashed(`thread exited with code ${code}`));
    return worker;
  };

  function dispatch(): void {
    for (const slot of slots) {
      if (slot.call !== null || !slot.ready) continue;
      const call = queue.shift();
      if (call === undefined) return;
      slot.call = call;
      slot.worker.ref();
      slot.timer = setTimeout(() => {
        replace(slot, new NewsworkerError('extract_timeout', `extraction took longer than ${deadlineMs} ms`, { retryable: false }));
      }, deadlineMs);
      slot.worker.postMessage(call.request);
    }
    // Idle threads must not keep the process alive; busy ones (and booting ones a call waits
    // for) must, since their caller awaits them.
    for (const slot of slots) {
      if (slot.call === null && (slot.ready || queue.length === 0)) slot.worker.unref();
      else slot.worker.ref();
    }
  }

  for (let i = 0; i < size; i += 1) {
    const slot: Slot = { worker: undefined as unknown as Worker, ready: false, call: null, timer: null };
    slot.worker = spawn(slot);
    slots.push(slot);
  }

  return {
    extract(body, opts) {
      if (closed) return Promise.reject(new Error('extract sandbox is closed'));
      return new Promise<Article | null>((resolve, reject) => {
        // A copy: the caller keeps its buffer (the raw page is stored after extraction).
        const request: ExtractRequest = { id: nextId++, body: new Uint8Array(body), opts };
        queue.push({ request, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const call of queue.splice(0)) call.reject(new Error('extract sandbox closed'));
      await Promise.all(
        slots.map(async (slot) => {
          slot.worker.removeAllListeners();
          slot.worker.on('error', () => undefined);
          if (slot.timer !== null) clearTimeout(slot.timer);
          slot.call?.reject(new Error('extract sandbox closed'));
          slot.call = null;
          await slot.worker.terminate();
        }),
      );
    },
  };
}

/** The in-process path: no isolation, no copy (tests, benchmarks, `NEWSWORKER_EXTRACT_ISOLATION=inline`). */
export const extractInProcess: Extract = async (body, opts) => extractArticle(body, opts);
