// Matrix and vector arguments: a Matrix Market file (read streamed), or a generator spec
// `gen:poisson2d:K`, validated as a command-line value.
import { existsSync } from 'node:fs';
import { poisson2d } from '../matrix/generators.js';
import type { CsrMatrix, SpmvLayout } from '../matrix/csr.js';
import { readMatrixMarketFile } from '../io/matrix-market-node.js';
import { csrFromMatrixMarket } from '../io/csr-io.js';
import { SparseError, SparseFormatError } from '../errors.js';
import type { MatrixMarketHeader } from '../io/matrix-market.js';
import { FileError, UsageError } from './args.js';

export interface LoadedMatrix {
  matrix: CsrMatrix;
  header: Pick<MatrixMarketHeader, 'format' | 'field' | 'symmetry'> & { storedEntries: number };
  source: string;
  /** made by a generator, not read from a file */
  generated: boolean;
  readMs: number;
}

/**
 * The largest grid of gen:poisson2d:K: its matrix alone (about 64 K^2 bytes) then fills wasm's
 * 4 GiB address space, so anything larger cannot work and is a usage error, not an allocation failure.
 */
export const MAX_POISSON_K = 8192;

export const GENERATOR_HELP = `FILE may also be gen:poisson2d:K, the 5-point Laplacian on a K x K grid (1 <= K <= ${MAX_POISSON_K}).`;

/** The grid size of a `gen:` spec; UsageError naming the spec when it is not a valid one. */
export function parseGeneratorSpec(spec: string): { kind: 'poisson2d'; k: number } {
  const m = /^gen:([^:]*)(?::(.*))?$/.exec(spec);
  if (!m || m[1] !== 'poisson2d') {
    throw new UsageError(`unknown generator "${spec}" (no such file either); the generator is gen:poisson2d:K`);
  }
  const raw = m[2] ?? '';
  const k = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(k >= 1 && k <= MAX_POISSON_K)) {
    throw new UsageError(`${spec}: K must be an integer from 1 to ${MAX_POISSON_K}, got "${raw}"`);
  }
  return { kind: 'poisson2d', k };
}

/** Reads FILE.mtx (streamed), or generates a `gen:` spec when no file of that name exists. */
export async function loadMatrix(file: string, layout: SpmvLayout = 'auto'): Promise<LoadedMatrix> {
  const t0 = performance.now();
  if (file.startsWith('gen:') && !existsSync(file)) {
    const { k } = parseGeneratorSpec(file);
    const matrix = poisson2d(k, { spmv: layout });
    return {
      matrix,
      header: { format: 'coordinate', field: 'real', symmetry: 'symmetric', storedEntries: matrix.nnz },
      source: `generated 2D Poisson 5-point, ${k} x ${k} grid`,
      generated: true,
      readMs: performance.now() - t0,
    };
  }
  let data;
  try {
    data = await readMatrixMarketFile(file);
  } catch (e) {
    throw readFailure(file, e);
  }
  const matrix = csrFromMatrixMarket(data, { spmv: layout });
  return { matrix, header: data.header, source: file, generated: false, readMs: performance.now() - t0 };
}

/**
 * Reads a vector argument (`--rhs`, `--x0`): an n x 1 or 1 x n Matrix Market file, array or
 * coordinate (absent coordinate entries are 0, repeated ones are summed).
 */
export async function readVector(file: string, n: number, role: string): Promise<Float64Array> {
  let data;
  try {
    data = await readMatrixMarketFile(file);
  } catch (e) {
    throw readFailure(file, e);
  }
  const { rows, cols } = data;
  if (!((rows === n && cols === 1) || (rows === 1 && cols === n))) {
    throw new FileError(`${file}: ${role} is ${rows} x ${cols}, expected ${n} x 1`);
  }
  const v = new Float64Array(n);
  for (let k = 0; k < data.values.length; k++) v[cols === 1 ? data.rowIndex[k] : data.colIndex[k]] += data.values[k];
  return v;
}

/** The CLI's error for a failed read of `file`: format errors keep their line number in the message. */
export function readFailure(file: string, e: unknown): Error {
  // (a gzip error already names the file)
  if (e instanceof SparseFormatError) return new FileError(e.message.startsWith(`${file}: `) ? e.message : `${file}: ${e.message}`);
  if (e instanceof SparseError) return e;
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return new FileError(`${file}: no such file`);
  if (code === 'EISDIR') return new FileError(`${file}: is a directory`);
  if (code === 'EACCES') return new FileError(`${file}: permission denied`);
  return new FileError(`${file}: cannot read (${(e as Error).message})`);
}
