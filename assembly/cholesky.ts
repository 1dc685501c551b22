// cholesky.ts: supernodal multifrontal Cholesky, C = L L^T (or L D L^T), and its solves, for a
// matrix C = P A P^T already permuted and postordered by the facade (src/direct/symbolic.ts).
// Supernode s holds columns superCol[s] .. superCol[s+1] of L; its rows (its own columns first,
// then the rows below, increasing) are rowIdx[superRowPtr[s] ..]; its block of L is dense,
// column-major, m x ncol (leading dimension m) at Lx + lOff[s] doubles. The diagonal block's upper
// triangle is unused. Supernodes come in postorder, so the update matrices of the children of s
// are the last nchild[s] entries of a stack (packed lower triangles).

import { ldf, ldi, stf, sti } from './ptr';
import { frontFactor } from './dense_front';
import { FACTOR_BAD_PIVOT, FACTOR_NOT_FINITE, FACTOR_OUT_STATUS, FACTOR_OUT_ROW, FACTOR_OUT_VALUE } from './status';

/**
 * Cx[k] = vals[src[k]] (the lower triangle of C gathered from A's values). Returns -1, or the
 * first k whose value is not finite.
 */
export function cholGather(nnz: i32, src: usize, vals: usize, Cx: usize): i32 {
  let bad: f64 = 0;
  for (let k = 0; k < nnz; k++) {
    const v = ldf(vals, ldi(src, k));
    stf(Cx, k, v);
    bad += v - v;
  }
  if (bad == 0) return -1;
  for (let k = 0; k < nnz; k++) if (!isFinite(ldf(Cx, k))) return k;
  return -1;
}

/**
 * Numeric factorization. C: the lower triangle of the permuted matrix by columns (Cp, Ci, Cx, row
 * indices >= the column). Workspace: map i32[n]; rel i32[maxUpdate]; W f64[max m2^2]; stack
 * f64[stackSize] (from the symbolic simulation); stackIds i32[ns]; packA, packB f64[frontPackSize(maxM)].
 * Returns -1, or the (permuted) column whose pivot failed; out: the factorization status block.
 */
export function cholFactor(
  ns: i32, superCol: usize, superRowPtr: usize, rowIdx: usize, lOff: usize, Lx: usize, nchild: usize,
  Cp: usize, Ci: usize, Cx: usize, map: usize, rel: usize, W: usize, stack: usize, stackIds: usize,
  packA: usize, packB: usize, ldlt: i32, out: usize,
): i32 {
  let top: usize = stack; // byte address past the last update on the stack
  let depth = 0;
  for (let s = 0; s < ns; s++) {
    const f = ldi(superCol, s), ncol = ldi(superCol, s + 1) - f;
    const rp = ldi(superRowPtr, s), m = ldi(superRowPtr, s + 1) - rp, m2 = m - ncol;
    const colL = Lx + (<usize>ldi(lOff, s) << 3);
    for (let k = 0; k < m; k++) sti(map, ldi(rowIdx, rp + k), k);
    // the front: zero, then C's entries of columns f .. f+ncol
    memory.fill(colL, 0, (<usize>m * <usize>ncol) << 3);
    for (let j = 0; j < m2; j++) memory.fill(W + ((<usize>j * <usize>m2 + <usize>j) << 3), 0, <usize>(m2 - j) << 3);
    for (let j = 0; j < ncol; j++) {
      const cj = colL + ((<usize>j * <usize>m) << 3);
      const pe = ldi(Cp, f + j + 1);
      for (let p = ldi(Cp, f + j); p < pe; p++) {
        const i = ldi(map, ldi(Ci, p));
        stf(cj, i, ldf(cj, i) + ldf(Cx, p));
      }
    }
    // extend-add the children's update matrices
    const kids = ldi(nchild, s);
    for (let q = 0; q < kids; q++) {
      const c = ldi(stackIds, --depth);
      const cf = ldi(superCol, c), cn = ldi(superCol, c + 1) - cf;
      const crp = ldi(superRowPtr, c) + cn, cm2 = ldi(superRowPtr, c + 1) - crp;
      top -= (<usize>cm2 * <usize>(cm2 + 1)) << 2; // cm2 (cm2 + 1) / 2 doubles
      for (let k = 0; k < cm2; k++) sti(rel, k, ldi(map, ldi(rowIdx, crp + k)));
      let u = top;
      for (let jj = 0; jj < cm2; jj++) {
        const j = ldi(rel, jj);
        const cp = j < ncol
          ? colL + ((<usize>j * <usize>m) << 3)
          : W + ((<usize>(j - ncol) * <usize>m2) << 3) - (<usize>ncol << 3);
        for (let ii = jj; ii < cm2; ii++) {
          const i = ldi(rel, ii);
          stf(cp, i, ldf(cp, i) + load<f64>(u));
          u += 8;
        }
      }
    }
    const bad = frontFactor(m, ncol, colL, W, ldlt, packA, packB, out + FACTOR_OUT_VALUE);
    if (bad >= 0) {
      const v = load<f64>(out, FACTOR_OUT_VALUE);
      store<i32>(out, isNaN(v) || (ldlt && !isFinite(v)) ? FACTOR_NOT_FINITE : FACTOR_BAD_PIVOT, FACTOR_OUT_STATUS);
      store<i32>(out, f + bad, FACTOR_OUT_ROW);
      return f + bad;
    }
    if (m2 > 0) {
      // push U = the lower triangle of W, packed by columns
      let u = top;
      for (let j = 0; j < m2; j++) {
        const len = <usize>(m2 - j) << 3;
        memory.copy(u, W + ((<usize>j * <usize>m2 + <usize>j) << 3), len);
        u += len;
      }
      top = u;
      sti(stackIds, depth++, s);
    }
  }
  store<i32>(out, 0, FACTOR_OUT_STATUS);
  store<i32>(out, -1, FACTOR_OUT_ROW);
  return -1;
}

/**
 * x = C^-1 x in place (the permuted system), with the factor from cholFactor; tmp: f64[max m2].
 * LL^T: L y = x, L^T x = y. LDL^T: L unit lower, D on L's diagonal.
 */
export function cholSolve(
  ns: i32, superCol: usize, superRowPtr: usize, rowIdx: usize, lOff: usize, Lx: usize, ldlt: i32, x: usize, tmp: usize,
): void {
  // forward: supernodes in order
  for (let s = 0; s < ns; s++) {
    const f = ldi(superCol, s), ncol = ldi(superCol, s + 1) - f;
    const rp = ldi(superRowPtr, s), m = ldi(superRowPtr, s + 1) - rp, m2 = m - ncol;
    const L = Lx + (<usize>ldi(lOff, s) << 3);
    for (let k = 0; k < m2; k++) stf(tmp, k, 0);
    const xs = x + (<usize>f << 3);
    for (let j = 0; j < ncol; j++) {
      const cj = L + ((<usize>j * <usize>m) << 3);
      let xj = ldf(xs, j);
      if (!ldlt) { xj /= ldf(cj, j); stf(xs, j, xj); }
      for (let i = j + 1; i < ncol; i++) stf(xs, i, ldf(xs, i) - ldf(cj, i) * xj);
      axpyTo(m2, xj, cj + (<usize>ncol << 3), tmp);
    }
    // scatter the rows below: x_r -= (L21 x_s)_r
    for (let k = 0; k < m2; k++) {
      const r = ldi(rowIdx, rp + ncol + k);
      stf(x, r, ldf(x, r) - ldf(tmp, k));
    }
  }
  if (ldlt) {
    for (let s = 0; s < ns; s++) {
      const f = ldi(superCol, s), ncol = ldi(superCol, s + 1) - f;
      const m = ldi(superRowPtr, s + 1) - ldi(superRowPtr, s);
      const L = Lx + (<usize>ldi(lOff, s) << 3);
      for (let j = 0; j < ncol; j++) stf(x, f + j, ldf(x, f + j) / ldf(L, j * m + j));
    }
  }
  // backward: supernodes in reverse
  for (let s = ns - 1; s >= 0; s--) {
    const f = ldi(superCol, s), ncol = ldi(superCol, s + 1) - f;
    const rp = ldi(superRowPtr, s), m = ldi(superRowPtr, s + 1) - rp, m2 = m - ncol;
    const L = Lx + (<usize>ldi(lOff, s) << 3);
    for (let k = 0; k < m2; k++) stf(tmp, k, ldf(x, ldi(rowIdx, rp + ncol + k)));
    const xs = x + (<usize>f << 3);
    for (let j = ncol - 1; j >= 0; j--) {
      const cj = L + ((<usize>j * <usize>m) << 3);
      let xj = ldf(xs, j) - dotWith(m2, cj + (<usize>ncol << 3), tmp);
      for (let i = j + 1; i < ncol; i++) xj -= ldf(cj, i) * ldf(xs, i);
      if (!ldlt) xj /= ldf(cj, j);
      stf(xs, j, xj);
    }
  }
}

/** y += a x over n doubles */
// @ts-ignore: decorator
@inline function axpyTo(n: i32, a: f64, x: usize, y: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const av = f64x2.splat(a);
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(av, v128.load(x + o))));
    }
  }
  for (; i < n; i++) stf(y, i, ldf(y, i) + a * ldf(x, i));
}

/** x . y over n doubles */
// @ts-ignore: decorator
@inline function dotWith(n: i32, x: usize, y: usize): f64 {
  let i = 0;
  let s: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f64x2.splat(0);
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      acc = f64x2.add(acc, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    }
    s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  for (; i < n; i++) s += ldf(x, i) * ldf(y, i);
  return s;
}

/** y[k] = x[perm[k]] (forward = 1) or y[perm[k]] = x[k] (forward = 0) */
export function cholPermute(n: i32, perm: usize, x: usize, y: usize, forward: i32): void {
  if (forward) for (let k = 0; k < n; k++) stf(y, k, ldf(x, ldi(perm, k)));
  else for (let k = 0; k < n; k++) stf(y, ldi(perm, k), ldf(x, k));
}
