// Fill- and bandwidth-reducing orderings. Reverse Cuthill-McKee (kernel in assembly/rcm.ts).
import { DimensionMismatchError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { SparseRuntime } from '../runtime/runtime.js';
import { checkOperand, CsrMatrix } from './csr.js';
import { add, bandwidth, symmetricPermute } from './ops.js';

export interface RcmOptions {
  /**
   * The ordering works on a symmetric pattern. 'auto' (default) uses A's pattern when it is
   * symmetric and the pattern of A + A^T otherwise; true always symmetrizes; false trusts A.
   */
  symmetrize?: 'auto' | boolean;
}

/** true when A's pattern equals its transpose's (values ignored). */
function patternSymmetric(A: CsrMatrix): boolean {
  if (A.rows !== A.cols) return false;
  const T = A.transpose();
  try {
    const a = A.colIdx, t = T.colIdx, ap = A.rowPtr, tp = T.rowPtr;
    for (let i = 0; i <= A.rows; i++) if (ap[i] !== tp[i]) return false;
    for (let p = 0; p < A.nnz; p++) if (a[p] !== t[p]) return false;
    return true;
  } finally {
    T.dispose();
  }
}

const RCM_OPTIONS = { symmetrize: { kind: 'enum', values: ['auto', true, false], default: 'auto' } } as const;

/**
 * Reverse Cuthill-McKee ordering of a square matrix: returns perm (new index i <- old index
 * perm[i]) such that `symmetricPermute(A, perm)` (= A[perm][:, perm]) has a small bandwidth.
 * Each connected component starts at a pseudo-peripheral node (George-Liu); neighbours are
 * visited by increasing degree.
 */
export function reverseCuthillMcKee(A: CsrMatrix, options: RcmOptions = {}): Int32Array {
  const sym = checkOptions('reverseCuthillMcKee', options, RCM_OPTIONS).symmetrize;
  const rt = checkOperand(A, 'A');
  if (A.rows !== A.cols) throw new DimensionMismatchError(`reverseCuthillMcKee needs a square matrix, got ${A.rows} x ${A.cols}`);
  const n = A.rows;
  let S: CsrMatrix | undefined;
  if (sym === true || (sym === 'auto' && !patternSymmetric(A))) {
    const T = A.transpose();
    try {
      S = add(A, T);
    } finally {
      T.dispose();
    }
  }
  try {
    return order(rt, S ?? A, n);
  } finally {
    S?.dispose();
  }
}

function order(rt: SparseRuntime, M: CsrMatrix, n: number): Int32Array {
  const got: number[] = [];
  try {
    const i32 = (len: number) => { const p = rt.alloc(Math.max(len, 1) * 4); got.push(p); return p; };
    const perm = i32(n), deg = i32(n), byDeg = i32(n), mark = i32(n), queue = i32(n), buckets = i32(n + 1);
    const keys = rt.alloc(Math.max(n, 1) * 8);
    got.push(keys);
    const out = i32(2);
    const m = M.pointers();
    rt.kernels.rcmOrder(n, m.rowPtr, m.colIdx, perm, deg, byDeg, mark, queue, buckets, keys, out);
    return rt.i32(perm, n).slice();
  } finally {
    for (const p of got) rt.free(p);
  }
}

export interface RcmResult {
  /** the reordered matrix P A P^T (caller disposes) */
  matrix: CsrMatrix;
  perm: Int32Array;
  bandwidthBefore: number;
  bandwidthAfter: number;
}

/** RCM ordering and the reordered matrix, with the bandwidth before and after. */
export function rcmReorder(A: CsrMatrix, options: RcmOptions = {}): RcmResult {
  const perm = reverseCuthillMcKee(A, options);
  const matrix = symmetricPermute(A, perm);
  return { matrix, perm, bandwidthBefore: bandwidth(A).bandwidth, bandwidthAfter: bandwidth(matrix).bandwidth };
}
