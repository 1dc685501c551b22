// The `sparse-wasm` command line. Every command prints a human summary, or with --json exactly
// one JSON object on stdout. Errors exit non-zero with one line on stderr, never a stack trace:
// 1 for files, formats and numerical failures, 2 for usage, 70 for a bug.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError, wantsHelp } from './args.js';
import { reportError, runCommand, type Command } from './command.js';
import { packageRoot, runDefaultJob } from './default-job.js';
import { info } from './info.js';
import { spmv } from './spmv.js';
import { solve } from './solve.js';
import { multiply } from './multiply.js';
import { sequence } from './sequence.js';
import { queueWorker } from './queue-worker.js';

const COMMANDS: Command[] = [info, spmv, solve, multiply, sequence, queueWorker];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `usage: sparse-wasm [COMMAND] [ARGS...]

With no command: the default job, info, SpMV speed and a solve of A x = A * ones on a generated
2D Poisson matrix and on a bundled real matrix (options --seconds S, --json).

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}   ${c.summary}`).join('\n')}

  sparse-wasm COMMAND --help   that command's arguments and options
  sparse-wasm -V, --version    the version
  sparse-wasm -h, --help       this help

Files are Matrix Market (.mtx or gzipped .mtx.gz); gen:poisson2d:K generates the 5-point Laplacian.`;
}

export function version(): string {
  try {
    return JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** Runs the CLI; resolves to the exit code. Never throws for user errors. */
export async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  const command = COMMANDS.find((c) => c.name === cmd);
  if (command) return runCommand(command, rest);
  try {
    switch (cmd) {
      case '--version': case '-V': case '-v':
        process.stdout.write(version() + '\n');
        return 0;
      case 'help': {
        // `sparse-wasm help solve` is `sparse-wasm solve --help`
        const about = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
        if (rest[0] !== undefined && !about) throw new UsageError(`unknown command "${rest[0]}"`);
        process.stdout.write((about ? about.usage : usage()) + '\n');
        return 0;
      }
      default:
        if (wantsHelp(args)) {
          process.stdout.write(usage() + '\n');
          return 0;
        }
        if (cmd === undefined || cmd.startsWith('-')) return await runDefaultJob(args);
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    return reportError(e);
  }
}
