// Fill-reducing orderings by approximate minimum degree (quotient-graph.ts does the work):
//   amd(A)    symmetric ordering for Cholesky / LDL^T (pattern of A + A^T)
//   colamd(A) column ordering for LU: minimum degree on the pattern of A^T A, which is never formed:
//             each row of A starts as an element (the clique it contributes to A^T A), as in COLAMD.
import { DimensionMismatchError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { checkOperand, type CsrMatrix } from '../../matrix/csr.js';
import { amdQuotientGraph, type QuotientGraph } from './quotient-graph.js';
import { eliminationTree, postorder, symmetricAdjacency } from './graph.js';

export interface AmdOptions {
  /**
   * Dense-row threshold factor: a node with more than max(16, dense * sqrt(n)) neighbours is
   * ordered last and ignored while ordering the rest (AMD's default 10). Infinity: none is dense.
   */
  dense?: number;
  /** aggressive absorption of elements contained in the new element (default true) */
  aggressive?: boolean;
  /**
   * postorder the elimination tree of the result (default true): the same fill, with every
   * subtree's columns contiguous, which is what a supernodal factorization wants
   */
  postorder?: boolean;
}

const AMD_OPTIONS = {
  dense: { kind: 'number', min: 0, default: 10 },
  aggressive: { kind: 'boolean', default: true },
  postorder: { kind: 'boolean', default: true },
} as const;

function denseThreshold(n: number, factor: number): number {
  if (factor === Infinity) return n;
  return Math.min(n, Math.max(16, Math.floor(factor * Math.sqrt(n))));
}

/** A copy of the CSR pattern arrays (views into wasm memory must not outlive the next allocation). */
function patternOf(A: CsrMatrix): { rowPtr: Int32Array; colIdx: Int32Array } {
  return { rowPtr: A.rowPtr.slice(), colIdx: A.colIdx.slice() };
}

/**
 * Approximate minimum degree ordering of a square matrix's symmetric pattern (A + A^T; the
 * diagonal and the values are ignored). Returns perm: new index k <- old index perm[k], so that
 * `symmetricPermute(A, perm)` (= A[perm][:, perm]) has a sparse Cholesky factor.
 */
export function amd(A: CsrMatrix, options: AmdOptions = {}): Int32Array {
  const opts = checkOptions('amd', options, AMD_OPTIONS);
  checkOperand(A, 'A');
  if (A.rows !== A.cols) throw new DimensionMismatchError(`amd needs a square matrix, got ${A.rows} x ${A.cols}`);
  const { rowPtr, colIdx } = patternOf(A);
  return amdOfPattern(A.rows, rowPtr, colIdx, opts);
}

/** amd() on plain CSR pattern arrays (for the factorizations, which hold their own copies). */
export function amdOfPattern(n: number, rowPtr: Int32Array, colIdx: Int32Array, options: AmdOptions = {}): Int32Array {
  const opts = checkOptions('amd', options, AMD_OPTIONS);
  const { ptr, adj } = symmetricAdjacency(n, rowPtr, colIdx);
  const nnz = adj.length;
  // room for the lists plus new elements; the core compacts (and grows if ever needed)
  const iw = new Int32Array(nnz + Math.floor(nnz / 5) + 2 * n + 1);
  iw.set(adj);
  const len = new Int32Array(n), pe = new Int32Array(n), degree = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    pe[i] = ptr[i];
    len[i] = degree[i] = ptr[i + 1] - ptr[i];
  }
  const g: QuotientGraph = { nVars: n, nElems: 0, pe, len, elen: new Int32Array(n), degree, iw, used: nnz };
  const { perm } = amdQuotientGraph(g, { denseDegree: denseThreshold(n, opts.dense), aggressive: opts.aggressive });
  if (!opts.postorder || n === 0) return perm;
  const post = postorder(n, eliminationTree(n, ptr, adj, perm));
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) out[k] = perm[post[k]];
  return out;
}

export interface ColamdOptions {
  /**
   * Dense threshold factor: rows of A with more than max(16, dense * sqrt(n)) entries are left out
   * of the A^T A pattern (they would make it dense; LU handles them fine at the end), and columns
   * of larger approximate degree are ordered last. Default 10.
   */
  dense?: number;
  /** aggressive absorption (default true) */
  aggressive?: boolean;
}

const COLAMD_OPTIONS = {
  dense: { kind: 'number', min: 0, default: 10 },
  aggressive: { kind: 'boolean', default: true },
} as const;

/**
 * Column ordering q for a sparse LU of A (m x n): approximate minimum degree on the pattern of
 * A^T A, whose Cholesky factor bounds the fill of the LU factors of A[:, q] for every row pivoting
 * (George & Ng). A^T A is not formed: each row of A enters the quotient graph as an element.
 * Returns q: new column k <- old column q[k].
 */
export function colamd(A: CsrMatrix, options: ColamdOptions = {}): Int32Array {
  const opts = checkOptions('colamd', options, COLAMD_OPTIONS);
  checkOperand(A, 'A');
  const { rowPtr, colIdx } = patternOf(A);
  return colamdOfPattern(A.rows, A.cols, rowPtr, colIdx, opts);
}

/** colamd() on plain CSR pattern arrays. */
export function colamdOfPattern(m: number, n: number, rowPtr: Int32Array, colIdx: Int32Array, options: ColamdOptions = {}): Int32Array {
  const opts = checkOptions('colamd', options, COLAMD_OPTIONS);
  const denseRow = denseThreshold(n, opts.dense);
  // rows kept (not dense, not empty), with duplicate columns removed
  const seen = new Int32Array(n).fill(-1);
  const rowLen = new Int32Array(m);
  let kept = 0, entries = 0;
  for (let r = 0; r < m; r++) {
    let c = 0;
    for (let p = rowPtr[r], pe = rowPtr[r + 1]; p < pe; p++) {
      const j = colIdx[p];
      if (seen[j] !== r) { seen[j] = r; c++; }
    }
    if (c > denseRow || c === 0) continue;
    rowLen[r] = c;
    kept++;
    entries += c;
  }
  // node numbering: columns 0..n-1, kept rows n..n+kept-1
  const nNodes = n + kept;
  const colCount = new Int32Array(n);
  for (let r = 0; r < m; r++) {
    if (rowLen[r] === 0) continue;
    for (let p = rowPtr[r], pe = rowPtr[r + 1]; p < pe; p++) colCount[colIdx[p]]++; // duplicates over-count; fixed below
  }
  const pe = new Int32Array(nNodes), len = new Int32Array(nNodes), elen = new Int32Array(nNodes), degree = new Int32Array(nNodes);
  const iw = new Int32Array(2 * entries + Math.floor(entries / 5) + 2 * nNodes + 1 + colCountSum(colCount));
  // column lists first (each: its rows, all elements), then row lists
  let q = 0;
  for (let j = 0; j < n; j++) { pe[j] = q; q += colCount[j]; }
  const fillPos = pe.slice(0, n);
  seen.fill(-1);
  let e = n;
  for (let r = 0; r < m; r++) {
    if (rowLen[r] === 0) continue;
    pe[e] = q;
    for (let p = rowPtr[r], pe2 = rowPtr[r + 1]; p < pe2; p++) {
      const j = colIdx[p];
      if (seen[j] === r) continue;
      seen[j] = r;
      iw[q++] = j;
      iw[fillPos[j]++] = e;
    }
    len[e] = degree[e] = rowLen[r];
    e++;
  }
  for (let j = 0; j < n; j++) {
    len[j] = elen[j] = fillPos[j] - pe[j];
    // initial degree bound: the sum over its rows of (|row| - 1)
    let d = 0;
    for (let p = pe[j], pe2 = pe[j] + len[j]; p < pe2; p++) d += len[iw[p]] - 1;
    degree[j] = Math.min(d, n);
  }
  const g: QuotientGraph = { nVars: n, nElems: kept, pe, len, elen, degree, iw, used: q };
  return amdQuotientGraph(g, { denseDegree: n, aggressive: opts.aggressive }).perm;
}

function colCountSum(c: Int32Array): number {
  let s = 0;
  for (let i = 0; i < c.length; i++) s += c[i];
  return s;
}
