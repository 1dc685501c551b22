// Matchings of rows to columns, to put nonzeros (or large entries) on the diagonal:
//   maxTransversal(A)      a maximum matching on the pattern (Duff's MC21: depth-first augmenting
//                          paths with a cheap-assignment look-ahead; Duff, ACM TOMS 7, 1981)
//   weightedMatching(A)    a perfect matching maximising prod |a(i, match(i))| and the scalings
//                          that make the matched entries 1 and every other entry at most 1 in
//                          magnitude (MC64 job 5: Duff & Koster, SIAM J. Matrix Anal. Appl. 22, 2001):
//                          successive shortest augmenting paths (Dijkstra) with dual variables
//   blockTriangularForm(A) rows and columns permuted to block upper triangular form: a zero-free
//                          diagonal from maxTransversal, then the strongly connected components of
//                          the graph of the permuted matrix (Tarjan 1972), in topological order
import { DimensionMismatchError, SingularMatrixError } from '../../errors.js';
import { checkOperand, type CsrMatrix } from '../../matrix/csr.js';

export interface TransversalResult {
  /** colOfRow[i] = the column matched to row i, or -1 */
  colOfRow: Int32Array;
  /** rowOfCol[j] = the row matched to column j, or -1 */
  rowOfCol: Int32Array;
  /** the number of matched rows: the structural rank of A */
  matched: number;
}

/**
 * A maximum matching of rows to columns on A's pattern (entries stored with value 0 count unless
 * `nonzeroOnly`). Works for rectangular A; `matched` is the structural rank.
 */
export function maxTransversal(A: CsrMatrix, options: { nonzeroOnly?: boolean } = {}): TransversalResult {
  checkOperand(A, 'A');
  const rowPtr = A.rowPtr.slice(), colIdx = A.colIdx.slice();
  if (options.nonzeroOnly) {
    const v = A.values;
    let q = 0;
    for (let i = 0; i < A.rows; i++) {
      const p0 = rowPtr[i];
      rowPtr[i] = q;
      for (let p = p0; p < rowPtr[i + 1]; p++) if (v[p] !== 0) colIdx[q++] = colIdx[p];
    }
    rowPtr[A.rows] = q;
  }
  return transversalOfPattern(A.rows, A.cols, rowPtr, colIdx);
}

/** maxTransversal on plain CSR pattern arrays. */
export function transversalOfPattern(m: number, n: number, rowPtr: Int32Array, colIdx: Int32Array): TransversalResult {
  const colOfRow = new Int32Array(m).fill(-1);
  const rowOfCol = new Int32Array(n).fill(-1);
  const cheap = rowPtr.slice(0, m); // look-ahead: next entry of each row not yet tried for a free column
  const next = new Int32Array(m); // DFS: next entry of each row on the current path
  const visited = new Int32Array(n).fill(-1); // the start row of the search that visited a column
  const pathRow = new Int32Array(m), pathCol = new Int32Array(m);
  let matched = 0;
  for (let s = 0; s < m; s++) {
    let top = 0;
    pathRow[0] = s;
    next[s] = rowPtr[s];
    let found = false;
    while (top >= 0) {
      const r = pathRow[top];
      const pe = rowPtr[r + 1];
      // cheap assignment: a free column in row r ends the path at once
      let p = cheap[r];
      while (p < pe && rowOfCol[colIdx[p]] !== -1) p++;
      cheap[r] = p < pe ? p + 1 : p;
      if (p < pe) {
        pathCol[top] = colIdx[p];
        found = true;
        break;
      }
      // else go deeper through a column not yet visited in this search
      let q = next[r];
      while (q < pe && visited[colIdx[q]] === s) q++;
      next[r] = q + 1;
      if (q < pe) {
        const c = colIdx[q];
        visited[c] = s;
        pathCol[top] = c;
        const r2 = rowOfCol[c];
        pathRow[++top] = r2;
        next[r2] = rowPtr[r2];
      } else {
        top--;
      }
    }
    if (!found) continue;
    for (let t = 0; t <= top; t++) {
      colOfRow[pathRow[t]] = pathCol[t];
      rowOfCol[pathCol[t]] = pathRow[t];
    }
    matched++;
  }
  return { colOfRow, rowOfCol, matched };
}

function structurallySingular(A: CsrMatrix, t: TransversalResult, what: string): SingularMatrixError {
  let row = 0;
  while (t.colOfRow[row] !== -1) row++;
  const unmatched = A.rows - t.matched;
  return new SingularMatrixError(
    `${what}: A (${A.rows} x ${A.cols}) is structurally singular: ${unmatched} of ${A.rows} rows cannot be matched ` +
    `to a distinct column with a nonzero entry (row ${row} is one of them); structural rank ${t.matched}`,
    'row', row,
  );
}

export interface WeightedMatchingResult {
  /** new row k <- old row rowPerm[k]: permuteRows(A, rowPerm) carries the matching on its diagonal */
  rowPerm: Int32Array;
  /** colOfRow[i] = the column matched to row i */
  colOfRow: Int32Array;
  /** with Dr = diag(rowScale), Dc = diag(colScale): |Dr A Dc| is 1 on the matching, <= 1 elsewhere */
  rowScale: Float64Array;
  colScale: Float64Array;
  /** sum of log |a(i, colOfRow[i])| (the maximised product, as a logarithm) */
  logProduct: number;
}

/**
 * MC64-like maximum-product matching of a square matrix: a row permutation putting large entries
 * on the diagonal, with row and column scalings after which the matched entries have magnitude 1
 * and all others at most 1. Entries stored as 0 are ignored. A structurally singular matrix (no
 * perfect matching on the nonzeros) is a SingularMatrixError naming an unmatched row.
 */
export function weightedMatching(A: CsrMatrix): WeightedMatchingResult {
  checkOperand(A, 'A');
  if (A.rows !== A.cols) throw new DimensionMismatchError(`weightedMatching needs a square matrix, got ${A.rows} x ${A.cols}`);
  const n = A.rows;
  const t = maxTransversal(A, { nonzeroOnly: true });
  if (t.matched < n) throw structurallySingular(A, t, 'weightedMatching');
  // column-wise data (CSC) with costs c(i, j) = log max_k |a(k, j)| - log |a(i, j)| >= 0
  const csc = A.toCsc();
  const cp = csc.indptr, ri = csc.indices, av = csc.data;
  const cost = new Float64Array(ri.length);
  const colMaxLog = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let mx = 0;
    for (let p = cp[j]; p < cp[j + 1]; p++) mx = Math.max(mx, Math.abs(av[p]));
    colMaxLog[j] = Math.log(mx);
    for (let p = cp[j]; p < cp[j + 1]; p++) cost[p] = av[p] === 0 ? Infinity : colMaxLog[j] - Math.log(Math.abs(av[p]));
  }
  // duals: reduced cost c(i, j) - u(i) - v(j) >= 0, zero on matched edges
  const u = new Float64Array(n).fill(Infinity), v = new Float64Array(n);
  for (let j = 0; j < n; j++) for (let p = cp[j]; p < cp[j + 1]; p++) if (cost[p] < u[ri[p]]) u[ri[p]] = cost[p];
  const rowOfCol = new Int32Array(n).fill(-1), colOfRow = new Int32Array(n).fill(-1);
  // greedy start on tight edges
  for (let j = 0; j < n; j++) {
    for (let p = cp[j]; p < cp[j + 1]; p++) {
      const i = ri[p];
      if (colOfRow[i] === -1 && cost[p] - u[i] === 0) { colOfRow[i] = j; rowOfCol[j] = i; break; }
    }
  }
  // shortest augmenting paths from each free column
  const dRow = new Float64Array(n).fill(Infinity); // tentative distance of rows
  const dCol = new Float64Array(n); // distance of scanned columns
  const predCol = new Int32Array(n); // the column a row was reached from
  const done = new Uint8Array(n); // row finalised
  const heap = new Int32Array(n), heapPos = new Int32Array(n).fill(-1);
  const touchedRows: number[] = [], scannedCols: number[] = [];
  const less = (a: number, b: number) => dRow[a] < dRow[b];
  const siftUp = (k: number) => {
    const x = heap[k];
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!less(x, heap[parent])) break;
      heap[k] = heap[parent]; heapPos[heap[k]] = k; k = parent;
    }
    heap[k] = x; heapPos[x] = k;
  };
  let heapSize = 0;
  const popMin = (): number => {
    const top = heap[0];
    heapPos[top] = -1;
    const x = heap[--heapSize];
    if (heapSize > 0) {
      let k = 0;
      for (;;) {
        let c = 2 * k + 1;
        if (c >= heapSize) break;
        if (c + 1 < heapSize && less(heap[c + 1], heap[c])) c++;
        if (!less(heap[c], x)) break;
        heap[k] = heap[c]; heapPos[heap[k]] = k; k = c;
      }
      heap[k] = x; heapPos[x] = k;
    }
    return top;
  };
  for (let j0 = 0; j0 < n; j0++) {
    if (rowOfCol[j0] !== -1) continue;
    heapSize = 0;
    let col = j0, dcol = 0, endRow = -1, delta = 0;
    dCol[j0] = 0;
    scannedCols.push(j0);
    for (;;) {
      // relax the rows of column `col`
      for (let p = cp[col]; p < cp[col + 1]; p++) {
        const i = ri[p];
        if (done[i]) continue;
        const d = dcol + cost[p] - u[i] - v[col];
        if (d < dRow[i]) {
          if (dRow[i] === Infinity) touchedRows.push(i);
          dRow[i] = d;
          predCol[i] = col;
          if (heapPos[i] === -1) { heap[heapSize] = i; heapPos[i] = heapSize; heapSize++; }
          siftUp(heapPos[i]);
        }
      }
      if (heapSize === 0) break; // cannot happen: a perfect matching exists
      const i = popMin();
      done[i] = 1;
      if (colOfRow[i] === -1) { endRow = i; delta = dRow[i]; break; }
      col = colOfRow[i];
      dcol = dCol[col] = dRow[i];
      scannedCols.push(col);
    }
    if (endRow === -1) throw structurallySingular(A, t, 'weightedMatching');
    // dual update keeps reduced costs >= 0 and makes the path tight
    for (const j of scannedCols) v[j] += delta - dCol[j];
    for (const i of touchedRows) {
      if (done[i]) u[i] -= delta - dRow[i];
      dRow[i] = Infinity;
      done[i] = 0;
      heapPos[i] = -1;
    }
    // augment along the path back to j0
    for (let i = endRow; ;) {
      const j = predCol[i];
      const prev = rowOfCol[j];
      rowOfCol[j] = i;
      colOfRow[i] = j;
      if (j === j0) break;
      i = prev;
    }
    touchedRows.length = 0;
    scannedCols.length = 0;
  }
  const rowScale = new Float64Array(n), colScale = new Float64Array(n);
  let logProduct = 0;
  for (let i = 0; i < n; i++) rowScale[i] = Math.exp(u[i]);
  for (let j = 0; j < n; j++) {
    colScale[j] = Math.exp(v[j] - colMaxLog[j]);
    logProduct += colMaxLog[j] - (u[rowOfCol[j]] + v[j]); // c = u + v on the matching
  }
  return { rowPerm: rowOfCol, colOfRow, rowScale, colScale, logProduct };
}

export interface BlockTriangularResult {
  /** A[rowPerm][:, colPerm] is block upper triangular with a zero-free diagonal */
  rowPerm: Int32Array;
  colPerm: Int32Array;
  /** block b holds rows/columns blocks[b] .. blocks[b+1]-1 (length nBlocks + 1) */
  blocks: Int32Array;
}

/**
 * Block upper triangular form of a square, structurally nonsingular matrix: a maximum transversal
 * puts a zero-free diagonal in place, and the strongly connected components of the resulting
 * directed graph are the diagonal blocks, ordered so that every entry lies on or above them. A
 * structurally singular matrix is a SingularMatrixError naming an unmatched row.
 */
export function blockTriangularForm(A: CsrMatrix): BlockTriangularResult {
  checkOperand(A, 'A');
  if (A.rows !== A.cols) throw new DimensionMismatchError(`blockTriangularForm needs a square matrix, got ${A.rows} x ${A.cols}`);
  const n = A.rows;
  const t = maxTransversal(A);
  if (t.matched < n) throw structurallySingular(A, t, 'blockTriangularForm');
  const rp = A.rowPtr.slice(), ci = A.colIdx.slice();
  // graph of B = A[:, colOfRow]: an entry A(i, c) is the edge i -> rowOfCol[c]
  const { rowOfCol, colOfRow } = t;
  // Tarjan's strongly connected components, iteratively
  const index = new Int32Array(n).fill(-1), low = new Int32Array(n);
  const onStack = new Uint8Array(n), stack = new Int32Array(n), callStack = new Int32Array(n), edge = new Int32Array(n);
  const comp = new Int32Array(n); // nodes in the order their components complete
  const compStart: number[] = [];
  let counter = 0, sp = 0, nComp = 0, written = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let csp = 0;
    callStack[0] = root;
    index[root] = low[root] = counter++;
    edge[root] = rp[root];
    stack[sp++] = root;
    onStack[root] = 1;
    while (csp >= 0) {
      const v = callStack[csp];
      if (edge[v] < rp[v + 1]) {
        const w = rowOfCol[ci[edge[v]++]];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          edge[w] = rp[w];
          stack[sp++] = w;
          onStack[w] = 1;
          callStack[++csp] = w;
        } else if (onStack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      // v finished
      if (low[v] === index[v]) {
        compStart.push(written);
        let w: number;
        do {
          w = stack[--sp];
          onStack[w] = 0;
          comp[written++] = w;
        } while (w !== v);
        nComp++;
      }
      csp--;
      if (csp >= 0) {
        const parent = callStack[csp];
        if (low[v] < low[parent]) low[parent] = low[v];
      }
    }
  }
  compStart.push(n);
  // Tarjan completes a component after every component reachable from it: reversed, edges point
  // only to the same or later blocks (upper triangular)
  const rowPerm = new Int32Array(n), colPerm = new Int32Array(n), blocks = new Int32Array(nComp + 1);
  let k = 0;
  for (let b = nComp - 1, out = 0; b >= 0; b--, out++) {
    blocks[out] = k;
    for (let q = compStart[b]; q < compStart[b + 1]; q++) {
      rowPerm[k] = comp[q];
      colPerm[k] = colOfRow[comp[q]];
      k++;
    }
  }
  blocks[nComp] = n;
  return { rowPerm, colPerm, blocks };
}
