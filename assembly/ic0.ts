// ic0.ts: incomplete Cholesky IC(0), A ~ L L^T on the lower triangle of A's pattern (plus the
// diagonal), row by row ("up-looking"):
//   l_ik = (a_ik - sum_{j<k} l_ij l_kj) / l_kk,   l_ii = sqrt(a_ii - sum_{j<i} l_ij^2)
// with the sums taken over the pattern only. Storage (see trsv.ts): L strictly lower, rows scaled
// by d_i = 1/l_ii, and d; L^T is not stored (trsvLowerTransposedScaled solves with it column-wise
// over the rows of L). Because row k of L is stored
// scaled, l_ik = a_ik d_k - sum_j l_ij S_kj with S_kj = l_kj d_k: no division in the inner loop.

import { ldf, ldi, stf } from './ptr';
import { FACTOR_BAD_PIVOT, FACTOR_NOT_FINITE, FACTOR_OUT_STATUS, FACTOR_OUT_ROW, FACTOR_OUT_VALUE } from './status';

/**
 * Numeric IC(0) of A + alpha * S, S = diag(s_i) with s_i = |a_ii|, or the largest |a_ij| of row i
 * when a_ii is 0, or 1 for an empty row. A pivot l_ii^2 must be finite and > 1e-14 * |a_ii + alpha s_i|.
 * Returns -1 on success; else the row of the first failing pivot. out: the factorization status
 * block (status.ts: status, row, value).
 * Entries: A (rowPtr, colIdx, vals, diagPos from csrDiagonalSplit); L (lPtr, lCol, lVal); d: f64[n].
 */
export function ic0Factor(
  n: i32, rowPtr: usize, vals: usize, diagPos: usize,
  lPtr: usize, lCol: usize, lVal: usize, d: usize, alpha: f64, out: usize,
): i32 {
  for (let i = 0; i < n; i++) {
    const rs = ldi(rowPtr, i);
    const dp = ldi(diagPos, i);
    const lb = ldi(lPtr, i), le = ldi(lPtr, i + 1);
    let aii: f64 = dp >= 0 ? ldf(vals, dp) : 0;
    if (alpha != 0) {
      let s = abs(aii);
      if (s == 0) {
        const re = ldi(rowPtr, i + 1);
        for (let p = rs; p < re; p++) s = max(s, abs(ldf(vals, p)));
        if (s == 0) s = 1;
      }
      aii += alpha * s;
    }
    let diag: f64 = 0;
    let bad: f64 = 0; // becomes NaN if any l_ik is not finite
    for (let p = lb; p < le; p++) {
      const k = ldi(lCol, p);
      const dk = ldf(d, k);
      let s = ldf(vals, rs + (p - lb)) * dk;
      // s -= sum_{j<k} l_ij S_kj: merge row i (raw so far, [lb, p)) with row k (scaled)
      let a = lb, b = ldi(lPtr, k);
      const be = ldi(lPtr, k + 1);
      if (a < p && b < be) {
        let ca = ldi(lCol, a), cb = ldi(lCol, b);
        while (true) {
          if (ca == cb) {
            s -= ldf(lVal, a) * ldf(lVal, b);
            a++; b++;
            if (a >= p || b >= be) break;
            ca = ldi(lCol, a); cb = ldi(lCol, b);
          } else if (ca < cb) {
            a++;
            if (a >= p) break;
            ca = ldi(lCol, a);
          } else {
            b++;
            if (b >= be) break;
            cb = ldi(lCol, b);
          }
        }
      }
      stf(lVal, p, s); // raw l_ik until the row is done
      diag += s * s;
      bad += s - s;
    }
    const piv = aii - diag;
    if (!(piv > 1e-14 * abs(aii)) || bad != 0) {
      store<i32>(out, bad != 0 ? FACTOR_NOT_FINITE : FACTOR_BAD_PIVOT, FACTOR_OUT_STATUS);
      store<i32>(out, i, FACTOR_OUT_ROW);
      store<f64>(out, bad != 0 ? bad : piv, FACTOR_OUT_VALUE);
      return i;
    }
    const di = 1 / sqrt(piv);
    stf(d, i, di);
    for (let p = lb; p < le; p++) stf(lVal, p, ldf(lVal, p) * di);
  }
  return -1;
}
