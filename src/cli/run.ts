// The process entry of the CLI: runs it on this process's arguments and sets the exit code.
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2));
