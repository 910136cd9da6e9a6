/**
 * The `newsworker` command line. Each command lives in `commands/`; this file wires them and maps
 * failures to the fixed exit codes with a one-line reason on stderr.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../errors.js';
import { CliFailure, EXIT } from './exit-codes.js';
import { registerExtract } from './commands/extract.js';
import { registerWorker } from './commands/worker.js';
import { registerEnqueue } from './commands/enqueue.js';
import { registerArticles } from './commands/articles.js';
import { registerReprocess } from './commands/reprocess.js';
import { registerStart } from './commands/start.js';
import { registerSources } from './commands/sources.js';
import { registerSchedule } from './commands/schedule.js';
import { registerServe } from './commands/serve.js';

export function buildProgram(): Command {
  const program = new Command('newsworker')
    .description('ingest news pages, strip their boilerplate, store clean articles')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });
  registerExtract(program);
  registerStart(program);
  registerWorker(program);
  registerEnqueue(program);
  registerArticles(program);
  registerReprocess(program);
  registerSources(program);
  registerSchedule(program);
  registerServe(program);
  return program;
}

export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were already printed.
      return err.exitCode === 0 ? EXIT.ok : EXIT.badUsage;
    }
    if (err instanceof CliFailure) {
      process.stderr.write(`newsworker: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`newsworker: configuration error: ${err.message}\n`);
      return EXIT.badUsage;
    }
    throw err;
  }
}
