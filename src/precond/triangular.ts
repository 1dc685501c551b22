// Shared by the factorization preconditioners (IC(0), ILU(0), ILUT) and SSOR: the wasm kernels
// they call (assembly/trsv.ts, ic0.ts, ilu0.ts, ilut.ts, ssor.ts), option checks and read-back
// of factors.
import { InvalidArgumentError } from '../errors.js';
import type { Kernels } from '../runtime/kernels.js';
import type { SparseRuntime } from '../runtime/runtime.js';
import type { PivotPolicy } from './types.js';

export function kernels(rt: SparseRuntime): Kernels {
  return rt.kernels;
}

/** A sparse triangle copied out of wasm memory (SciPy-style CSR arrays). */
export interface CsrArrays {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
}

/** Rejects option keys outside `known` and a pivot policy other than 'shift' | 'error'. */
export function checkOptions(name: string, options: object, known: readonly string[]): void {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${name}: options must be an object`);
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new InvalidArgumentError(`${name}: unknown option "${k}" (known: ${known.join(', ')})`);
  }
}

export function pivotPolicy(name: string, pivot: unknown): PivotPolicy {
  const p = pivot ?? 'shift';
  if (p !== 'shift' && p !== 'error') throw new InvalidArgumentError(`${name}: pivot must be 'shift' or 'error', got ${String(p)}`);
  return p;
}

/** -3.2e-5 style */
export function fmt(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(3)));
  return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/**
 * Copies a triangle out of wasm memory. `scaled`: its rows are stored multiplied by d_i (see
 * assembly/trsv.ts) and are returned divided by it; `diagonal`: add 1/d_i as the first or last
 * entry of each row (columns stay sorted for an upper or a lower triangle).
 */
export function readTriangle(
  rt: SparseRuntime, n: number, ptr: number, col: number, val: number, d: number,
  options: { scaled: boolean; diagonal: 'none' | 'first' | 'last' },
): CsrArrays {
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
  return { rows: n, cols: n, indptr, indices, data };
}

/**
 * ILU(0)/ILUT: a bad pivot is replaced by sign(u_ii) * PIVOT_SHIFT * max_j |a_ij|. Measured on the
 * shared matrices with missing diagonals (west0067, impcol_a, bp_1200, rbs480a; GMRES(50)): a
 * replacement of the row's own size keeps the factors bounded, while 1e-4 or 1e-8 of it makes
 * them grow to 1e10..1e160 or overflow, and GMRES then fails.
 */
export const PIVOT_SHIFT = 1;
