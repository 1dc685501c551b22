// Running the built CLI (bin/sparse-wasm.js on dist/, built by `npm test`) as a user would, and
// scratch files for its inputs and outputs. Shared by the CLI test files.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'sparse-wasm.js');

export interface CliRun {
  /** the exit code (1 when the process died without one) */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `sparse-wasm ARGS...` in a new Node process from the package root. */
export function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A new temporary directory with helpers to create files and subdirectories in it. */
export function scratchDir(prefix: string): { tmp: string; file(name: string, text: string): string; dir(name: string): string } {
  const tmp = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    tmp,
    file(name, text) {
      const p = path.join(tmp, name);
      writeFileSync(p, text);
      return p;
    },
    dir(name) {
      const d = path.join(tmp, name);
      mkdirSync(d);
      return d;
    },
  };
}
