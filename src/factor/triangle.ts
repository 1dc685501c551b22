// Triangular factor storage in wasm memory and its read-back, shared by the incomplete
// factorizations (IC(0), ILU(0), ILUT) and the direct solvers to come.
import type { SparseRuntime } from '../runtime/runtime.js';

/** CSR arrays under SciPy's names: what CsrMatrix.fromCsr takes and toCsrArrays gives. */
export interface CsrArrays {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
}

/**
 * A factor copied out of wasm memory, under the CSR names of the API (rowPtr, colIdx, values, as
 * on CsrMatrix). indptr, indices and data are the same arrays, kept so that code written against
 * the SciPy-named factors (and CsrMatrix.fromCsr) keeps working.
 */
export interface FactorArrays extends CsrArrays {
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
  /** @deprecated the same array as rowPtr */
  indptr: Int32Array;
  /** @deprecated the same array as colIdx */
  indices: Int32Array;
  /** @deprecated the same array as values */
  data: Float64Array;
}

/** One triangle in wasm memory without its diagonal: CSR row pointers, columns, values (byte offsets). */
export interface TriangleStorage {
  ptr: number;
  col: number;
  val: number;
}

/**
 * M = L U: L unit lower (its strictly lower part stored), U upper (its strictly upper part stored
 * with rows scaled by d_i = 1/u_ii). Fields are pointers; an owner may move them (regrowth).
 */
export interface LuStorage {
  n: number;
  L: TriangleStorage;
  U: TriangleStorage;
  /** n float64s, 1/u_ii */
  d: number;
}

/**
 * M = L L^T: the strictly lower part of L stored with rows scaled by d_i = 1/l_ii; L^T is never
 * stored (the backward solve runs column-wise over the rows of L).
 */
export interface CholeskyStorage {
  n: number;
  L: TriangleStorage;
  /** n float64s, 1/l_ii */
  d: number;
}

/** z = U^-1 L^-1 r (r and z may not overlap). */
export function luSolve(rt: SparseRuntime, f: LuStorage, r: number, z: number): void {
  const k = rt.kernels, { L, U } = f;
  k.trsvLowerUnit(f.n, L.ptr, L.col, L.val, r, z); // z = L^-1 r
  k.trsvUpperScaled(f.n, U.ptr, U.col, U.val, f.d, z, z); // z = U^-1 z
}

/** z = L^-T L^-1 r (r and z may not overlap). */
export function choleskySolve(rt: SparseRuntime, f: CholeskyStorage, r: number, z: number): void {
  const k = rt.kernels, { L } = f;
  k.trsvLowerScaled(f.n, L.ptr, L.col, L.val, f.d, r, z); // z = L^-1 r
  k.trsvLowerTransposedScaled(f.n, L.ptr, L.col, L.val, f.d, z, z); // z = L^-T z
}

/**
 * Z = U^-1 L^-1 R for k vectors (row-major n x k blocks; R and Z may not overlap): one pass over
 * each factor for all k; each column bitwise luSolve's.
 */
export function luSolveBlock(rt: SparseRuntime, f: LuStorage, k: number, R: number, Z: number): void {
  const e = rt.kernels, { L, U } = f;
  e.trsmLowerUnit(f.n, k, L.ptr, L.col, L.val, R, Z); // Z = L^-1 R
  e.trsmUpperScaled(f.n, k, U.ptr, U.col, U.val, f.d, Z, Z); // Z = U^-1 Z
}

/** Z = L^-T L^-1 R for k vectors (row-major n x k blocks; R and Z may not overlap), as luSolveBlock. */
export function choleskySolveBlock(rt: SparseRuntime, f: CholeskyStorage, k: number, R: number, Z: number): void {
  const e = rt.kernels, { L } = f;
  e.trsmLowerScaled(f.n, k, L.ptr, L.col, L.val, f.d, R, Z); // Z = L^-1 R
  e.trsmLowerTransposedScaled(f.n, k, L.ptr, L.col, L.val, f.d, Z, Z); // Z = L^-T Z
}

/** L (strictly lower part; its diagonal is 1) and U (diagonal first in each row) as CSR arrays. */
export function readLu(rt: SparseRuntime, f: LuStorage): { L: FactorArrays; U: FactorArrays } {
  return {
    L: readTriangle(rt, f.n, f.L.ptr, f.L.col, f.L.val, f.d, { scaled: false, diagonal: 'none' }),
    U: readTriangle(rt, f.n, f.U.ptr, f.U.col, f.U.val, f.d, { scaled: true, diagonal: 'first' }),
  };
}

/** L (lower triangular, its diagonal last in each row) as CSR arrays. */
export function readCholesky(rt: SparseRuntime, f: CholeskyStorage): FactorArrays {
  return readTriangle(rt, f.n, f.L.ptr, f.L.col, f.L.val, f.d, { scaled: true, diagonal: 'last' });
}

/** How many of the n float64s at `d` are negative, and the first such index (-1 if none). */
export function countNegative(rt: SparseRuntime, n: number, d: number): { count: number; first: number } {
  const v = rt.f64(d, n);
  let count = 0, first = -1;
  for (let i = 0; i < n; i++) {
    if (v[i] < 0) {
      count++;
      if (first < 0) first = i;
    }
  }
  return { count, first };
}

/**
 * Copies a triangle out of wasm memory. `scaled`: its rows are stored multiplied by d_i (see
 * assembly/trsv.ts) and are returned divided by it; `diagonal`: add 1/d_i as the first or last
 * entry of each row (columns stay sorted for an upper or a lower triangle).
 */
export function readTriangle(
  rt: SparseRuntime, n: number, ptr: number, col: number, val: number, d: number,
  options: { scaled: boolean; diagonal: 'none' | 'first' | 'last' },
): FactorArrays {
  const rp = rt.i32(ptr, n + 1).slice();
  const nnz = rp[n];
  const ci = rt.i32(col, nnz).slice();
  const v = rt.f64(val, nnz).slice();
  const dv = rt.f64(d, n).slice();
  const extra = options.diagonal === 'none' ? 0 : n;
  const indptr = new Int32Array(n + 1), indices = new Int32Array(nnz + extra), data = new Float64Array(nnz + extra);
  let q = 0;
  for (let i = 0; i < n; i++) {
    const s = options.scaled ? 1 / dv[i] : 1;
    if (options.diagonal === 'first') { indices[q] = i; data[q++] = 1 / dv[i]; }
    for (let p = rp[i]; p < rp[i + 1]; p++) { indices[q] = ci[p]; data[q++] = v[p] * s; }
    if (options.diagonal === 'last') { indices[q] = i; data[q++] = 1 / dv[i]; }
    indptr[i + 1] = q;
  }
  return { rows: n, cols: n, rowPtr: indptr, colIdx: indices, values: data, indptr, indices, data };
}
