/** `newsworker articles list|show|export`: read what the store holds. */
import { Command, Option } from 'commander';
import { loadSettings } from '../../config/settings.js';
import { openStore, type Store } from '../../store/index.js';
import { formatArticle, type ArticleFormat } from '../../format/index.js';
import { CliFailure, EXIT } from '../exit-codes.js';
import { isoDate, positiveInt } from '../options.js';

async function withStore<T>(run: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(loadSettings().databaseUrl);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

interface ListFlags {
  site?: string;
  language?: string;
  since?: string;
  until?: string;
  q?: string;
  limit: number;
  cursor?: string;
  json?: boolean;
}

export function registerArticles(program: Command): void {
  const articles = program.command('articles').description('read stored articles');

  articles
    .command('list')
    .description('list stored articles, newest first')
    .option('--site <site>', 'only this site (host without www.)')
    .option('--language <code>', 'only this language (en, ko...)')
    .option('--since <date>', 'published at or after', isoDate)
    .option('--until <date>', 'published before', isoDate)
    .option('-q, --q <query>', 'full-text search over title and text')
    .option('--limit <n>', 'how many', positiveInt, 20)
    .option('--cursor <cursor>', 'continue after the previous page')
    .option('--json', 'one JSON article a line instead of a table')
    .action((flags: ListFlags) =>
      withStore(async (store) => {
        const { json, ...query } = flags;
        const page = await store.listArticles(query);
        for (const a of page.items) {
          process.stdout.write(json ? `${JSON.stringify(a)}\n` : `${a.id}\t${a.publishedAt ?? '-'}\t${a.site ?? '-'}\t${a.title}\n`);
        }
        if (page.nextCursor !== null) process.stderr.write(`more: --cursor ${page.nextCursor}\n`);
      }),
    );

  articles
    .command('show')
    .description('print one article')
    .argument('<id>', 'the article id (or its URL)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['json', 'text', 'markdown', 'html']).default('json'))
    .action((id: string, flags: { format: ArticleFormat }) =>
      withStore(async (store) => {
        const article = /^https?:\/\//.test(id) ? await store.getArticleByUrl(id) : await store.getArticle(id);
        if (article === null) throw new CliFailure(EXIT.noArticle, `no stored article ${id}`);
        process.stdout.write(`${formatArticle(article, flags.format)}\n`);
      }),
    );

  articles
    .command('export')
    .description('write every stored article, one JSON object a line, in the spec format')
    .addOption(new Option('-f, --format <format>', 'export format').choices(['ndjson']).default('ndjson'))
    .action(() =>
      withStore(async (store) => {
        for await (const a of store.iterateArticles()) {
          if (!process.stdout.write(`${JSON.stringify(a)}\n`)) await new Promise((r) => process.stdout.once('drain', r));
        }
      }),
    );
}
