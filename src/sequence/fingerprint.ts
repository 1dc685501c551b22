// A cheap fingerprint of a system (A, b) for similarity sorting when the caller gives no features.
import type { CsrArrays } from './generators.js';

/** Buckets of the matrix part and of the right-hand-side part of a fingerprint. */
export const FINGERPRINT_MATRIX_DIM = 24;
export const FINGERPRINT_RHS_DIM = 8;
export const FINGERPRINT_DIM = FINGERPRINT_MATRIX_DIM + FINGERPRINT_RHS_DIM;

/** A 32-bit integer hash (murmur3's finalizer) of one or two integers. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Writes the fingerprint of (A, b) into out[offset .. offset + FINGERPRINT_DIM).
 *
 * Design: a count sketch (a random linear map) of the matrix entries and of b. Entry (i, j)
 * goes, by a fixed hash of (i, j), to one of 24 buckets with a sign of +-1; b_i to one of 8 by a
 * hash of i. Why this:
 *  - linear: the sketch of A - A' is the sketch of A minus the sketch of A', so distances between
 *    fingerprints estimate ||A - A'||_F (Johnson-Lindenstrauss), and a one-parameter family
 *    A0 + t A1 maps onto a straight line with t in order, exactly;
 *  - keyed by (row, column), not by position in the values array, so matrices with different
 *    patterns are compared entry by entry;
 *  - one pass over the nonzeros, no wasm memory, no allocation.
 * The two parts are divided by `scaleA` and `scaleB` (solveSequence uses the Frobenius norm of
 * the first matrix and the norm of the first b), so both weigh alike whatever their units; the
 * same scales for every system keep the map linear.
 */
export function fingerprintInto(
  A: CsrArrays | null, b: ArrayLike<number> | null, scaleA: number, scaleB: number, out: Float64Array, offset: number,
): void {
  out.fill(0, offset, offset + FINGERPRINT_DIM);
  if (A) {
    const { indptr, indices, data } = A;
    const sa = scaleA > 0 ? 1 / scaleA : 1;
    for (let i = 0; i < A.rows; i++) {
      const hi = Math.imul(i + 1, 0x9e3779b1);
      for (let p = indptr[i]; p < indptr[i + 1]; p++) {
        const h = mix(hi ^ Math.imul(indices[p] + 1, 0x7feb352d));
        const bucket = (h >>> 1) % FINGERPRINT_MATRIX_DIM;
        out[offset + bucket] += (h & 1 ? sa : -sa) * data[p];
      }
    }
  }
  if (b) {
    const sb = scaleB > 0 ? 1 / scaleB : 1;
    const base = offset + FINGERPRINT_MATRIX_DIM;
    for (let i = 0; i < b.length; i++) {
      const h = mix(Math.imul(i + 1, 0x27d4eb2f) ^ 0x165667b1);
      out[base + ((h >>> 1) % FINGERPRINT_RHS_DIM)] += (h & 1 ? sb : -sb) * b[i];
    }
  }
}

/** sqrt(sum of squares) of a matrix's values. */
export function frobenius(data: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < data.length; k++) s += data[k] * data[k];
  return Math.sqrt(s);
}
