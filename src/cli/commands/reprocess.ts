/**
 * `newsworker reprocess [--site S] [--since D]`: re-extract the stored raw pages with the current
 * rules, without fetching again, after site rules or the extractor changed. Saving goes through the
 * same upsert, so a changed text becomes a new version and an unchanged one costs nothing.
 */
import type { Command } from 'commander';
import { loadSettings } from '../../config/settings.js';
import { openStore } from '../../store/index.js';
import { extractArticle } from '../../pipeline/index.js';
import { NewsworkerError } from '../../errors.js';
import { isoDate } from '../options.js';
import { ProgressBar } from '../progress.js';

export function registerReprocess(program: Command): void {
  program
    .command('reprocess')
    .description('re-extract stored pages with the current rules, without fetching again')
    .option('--site <site>', 'only pages of this site')
    .option('--since <date>', 'only pages fetched at or after', isoDate)
    .action(async (filter: { site?: string; since?: string }) => {
      const store = await openStore(loadSettings().databaseUrl);
      const counts = { inserted: 0, updated: 0, unchanged: 0, noArticle: 0, failed: 0 };
      try {
        const total = await store.countRawPages(filter);
        const bar = new ProgressBar(total, process.stderr);
        for await (const page of store.iterateRawPages(filter)) {
          try {
            const article = extractArticle(page.body, { url: page.url, contentType: page.headers['content-type'], fetchedAt: page.fetchedAt });
            if (article === null) counts.noArticle++;
            else counts[(await store.saveArticle(article, page)).outcome]++;
          } catch (err) {
            if (!(err instanceof NewsworkerError) || err.retryable) throw err;
            counts.failed++;
          }
          bar.tick();
        }
        bar.done();
        process.stdout.write(
          `reprocessed ${total} pages: ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.inserted} new, ${counts.noArticle} without article, ${counts.failed} unreadable\n`,
        );
      } finally {
        await store.close();
      }
    });
}
