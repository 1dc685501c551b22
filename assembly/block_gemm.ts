// Tall-skinny block products for Krylov recycling (GCRO-DR's rebuild of U and C each cycle):
//   blockGemm:  Y = beta Y + X S   (X n x p, S p x k small, Y n x k)
//   blockGram:  G = X^T Y          (X n x p, Y n x q, G p x q small)
// All blocks are column-major f64, column j at base + j*n elements.
//
// Why: one multiAxpy / multiDot per output column streams X from memory k times. Here the rows go
// in chunks of CH, and the chunk of the outputs (gemm) or of Y (gram) is held in a small static
// buffer, contiguous: each column of X is then read from memory once, its chunk reused from L1 for
// every output. The buffer matters: with n a power of two the columns of a block lie a power of two
// apart and map to the same cache sets, so a row chunk of many columns kept in place evicts itself
// (a first version that did so ran slower than the per-column kernels on n = 16384).

import { ldf, stf } from './ptr';

/** Rows per chunk (a multiple of 2) and columns per group: the buffer is 32 x 64 f64s (16 KiB, L1). */
const CH: i32 = 64;
const GROUP: i32 = 32;
const buf: usize = memory.data(CH * GROUP * 8, 16);

/** t[0, len) += x0 a0 + x1 a1 + x2 a2 + x3 a3 */
// @ts-ignore: decorator
@inline function acc4(t: usize, x0: usize, x1: usize, x2: usize, x3: usize, a0: f64, a1: f64, a2: f64, a3: f64, len: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const c0 = f64x2.splat(a0), c1 = f64x2.splat(a1), c2 = f64x2.splat(a2), c3 = f64x2.splat(a3);
    for (; i + 2 <= len; i += 2) {
      const o = <usize>i << 3;
      const s = f64x2.add(f64x2.add(f64x2.mul(v128.load(x0 + o), c0), f64x2.mul(v128.load(x1 + o), c1)),
        f64x2.add(f64x2.mul(v128.load(x2 + o), c2), f64x2.mul(v128.load(x3 + o), c3)));
      v128.store(t + o, f64x2.add(v128.load(t + o), s));
    }
  }
  for (; i < len; i++) {
    const o = <usize>i << 3;
    store<f64>(t + o, load<f64>(t + o) + ((load<f64>(x0 + o) * a0 + load<f64>(x1 + o) * a1) + (load<f64>(x2 + o) * a2 + load<f64>(x3 + o) * a3)));
  }
}

/**
 * Y[:, c] = beta Y[:, c] + sum_l X[:, l] S[l + c*ldS] for c < k (beta = 0: Y is overwritten, its
 * old contents never read). Y must not overlap X.
 */
export function blockGemm(X: usize, p: i32, n: i32, S: usize, ldS: i32, k: i32, Y: usize, beta: f64): void {
  const cb = <usize>n << 3;
  for (let c0 = 0; c0 < k; c0 += GROUP) {
    const kc = min(GROUP, k - c0);
    for (let i0 = 0; i0 < n; i0 += CH) {
      const len = min(CH, n - i0);
      const off = <usize>i0 << 3;
      // the buffer starts as beta Y (or 0)
      for (let c = 0; c < kc; c++) {
        const t = buf + <usize>(c * CH) * 8, y = Y + <usize>(c0 + c) * cb + off;
        if (beta == 0) memory.fill(t, 0, <usize>len << 3);
        else for (let i = 0; i < len; i++) stf(t, i, beta * ldf(y, i));
      }
      for (let l = 0; l < p; l += 4) {
        const r = p - l;
        const x0 = X + <usize>l * cb + off;
        // repeated pointers carry weight 0 (they are finite columns of X)
        const x1 = r > 1 ? x0 + cb : x0, x2 = r > 2 ? x0 + 2 * cb : x0, x3 = r > 3 ? x0 + 3 * cb : x0;
        for (let c = 0; c < kc; c++) {
          const s = S + (<usize>((c0 + c) * ldS + l) << 3);
          acc4(buf + <usize>(c * CH) * 8, x0, x1, x2, x3,
            load<f64>(s), r > 1 ? load<f64>(s, 8) : 0, r > 2 ? load<f64>(s, 16) : 0, r > 3 ? load<f64>(s, 24) : 0, len);
        }
      }
      for (let c = 0; c < kc; c++) memory.copy(Y + <usize>(c0 + c) * cb + off, buf + <usize>(c * CH) * 8, <usize>len << 3);
    }
  }
}

/** g[0..4) += x . (t0, t1, t2, t3) over [0, len) */
// @ts-ignore: decorator
@inline function dot4(x: usize, t0: usize, t1: usize, t2: usize, t3: usize, len: i32, g: usize, r: i32, ldG: usize): void {
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    for (; i + 2 <= len; i += 2) {
      const o = <usize>i << 3;
      const v = v128.load(x + o);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(t0 + o), v));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(t1 + o), v));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(t2 + o), v));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(t3 + o), v));
    }
    s0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
    s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
    s2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
    s3 = f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1);
  }
  for (; i < len; i++) {
    const o = <usize>i << 3;
    const v = load<f64>(x + o);
    s0 += load<f64>(t0 + o) * v;
    s1 += load<f64>(t1 + o) * v;
    s2 += load<f64>(t2 + o) * v;
    s3 += load<f64>(t3 + o) * v;
  }
  store<f64>(g, load<f64>(g) + s0);
  if (r > 1) store<f64>(g + ldG, load<f64>(g + ldG) + s1);
  if (r > 2) store<f64>(g + 2 * ldG, load<f64>(g + 2 * ldG) + s2);
  if (r > 3) store<f64>(g + 3 * ldG, load<f64>(g + 3 * ldG) + s3);
}

/** G[l + c*ldG] = X[:, l] . Y[:, c] for l < p, c < q. X and Y may overlap (it only reads them). */
export function blockGram(X: usize, p: i32, Y: usize, q: i32, n: i32, G: usize, ldG: i32): void {
  const cb = <usize>n << 3, lb = <usize>ldG << 3;
  for (let c = 0; c < q; c++) for (let l = 0; l < p; l++) stf(G, l + c * ldG, 0);
  for (let c0 = 0; c0 < q; c0 += GROUP) {
    const qc = min(GROUP, q - c0);
    for (let i0 = 0; i0 < n; i0 += CH) {
      const len = min(CH, n - i0);
      const off = <usize>i0 << 3;
      for (let c = 0; c < qc; c++) memory.copy(buf + <usize>(c * CH) * 8, Y + <usize>(c0 + c) * cb + off, <usize>len << 3);
      for (let l = 0; l < p; l++) {
        const x = X + <usize>l * cb + off;
        const g = G + (<usize>(c0 * ldG + l) << 3);
        for (let c = 0; c < qc; c += 4) {
          const r = min(4, qc - c);
          const t0 = buf + <usize>(c * CH) * 8;
          const t1 = r > 1 ? t0 + CH * 8 : t0, t2 = r > 2 ? t0 + 2 * CH * 8 : t0, t3 = r > 3 ? t0 + 3 * CH * 8 : t0;
          dot4(x, t0, t1, t2, t3, len, g + <usize>c * lb, r, lb);
        }
      }
    }
  }
}
