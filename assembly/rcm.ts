// Reverse Cuthill-McKee ordering (bandwidth reduction) of a symmetric pattern.
// For each connected component: start from an unvisited node of minimum degree, move to a
// pseudo-peripheral node (George & Liu 1979: repeat a breadth-first search from a minimum-degree
// node of the last level while the number of levels grows), then breadth-first search from it,
// visiting each node's unvisited neighbours in increasing degree (ties by index). The concatenated
// order is reversed at the end.

import { sortI64 } from './sort';
import { ldi, ldl, sti, stl } from './ptr';

const PLACED: i32 = -1;

/**
 * Breadth-first search from root over nodes not yet PLACED, stamping mark[] with `stamp`; the
 * visit order goes to queue[0..count). Returns the number of levels; *lastStart (out[0]) is the
 * queue index where the last level begins, out[1] the number of nodes reached.
 */
function bfs(rp: usize, ci: usize, root: i32, stamp: i32, mark: usize, queue: usize, out: usize): i32 {
  sti(queue, 0, root);
  sti(mark, root, stamp);
  let head = 0, tail = 1, levels = 0, lastStart = 0;
  while (head < tail) {
    const levelEnd = tail;
    lastStart = head;
    levels++;
    while (head < levelEnd) {
      const v = ldi(queue, head++);
      const pe = ldi(rp, v + 1);
      for (let p = ldi(rp, v); p < pe; p++) {
        const w = ldi(ci, p);
        const mw = ldi(mark, w);
        if (mw != stamp && mw != PLACED) {
          sti(mark, w, stamp);
          sti(queue, tail++, w);
        }
      }
    }
  }
  sti(out, 0, lastStart);
  sti(out, 1, tail);
  return levels;
}

/**
 * perm[k] = the node placed k-th (new index k <- old index perm[k]) for an n x n symmetric pattern
 * (rp, ci; the diagonal is ignored). Workspace: deg, byDeg, mark, queue: i32[n]; buckets: i32[n+1];
 * keys: i64[n]; out: i32[2]. Returns the number of connected components.
 */
export function rcmOrder(
  n: i32, rp: usize, ci: usize, perm: usize,
  deg: usize, byDeg: usize, mark: usize, queue: usize, buckets: usize, keys: usize, out: usize,
): i32 {
  if (n == 0) return 0;
  // degrees without the diagonal, and the nodes sorted by degree (counting sort, stable)
  memory.fill(buckets, 0, <usize>(n + 1) << 2);
  for (let v = 0; v < n; v++) {
    let d = 0;
    const pe = ldi(rp, v + 1);
    for (let p = ldi(rp, v); p < pe; p++) if (ldi(ci, p) != v) d++;
    sti(deg, v, d);
    sti(buckets, d + 1, ldi(buckets, d + 1) + 1);
  }
  for (let d = 0; d < n; d++) sti(buckets, d + 1, ldi(buckets, d + 1) + ldi(buckets, d));
  for (let v = 0; v < n; v++) {
    const d = ldi(deg, v);
    const q = ldi(buckets, d);
    sti(buckets, d, q + 1);
    sti(byDeg, q, v);
  }
  memory.fill(mark, 0, <usize>n << 2);
  let placed = 0, components = 0, stamp = 0, next = 0;
  while (placed < n) {
    // the unplaced node of least degree starts the component
    while (ldi(mark, ldi(byDeg, next)) == PLACED) next++;
    let root = ldi(byDeg, next);
    // pseudo-peripheral node
    let levels = bfs(rp, ci, root, ++stamp, mark, queue, out);
    while (true) {
      const lastStart = ldi(out, 0), reached = ldi(out, 1);
      let best = ldi(queue, lastStart);
      for (let k = lastStart + 1; k < reached; k++) {
        const w = ldi(queue, k);
        if (ldi(deg, w) < ldi(deg, best)) best = w;
      }
      if (best == root) break;
      const l2 = bfs(rp, ci, best, ++stamp, mark, queue, out);
      if (l2 <= levels) break;
      root = best;
      levels = l2;
    }
    // Cuthill-McKee from root: perm[placed..] is the queue
    let head = placed;
    sti(perm, placed++, root);
    sti(mark, root, PLACED);
    while (head < placed) {
      const v = ldi(perm, head++);
      const pe = ldi(rp, v + 1);
      let k = 0;
      for (let p = ldi(rp, v); p < pe; p++) {
        const w = ldi(ci, p);
        if (ldi(mark, w) != PLACED) {
          sti(mark, w, PLACED);
          stl(keys, k++, (<i64>ldi(deg, w) << 32) | <i64>w);
        }
      }
      if (k > 1) sortI64(keys, k);
      for (let t = 0; t < k; t++) sti(perm, placed++, <i32>(ldl(keys, t) & 0xffffffff));
    }
    components++;
  }
  // reverse
  for (let a = 0, b = n - 1; a < b; a++, b--) {
    const t = ldi(perm, a);
    sti(perm, a, ldi(perm, b));
    sti(perm, b, t);
  }
  return components;
}
