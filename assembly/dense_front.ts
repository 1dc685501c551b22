// dense_front.ts: partial dense Cholesky (LL^T) or LDL^T of one frontal matrix of the multifrontal
// factorization (cholesky.ts). The front F is m x m, symmetric, only its lower triangle is used:
//   F = [F11 F21^T; F21 F22],  F11 = L11 L11^T (or L11 D L11^T),  L21 = F21 L11^-T (D^-1),
//   U = F22 - L21 L21^T  (or L21 D L21^T): the update matrix passed to the parent front.
// Column j < ncol lives at colL + j m (the supernode's block of L, leading dimension m); column
// j >= ncol at colW + (j - ncol) m2 - ncol with m2 = m - ncol (the update matrix, leading dimension
// m2, rows indexed from ncol). Right-looking, in panels of PANEL columns: the panel is factored with
// column axpys, then the trailing lower triangle gets one rank-PANEL update by a 4x4 register-tile
// kernel over the panel packed four rows at a time (f64x2: two rows per register).

import { ldf, stf } from './ptr';

/** columns per panel: the rank of each trailing update */
// @ts-ignore: decorator
@inline const PANEL: i32 = 48;

/** doubles each of the two pack buffers must hold for a front of m rows */
export function frontPackSize(m: i32): i32 {
  return ((m + 3) & ~3) * PANEL;
}

// @ts-ignore: decorator
@inline function colPtr(j: i32, ncol: i32, m: i32, m2: i32, colL: usize, colW: usize): usize {
  return j < ncol
    ? colL + ((<usize>j * <usize>m) << 3)
    : colW + ((<usize>(j - ncol) * <usize>m2) << 3) - (<usize>ncol << 3);
}

/** y[0..n) -= a x[0..n) */
// @ts-ignore: decorator
@inline function axpyNeg(n: i32, a: f64, x: usize, y: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const av = f64x2.splat(a);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 3;
      v128.store(y + o, f64x2.sub(v128.load(y + o), f64x2.mul(av, v128.load(x + o))));
      v128.store(y + o, f64x2.sub(v128.load(y + o, 16), f64x2.mul(av, v128.load(x + o, 16))), 16);
    }
  }
  for (; i < n; i++) stf(y, i, ldf(y, i) - a * ldf(x, i));
}

/**
 * Factors the first ncol columns of the front (see the file header); ldlt = 1 for LDL^T (the
 * diagonal of L11 then holds D, L is unit lower). packA, packB: frontPackSize(m) doubles each.
 * Returns -1, or the front column whose pivot failed (LL^T: not > 0; LDL^T: zero or not finite);
 * its value is written to pivotOut (f64).
 */
export function frontFactor(
  m: i32, ncol: i32, colL: usize, colW: usize, ldlt: i32, packA: usize, packB: usize, pivotOut: usize,
): i32 {
  const m2 = m - ncol;
  for (let p0 = 0; p0 < ncol; p0 += PANEL) {
    const pb = min(PANEL, ncol - p0);
    // the panel: columns p0 .. p0+pb, rows from the diagonal down
    for (let c = p0; c < p0 + pb; c++) {
      const cc = colL + ((<usize>c * <usize>m) << 3);
      const d = ldf(cc, c);
      if (ldlt) {
        if (d == 0 || !isFinite(d)) { store<f64>(pivotOut, d); return c; }
        const inv = 1 / d;
        for (let i = c + 1; i < m; i++) stf(cc, i, ldf(cc, i) * inv);
        for (let c2 = c + 1; c2 < p0 + pb; c2++) {
          const a = ldf(cc, c2) * d;
          axpyNeg(m - c2, a, cc + (<usize>c2 << 3), colL + ((<usize>c2 * <usize>m + <usize>c2) << 3));
        }
      } else {
        if (!(d > 0) || d == Infinity) { store<f64>(pivotOut, d); return c; }
        const l = sqrt(d);
        stf(cc, c, l);
        const inv = 1 / l;
        for (let i = c + 1; i < m; i++) stf(cc, i, ldf(cc, i) * inv);
        for (let c2 = c + 1; c2 < p0 + pb; c2++) {
          axpyNeg(m - c2, ldf(cc, c2), cc + (<usize>c2 << 3), colL + ((<usize>c2 * <usize>m + <usize>c2) << 3));
        }
      }
    }
    const r0 = p0 + pb;
    if (r0 >= m) continue;
    // pack rows r0..m of the panel, four rows interleaved: pack[((i/4) pb + p) 4 + i%4]
    const rows = m - r0;
    const blocks = (rows + 3) >> 2;
    for (let p = 0; p < pb; p++) {
      const cc = colL + ((<usize>(p0 + p) * <usize>m) << 3);
      const dp: f64 = ldlt ? ldf(cc, p0 + p) : 1;
      for (let b = 0; b < blocks; b++) {
        const dst = (b * pb + p) << 2;
        for (let r = 0; r < 4; r++) {
          const i = r0 + (b << 2) + r;
          const v: f64 = i < m ? ldf(cc, i) : 0;
          stf(packA, dst + r, v);
          if (ldlt) stf(packB, dst + r, v * dp);
        }
      }
    }
    trailingUpdate(m, ncol, m2, colL, colW, r0, blocks, pb, packA, ldlt ? packB : packA);
  }
  return -1;
}

/** Lower triangle of F[r0.., r0..] -= A B^T over the packed panels (4x4 register tiles). */
function trailingUpdate(
  m: i32, ncol: i32, m2: i32, colL: usize, colW: usize, r0: i32, blocks: i32, pb: i32, packA: usize, packB: usize,
): void {
  const stride = <usize>pb << 5; // bytes per packed block of four rows
  for (let jb = 0; jb < blocks; jb++) {
    const j0 = r0 + (jb << 2);
    const c0 = colPtr(j0, ncol, m, m2, colL, colW);
    const c1 = j0 + 1 < m ? colPtr(j0 + 1, ncol, m, m2, colL, colW) : 0;
    const c2 = j0 + 2 < m ? colPtr(j0 + 2, ncol, m, m2, colL, colW) : 0;
    const c3 = j0 + 3 < m ? colPtr(j0 + 3, ncol, m, m2, colL, colW) : 0;
    const pB = packB + <usize>jb * stride;
    for (let ib = jb; ib < blocks; ib++) {
      const i0 = r0 + (ib << 2);
      const pA = packA + <usize>ib * stride;
      if (ASC_FEATURE_SIMD) {
        let a00 = f64x2.splat(0), a01 = f64x2.splat(0), a02 = f64x2.splat(0), a03 = f64x2.splat(0);
        let b00 = f64x2.splat(0), b01 = f64x2.splat(0), b02 = f64x2.splat(0), b03 = f64x2.splat(0);
        let pa = pA, pq = pB;
        const end = pA + stride;
        while (pa < end) {
          const x01 = v128.load(pa), x23 = v128.load(pa, 16);
          let y = v128.load64_splat(pq);
          a00 = f64x2.add(a00, f64x2.mul(x01, y)); b00 = f64x2.add(b00, f64x2.mul(x23, y));
          y = v128.load64_splat(pq, 8);
          a01 = f64x2.add(a01, f64x2.mul(x01, y)); b01 = f64x2.add(b01, f64x2.mul(x23, y));
          y = v128.load64_splat(pq, 16);
          a02 = f64x2.add(a02, f64x2.mul(x01, y)); b02 = f64x2.add(b02, f64x2.mul(x23, y));
          y = v128.load64_splat(pq, 24);
          a03 = f64x2.add(a03, f64x2.mul(x01, y)); b03 = f64x2.add(b03, f64x2.mul(x23, y));
          pa += 32; pq += 32;
        }
        if (ib > jb && i0 + 4 <= m && c3 != 0) {
          // a full off-diagonal tile
          const o = <usize>i0 << 3;
          v128.store(c0 + o, f64x2.sub(v128.load(c0 + o), a00)); v128.store(c0 + o, f64x2.sub(v128.load(c0 + o, 16), b00), 16);
          v128.store(c1 + o, f64x2.sub(v128.load(c1 + o), a01)); v128.store(c1 + o, f64x2.sub(v128.load(c1 + o, 16), b01), 16);
          v128.store(c2 + o, f64x2.sub(v128.load(c2 + o), a02)); v128.store(c2 + o, f64x2.sub(v128.load(c2 + o, 16), b02), 16);
          v128.store(c3 + o, f64x2.sub(v128.load(c3 + o), a03)); v128.store(c3 + o, f64x2.sub(v128.load(c3 + o, 16), b03), 16);
        } else {
          storeEdge(c0, j0, i0, m, f64x2.extract_lane(a00, 0), f64x2.extract_lane(a00, 1), f64x2.extract_lane(b00, 0), f64x2.extract_lane(b00, 1));
          if (c1) storeEdge(c1, j0 + 1, i0, m, f64x2.extract_lane(a01, 0), f64x2.extract_lane(a01, 1), f64x2.extract_lane(b01, 0), f64x2.extract_lane(b01, 1));
          if (c2) storeEdge(c2, j0 + 2, i0, m, f64x2.extract_lane(a02, 0), f64x2.extract_lane(a02, 1), f64x2.extract_lane(b02, 0), f64x2.extract_lane(b02, 1));
          if (c3) storeEdge(c3, j0 + 3, i0, m, f64x2.extract_lane(a03, 0), f64x2.extract_lane(a03, 1), f64x2.extract_lane(b03, 0), f64x2.extract_lane(b03, 1));
        }
      } else {
        // scalar build: one column of the tile at a time
        for (let jc = 0; jc < 4; jc++) {
          const cp = jc == 0 ? c0 : jc == 1 ? c1 : jc == 2 ? c2 : c3;
          if (cp == 0) continue;
          let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
          let pa = pA, pq = pB + (<usize>jc << 3);
          const end = pA + stride;
          while (pa < end) {
            const y = load<f64>(pq);
            s0 += load<f64>(pa) * y; s1 += load<f64>(pa, 8) * y;
            s2 += load<f64>(pa, 16) * y; s3 += load<f64>(pa, 24) * y;
            pa += 32; pq += 32;
          }
          storeEdge(cp, j0 + jc, i0, m, s0, s1, s2, s3);
        }
      }
    }
  }
}

/** column j at cp, rows i0..i0+4: F[i, j] -= s_(i-i0) for the rows that exist and are >= j */
// @ts-ignore: decorator
@inline function storeEdge(cp: usize, j: i32, i0: i32, m: i32, s0: f64, s1: f64, s2: f64, s3: f64): void {
  if (i0 >= j && i0 < m) stf(cp, i0, ldf(cp, i0) - s0);
  if (i0 + 1 >= j && i0 + 1 < m) stf(cp, i0 + 1, ldf(cp, i0 + 1) - s1);
  if (i0 + 2 >= j && i0 + 2 < m) stf(cp, i0 + 2, ldf(cp, i0 + 2) - s2);
  if (i0 + 3 >= j && i0 + 3 < m) stf(cp, i0 + 3, ldf(cp, i0 + 3) - s3);
}
