// A sequence given by file paths (Matrix Market matrices, optional right-hand sides), read one
// system at a time: the form in which sequences travel through the queue (by path, on a directory
// every worker sees), and the local chunked run's loader.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SparseError } from '../errors.js';
import { csrFromMatrixMarket } from '../io/csr-io.js';
import { readMatrixMarketFile } from '../io/matrix-market-node.js';
import type { CsrMatrix } from '../matrix/csr.js';
import type { SequenceSystem } from '../sequence/solve-sequence.js';
import { FileError } from '../cli/args.js';
import { loadMatrix, readFailure } from '../cli/matrices.js';

/** The systems of a sequence by path: matrices, and right-hand sides (one per matrix, or several for one fixed matrix). */
export interface FileSequenceSpec {
  files: string[];
  rhs?: string[];
  /** one matrix (files[0]) and several right-hand sides */
  fixed: boolean;
}

export interface FileSequence {
  count: number;
  load(i: number): Promise<SequenceSystem>;
  /** the fixed matrix (spec.fixed), read once */
  matrix?: CsrMatrix;
  dispose(): void;
}

/**
 * The error of reading `file`, typed: the library's errors keep their class (a SparseFormatError
 * with its line number) with the file named in the message; others become a FileError named so.
 */
function fileFailure(file: string, e: unknown): Error {
  if (e instanceof SparseError) {
    if (!e.message.startsWith(`${file}: `)) e.message = `${file}: ${e.message}`;
    return e;
  }
  const f = readFailure(file, e);
  if (f instanceof FileError) Object.defineProperty(f, 'name', { value: 'FileError', enumerable: false, configurable: true, writable: true });
  return f;
}

async function readSquare(file: string): Promise<CsrMatrix> {
  let A: CsrMatrix;
  try {
    // gen:poisson2d:K specs are generated (as by every command)
    if (file.startsWith('gen:') && !existsSync(file)) A = (await loadMatrix(file)).matrix;
    else A = csrFromMatrixMarket(await readMatrixMarketFile(file));
  } catch (e) {
    throw fileFailure(file, e);
  }
  if (A.rows !== A.cols) {
    A.dispose();
    throw fileFailure(file, new FileError(`the matrix is ${A.rows} x ${A.cols}; sequence needs square matrices`));
  }
  return A;
}

async function readRhs(file: string, n: number): Promise<Float64Array> {
  let data;
  try {
    data = await readMatrixMarketFile(file);
  } catch (e) {
    throw fileFailure(file, e);
  }
  const { rows, cols } = data;
  if (!((rows === n && cols === 1) || (rows === 1 && cols === n))) {
    throw fileFailure(file, new FileError(`the right-hand side is ${rows} x ${cols}, expected ${n} x 1`));
  }
  const v = new Float64Array(n);
  for (let k = 0; k < data.values.length; k++) v[cols === 1 ? data.rowIndex[k] : data.colIndex[k]] += data.values[k];
  return v;
}

/** Paths made absolute against `cwd`, so that a worker elsewhere reads the same files (gen: specs stay). */
export function absoluteSpec(spec: FileSequenceSpec, cwd = process.cwd()): FileSequenceSpec {
  const abs = (f: string) => (f.startsWith('gen:') && !existsSync(path.resolve(cwd, f)) ? f : path.resolve(cwd, f));
  return { files: spec.files.map(abs), ...(spec.rhs ? { rhs: spec.rhs.map(abs) } : {}), fixed: spec.fixed };
}

/**
 * Opens the sequence: the fixed matrix is read now (its error throws), every other system when
 * loaded (its error fails that system). b defaults to A * ones, as in the local command.
 */
export async function openFileSequence(spec: FileSequenceSpec): Promise<FileSequence> {
  const { files, rhs, fixed } = spec;
  if (fixed) {
    const matrix = await readSquare(files[0]);
    return {
      count: rhs!.length,
      matrix,
      load: async (i) => ({ b: await readRhs(rhs![i], matrix.rows) }),
      dispose: () => matrix.dispose(),
    };
  }
  return {
    count: files.length,
    load: async (i) => {
      const A = await readSquare(files[i]);
      try {
        const b = rhs ? await readRhs(rhs[i], A.rows) : A.multiply(new Float64Array(A.cols).fill(1));
        return { A: A.toCsrArrays(), b };
      } finally {
        A.dispose();
      }
    },
    dispose: () => {},
  };
}
