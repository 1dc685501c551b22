// ilu0.ts: incomplete LU ILU(0), A ~ L U on A's pattern plus the diagonal, IKJ (row) order:
//   for k < i in row i:  l_ik = w_k / u_kk;  w_j -= l_ik u_kj  for j > k in both patterns
// Storage (see trsv.ts): L strictly lower (unit diagonal implied), U strictly upper with rows
// scaled by d_i = 1/u_ii, and d. With U scaled, l_ik u_kj = w_k S_kj: the update needs no l_ik.
// iw[col] holds the address of the value slot of column col in the row being eliminated (0: not in
// the pattern), so the update is one load, test and store per entry of row k.

import { lowerEnd, upperStart } from './trsv';
import { ldf, ldi, stf, sti } from './ptr';
import {
  FACTOR_OK, FACTOR_BAD_PIVOT, FACTOR_NOT_FINITE, FACTOR_OUT_STATUS, FACTOR_OUT_ROW, FACTOR_OUT_VALUE,
  FACTOR_OUT_FIRST_SHIFTED, FACTOR_OUT_SHIFTED, FACTOR_OUT_GROWTH_L, FACTOR_OUT_GROWTH_U,
} from './status';

/** Relative size of a pivot below which it counts as zero: |u_ii| <= PIVOT_TOL * max_j |a_ij| */
const PIVOT_TOL: f64 = 1e-12;
/**
 * Replaces a zero or tiny pivot u of a row whose largest |a_ij| is rowMax by
 * sign(u) * shift * rowMax (1 for an empty row; sign + for u = 0); shared with ILUT.
 */
@inline export function shiftedPivot(u: f64, rowMax: f64, shift: f64): f64 {
  const tau = rowMax > 0 ? shift * rowMax : 1;
  return u < 0 ? -tau : tau;
}

/** max(a, b) for non-NaN a, b as a select (Math.max semantics cost extra instructions) */
@inline export function fmax(a: f64, b: f64): f64 { return select<f64>(a, b, a > b); }

/** true if u is usable as a pivot for a row whose largest |a_ij| is rowMax. */
@inline export function goodPivot(u: f64, rowMax: f64): bool {
  return abs(u) > PIVOT_TOL * rowMax && u - u == 0;
}

/**
 * Numeric ILU(0). A: rowPtr, colIdx, vals, diagPos (csrDiagonalSplit); L: lPtr, lCol, lVal;
 * U: uPtr, uCol, uVal; d: f64[n]; iw: i32[n] workspace (zeroed here, left zeroed).
 * A bad pivot (zero, tiny, or not finite) is shifted (stopOnBad = 0) or stops the factorization
 * (stopOnBad = 1); shift: see shiftedPivot. out: the factorization status block (status.ts; the
 * growth fields only on success). Returns the number of shifted pivots.
 */
export function ilu0Factor(
  n: i32, rowPtr: usize, colIdx: usize, vals: usize, diagPos: usize,
  lPtr: usize, lCol: usize, lVal: usize, uPtr: usize, uCol: usize, uVal: usize, d: usize, iw: usize,
  stopOnBad: i32, shift: f64, out: usize,
): i32 {
  memory.fill(iw, 0, <usize>n << 2);
  store<i32>(out, FACTOR_OK, FACTOR_OUT_STATUS);
  store<i32>(out, -1, FACTOR_OUT_ROW);
  store<i32>(out, -1, FACTOR_OUT_FIRST_SHIFTED);
  let shifted = 0;
  let lMax: f64 = 0, uMax: f64 = 0;
  for (let i = 0; i < n; i++) {
    const rs = ldi(rowPtr, i), re = ldi(rowPtr, i + 1);
    const dp = ldi(diagPos, i);
    const lo = lowerEnd(dp), up = upperStart(dp);
    const lb = ldi(lPtr, i), ub = ldi(uPtr, i);
    const le = lb + (lo - rs), ue = ub + (re - up);
    // scatter row i of A into the L, diagonal and U slots
    let rowMax: f64 = 0;
    for (let p = rs; p < lo; p++) {
      const v = ldf(vals, p);
      rowMax = fmax(rowMax, abs(v));
      const q = lb + (p - rs);
      stf(lVal, q, v);
      sti(iw, ldi(colIdx, p), <i32>(lVal + (<usize>q << 3)));
    }
    const dslot = d + (<usize>i << 3);
    let aii: f64 = 0;
    if (dp >= 0) { aii = ldf(vals, dp); rowMax = fmax(rowMax, abs(aii)); }
    store<f64>(dslot, aii);
    sti(iw, i, <i32>dslot);
    for (let p = up; p < re; p++) {
      const v = ldf(vals, p);
      rowMax = fmax(rowMax, abs(v));
      const q = ub + (p - up);
      stf(uVal, q, v);
      sti(iw, ldi(colIdx, p), <i32>(uVal + (<usize>q << 3)));
    }
    // eliminate with the rows k < i of the pattern, in increasing k
    let bad: f64 = 0; // becomes NaN if an entry of the row is not finite
    for (let p = lb; p < le; p++) {
      const k = ldi(lCol, p);
      const wk = ldf(lVal, p);
      const l = wk * ldf(d, k);
      stf(lVal, p, l);
      bad += l - l;
      lMax = fmax(lMax, abs(l));
      const qe = ldi(uPtr, k + 1);
      for (let q = ldi(uPtr, k); q < qe; q++) {
        const a = <usize>ldi(iw, ldi(uCol, q));
        if (a != 0) store<f64>(a, load<f64>(a) - wk * ldf(uVal, q));
      }
    }
    // pivot
    let u = load<f64>(dslot);
    let status = FACTOR_OK;
    if (!goodPivot(u, rowMax)) {
      if (stopOnBad) { status = FACTOR_BAD_PIVOT; store<f64>(out, u, FACTOR_OUT_VALUE); }
      else {
        if (shifted == 0) store<i32>(out, i, FACTOR_OUT_FIRST_SHIFTED);
        shifted++;
        u = shiftedPivot(u, rowMax, shift);
      }
    }
    const di = 1 / u;
    store<f64>(dslot, di);
    // scale U's row, track the growth max(|l_ij|, |u_ij| / max_k |a_ik|)
    let big = abs(u);
    for (let q = ub; q < ue; q++) {
      const raw = ldf(uVal, q);
      big = fmax(big, abs(raw));
      const x = raw * di;
      stf(uVal, q, x);
      bad += x - x;
    }
    uMax = fmax(uMax, big / (rowMax > 0 ? rowMax : 1));
    // clear the row's slots
    for (let p = rs; p < re; p++) sti(iw, ldi(colIdx, p), 0);
    sti(iw, i, 0);
    if (status == FACTOR_OK && bad != 0) { status = FACTOR_NOT_FINITE; store<f64>(out, bad, FACTOR_OUT_VALUE); }
    if (status != FACTOR_OK) {
      store<i32>(out, status, FACTOR_OUT_STATUS);
      store<i32>(out, i, FACTOR_OUT_ROW);
      return shifted;
    }
  }
  store<i32>(out, shifted, FACTOR_OUT_SHIFTED);
  store<f64>(out, lMax, FACTOR_OUT_GROWTH_L);
  store<f64>(out, uMax, FACTOR_OUT_GROWTH_U);
  return shifted;
}
