// Pieces shared by the CLI commands (src/cli.ts, src/cli-multiply.ts): argument parsing, the
// error classes that decide exit codes, and reading a matrix argument.
import { existsSync } from 'node:fs';
import { poisson2d } from './matrix/generators.js';
import type { CsrMatrix, SpmvLayout } from './matrix/csr.js';
import { readMatrixMarketFile } from './io/matrix-market-node.js';
import { csrFromMatrixMarket } from './io/csr-io.js';
import { SparseError, SparseFormatError } from './errors.js';
import type { MatrixMarketHeader } from './io/matrix-market.js';

/** Bad command line: the message and the usage on stderr, exit 2. */
export class UsageError extends Error {}
/** A file that cannot be read or written: one line on stderr, exit 1. */
export class FileError extends Error {}

export interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

/** `--name value`, `--name=value` for `valued`, bare `--name` for `boolean`; anything else is a UsageError. */
export function parseArgs(args: string[], valued: string[], boolean: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('-') && a !== '-') {
      const eq = a.indexOf('=');
      const [name, inline] = eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
      if (valued.includes(name)) {
        const v = inline ?? args[++i];
        if (v === undefined) throw new UsageError(`option ${name} needs a value`);
        flags.set(name, v);
      } else if (boolean.includes(name) && inline === undefined) {
        flags.set(name, true);
      } else {
        throw new UsageError(`unknown option ${a}`);
      }
    } else positional.push(a);
  }
  return { positional, flags };
}

export function numberFlag(p: Parsed, name: string, fallback: number, min: number): number {
  const v = p.flags.get(name);
  if (v === undefined) return fallback;
  const x = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(x) || x < min) {
    throw new UsageError(`${name} needs a number >= ${min}, got ${String(v)}`);
  }
  return x;
}

export interface LoadedMatrix {
  matrix: CsrMatrix;
  header: Pick<MatrixMarketHeader, 'format' | 'field' | 'symmetry'> & { storedEntries: number };
  source: string;
  readMs: number;
}

/** Reads FILE.mtx (streamed), or generates `gen:poisson2d:K` when no such file exists. */
export async function loadMatrix(file: string, layout: SpmvLayout = 'auto'): Promise<LoadedMatrix> {
  const t0 = performance.now();
  const gen = /^gen:poisson2d:(\d+)$/.exec(file);
  if (gen && !existsSync(file)) {
    const k = Number(gen[1]);
    const matrix = poisson2d(k, { spmv: layout });
    return {
      matrix,
      header: { format: 'coordinate', field: 'real', symmetry: 'symmetric', storedEntries: matrix.nnz },
      source: `generated 2D Poisson 5-point, ${k} x ${k} grid`,
      readMs: performance.now() - t0,
    };
  }
  let data;
  try {
    data = await readMatrixMarketFile(file);
  } catch (e) {
    throw fileError(file, e);
  }
  const matrix = csrFromMatrixMarket(data, { spmv: layout });
  return { matrix, header: data.header, source: file, readMs: performance.now() - t0 };
}

/** The CLI's error for a failed read of `file`: format errors keep their line number in the message. */
export function fileError(file: string, e: unknown): Error {
  if (e instanceof SparseFormatError) return new FileError(`${file}: ${e.message}`);
  if (e instanceof SparseError) return e;
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return new FileError(`${file}: no such file`);
  if (code === 'EISDIR') return new FileError(`${file}: is a directory`);
  return new FileError(`${file}: cannot read (${(e as Error).message})`);
}
