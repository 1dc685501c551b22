// ilut.ts: ILUT(tau, p), Saad's dual-threshold incomplete LU, row by row (IKJ) with a dense work
// row w, a mark byte per column and lists of the row's nonzero columns:
//   w = a_i;  for k < i in increasing order (a min-heap of the columns, fill included):
//     w_k /= u_kk;  drop it if |w_k| < tau ||a_i||_2;  else w -= w_k u_k (new columns join the row)
//   keep the p largest |w_j| of the L part, drop |w_j| < tau ||a_i||_2 in the U part and keep its
//   p largest; the diagonal is always kept.
// Storage as in ilu0.ts: L strictly lower (unit diagonal implied), U strictly upper with rows
// scaled by d_i = 1/u_ii, rows sorted by column. The output arrays have fixed capacities; when a
// row does not fit the kernel stops before writing it and the caller grows them and resumes.

import { goodPivot, shiftedPivot } from './ilu0';
import { ldf, ldi, stf, sti } from './ptr';
import {
  FACTOR_OK, FACTOR_BAD_PIVOT, FACTOR_NOT_FINITE, FACTOR_OUTPUT_FULL, FACTOR_OUT_STATUS, FACTOR_OUT_ROW, FACTOR_OUT_VALUE,
  FACTOR_OUT_FIRST_SHIFTED, FACTOR_OUT_SHIFTED, FACTOR_OUT_GROWTH_L, FACTOR_OUT_GROWTH_U,
} from './status';

@inline function mark(m: usize, j: i32): u8 { return load<u8>(m + <usize>j); }
@inline function setMark(m: usize, j: i32, v: u8): void { store<u8>(m + <usize>j, v); }

/** Pushes column c on the min-heap h of size nh; returns the new size. */
@inline function heapPush(h: usize, nh: i32, c: i32): i32 {
  let k = nh;
  while (k > 0) {
    const parent = (k - 1) >> 1;
    const pc = ldi(h, parent);
    if (pc <= c) break;
    sti(h, k, pc);
    k = parent;
  }
  sti(h, k, c);
  return nh + 1;
}

/** Removes the smallest column from the min-heap h of size nh (> 0); returns it. */
@inline function heapPop(h: usize, nh: i32): i32 {
  const top = ldi(h, 0);
  const size = nh - 1;
  const last = ldi(h, size);
  let k = 0;
  while (true) {
    let c = 2 * k + 1;
    if (c >= size) break;
    if (c + 1 < size && ldi(h, c + 1) < ldi(h, c)) c++;
    const cv = ldi(h, c);
    if (cv >= last) break;
    sti(h, k, cv);
    k = c;
  }
  if (size > 0) sti(h, k, last);
  return top;
}

/** Reorders the columns a[0..len) so that a[0..k) hold the k with the largest |w[col]| (quickselect). */
function selectLargest(a: usize, len: i32, k: i32, w: usize): void {
  let lo = 0, hi = len - 1;
  const t = k - 1;
  while (lo < hi) {
    const pv = abs(ldf(w, ldi(a, (lo + hi) >>> 1)));
    let i = lo, j = hi;
    while (i <= j) {
      while (abs(ldf(w, ldi(a, i))) > pv) i++;
      while (abs(ldf(w, ldi(a, j))) < pv) j--;
      if (i <= j) {
        const x = ldi(a, i);
        sti(a, i, ldi(a, j));
        sti(a, j, x);
        i++; j--;
      }
    }
    if (t <= j) hi = j;
    else if (t >= i) lo = i;
    else break;
  }
}

/** Sorts a[0..len) ascending: insertion sort for short rows, heapsort otherwise. */
function sortColumns(a: usize, len: i32): void {
  if (len <= 32) {
    for (let i = 1; i < len; i++) {
      const x = ldi(a, i);
      let j = i - 1;
      while (j >= 0 && ldi(a, j) > x) { sti(a, j + 1, ldi(a, j)); j--; }
      sti(a, j + 1, x);
    }
    return;
  }
  // heapsort with a max-heap
  for (let s = (len >> 1) - 1; s >= 0; s--) siftDown(a, s, len);
  for (let e = len - 1; e > 0; e--) {
    const x = ldi(a, 0);
    sti(a, 0, ldi(a, e));
    sti(a, e, x);
    siftDown(a, 0, e);
  }
}

function siftDown(a: usize, k: i32, size: i32): void {
  const x = ldi(a, k);
  while (true) {
    let c = 2 * k + 1;
    if (c >= size) break;
    if (c + 1 < size && ldi(a, c + 1) > ldi(a, c)) c++;
    const cv = ldi(a, c);
    if (cv <= x) break;
    sti(a, k, cv);
    k = c;
  }
  sti(a, k, x);
}

/**
 * Numeric ILUT of rows start..n-1 of A (rowPtr, colIdx, vals; sorted rows). tau: drop tolerance,
 * fill: p. L: lPtr i32[n+1], lCol, lVal with capacity capL entries; U likewise; d: f64[n].
 * Workspace: w f64[n], marks u8[n] (both zeroed when start = 0 and left zeroed), heap, lst,
 * ulst i32[n]. stopOnBad: 1 stops at a bad pivot, 0 shifts it (see ilu0.ts).
 * out: the factorization status block (status.ts; first shifted row, shifted pivots and growth
 * are reset when start = 0 and accumulated over calls). Returns the status: FACTOR_OK, or
 * FACTOR_OUTPUT_FULL at row `row` (rows before it are done: grow and call again with start = row),
 * FACTOR_BAD_PIVOT, FACTOR_NOT_FINITE.
 */
export function ilutFactor(
  n: i32, rowPtr: usize, colIdx: usize, vals: usize, tau: f64, fill: i32,
  lPtr: usize, lCol: usize, lVal: usize, capL: i32, uPtr: usize, uCol: usize, uVal: usize, capU: i32, d: usize,
  w: usize, marks: usize, heap: usize, lst: usize, ulst: usize, start: i32, stopOnBad: i32, shift: f64, out: usize,
): i32 {
  if (start == 0) {
    memory.fill(w, 0, <usize>n << 3);
    memory.fill(marks, 0, <usize>n);
    sti(lPtr, 0, 0);
    sti(uPtr, 0, 0);
    store<i32>(out, -1, FACTOR_OUT_FIRST_SHIFTED);
    store<i32>(out, 0, FACTOR_OUT_SHIFTED);
    store<f64>(out, 0, FACTOR_OUT_GROWTH_L);
    store<f64>(out, 0, FACTOR_OUT_GROWTH_U);
  }
  let lMax = load<f64>(out, FACTOR_OUT_GROWTH_L), uMax = load<f64>(out, FACTOR_OUT_GROWTH_U);
  store<i32>(out, FACTOR_OK, FACTOR_OUT_STATUS);
  store<i32>(out, -1, FACTOR_OUT_ROW);
  for (let i = start; i < n; i++) {
    const rs = ldi(rowPtr, i), re = ldi(rowPtr, i + 1);
    let nrm: f64 = 0, rowMax: f64 = 0;
    let nh = 0, nu = 0, nl = 0;
    setMark(marks, i, 1);
    stf(w, i, 0);
    for (let p = rs; p < re; p++) {
      const j = ldi(colIdx, p);
      const v = ldf(vals, p);
      nrm += v * v;
      rowMax = max(rowMax, abs(v));
      stf(w, j, v);
      if (j < i) { setMark(marks, j, 1); nh = heapPush(heap, nh, j); }
      else if (j > i) { setMark(marks, j, 1); sti(ulst, nu++, j); }
    }
    const thr = tau * sqrt(nrm);
    // eliminate in increasing column order
    while (nh > 0) {
      const k = heapPop(heap, nh);
      nh--;
      const wk = ldf(w, k);
      const l = wk * ldf(d, k);
      if (abs(l) < thr) { stf(w, k, 0); setMark(marks, k, 0); continue; }
      stf(w, k, l);
      sti(lst, nl++, k);
      const qe = ldi(uPtr, k + 1);
      for (let q = ldi(uPtr, k); q < qe; q++) {
        const j = ldi(uCol, q);
        const t = wk * ldf(uVal, q);
        if (mark(marks, j)) stf(w, j, ldf(w, j) - t);
        else {
          setMark(marks, j, 1);
          stf(w, j, -t);
          if (j < i) nh = heapPush(heap, nh, j);
          else sti(ulst, nu++, j);
        }
      }
    }
    // L part: the fill largest
    if (nl > fill) {
      if (fill > 0) selectLargest(lst, nl, fill, w);
      for (let t = fill; t < nl; t++) { const c = ldi(lst, t); stf(w, c, 0); setMark(marks, c, 0); }
      nl = fill;
    }
    // U part: drop below the threshold, then the fill largest
    let m = 0;
    for (let t = 0; t < nu; t++) {
      const j = ldi(ulst, t);
      if (!(abs(ldf(w, j)) < thr)) sti(ulst, m++, j);
      else { stf(w, j, 0); setMark(marks, j, 0); }
    }
    if (m > fill) {
      if (fill > 0) selectLargest(ulst, m, fill, w);
      for (let t = fill; t < m; t++) { const c = ldi(ulst, t); stf(w, c, 0); setMark(marks, c, 0); }
      m = fill;
    }
    const lb = ldi(lPtr, i), ub = ldi(uPtr, i);
    let u = ldf(w, i);
    let status = FACTOR_OK;
    if (lb + nl > capL || ub + m > capU) status = FACTOR_OUTPUT_FULL;
    else if (!goodPivot(u, rowMax)) {
      if (stopOnBad) { status = FACTOR_BAD_PIVOT; store<f64>(out, u, FACTOR_OUT_VALUE); }
      else {
        const shifted = load<i32>(out, FACTOR_OUT_SHIFTED);
        if (shifted == 0) store<i32>(out, i, FACTOR_OUT_FIRST_SHIFTED);
        store<i32>(out, shifted + 1, FACTOR_OUT_SHIFTED);
        u = shiftedPivot(u, rowMax, shift);
      }
    }
    if (status != FACTOR_OK) {
      for (let t = 0; t < nl; t++) { const c = ldi(lst, t); stf(w, c, 0); setMark(marks, c, 0); }
      for (let t = 0; t < m; t++) { const c = ldi(ulst, t); stf(w, c, 0); setMark(marks, c, 0); }
      stf(w, i, 0);
      setMark(marks, i, 0);
      store<i32>(out, status, FACTOR_OUT_STATUS);
      store<i32>(out, i, FACTOR_OUT_ROW);
      return status;
    }
    const di = 1 / u;
    stf(d, i, di);
    let bad: f64 = di - di;
    sortColumns(lst, nl);
    for (let t = 0; t < nl; t++) {
      const c = ldi(lst, t);
      const x = ldf(w, c);
      sti(lCol, lb + t, c);
      stf(lVal, lb + t, x);
      bad += x - x;
      lMax = max(lMax, abs(x));
      stf(w, c, 0);
      setMark(marks, c, 0);
    }
    sortColumns(ulst, m);
    let big = abs(u);
    for (let t = 0; t < m; t++) {
      const c = ldi(ulst, t);
      big = max(big, abs(ldf(w, c)));
      const x = ldf(w, c) * di;
      sti(uCol, ub + t, c);
      stf(uVal, ub + t, x);
      bad += x - x;
      stf(w, c, 0);
      setMark(marks, c, 0);
    }
    stf(w, i, 0);
    setMark(marks, i, 0);
    sti(lPtr, i + 1, lb + nl);
    sti(uPtr, i + 1, ub + m);
    uMax = max(uMax, big / (rowMax > 0 ? rowMax : 1));
    store<f64>(out, lMax, FACTOR_OUT_GROWTH_L);
    store<f64>(out, uMax, FACTOR_OUT_GROWTH_U);
    if (bad != 0) {
      store<f64>(out, bad, FACTOR_OUT_VALUE);
      store<i32>(out, FACTOR_NOT_FINITE, FACTOR_OUT_STATUS);
      store<i32>(out, i, FACTOR_OUT_ROW);
      return FACTOR_NOT_FINITE;
    }
  }
  return FACTOR_OK;
}
