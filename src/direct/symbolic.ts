// Symbolic analysis of a sparse Cholesky factorization C = P A P^T = L L^T: the elimination tree,
// its postorder (folded into the permutation, so supernodes are contiguous ranges of columns),
// exact column counts of L (row subtrees: O(nnz(L))), fundamental supernodes, relaxed
// amalgamation (CHOLMOD's rule: merge a supernode into its parent when the explicit zeros this adds
// stay under a fraction that shrinks as the merged supernode grows), the row structure of each
// supernode, and the sizes the multifrontal numeric phase needs (stack simulation).
// Only the lower triangle of A (i >= j) is read; the caller checks symmetry. Integer work once per
// pattern, kept in TypeScript: O(nnz(L)) at most, well below the numeric phase (wasm).
import { eliminationTree, postorder, symmetricAdjacency } from './ordering/graph.js';

/** The permuted lower triangle of A and how to gather its values from A's CSR values. */
export interface LowerPattern {
  n: number;
  /** C's lower triangle by columns (row indices >= the column; diagonal included where stored) */
  colPtr: Int32Array;
  rowIdx: Int32Array;
  /** position in A.values of each entry */
  src: Int32Array;
}

export interface SymbolicFactor {
  n: number;
  /** final permutation: new index k <- old index perm[k] (the ordering, then the etree postorder) */
  perm: Int32Array;
  lower: LowerPattern;
  /** elimination tree of C (parent, -1 for roots), in the final numbering */
  parent: Int32Array;
  /** exact column counts of L (diagonal included) */
  colCount: Int32Array;
  /** nnz(L), diagonal included (exact, without amalgamation zeros) */
  nnzL: number;
  /** sum of colCount^2: the flop count of the factorization, about */
  flops: number;
  supernodes: number;
  superCol: Int32Array; // ns + 1
  superRowPtr: Int32Array; // ns + 1
  superRows: Int32Array;
  /** offsets (doubles) of each supernode's block of L; lOff[ns] = stored entries */
  lOff: Int32Array; // ns + 1
  nchild: Int32Array;
  storedEntries: number;
  maxFront: number;
  maxUpdate: number;
  maxColumns: number;
  /** doubles of the peak update-matrix stack */
  stackPeak: number;
}

/** Relaxed amalgamation thresholds (CHOLMOD's defaults). */
const NRELAX = [4, 16, 48];
const ZRELAX = [0.8, 0.1, 0.05];

/**
 * The lower triangle of A (CSR, square, sorted rows) under the permutation pinv (old -> new):
 * entry (i, j), i >= j, goes to (max, min) of (pinv[i], pinv[j]). Rows within a column unsorted.
 */
export function permutedLower(n: number, rowPtr: Int32Array, colIdx: Int32Array, pinv: Int32Array): LowerPattern {
  const colPtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const pi = pinv[i];
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
      const j = colIdx[p];
      if (j > i) break;
      const pj = pinv[j];
      colPtr[(pi < pj ? pi : pj) + 1]++;
    }
  }
  for (let k = 0; k < n; k++) colPtr[k + 1] += colPtr[k];
  const nnz = colPtr[n];
  const rowIdx = new Int32Array(nnz), src = new Int32Array(nnz);
  const next = colPtr.slice(0, n);
  for (let i = 0; i < n; i++) {
    const pi = pinv[i];
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
      const j = colIdx[p];
      if (j > i) break;
      const pj = pinv[j];
      const c = pi < pj ? pi : pj;
      const q = next[c]++;
      rowIdx[q] = pi < pj ? pj : pi;
      src[q] = p;
    }
  }
  return { n, colPtr, rowIdx, src };
}

/**
 * Column counts of L (diagonal included) by row subtrees (O(nnz(L))): row r of C = P A P^T is row
 * perm[r] of the symmetric pattern (ptr, adj), read in place; parent is C's postordered etree.
 */
function columnCounts(
  n: number, parent: Int32Array, rowPtr: Int32Array, colIdx: Int32Array, perm: Int32Array, pinv: Int32Array,
): Int32Array {
  const count = new Int32Array(n).fill(1);
  const mark = new Int32Array(n).fill(-1);
  for (let r = 0; r < n; r++) {
    mark[r] = r;
    const a = perm[r];
    for (let p = rowPtr[a]; p < rowPtr[a + 1]; p++) {
      const c = pinv[colIdx[p]];
      if (c >= r) continue;
      for (let j = c; mark[j] !== r; j = parent[j]) {
        mark[j] = r;
        count[j]++;
      }
    }
  }
  return count;
}

/**
 * The whole symbolic analysis for A (CSR arrays, square, sorted rows) and a fill-reducing
 * permutation `order` (new k <- old order[k]).
 */
export function analyzeSymbolic(
  n: number, rowPtr: Int32Array, colIdx: Int32Array, order: Int32Array, relax = true, symmetricStorage = false,
): SymbolicFactor {
  // 1. etree of the ordered matrix, its postorder, folded into the permutation; a matrix stored
  // as its lower triangle only is symmetrized first (the etree needs every neighbour of a row)
  const G = symmetricStorage ? { ptr: rowPtr, adj: colIdx } : symmetricAdjacency(n, rowPtr, colIdx);
  const parent0 = eliminationTree(n, G.ptr, G.adj, order);
  const post = postorder(n, parent0);
  const perm = new Int32Array(n);
  for (let k = 0; k < n; k++) perm[k] = order[post[k]];
  const pinv = inverse(perm);
  const postInv = inverse(post);
  const parent = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const p = parent0[post[k]];
    parent[k] = p === -1 ? -1 : postInv[p];
  }
  // 2. the postordered lower triangle and the column counts
  const lower = permutedLower(n, rowPtr, colIdx, pinv);
  const colCount = columnCounts(n, parent, G.ptr, G.adj, perm, pinv);
  let nnzL = 0, flops = 0;
  for (let j = 0; j < n; j++) {
    nnzL += colCount[j];
    flops += colCount[j] * colCount[j];
  }
  // 3. fundamental supernodes: j+1 joins j's when it is j's parent, its only child, and its
  // column is j's minus the diagonal
  const kids = new Int32Array(n);
  for (let j = 0; j < n; j++) if (parent[j] !== -1) kids[parent[j]]++;
  const fundFirst = new Int32Array(n + 1);
  let nf = 0;
  for (let j = 0; j < n; j++) {
    const join = j > 0 && parent[j - 1] === j && kids[j] === 1 && colCount[j - 1] === colCount[j] + 1;
    if (!join) fundFirst[nf++] = j;
  }
  fundFirst[nf++] = n;
  // 4. relaxed amalgamation over a stack of finished supernodes (postorder: a supernode's last
  // child ends just before it)
  const sFirst = new Int32Array(n), sNcol = new Int32Array(n), sM = new Int32Array(n), sZeros = new Float64Array(n);
  let top = 0; // supernodes finished so far (a stack: the last one may be merged into the next)
  const entries = (ncol: number, m: number) => ncol * m - (ncol * (ncol - 1)) / 2;
  for (let q = 0; q + 1 < nf; q++) {
    const f = fundFirst[q];
    let ncol = fundFirst[q + 1] - f, m = colCount[f], zeros = 0, start = f;
    while (relax && top > 0) {
      const t = top - 1;
      const tLast = sFirst[t] + sNcol[t] - 1;
      if (parent[tLast] !== start) break;
      const newNcol = sNcol[t] + ncol, newM = sNcol[t] + m;
      const total = entries(newNcol, newM);
      const newZeros = total - (entries(sNcol[t], sM[t]) - sZeros[t]) - (entries(ncol, m) - zeros);
      const z = newZeros / total;
      const merge = newNcol <= NRELAX[0] || (newNcol <= NRELAX[1] && z < ZRELAX[0]) ||
        (newNcol <= NRELAX[2] && z < ZRELAX[1]) || z < ZRELAX[2];
      if (!merge) break;
      start = sFirst[t];
      ncol = newNcol; m = newM; zeros = newZeros;
      top--;
    }
    sFirst[top] = start; sNcol[top] = ncol; sM[top] = m; sZeros[top] = zeros;
    top++;
  }
  const ns = top;
  const superCol = new Int32Array(ns + 1);
  for (let s = 0; s < ns; s++) superCol[s] = sFirst[s];
  superCol[ns] = n;
  const superOf = new Int32Array(n);
  for (let s = 0; s < ns; s++) for (let j = superCol[s]; j < superCol[s + 1]; j++) superOf[j] = s;
  // 5. supernode tree, children lists, row structures (own columns first, then the rows below)
  const sparent = new Int32Array(ns);
  const nchild = new Int32Array(ns);
  for (let s = 0; s < ns; s++) {
    const p = parent[superCol[s + 1] - 1];
    sparent[s] = p === -1 ? -1 : superOf[p];
    if (p !== -1) nchild[sparent[s]]++;
  }
  const childPtr = new Int32Array(ns + 1);
  for (let s = 0; s < ns; s++) childPtr[s + 1] = childPtr[s] + nchild[s];
  const childList = new Int32Array(childPtr[ns]);
  const fill = childPtr.slice(0, ns);
  for (let s = 0; s < ns; s++) if (sparent[s] !== -1) childList[fill[sparent[s]]++] = s;
  const superRowPtr = new Int32Array(ns + 1);
  let rowTotal = 0;
  for (let s = 0; s < ns; s++) rowTotal += sM[s];
  let superRows: Int32Array<ArrayBuffer> = new Int32Array(rowTotal);
  const mark = new Int32Array(n).fill(-1);
  let q = 0;
  for (let s = 0; s < ns; s++) {
    const f = superCol[s], l = superCol[s + 1];
    superRowPtr[s] = q;
    if (q + (l - f) > superRows.length) superRows = grow(superRows, q + (l - f));
    for (let j = f; j < l; j++) { superRows[q++] = j; mark[j] = s; }
    for (let j = f; j < l; j++) {
      for (let p = lower.colPtr[j]; p < lower.colPtr[j + 1]; p++) {
        const i = lower.rowIdx[p];
        if (mark[i] !== s) {
          mark[i] = s;
          if (q >= superRows.length) superRows = grow(superRows, q + 1);
          superRows[q++] = i;
        }
      }
    }
    for (let c = childPtr[s]; c < childPtr[s + 1]; c++) {
      const ch = childList[c];
      const ce = superRowPtr[ch + 1];
      for (let p = superRowPtr[ch] + (superCol[ch + 1] - superCol[ch]); p < ce; p++) {
        const i = superRows[p];
        if (mark[i] !== s) {
          mark[i] = s;
          if (q >= superRows.length) superRows = grow(superRows, q + 1);
          superRows[q++] = i;
        }
      }
    }
    superRowPtr[s + 1] = q;
  }
  if (q < superRows.length) superRows = superRows.slice(0, q);
  sortBelowRows(n, ns, superCol, superRowPtr, superRows);
  // 6. storage offsets and the workspace sizes of the numeric phase
  const lOff = new Int32Array(ns + 1);
  let stored = 0, maxFront = 0, maxUpdate = 0, maxColumns = 0, stackNow = 0, stackPeak = 0;
  const stackSizes: number[] = [];
  for (let s = 0; s < ns; s++) {
    const ncol = superCol[s + 1] - superCol[s], m = superRowPtr[s + 1] - superRowPtr[s], m2 = m - ncol;
    lOff[s] = stored;
    stored += ncol * m;
    if (stored > 0x7fffffff) lOff[s + 1] = -1; // flagged: too large for i32 offsets (caller refuses)
    maxFront = Math.max(maxFront, m);
    maxUpdate = Math.max(maxUpdate, m2);
    maxColumns = Math.max(maxColumns, ncol);
    for (let c = 0; c < nchild[s]; c++) stackNow -= stackSizes.pop()!;
    if (m2 > 0) {
      const u = (m2 * (m2 + 1)) / 2;
      stackSizes.push(u);
      stackNow += u;
      stackPeak = Math.max(stackPeak, stackNow);
    }
  }
  lOff[ns] = Math.min(stored, 0x7fffffff);
  return {
    n, perm, lower, parent, colCount, nnzL, flops, supernodes: ns, superCol, superRowPtr, superRows, lOff, nchild,
    storedEntries: stored, maxFront, maxUpdate, maxColumns, stackPeak,
  };
}

/**
 * Sorts the rows below each supernode's columns, all at once by a counting sort on the row
 * (per-supernode sorts of 1e5 short ranges cost more): a child's update then maps monotonically
 * into its parent's front, so its lower triangle lands in the parent's lower triangle.
 */
function sortBelowRows(n: number, ns: number, superCol: Int32Array, superRowPtr: Int32Array, rows: Int32Array): void {
  const start = new Int32Array(n + 1);
  for (let s = 0; s < ns; s++) {
    for (let p = superRowPtr[s] + superCol[s + 1] - superCol[s]; p < superRowPtr[s + 1]; p++) start[rows[p] + 1]++;
  }
  for (let r = 0; r < n; r++) start[r + 1] += start[r];
  const owner = new Int32Array(start[n]);
  for (let s = 0; s < ns; s++) {
    for (let p = superRowPtr[s] + superCol[s + 1] - superCol[s]; p < superRowPtr[s + 1]; p++) owner[start[rows[p]]++] = s;
  }
  // start[r] is now the end of row r's bucket; refill each supernode's range in increasing r
  const next = new Int32Array(ns);
  for (let s = 0; s < ns; s++) next[s] = superRowPtr[s] + superCol[s + 1] - superCol[s];
  for (let r = 0, q = 0; r < n; r++) {
    for (; q < start[r]; q++) rows[next[owner[q]]++] = r;
  }
}

function inverse(p: Int32Array): Int32Array {
  const inv = new Int32Array(p.length);
  for (let k = 0; k < p.length; k++) inv[p[k]] = k;
  return inv;
}

function grow(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}
