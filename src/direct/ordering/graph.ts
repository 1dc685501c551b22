// Pattern helpers for the orderings: the symmetric adjacency of A + A^T without the diagonal, the
// elimination tree of a permuted symmetric pattern, and its postorder.

/**
 * Adjacency (ptr, adj) of the pattern of A + A^T without the diagonal, each list sorted and free
 * of duplicates (so that A, A^T and A + A^T give the same graph, and the same orderings). The
 * rows of A must have sorted columns (CsrMatrix keeps them so).
 */
export function symmetricAdjacency(n: number, rowPtr: Int32Array, colIdx: Int32Array): { ptr: Int32Array; adj: Int32Array } {
  // the transpose's pattern by a counting pass: its rows come out sorted
  const tp = new Int32Array(n + 1);
  for (let p = 0, pe = rowPtr[n]; p < pe; p++) tp[colIdx[p] + 1]++;
  for (let i = 0; i < n; i++) tp[i + 1] += tp[i];
  const fill = tp.slice(0, n);
  const ti = new Int32Array(rowPtr[n]);
  for (let i = 0; i < n; i++) for (let p = rowPtr[i], pe = rowPtr[i + 1]; p < pe; p++) ti[fill[colIdx[p]]++] = i;
  // merge row i of A with row i of A^T, dropping the diagonal and duplicates
  const ptr = new Int32Array(n + 1);
  const adj = new Int32Array(2 * rowPtr[n]);
  let q = 0;
  for (let i = 0; i < n; i++) {
    ptr[i] = q;
    let a = rowPtr[i], t = tp[i];
    const ae = rowPtr[i + 1], te = tp[i + 1];
    let prev = -1;
    while (a < ae || t < te) {
      let j: number;
      if (t >= te || (a < ae && colIdx[a] <= ti[t])) j = colIdx[a++]; else j = ti[t++];
      if (j !== i && j !== prev) adj[q++] = j;
      prev = j;
    }
  }
  ptr[n] = q;
  return { ptr, adj: adj.slice(0, q) };
}

/**
 * Elimination tree of P S P^T for the symmetric adjacency S and perm (new k <- old perm[k]);
 * parent[k] = -1 for a root. Liu's algorithm with path compression (ancestor links).
 */
export function eliminationTree(n: number, ptr: Int32Array, adj: Int32Array, perm: Int32Array): Int32Array {
  const inv = new Int32Array(n);
  for (let k = 0; k < n; k++) inv[perm[k]] = k;
  const parent = new Int32Array(n).fill(-1);
  const ancestor = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    const v = perm[k];
    for (let p = ptr[v], pe = ptr[v + 1]; p < pe; p++) {
      let i = inv[adj[p]];
      // climb from i to the root of its current subtree, linking every node passed to k
      while (i !== -1 && i < k) {
        const up = ancestor[i];
        ancestor[i] = k;
        if (up === -1) { parent[i] = k; break; }
        i = up;
      }
    }
  }
  return parent;
}

/** A postorder of the forest `parent` (children before parents, subtrees contiguous). */
export function postorder(n: number, parent: Int32Array): Int32Array {
  const firstChild = new Int32Array(n).fill(-1);
  const sibling = new Int32Array(n).fill(-1);
  // children lists built in reverse so that each list is in increasing order
  for (let j = n - 1; j >= 0; j--) {
    const p = parent[j];
    if (p === -1) continue;
    sibling[j] = firstChild[p];
    firstChild[p] = j;
  }
  const post = new Int32Array(n);
  const stack = new Int32Array(n);
  let k = 0;
  for (let root = 0; root < n; root++) {
    if (parent[root] !== -1) continue;
    let top = 0;
    stack[0] = root;
    while (top >= 0) {
      const v = stack[top];
      const c = firstChild[v];
      if (c === -1) {
        post[k++] = v;
        top--;
      } else {
        firstChild[v] = sibling[c]; // the next child on the next visit
        stack[++top] = c;
      }
    }
  }
  return post;
}

/**
 * nnz of the Cholesky factor L (diagonal included) of P S P^T, by walking each row's subtree of the
 * elimination tree (O(nnz(L)) time; fine for checking an ordering, not meant for the factorization).
 */
export function choleskyFactorNnz(n: number, ptr: Int32Array, adj: Int32Array, perm: Int32Array): number {
  const parent = eliminationTree(n, ptr, adj, perm);
  const inv = new Int32Array(n);
  for (let k = 0; k < n; k++) inv[perm[k]] = k;
  const flag = new Int32Array(n).fill(-1);
  let nnz = n;
  for (let k = 0; k < n; k++) {
    flag[k] = k;
    const v = perm[k];
    for (let p = ptr[v], pe = ptr[v + 1]; p < pe; p++) {
      for (let i = inv[adj[p]]; i < k && flag[i] !== k; i = parent[i]) {
        flag[i] = k;
        nnz++; // L(k, i) is nonzero
      }
    }
  }
  return nnz;
}
