// What every command shares: its usage text, `--help`, and the mapping of errors to exit codes
// (0 done, 1 file/format/numeric error, 2 usage, 70 a bug), each error as one line on stderr.
import { SparseError } from '../errors.js';
import { FileError, UsageError, wantsHelp } from './args.js';

export interface Command {
  name: string;
  /** one line for the command list of `sparse-wasm --help` */
  summary: string;
  /** the full text of `sparse-wasm NAME --help` */
  usage: string;
  run(args: string[]): Promise<number>;
}

/** Writes the one-line message for `e` on stderr and returns the exit code. */
export function reportError(e: unknown, command?: string): number {
  if (e instanceof UsageError) {
    const help = command ? `sparse-wasm ${command} --help` : 'sparse-wasm --help';
    process.stderr.write(`sparse-wasm: ${e.message} (see ${help})\n`);
    return 2;
  }
  if (e instanceof SparseError || e instanceof FileError) {
    process.stderr.write(`sparse-wasm: ${e.message.split('\n')[0]}\n`);
    return 1;
  }
  process.stderr.write(`sparse-wasm: internal error: ${((e as Error)?.message ?? String(e)).split('\n')[0]}\n`);
  return 70;
}

/** Runs a command as the CLI does: `--help`/`-h` prints its usage; errors become exit codes. */
export async function runCommand(cmd: Command, args: string[]): Promise<number> {
  if (wantsHelp(args)) {
    process.stdout.write(cmd.usage + '\n');
    return 0;
  }
  try {
    return await cmd.run(args);
  } catch (e) {
    return reportError(e, cmd.name);
  }
}
