/**
 * `newsworker extract <file|url|->`: one page through `extractArticle`, printed as JSON, text or
 * Markdown. The same function the worker calls, so what this prints is what would be stored.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { extractArticle } from '../../pipeline/index.js';
import { loadSiteRules } from '../../rules/load.js';
import { formatArticle, type ArticleFormat } from '../../format/index.js';
import { NewsworkerError } from '../../errors.js';
import { CliFailure, EXIT } from '../exit-codes.js';
import { fetchForCli } from '../fetch-page.js';

interface ExtractFlags {
  format: ArticleFormat;
  explain?: boolean;
  url?: string;
  rules?: string;
  contentType?: string;
}

const CONTENT_TYPE_BY_EXTENSION: Record<string, string> = {
  '.txt': 'text/plain',
  '.text': 'text/plain',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.xhtml': 'application/xhtml+xml',
};

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

export function registerExtract(program: Command): void {
  program
    .command('extract')
    .description('extract the clean article from a file, a URL or standard input (-)')
    .argument('<source>', 'a file path, an http(s) URL, or - for standard input')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['json', 'text', 'markdown']).default('json'))
    .option('--explain', 'include every removed block and the rule that removed it')
    .option('--url <url>', 'the URL a file or standard input came from (resolves links, picks the site rule)')
    .option('--rules <dir>', 'a directory of site rules to use instead of config/sites')
    .option('--content-type <type>', 'the content type of a file or standard input (default: from the extension, else sniffed)')
    .action(async (source: string, flags: ExtractFlags) => {
      const input = await readSource(source, flags);
      const siteRules = flags.rules === undefined ? undefined : loadSiteRules(flags.rules);
      let article;
      try {
        article = extractArticle(input.body, {
          url: input.url,
          contentType: input.contentType,
          explain: flags.explain === true,
          siteRules,
        });
      } catch (err) {
        if (err instanceof NewsworkerError) throw new CliFailure(EXIT.badUsage, `cannot extract ${source}: ${err.message}`);
        throw err;
      }
      if (article === null) throw new CliFailure(EXIT.noArticle, `no article found in ${source}`);
      process.stdout.write(`${formatArticle(article, flags.format)}\n`);
    });
}

interface SourceInput {
  body: Buffer;
  url?: string;
  contentType?: string;
}

async function readSource(source: string, flags: ExtractFlags): Promise<SourceInput> {
  const scheme = SCHEME.exec(source)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme.length > 1) {
    if (scheme !== 'http' && scheme !== 'https') {
      throw new CliFailure(EXIT.badUsage, `refusing ${scheme}: URLs: only http(s) pages can be fetched (${source})`);
    }
    const page = await fetchForCli(source);
    return { body: page.body, url: flags.url ?? page.url, contentType: flags.contentType ?? page.contentType };
  }
  let body: Buffer;
  try {
    body = source === '-' ? await readStdin() : readFileSync(source);
  } catch (err) {
    throw new CliFailure(EXIT.badUsage, `cannot read ${source}: ${(err as Error).message}`);
  }
  const contentType = flags.contentType ?? (source === '-' ? undefined : CONTENT_TYPE_BY_EXTENSION[extname(source).toLowerCase()]);
  return { body, url: flags.url, contentType };
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
