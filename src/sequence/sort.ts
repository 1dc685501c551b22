// Similarity ordering of a sequence (SKR's greedy nearest neighbour).
import { InvalidArgumentError, NonFiniteValueError } from '../errors.js';

/**
 * Greedy nearest-neighbour order of `count` points of dimension `dim` (row-major in `points`):
 * start at the point farthest from the centroid (an end of the set, so a one-parameter family is
 * walked from one end instead of from its middle), then repeatedly go to the nearest unvisited
 * point (squared Euclidean distance). O(count^2 dim) time, O(count) extra memory and no
 * allocation in the inner loop: 10,000 points of dimension 32 take about a second.
 * Deterministic: the same points give the same order.
 */
export function greedyOrder(points: Float64Array, count: number, dim: number): Int32Array {
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(dim) || dim < 1 || points.length < count * dim) {
    throw new InvalidArgumentError(`greedyOrder: need count * dim = ${count} * ${dim} numbers, got ${points.length}`);
  }
  const order = new Int32Array(count);
  if (count === 0) return order;
  for (let k = 0; k < count * dim; k++) {
    if (!Number.isFinite(points[k])) throw new NonFiniteValueError(`greedyOrder: coordinate ${k % dim} of point ${Math.floor(k / dim)} is ${points[k]}`);
  }
  const centroid = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let d = 0; d < dim; d++) centroid[d] += points[i * dim + d] / count;
  let start = 0, far = -1;
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) { const t = points[i * dim + d] - centroid[d]; s += t * t; }
    if (s > far) { far = s; start = i; }
  }
  // the unvisited points, compacted as they are used, so each step scans only what is left
  const left = new Int32Array(count);
  for (let i = 0; i < count; i++) left[i] = i;
  let nLeft = count;
  let cur = start;
  left[start] = left[--nLeft];
  order[0] = start;
  for (let step = 1; step < count; step++) {
    const c = cur * dim;
    let best = Infinity, bestPos = 0;
    for (let q = 0; q < nLeft; q++) {
      const o = left[q] * dim;
      let s = 0, d = 0;
      // four coordinates between the checks against the best so far (a far point stops early)
      for (; d + 4 <= dim && s < best; d += 4) {
        const t0 = points[o + d] - points[c + d], t1 = points[o + d + 1] - points[c + d + 1];
        const t2 = points[o + d + 2] - points[c + d + 2], t3 = points[o + d + 3] - points[c + d + 3];
        s += t0 * t0 + t1 * t1 + (t2 * t2 + t3 * t3);
      }
      for (; d < dim && s < best; d++) { const t = points[o + d] - points[c + d]; s += t * t; }
      if (s < best) { best = s; bestPos = q; }
    }
    cur = left[bestPos];
    left[bestPos] = left[--nLeft];
    order[step] = cur;
  }
  return order;
}
