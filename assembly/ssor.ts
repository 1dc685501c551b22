// ssor.ts: SSOR(omega) preconditioning straight from A's CSR, A = L + D + U:
//   M = omega/(2-omega) (D/omega + L) D^-1 (D/omega + U)
//   z = M^-1 r:  (D + omega L) y = r (forward sweep);  z = omega (2-omega) (D + omega U)^-1 D y
// The backward sweep runs in place on z: z_i = c y_i - omega d_i sum_{j>i} a_ij z_j with c = omega (2-omega),
// d_i = 1/a_ii, because the scaling by c commutes with the (linear) sweep.

import { lowerEnd, upperStart } from './trsv';
import { ldf, ldi, stf } from './ptr';
import { SSOR_OUT_ZERO, SSOR_OUT_NEGATIVE, SSOR_OUT_FIRST_ZERO } from './status';

/**
 * invD[i] = 1/a_ii. A zero or missing diagonal becomes 1 (replaceZero = 1) or stops (0).
 * out: the ssorDiagonal block (status.ts: zero and negative diagonals, first zero row).
 * Returns -1, or the first zero row when it stopped there.
 */
export function ssorDiagonal(n: i32, vals: usize, diagPos: usize, invD: usize, replaceZero: i32, out: usize): i32 {
  let zeros = 0, negatives = 0, first = -1;
  for (let i = 0; i < n; i++) {
    const dp = ldi(diagPos, i);
    let a: f64 = dp >= 0 ? ldf(vals, dp) : 0;
    if (a == 0) {
      if (!replaceZero) { first = i; break; }
      if (zeros == 0) first = i;
      zeros++;
      a = 1;
    } else if (a < 0) negatives++;
    stf(invD, i, 1 / a);
  }
  store<i32>(out, zeros, SSOR_OUT_ZERO);
  store<i32>(out, negatives, SSOR_OUT_NEGATIVE);
  store<i32>(out, first, SSOR_OUT_FIRST_ZERO);
  return replaceZero ? -1 : first;
}

/** 1 if A (square, sorted rows, diagPos from csrDiagonalSplit) equals A^T exactly, else 0. */
export function csrIsSymmetric(n: i32, rowPtr: usize, colIdx: usize, vals: usize, diagPos: usize): i32 {
  let upper = 0, lower = 0;
  for (let i = 0; i < n; i++) {
    const dp = ldi(diagPos, i);
    const re = ldi(rowPtr, i + 1);
    lower += lowerEnd(dp) - ldi(rowPtr, i);
    for (let p = upperStart(dp); p < re; p++) {
      upper++;
      const j = ldi(colIdx, p);
      // find (j, i) in the strictly lower part of row j: a scan for short rows, else bisection
      let lo = ldi(rowPtr, j);
      const le = lowerEnd(ldi(diagPos, j));
      if (le - lo <= 8) {
        while (lo < le && ldi(colIdx, lo) < i) lo++;
      } else {
        let hi = le;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (ldi(colIdx, mid) < i) lo = mid + 1; else hi = mid;
        }
      }
      if (lo >= le || ldi(colIdx, lo) != i || ldf(vals, lo) != ldf(vals, p)) return 0;
    }
  }
  return upper == lower ? 1 : 0;
}

/**
 * z = M^-1 r for SSOR(omega); invD from ssorDiagonal; r and z distinct. As in trsv.ts the term of
 * the neighbouring column comes last and its value from a register, so one multiply-subtract
 * links consecutive rows.
 */
export function ssorApply(
  n: i32, rowPtr: usize, colIdx: usize, vals: usize, diagPos: usize, invD: usize, omega: f64, r: usize, z: usize,
): void {
  // forward: y_i = d_i r_i - omega d_i sum_{j<i} a_ij y_j
  let prev: f64 = 0;
  for (let i = 0; i < n; i++) {
    const rs = ldi(rowPtr, i);
    const lo = lowerEnd(ldi(diagPos, i));
    const di = ldf(invD, i);
    const wi = omega * di;
    let t = ldf(r, i) * di;
    if (rs < lo) {
      const last = lo - 1;
      let s: f64 = 0;
      for (let p = rs; p < last; p++) s += ldf(vals, p) * ldf(z, ldi(colIdx, p));
      const c = ldi(colIdx, last);
      const yc = c == i - 1 ? prev : ldf(z, c);
      t = (t - wi * s) - (wi * ldf(vals, last)) * yc;
    }
    stf(z, i, t);
    prev = t;
  }
  // backward, in place: z_i = c y_i - omega d_i sum_{j>i} a_ij z_j
  const c = omega * (2 - omega);
  prev = 0;
  for (let i = n - 1; i >= 0; i--) {
    const up = upperStart(ldi(diagPos, i));
    const re = ldi(rowPtr, i + 1);
    const wi = omega * ldf(invD, i);
    let t = c * ldf(z, i);
    if (up < re) {
      let s: f64 = 0;
      for (let p = re - 1; p > up; p--) s += ldf(vals, p) * ldf(z, ldi(colIdx, p));
      const col = ldi(colIdx, up);
      const zc = col == i + 1 ? prev : ldf(z, col);
      t = (t - wi * s) - (wi * ldf(vals, up)) * zc;
    }
    stf(z, i, t);
    prev = t;
  }
}
