// trsv.ts: the triangular parts of a CSR matrix (pattern split around the diagonal) and the
// row-wise sparse triangular solves the incomplete factorizations apply.
//
// Factor storage shared by IC(0), ILU(0) and ILUT: a triangle is a CSR of its strictly lower or
// strictly upper part plus a separate array d of inverted pivots. Rows of a "scaled" triangle are
// stored already multiplied by their d_i, so a solve step is  out_i = in_i * d_i - sum_j S_ij out_j
// and the only operation on the critical path from one row to the next is one multiply-subtract.

import { ldf, ldi, stf, sti } from './ptr';

/** First position of the part of row i right of the strictly lower part (diagPos encoding below). */
@inline export function lowerEnd(dp: i32): i32 { return dp >= 0 ? dp : ~dp; }
/** First position of the strictly upper part of row i. */
@inline export function upperStart(dp: i32): i32 { return dp >= 0 ? dp + 1 : ~dp; }

/**
 * diagPos[i] = position of the (i, i) entry of A, or ~q (negative) when row i has no diagonal
 * entry, q being the first position with a column > i. Rows must be sorted. Returns the number of
 * missing diagonal entries.
 */
export function csrDiagonalSplit(n: i32, rowPtr: usize, colIdx: usize, diagPos: usize): i32 {
  let missing = 0;
  for (let i = 0; i < n; i++) {
    // lower bound of column i in row i
    let lo = ldi(rowPtr, i), hi = ldi(rowPtr, i + 1);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ldi(colIdx, mid) < i) lo = mid + 1; else hi = mid;
    }
    if (lo < ldi(rowPtr, i + 1) && ldi(colIdx, lo) == i) sti(diagPos, i, lo);
    else { sti(diagPos, i, ~lo); missing++; }
  }
  return missing;
}

/**
 * Row pointers of the strictly lower (lowerPtr) and strictly upper (upperPtr) parts of A; either
 * may be 0 to skip it. Returns the number of strictly lower entries.
 */
export function csrTriangleRowPtr(n: i32, rowPtr: usize, diagPos: usize, lowerPtr: usize, upperPtr: usize): i32 {
  let nl = 0, nu = 0;
  if (lowerPtr) sti(lowerPtr, 0, 0);
  if (upperPtr) sti(upperPtr, 0, 0);
  for (let i = 0; i < n; i++) {
    const dp = ldi(diagPos, i);
    nl += lowerEnd(dp) - ldi(rowPtr, i);
    nu += ldi(rowPtr, i + 1) - upperStart(dp);
    if (lowerPtr) sti(lowerPtr, i + 1, nl);
    if (upperPtr) sti(upperPtr, i + 1, nu);
  }
  return nl;
}

/** Column indices of the strictly lower and strictly upper parts (pointer 0 skips a part). */
export function csrTriangleCols(
  n: i32, rowPtr: usize, colIdx: usize, diagPos: usize, lowerPtr: usize, lowerCol: usize, upperPtr: usize, upperCol: usize,
): void {
  let rs = ldi(rowPtr, 0);
  for (let i = 0; i < n; i++) {
    const dp = ldi(diagPos, i);
    const re = ldi(rowPtr, i + 1);
    const lo = lowerEnd(dp), up = upperStart(dp);
    // plain loops: rows are short, and memory.copy costs a call per row
    if (lowerCol) {
      const q = ldi(lowerPtr, i) - rs;
      for (let p = rs; p < lo; p++) sti(lowerCol, q + p, ldi(colIdx, p));
    }
    if (upperCol) {
      const q = ldi(upperPtr, i) - up;
      for (let p = up; p < re; p++) sti(upperCol, q + p, ldi(colIdx, p));
    }
    rs = re;
  }
}

// The solves keep the previous solution entry in a register: in a sorted row the term of the
// neighbouring column (i-1 forward, i+1 backward) comes last, and when it is that neighbour the
// value is taken from the register instead of being reloaded right after its store. The critical
// path from one row to the next is then one multiply and one subtract.

/** Forward solve with a unit lower triangle given by its strictly lower part: y = L^-1 r (y may be r). */
export function trsvLowerUnit(n: i32, ptr: usize, col: usize, val: usize, r: usize, y: usize): void {
  let pb = ldi(ptr, 0);
  let prev: f64 = 0;
  for (let i = 0; i < n; i++) {
    const pe = ldi(ptr, i + 1);
    let t = ldf(r, i);
    if (pb < pe) {
      const last = pe - 1;
      let s: f64 = 0;
      for (let p = pb; p < last; p++) s += ldf(val, p) * ldf(y, ldi(col, p));
      const c = ldi(col, last);
      const yc = c == i - 1 ? prev : ldf(y, c);
      t = (t - s) - ldf(val, last) * yc;
    }
    stf(y, i, t);
    prev = t;
    pb = pe;
  }
}

/** Forward solve with a scaled lower triangle: y_i = r_i d_i - sum_{j<i} S_ij y_j (y may be r). */
export function trsvLowerScaled(n: i32, ptr: usize, col: usize, val: usize, d: usize, r: usize, y: usize): void {
  let pb = ldi(ptr, 0);
  let prev: f64 = 0;
  for (let i = 0; i < n; i++) {
    const pe = ldi(ptr, i + 1);
    let t = ldf(r, i) * ldf(d, i);
    if (pb < pe) {
      const last = pe - 1;
      let s: f64 = 0;
      for (let p = pb; p < last; p++) s += ldf(val, p) * ldf(y, ldi(col, p));
      const c = ldi(col, last);
      const yc = c == i - 1 ? prev : ldf(y, c);
      t = (t - s) - ldf(val, last) * yc;
    }
    stf(y, i, t);
    prev = t;
    pb = pe;
  }
}

/**
 * Backward solve with a scaled upper triangle given by its strictly upper part:
 * z_i = y_i d_i - sum_{j>i} S_ij z_j, rows from the last; z may be y.
 */
export function trsvUpperScaled(n: i32, ptr: usize, col: usize, val: usize, d: usize, y: usize, z: usize): void {
  let pe = ldi(ptr, n);
  let prev: f64 = 0;
  for (let i = n - 1; i >= 0; i--) {
    const pb = ldi(ptr, i);
    let t = ldf(y, i) * ldf(d, i);
    if (pb < pe) {
      let s: f64 = 0;
      for (let p = pe - 1; p > pb; p--) s += ldf(val, p) * ldf(z, ldi(col, p));
      const c = ldi(col, pb);
      const zc = c == i + 1 ? prev : ldf(z, c);
      t = (t - s) - ldf(val, pb) * zc;
    }
    stf(z, i, t);
    prev = t;
    pe = pb;
  }
}

/**
 * Backward solve with the transpose of a scaled lower triangle, column-oriented over the rows of
 * L (so L^T needs no copy): z = L^-T y with l_ii = 1/d_i and S_ik = l_ik d_i stored (k < i), i.e.
 *   u_i = y_i - sum_{k>i} l_ki z_k,  z_i = u_i d_i,  then u_k -= S_ik u_i (= l_ik z_i) for k < i.
 * z may be y; when it is not, y is copied to z first (z is the accumulator). The update of the
 * neighbouring row i-1 (the last entry of a sorted row) stays in a register until row i-1 reads it,
 * in the same order it would have been applied in memory.
 */
export function trsvLowerTransposedScaled(n: i32, ptr: usize, col: usize, val: usize, d: usize, y: usize, z: usize): void {
  if (z != y) memory.copy(z, y, <usize>n << 3);
  let pe = ldi(ptr, n);
  let carry: f64 = 0; // pending S_{i+1,i} u_{i+1} for row i; 0 when none (u - 0 is exactly u)
  for (let i = n - 1; i >= 0; i--) {
    const pb = ldi(ptr, i);
    const u = ldf(z, i) - carry;
    stf(z, i, u * ldf(d, i));
    carry = 0;
    if (pb < pe) {
      let last = pe - 1;
      if (ldi(col, last) == i - 1) { carry = ldf(val, last) * u; last--; }
      for (let p = last; p >= pb; p--) {
        const c = ldi(col, p);
        stf(z, c, ldf(z, c) - ldf(val, p) * u);
      }
    }
    pe = pb;
  }
}
