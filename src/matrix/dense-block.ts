// Blocks of k vectors of one length n, as CsrMatrix.multiply and SolverSession.solveMany take
// them: k separate columns, or one row-major n x k array (entry (i, j) at data[i * cols + j]), the
// layout the block kernels (assembly/spmm.ts, multivec.ts, trsm.ts) work in, so a DenseBlock is
// copied into wasm memory as it is and k columns are interleaved on the way in.
import { DimensionMismatchError, InvalidArgumentError, NonFiniteValueError } from '../errors.js';
import type { SparseRuntime } from '../runtime/runtime.js';

/** k vectors of length `rows` as one row-major rows x cols array: entry (i, j) = data[i * cols + j]. */
export interface DenseBlock {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** A block argument: a DenseBlock, or its columns as k arrays of one length. */
export type BlockLike = DenseBlock | readonly ArrayLike<number>[];

function isArrayLike(v: unknown): v is ArrayLike<number> {
  return v != null && typeof v === 'object' && typeof (v as ArrayLike<number>).length === 'number';
}

/** true for a DenseBlock-shaped object (not an array, has rows, cols and data). */
export function isDenseBlock(v: unknown): v is DenseBlock {
  return v != null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)
    && 'data' in v && 'cols' in v && 'rows' in v;
}

/** true for a non-empty array whose entries are arrays (columns), or a DenseBlock. */
export function isBlockLike(v: unknown): v is BlockLike {
  if (isDenseBlock(v)) return true;
  return Array.isArray(v) && v.length > 0 && v.every((c) => isArrayLike(c));
}

/** The number of vectors in a block argument, after checking its shape against the length n. */
export function blockWidth(X: BlockLike, n: number, what: string): number {
  if (isDenseBlock(X)) {
    const { rows, cols, data } = X;
    if (!Number.isInteger(cols) || cols < 0) throw new InvalidArgumentError(`${what}.cols must be a non-negative integer, got ${String(cols)}`);
    if (rows !== n) throw new DimensionMismatchError(`${what} has ${String(rows)} rows, expected ${n}`);
    if (!isArrayLike(data)) throw new InvalidArgumentError(`${what}.data must be a Float64Array (row-major, rows x cols)`);
    if (data.length !== n * cols) throw new DimensionMismatchError(`${what}.data has length ${data.length}, expected rows x cols = ${n * cols}`);
    return cols;
  }
  if (!Array.isArray(X)) throw new InvalidArgumentError(`${what} must be a DenseBlock { rows, cols, data } or an array of columns`);
  X.forEach((c, j) => {
    if (!isArrayLike(c)) throw new InvalidArgumentError(`${what}[${j}] must be an array of numbers`);
    if (c.length !== n) throw new DimensionMismatchError(`${what}[${j}] has length ${c.length}, expected ${n}`);
  });
  return X.length;
}

/** Throws NonFiniteValueError naming the first entry of column j that is not a finite number. */
function refuseNonFinite(X: BlockLike, n: number, k: number, what: string): never {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const v = isDenseBlock(X) ? X.data[i * k + j] : X[j][i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        const where = isDenseBlock(X) ? `${what} entry (row ${i}, column ${j})` : `${what}[${j}][${i}]`;
        throw new NonFiniteValueError(`${where} = ${typeof v === 'string' ? JSON.stringify(v) : String(v)} is not a finite number`);
      }
    }
  }
  throw new NonFiniteValueError(`${what} has an entry that is not a finite number`);
}

/**
 * Copies a checked block (width k, length n) into the row-major n x k array at `ptr` in wasm
 * memory; NonFiniteValueError names the first entry that is not a finite number.
 */
export function blockToWasm(rt: SparseRuntime, X: BlockLike, n: number, k: number, ptr: number, what: string): void {
  const dst = rt.f64(ptr, n * k);
  if (isDenseBlock(X)) {
    dst.set(X.data);
  } else {
    for (let j = 0; j < k; j++) {
      const c = X[j];
      for (let i = 0, q = j; i < n; i++, q += k) dst[q] = c[i];
    }
  }
  if (!rt.kernels.allFiniteScaled(n * k, 1, ptr)) refuseNonFinite(X, n, k, what);
}

/** Column j of the row-major n x k array at `ptr`, as a new Float64Array. */
export function columnFromWasm(rt: SparseRuntime, ptr: number, n: number, k: number, j: number): Float64Array {
  const src = rt.f64(ptr, n * k), out = new Float64Array(n);
  for (let i = 0, q = j; i < n; i++, q += k) out[i] = src[q];
  return out;
}
