// Similarity ordering of a sequence (SKR's greedy nearest neighbour).
import { InvalidArgumentError, NonFiniteValueError } from '../errors.js';

/**
 * Greedy nearest-neighbour order of `count` points of dimension `dim` (row-major in `points`):
 * start at the point farthest from the centroid (an end of the set, so a one-parameter family is
 * walked from one end instead of from its middle), then repeatedly go to the nearest unvisited
 * point (squared Euclidean distance); finally the walk is reversed when its last quarter of steps
 * is shorter than its first (so it starts where neighbours are closest). O(count^2 dim) time, O(count) extra memory and no
 * allocation in the inner loop: 10,000 points of dimension 32 take about a second.
 * Deterministic: the same points give the same order.
 */
export function greedyOrder(points: Float64Array, count: number, dim: number): Int32Array {
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(dim) || dim < 1 || points.length < count * dim) {
    throw new InvalidArgumentError(`greedyOrder: need count * dim = ${count} * ${dim} numbers, got ${points.length}`);
  }
  const order = new Int32Array(count);
  if (count === 0) return order;
  /** distance of each step of the walk */
  const steps = new Float64Array(Math.max(count - 1, 0));
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
    steps[step - 1] = Math.sqrt(best);
  }
  // Direction: the walk starts at the far end it found, but which end comes first matters to
  // what follows (the first solves get the weakest initial guesses, with few earlier solutions to
  // project on). Start from the end where neighbours are closest: there a guess from one or two
  // solutions is already good, and the looser steps come later, when the guess spans more
  // solutions. Measured on the shuffled varcoef sequence (its steps are 0.05 apart at the mild end
  // and 0.12 at the rough end): CG+IC(0) with the Galerkin guess took 1,937 iterations walking
  // from the rough end and 1,814 (the true order's) from the mild one; with only the previous
  // solution as guess the direction changed 1 iteration in 3,600.
  const m = Math.max(1, Math.floor((count - 1) / 4));
  let head = 0, tail = 0;
  for (let k = 0; k < m && k < count - 1; k++) { head += steps[k]; tail += steps[count - 2 - k]; }
  if (tail < head) order.reverse();
  return order;
}
