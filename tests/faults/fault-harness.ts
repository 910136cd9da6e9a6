/**
 * Shared set-up of the fault suites: a page server on the "public" stand-in address whose every path
 * is an article of its own, a SQLite or PostgreSQL database of the test's own, worker child processes
 * tracked so a failing test still kills them, and a look into the store's final state per URL.
 */
import type { ServerResponse } from 'node:http';
import type { Settings } from '../../src/config/settings.js';
import { openStore } from '../../src/store/index.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';
import {
  articleHtml, eventually, paragraphsAbout, PUBLIC_STAND_IN, spawnWorker, type WorkerChild,
} from '../helpers/worker-harness.js';

export const STARTED = /ingest worker started/;

/** A server where `/a/<anything>` is an article of its own (optionally answered after `delayMs`). */
export async function startArticleServer(opts: { delayMs?: number } = {}): Promise<LocalServer & { served(path: string): number }> {
  const server = await startLocalServer({ host: PUBLIC_STAND_IN });
  const counts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const answer = (path: string, res: ServerResponse) => {
    const topic = path.replace(/[^a-z0-9]+/gi, ' ').trim();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(articleHtml({ url: server.url(path), title: `News about ${topic}`, paragraphs: paragraphsAbout(topic) }));
  };
  const handler = (req: { url?: string }, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    if (!opts.delayMs) return answer(path, res);
    const t = setTimeout(() => {
      timers.delete(t);
      answer(path, res);
    }, opts.delayMs);
    timers.add(t);
    res.on('close', () => clearTimeout(t));
  };
  // Routes are exact paths; a catch-all is installed by routing every path the test asks for.
  const close = server.close.bind(server);
  return Object.assign(server, {
    served: (path: string) => counts.get(path) ?? 0,
    url: (path: string) => {
      server.route(path, handler);
      return new URL(path, server.origin).href;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      await close();
    },
  });
}

/** Worker child processes started by a test, killed in afterEach whatever happened. */
export class Workers {
  private readonly children: WorkerChild[] = [];

  async start(settings: Settings, extraEnv: Record<string, string> = {}, waitForStart = true): Promise<WorkerChild> {
    const child = spawnWorker({ ...settings, logLevel: 'info' }, extraEnv);
    this.children.push(child);
    if (waitForStart) await child.waitForOutput(STARTED, 60_000);
    return child;
  }

  async killAll(): Promise<void> {
    for (const c of this.children) {
      if (c.process.exitCode === null && c.process.signalCode === null) {
        c.process.kill('SIGCONT');
        c.process.kill('SIGKILL');
      }
    }
    await Promise.all(this.children.map((c) => c.exited));
    this.children.length = 0;
  }
}

export interface UrlFate {
  articles: number;
  /** Final outcomes recorded: ok / not_modified / failed attempts. */
  finals: string[];
}

/** For each URL: how many articles carry it, and the final attempts recorded for it. */
export async function fates(databaseUrl: string, urls: readonly string[]): Promise<Map<string, UrlFate>> {
  const store = await openStore(databaseUrl);
  try {
    const out = new Map<string, UrlFate>();
    for (const url of urls) {
      const attempts = await store.listAttempts(url);
      const article = await store.getArticleByUrl(url);
      out.set(url, {
        articles: article === null ? 0 : 1,
        finals: attempts.filter((a) => a.status !== 'retrying' && a.status !== 'delayed').map((a) => `${a.status}:${a.reason ?? ''}`),
      });
    }
    return out;
  } finally {
    await store.close();
  }
}

export async function articleCount(databaseUrl: string): Promise<number> {
  const store = await openStore(databaseUrl);
  try {
    return await store.countArticles();
  } finally {
    await store.close();
  }
}

export { eventually };
