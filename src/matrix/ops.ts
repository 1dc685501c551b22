// Sparse matrix algebra on CsrMatrix: sums (pattern union), elementwise products (pattern
// intersection), transposes and products with a transposed operand, dropping small entries,
// row/column/symmetric permutations and bandwidth. Kernels in assembly/ops.ts; every result is a
// new canonical CsrMatrix sized exactly by a counting pass before anything is written.
import { DimensionMismatchError, IndexOverflowError, InvalidArgumentError } from '../errors.js';
import { Scratch, type SparseRuntime } from '../runtime/runtime.js';
import { checkOptions } from '../options.js';
import { checkFiniteResult, checkOperand, CsrMatrix } from './csr.js';
import { dropExactZeros, splitDropZeros, SpgemmProduct, type SpgemmOptions } from './spgemm.js';

const MAX_I32 = 0x7fffffff;

function sameShape(A: CsrMatrix, B: CsrMatrix, what: string): void {
  if (A.rows !== B.rows || A.cols !== B.cols) {
    throw new DimensionMismatchError(`${what} needs matrices of one shape, got ${A.rows} x ${A.cols} and ${B.rows} x ${B.cols}`);
  }
}

// a NaN or infinite scale factor is a NonFiniteValueError, like every non-finite input value
const ADD_OPTIONS = {
  alpha: { kind: 'number', finite: true, nonFiniteError: true, default: 1 },
  beta: { kind: 'number', finite: true, nonFiniteError: true, default: 1 },
} as const;
const DROP_OPTIONS = { keepDiagonal: { kind: 'boolean', default: false } } as const;

/**
 * Runs a count kernel that writes rowPtr into a fresh allocation, then allocates the exact output
 * and runs the fill. Nothing is left allocated if either step throws.
 */
function twoPhase(
  rt: SparseRuntime, rows: number, cols: number, count: (cRp: number) => number,
  fill: (cRp: number, cCi: number, cVal: number) => void, what: string,
): CsrMatrix {
  const cRp = rt.alloc((rows + 1) * 4);
  let cCi = 0, cVal = 0;
  try {
    const nnz = count(cRp);
    if (nnz > MAX_I32) throw new IndexOverflowError(`${what} would have more than 2^31 - 1 nonzeros (at least ${nnz})`);
    cCi = rt.alloc(nnz * 4);
    cVal = rt.alloc(nnz * 8);
    fill(cRp, cCi, cVal);
    checkFiniteResult(rt, rows, nnz, cRp, cCi, cVal, what);
    return CsrMatrix.fromWasmBuffers(rt, rows, cols, nnz, cRp, cCi, cVal);
  } catch (e) {
    rt.free(cRp);
    if (cCi) rt.free(cCi);
    if (cVal) rt.free(cVal);
    throw e;
  }
}

export interface AddOptions {
  /** C = alpha A + beta B; default 1 */
  alpha?: number;
  /** default 1 */
  beta?: number;
}

/**
 * C = alpha A + beta B on the union of the patterns. Entries that cancel stay as explicit zeros
 * (the pattern is structural; `drop(C, 0)` removes them).
 */
export function add(A: CsrMatrix, B: CsrMatrix, options: AddOptions = {}): CsrMatrix {
  const { alpha, beta } = checkOptions('add', options, ADD_OPTIONS);
  const rt = checkOperand(A, 'A');
  checkOperand(B, 'B', rt);
  sameShape(A, B, 'add');
  const a = A.pointers(), b = B.pointers(), k = rt.kernels;
  return twoPhase(rt, A.rows, A.cols,
    (cRp) => k.csrUnionCount(A.rows, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, cRp),
    (cRp, cCi, cVal) => k.csrAddFill(A.rows, a.rowPtr, a.colIdx, a.values, b.rowPtr, b.colIdx, b.values, cRp, cCi, cVal, alpha, beta),
    'the sum');
}

/** C = A - B (pattern union). */
export function subtract(A: CsrMatrix, B: CsrMatrix): CsrMatrix {
  return add(A, B, { alpha: 1, beta: -1 });
}

/** C = A .* B (Hadamard product) on the intersection of the patterns. */
export function elementwiseMultiply(A: CsrMatrix, B: CsrMatrix): CsrMatrix {
  const rt = checkOperand(A, 'A');
  checkOperand(B, 'B', rt);
  sameShape(A, B, 'elementwiseMultiply');
  const a = A.pointers(), b = B.pointers(), k = rt.kernels;
  return twoPhase(rt, A.rows, A.cols,
    (cRp) => k.csrIntersectCount(A.rows, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, cRp),
    (cRp, cCi, cVal) => k.csrHadamardFill(A.rows, a.rowPtr, a.colIdx, a.values, b.rowPtr, b.colIdx, b.values, cRp, cCi, cVal),
    'the elementwise product');
}

/** A^T as a new canonical CsrMatrix (a counting sort: O(nnz + rows + cols)). */
export function transpose(A: CsrMatrix): CsrMatrix {
  checkOperand(A, 'A');
  return A.transpose();
}

/**
 * A^T B (default B = A: the normal-equations matrix A^T A). A^T is formed internally by the
 * counting-sort transpose (its cost is in `SpgemmProduct.timings.transposeMs`); for recompute
 * with new values use `SpgemmProduct.compute(A, B, { transposeA: true })`. `dropZeros` as in spgemm().
 */
export function multiplyAtB(A: CsrMatrix, B: CsrMatrix = A, options: Omit<SpgemmOptions, 'transposeA' | 'transposeB' | 'sorted'> = {}): CsrMatrix {
  const [dropZeros, rest] = splitDropZeros(options);
  const C = SpgemmProduct.compute(A, B, { ...rest, transposeA: true }).takeMatrix();
  return dropZeros ? dropExactZeros(C, rest.spmv) : C;
}

/** A B^T (default B = A: A A^T), with B^T formed internally (see multiplyAtB). */
export function multiplyABt(A: CsrMatrix, B: CsrMatrix = A, options: Omit<SpgemmOptions, 'transposeA' | 'transposeB' | 'sorted'> = {}): CsrMatrix {
  const [dropZeros, rest] = splitDropZeros(options);
  const C = SpgemmProduct.compute(A, B, { ...rest, transposeB: true }).takeMatrix();
  return dropZeros ? dropExactZeros(C, rest.spmv) : C;
}

export interface DropOptions {
  /** keep diagonal entries whatever their size (default false) */
  keepDiagonal?: boolean;
}

/**
 * A copy of A without the entries with |a_ij| <= tol (so `drop(A, 0)` removes explicit zeros).
 */
export function drop(A: CsrMatrix, tol: number, options: DropOptions = {}): CsrMatrix {
  const { keepDiagonal } = checkOptions('drop', options, DROP_OPTIONS);
  const rt = checkOperand(A, 'A');
  if (typeof tol !== 'number' || !(tol >= 0) || tol === Infinity) throw new InvalidArgumentError(`drop tolerance must be a finite number >= 0, got ${String(tol)}`);
  const keepDiag = keepDiagonal ? 1 : 0;
  const a = A.pointers(), k = rt.kernels;
  return twoPhase(rt, A.rows, A.cols,
    (cRp) => k.csrDropCount(A.rows, a.rowPtr, a.colIdx, a.values, tol, keepDiag, cRp),
    (_cRp, cCi, cVal) => k.csrDropFill(A.rows, a.rowPtr, a.colIdx, a.values, tol, keepDiag, cCi, cVal),
    'drop');
}

/** Throws unless `p` is array-like of length n (InvalidArgumentError / DimensionMismatchError). */
function permutationShape(p: unknown, n: number, name: string): asserts p is ArrayLike<number> {
  if (p == null || typeof p !== 'object' || typeof (p as ArrayLike<number>).length !== 'number') {
    throw new InvalidArgumentError(`${name} must be an array or typed array of indices`);
  }
  if ((p as ArrayLike<number>).length !== n) throw new DimensionMismatchError(`${name} has length ${(p as ArrayLike<number>).length}, expected ${n}`);
}

function notAnIndex(name: string, i: number, v: unknown, n: number): InvalidArgumentError {
  return new InvalidArgumentError(`${name}[${i}] = ${String(v)} is not an integer in [0, ${n}): not a permutation`);
}

function repeated(name: string, i: number, v: number, first: number): InvalidArgumentError {
  return new InvalidArgumentError(`${name}[${i}] = ${v} appears twice (also ${name}[${first}]): not a permutation`);
}

/**
 * Copies p into wasm memory and checks it is a permutation of 0..n-1: integers in range (checked
 * here for plain arrays, where a value such as 2^32 + 2 would otherwise wrap to 2 in Int32Array)
 * and no repeats (in wasm: a JS loop over a million entries costs more than the permutation
 * itself). Returns the pointers of p and of its inverse; both are pushed to `owned` for the
 * caller to free.
 */
function wasmPermutation(rt: SparseRuntime, p: ArrayLike<number>, n: number, name: string, owned: number[]): { ptr: number; inv: number } {
  permutationShape(p, n, name);
  if (!(p instanceof Int32Array)) {
    for (let i = 0; i < n; i++) {
      const v = p[i];
      if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < n)) throw notAnIndex(name, i, v, n);
    }
  }
  const ptr = rt.alloc(n * 4);
  owned.push(ptr);
  const inv = rt.alloc(n * 4);
  owned.push(inv);
  rt.i32(ptr, n).set(p);
  const r = rt.kernels.permInverse(n, ptr, inv);
  if (r >= 0) throw repeated(name, r, p[r], rt.i32(inv, n)[p[r]]);
  if (r < -1) throw notAnIndex(name, -r - 2, p[-r - 2], n);
  return { ptr, inv };
}

/** q with q[p[i]] = i; throws InvalidArgumentError naming the position when p is not a permutation of 0..p.length-1. */
export function inversePermutation(p: ArrayLike<number>): Int32Array {
  if (p == null || typeof p !== 'object' || typeof (p as ArrayLike<number>).length !== 'number') {
    throw new InvalidArgumentError('the permutation must be an array or typed array of indices');
  }
  const n = p.length;
  const q = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const v = p[i];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < n)) throw notAnIndex('p', i, v, n);
    if (q[v] >= 0) throw repeated('p', i, v, q[v]);
    q[v] = i;
  }
  return q;
}

/**
 * B = A(rowPerm, colPerm): B(i, j) = A(rowPerm[i], colPerm[j]), i.e. P A Q^T with P(i, rowPerm[i])
 * = 1 and Q(j, colPerm[j]) = 1 (NumPy's A[rowPerm][:, colPerm]). Either may be omitted (identity).
 */
export function permute(A: CsrMatrix, rowPerm?: ArrayLike<number> | null, colPerm?: ArrayLike<number> | null): CsrMatrix {
  const rt = checkOperand(A, 'A');
  const tmp: number[] = [];
  try {
    const rp = rowPerm == null ? undefined : wasmPermutation(rt, rowPerm, A.rows, 'rowPerm', tmp);
    const cp = colPerm == null ? undefined : wasmPermutation(rt, colPerm, A.cols, 'colPerm', tmp);
    const a = A.pointers(), k = rt.kernels;
    let ci = a.colIdx, tk = 0, tv = 0;
    if (cp) {
      // renumber every column first (independent random reads, sequential writes), then gather
      // rows and order each one: the row gather no longer waits on the renumbering reads
      ci = rt.alloc(A.nnz * 4); tmp.push(ci);
      k.csrRenumber(A.nnz, a.colIdx, cp.inv, ci);
      const rowPtr = A.rowPtr;
      let longest = 0;
      for (let i = 0; i < A.rows; i++) longest = Math.max(longest, rowPtr[i + 1] - rowPtr[i]);
      tk = rt.alloc(Math.max(longest, 16) * 8); tmp.push(tk);
      tv = rt.alloc(Math.max(longest, 16) * 8); tmp.push(tv);
    }
    return twoPhase(rt, A.rows, A.cols, () => A.nnz,
      (cRp, cCi, cVal) => k.csrPermute(A.rows, a.rowPtr, ci, a.values, rp ? rp.ptr : 0, cp ? 1 : 0, cRp, cCi, cVal, tk, tv),
      'permute');
  } finally {
    for (const p of tmp) rt.free(p);
  }
}

/** P A P^T for a square A: B(i, j) = A(perm[i], perm[j]) (e.g. with perm from reverseCuthillMcKee). */
export function symmetricPermute(A: CsrMatrix, perm: ArrayLike<number>): CsrMatrix {
  checkOperand(A, 'A');
  if (A.rows !== A.cols) throw new DimensionMismatchError(`symmetricPermute needs a square matrix, got ${A.rows} x ${A.cols}`);
  return permute(A, perm, perm);
}

/** B(i, :) = A(perm[i], :). */
export function permuteRows(A: CsrMatrix, perm: ArrayLike<number>): CsrMatrix {
  return permute(A, perm, null);
}

/** B(:, j) = A(:, perm[j]). */
export function permuteColumns(A: CsrMatrix, perm: ArrayLike<number>): CsrMatrix {
  return permute(A, null, perm);
}

/** Lower bandwidth max(i - j), upper max(j - i) over stored entries, and bandwidth = max of both. */
export function bandwidth(A: CsrMatrix): { lower: number; upper: number; bandwidth: number } {
  const rt = checkOperand(A, 'A');
  const out = rt.scratchPtr(Scratch.bandwidth, 8);
  const a = A.pointers();
  rt.kernels.csrBandwidth(A.rows, a.rowPtr, a.colIdx, out);
  const v = rt.i32(out, 2);
  return { lower: v[0], upper: v[1], bandwidth: Math.max(v[0], v[1]) };
}
