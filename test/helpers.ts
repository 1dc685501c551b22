// Shared test utilities: a seeded PRNG, random sparse matrices in COO form and scalar
// TypeScript references that the wasm kernels are checked against.

import { seededRandom } from '../src/sequence/generators.js';
import type { SparseRuntime } from '../src/runtime/runtime.js';

/** mulberry32, seeded: the library's generator (src/sequence/generators.ts) */
export const rng = seededRandom;

export interface Coo {
  rows: number;
  cols: number;
  ri: number[];
  ci: number[];
  v: number[];
}

/** Random COO with duplicates and unsorted order; density in [0, 1]. */
export function randomCoo(rows: number, cols: number, density: number, seed: number, duplicates = 0.1): Coo {
  const r = rng(seed);
  const ri: number[] = [], ci: number[] = [], v: number[] = [];
  const target = Math.round(rows * cols * density);
  for (let k = 0; k < target; k++) {
    const i = Math.floor(r() * rows), j = Math.floor(r() * cols);
    ri.push(i); ci.push(j); v.push(r() * 2 - 1);
    if (r() < duplicates) { ri.push(i); ci.push(j); v.push(r() * 2 - 1); }
  }
  // shuffle
  for (let k = ri.length - 1; k > 0; k--) {
    const m = Math.floor(r() * (k + 1));
    [ri[k], ri[m]] = [ri[m], ri[k]]; [ci[k], ci[m]] = [ci[m], ci[k]]; [v[k], v[m]] = [v[m], v[k]];
  }
  return { rows, cols, ri, ci, v };
}

/** Dense reference (row arrays) of a COO, duplicates summed in input order. */
export function denseOf(c: Coo): Float64Array[] {
  const d = Array.from({ length: c.rows }, () => new Float64Array(c.cols));
  for (let k = 0; k < c.ri.length; k++) d[c.ri[k]][c.ci[k]] += c.v[k];
  return d;
}

/** y = alpha * D x + beta * y on a dense matrix, plus a bound on |each term| for tolerances. */
export function denseMatVec(d: Float64Array[], cols: number, x: ArrayLike<number>): { y: Float64Array; scale: Float64Array } {
  const y = new Float64Array(d.length), scale = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) {
    let s = 0, a = 0;
    for (let j = 0; j < cols; j++) { s += d[i][j] * x[j]; a += Math.abs(d[i][j] * x[j]); }
    y[i] = s; scale[i] = a;
  }
  return { y, scale };
}

/** Scalar CSR reference, sequential sums: y = A x. */
export function csrMatVecRef(rows: number, rp: Int32Array, ci: Int32Array, v: Float64Array, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let p = rp[i]; p < rp[i + 1]; p++) s += v[p] * x[ci[p]];
    y[i] = s;
  }
  return y;
}

/** |a - b| <= tol * scale + tiny, elementwise; returns the first failing index or -1. */
export function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>, scale: ArrayLike<number> | number, tol = 1e-13): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) {
    const s = typeof scale === 'number' ? scale : scale[i];
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    if (a[i] === b[i]) continue;
    if (!(Math.abs(a[i] - b[i]) <= tol * s + 1e-300)) return i;
  }
  return -1;
}

export function randomVector(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = r() * 2 - 1;
  return x;
}

/** y = A x straight from COO triplets (duplicates add up), with a per-row bound on |terms|. */
export function cooMatVec(c: Coo, x: ArrayLike<number>, transposed = false): { y: Float64Array; scale: Float64Array } {
  const n = transposed ? c.cols : c.rows;
  const y = new Float64Array(n), scale = new Float64Array(n);
  for (let k = 0; k < c.ri.length; k++) {
    const [i, j] = transposed ? [c.ci[k], c.ri[k]] : [c.ri[k], c.ci[k]];
    const t = c.v[k] * x[j];
    y[i] += t;
    scale[i] += Math.abs(t);
  }
  return { y, scale };
}

/** Dense Gaussian elimination with partial pivoting: solves d x = b (reference for small systems). */
export function denseSolve(d: Float64Array[], b: ArrayLike<number>): Float64Array {
  const n = d.length;
  const a = d.map((r) => Float64Array.from(r));
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i][k]) > Math.abs(a[p][k])) p = i;
    [a[k], a[p]] = [a[p], a[k]];
    [x[k], x[p]] = [x[p], x[k]];
    for (let i = k + 1; i < n; i++) {
      const f = a[i][k] / a[k][k];
      if (f === 0) continue;
      for (let j = k; j < n; j++) a[i][j] -= f * a[k][j];
      x[i] -= f * x[k];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= a[i][j] * x[j];
    x[i] = s / a[i][i];
  }
  return x;
}

/** Random sparse SPD matrix as dense rows: B B^T + shift I with B sparse. */
export function randomSpdDense(n: number, density: number, seed: number, shift = 1): Float64Array[] {
  const r = rng(seed);
  const B = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (r() < density) B[i][j] = r() * 2 - 1;
  const A = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += B[i][k] * B[j][k];
    A[i][j] = s + (i === j ? shift : 0);
  }
  return A;
}

export function denseMul(d: Float64Array[], x: ArrayLike<number>): Float64Array {
  return Float64Array.from(d, (row) => row.reduce((s, a, j) => s + a * x[j], 0));
}

/** Euclidean norm, summed plainly (an independent reference for the wasm nrm2). */
export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** ||a - b||_2 */
export function diffNorm(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/** The true residual norm ||b - A x|| of a dense A, computed here, independently of any solver. */
export function trueResidual(A: ArrayLike<number>[], x: ArrayLike<number>, b: ArrayLike<number>): number {
  return diffNorm(b, denseMul(A.map((r) => Float64Array.from(r)), x));
}

/** The true relative residual ||b - A x|| / ||b|| of a dense A. */
export function trueRelativeResidual(A: ArrayLike<number>[], x: ArrayLike<number>, b: ArrayLike<number>): number {
  return trueResidual(A, x, b) / norm(b);
}

/** A random nonsymmetric, strictly diagonally dominant matrix as dense rows. */
export function nonsymmetricDense(n: number, seed: number, density = 0.15): Float64Array[] {
  const r = rng(seed);
  const A = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) if (i !== j && r() < density) { A[i][j] = r() * 2 - 1; s += Math.abs(A[i][j]); }
    A[i][i] = s + 0.5 + r();
  }
  return A;
}

/** b = A * ones, the right-hand side whose exact solution is all ones. */
export function onesRhs(A: { cols: number; multiply(x: Float64Array): Float64Array }): Float64Array {
  return A.multiply(new Float64Array(A.cols).fill(1));
}

/** The first violation of canonical CSR (row pointers, columns in range and strictly increasing), or ''. */
export function canonicalProblem(C: { rows: number; cols: number; nnz: number; rowPtr: ArrayLike<number>; colIdx: ArrayLike<number> }): string {
  const rp = C.rowPtr, ci = C.colIdx;
  if (rp[0] !== 0 || rp[C.rows] !== C.nnz) return `rowPtr ends ${rp[0]}, ${rp[C.rows]} for nnz ${C.nnz}`;
  for (let i = 0; i < C.rows; i++) {
    if (rp[i + 1] < rp[i]) return `rowPtr decreases at ${i}`;
    for (let p = rp[i]; p < rp[i + 1]; p++) {
      if (ci[p] < 0 || ci[p] >= C.cols) return `row ${i}: column ${ci[p]} out of range`;
      if (p > rp[i] && ci[p] <= ci[p - 1]) return `row ${i}: columns ${ci[p - 1]}, ${ci[p]} not increasing`;
    }
  }
  return '';
}

/** ||b - A x|| / ||b|| from a CSR matrix's arrays with a plain loop, independent of the wasm SpMV. */
export function csrTrueRelativeResidual(
  A: { rows: number; rowPtr: Int32Array; colIdx: Int32Array; values: Float64Array }, x: ArrayLike<number>, b: ArrayLike<number>,
): number {
  const ax = csrMatVecRef(A.rows, A.rowPtr, A.colIdx, A.values, x);
  let r = 0, n = 0;
  for (let i = 0; i < b.length; i++) { r += (b[i] - ax[i]) ** 2; n += b[i] ** 2; }
  return Math.sqrt(r / n);
}

/** Runs f and returns what it threw (failing the test when it did not throw). */
export function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

/** z = M^-1 r through wasm buffers of `rt` (default: P's runtime), freed afterwards even when apply throws. */
export function applyPreconditioner(
  P: { n: number; runtime: SparseRuntime; applyPtr(r: number, z: number): void },
  r: ArrayLike<number>,
  rt: SparseRuntime = P.runtime,
): Float64Array {
  const n = P.n;
  const pr = rt.alloc(n * 8), pz = rt.alloc(n * 8);
  try {
    rt.f64(pr, n).set(r);
    P.applyPtr(pr, pz);
    return rt.f64(pz, n).slice();
  } finally {
    rt.free(pr);
    rt.free(pz);
  }
}
