/** `newsworker schedule sync`: one Job Scheduler per enabled source of the sources file. */
import type { Command } from 'commander';
import { loadSettings } from '../../config/settings.js';
import { syncSchedules } from '../../../jobs/schedule.js';
import { CliFailure, EXIT } from '../exit-codes.js';

export function registerSchedule(program: Command): void {
  const schedule = program.command('schedule').description('the schedules of the sources');
  schedule
    .command('sync')
    .description('create or update one scheduler per enabled source, remove those of sources gone from the file')
    .action(async () => {
      const settings = loadSettings();
      if (!settings.redisUrl) throw new CliFailure(EXIT.badUsage, 'REDIS_URL is not set: point it at the Redis of the queues');
      const result = await syncSchedules(settings);
      process.stdout.write(`sources file: ${result.file}\n`);
      for (const id of result.upserted) process.stdout.write(`upserted\t${id}\n`);
      for (const id of result.unchanged) process.stdout.write(`unchanged\t${id}\n`);
      for (const id of result.removed) process.stdout.write(`removed\t${id}\n`);
      for (const f of result.failed) process.stderr.write(`failed\t${f.id}: ${f.message}\n`);
      if (result.failed.length > 0) throw new CliFailure(EXIT.rejected, `${result.failed.length} source(s) could not be scheduled`);
    });
}
