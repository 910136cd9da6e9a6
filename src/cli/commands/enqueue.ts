/**
 * `newsworker enqueue <url...>` (also `--file F` and standard input): one job id per accepted URL
 * on stdout, one reason per rejected URL on stderr; exit 1 if any was rejected.
 */
import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import type { Command } from 'commander';
import { loadSettings } from '../../config/settings.js';
import { parseAllowList } from '../../fetch/index.js';
import { enqueueUrls } from '../../../jobs/enqueue.js';
import { QUEUE, queueOptions, redisConnection } from '../../../jobs/queues.js';
import type { IngestJobData, IngestJobResult } from '../../../jobs/ingest-job.js';
import { CliFailure, EXIT } from '../exit-codes.js';

function urlsFromText(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export function registerEnqueue(program: Command): void {
  program
    .command('enqueue')
    .description('queue URLs for ingestion (arguments, --file, or one URL a line on standard input)')
    .argument('[urls...]', 'http(s) URLs')
    .option('--file <file>', 'a file of URLs, one a line (# comments allowed)')
    .action(async (args: string[], flags: { file?: string }) => {
      const settings = loadSettings();
      if (!settings.redisUrl) throw new CliFailure(EXIT.badUsage, 'REDIS_URL is not set: point it at the Redis of the queues');
      let urls = [...args];
      if (flags.file !== undefined) {
        try {
          urls.push(...urlsFromText(readFileSync(flags.file, 'utf8')));
        } catch (err) {
          throw new CliFailure(EXIT.badUsage, `cannot read ${flags.file}: ${(err as Error).message}`);
        }
      }
      if (args.length === 0 && flags.file === undefined && !process.stdin.isTTY) {
        const chunks: Buffer[] = [];
        for await (const c of process.stdin) chunks.push(c as Buffer);
        urls = urlsFromText(Buffer.concat(chunks).toString('utf8'));
      }
      if (urls.length === 0) throw new CliFailure(EXIT.badUsage, 'no URLs given: pass them as arguments, with --file, or on standard input');

      const connection = redisConnection(settings.redisUrl, { maxRetriesPerRequest: 3 });
      const queue = new Queue<IngestJobData, IngestJobResult>(QUEUE.ingest, queueOptions(connection, { ...settings, redisUrl: settings.redisUrl }));
      try {
        const outcomes = await enqueueUrls(queue, urls.map((url) => ({ url })), { allow: parseAllowList(settings.allowCidrs), origin: 'cli' });
        let rejected = 0;
        for (const o of outcomes) {
          if (o.accepted) process.stdout.write(`${o.jobId}\t${o.normalizedUrl}\n`);
          else {
            rejected++;
            process.stderr.write(`rejected ${o.url}: ${o.reason}: ${o.message}\n`);
          }
        }
        if (rejected > 0) throw new CliFailure(EXIT.rejected, `${rejected} of ${outcomes.length} URLs rejected`);
      } finally {
        await queue.close();
        await connection.quit();
      }
    });
}
