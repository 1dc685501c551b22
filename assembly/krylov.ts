// Fused vector updates for the Krylov solvers: each does in one pass over memory what would
// otherwise be two or three BLAS-1 calls (the solvers are memory-bound at large n).

import { ldf, stf } from './ptr';

/** y = x + beta * y */
export function xpby(n: i32, x: usize, beta: f64, y: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const b = f64x2.splat(beta);
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      v128.store(y + o, f64x2.add(v128.load(x + o), f64x2.mul(b, v128.load(y + o))));
    }
  }
  for (; i < n; i++) stf(y, i, ldf(x, i) + beta * ldf(y, i));
}

/** y = a * x + b * y */
export function axpby(n: i32, a: f64, x: usize, b: f64, y: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(a), vb = f64x2.splat(b);
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      v128.store(y + o, f64x2.add(f64x2.mul(va, v128.load(x + o)), f64x2.mul(vb, v128.load(y + o))));
    }
  }
  for (; i < n; i++) stf(y, i, a * ldf(x, i) + b * ldf(y, i));
}

/** z = x - y */
export function sub(n: i32, x: usize, y: usize, z: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      v128.store(z + o, f64x2.sub(v128.load(x + o), v128.load(y + o)));
    }
  }
  for (; i < n; i++) stf(z, i, ldf(x, i) - ldf(y, i));
}

/** CG step: x += alpha p; r -= alpha q; returns r . r (new) */
export function cgStep(n: i32, alpha: f64, p: usize, q: usize, x: usize, r: usize): f64 {
  let i = 0;
  let s: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const a = f64x2.splat(alpha);
    let acc = f64x2.splat(0);
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      v128.store(x + o, f64x2.add(v128.load(x + o), f64x2.mul(a, v128.load(p + o))));
      const rv = f64x2.sub(v128.load(r + o), f64x2.mul(a, v128.load(q + o)));
      v128.store(r + o, rv);
      acc = f64x2.add(acc, f64x2.mul(rv, rv));
    }
    s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  for (; i < n; i++) {
    stf(x, i, ldf(x, i) + alpha * ldf(p, i));
    const rv = ldf(r, i) - alpha * ldf(q, i);
    stf(r, i, rv);
    s += rv * rv;
  }
  return s;
}

/** BiCGSTAB direction: p = r + beta * (p - omega * v) */
export function bicgDirection(n: i32, beta: f64, omega: f64, r: usize, v: usize, p: usize): void {
  for (let i = 0; i < n; i++) stf(p, i, ldf(r, i) + beta * (ldf(p, i) - omega * ldf(v, i)));
}

/** s = r - alpha v; returns s . s */
export function bicgHalf(n: i32, alpha: f64, r: usize, v: usize, s: usize): f64 {
  let acc: f64 = 0;
  for (let i = 0; i < n; i++) {
    const w = ldf(r, i) - alpha * ldf(v, i);
    stf(s, i, w);
    acc += w * w;
  }
  return acc;
}

/** BiCGSTAB end of step: x += alpha ph + omega sh; r = s - omega t; returns r . r */
export function bicgUpdate(n: i32, alpha: f64, omega: f64, ph: usize, sh: usize, s: usize, t: usize, x: usize, r: usize): f64 {
  let acc: f64 = 0;
  for (let i = 0; i < n; i++) {
    stf(x, i, ldf(x, i) + alpha * ldf(ph, i) + omega * ldf(sh, i));
    const w = ldf(s, i) - omega * ldf(t, i);
    stf(r, i, w);
    acc += w * w;
  }
  return acc;
}

/**
 * Modified Gram-Schmidt of w against the k vectors stored contiguously at V (stride n):
 * h[j] = V_j . w; w -= h[j] V_j, twice (the second pass fixes the loss of orthogonality that
 * one MGS pass suffers on ill-conditioned bases; its coefficients are added to h).
 */
export function orthogonalize(n: i32, k: i32, V: usize, w: usize, h: usize): void {
  for (let j = 0; j < k; j++) stf(h, j, 0);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < k; j++) {
      const vj = V + (<usize>j * <usize>n << 3);
      let d: f64 = 0;
      let i = 0;
      if (ASC_FEATURE_SIMD) {
        let acc = f64x2.splat(0);
        for (; i + 2 <= n; i += 2) {
          const o = <usize>i << 3;
          acc = f64x2.add(acc, f64x2.mul(v128.load(vj + o), v128.load(w + o)));
        }
        d = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      }
      for (; i < n; i++) d += ldf(vj, i) * ldf(w, i);
      stf(h, j, ldf(h, j) + d);
      i = 0;
      if (ASC_FEATURE_SIMD) {
        const dv = f64x2.splat(d);
        for (; i + 2 <= n; i += 2) {
          const o = <usize>i << 3;
          v128.store(w + o, f64x2.sub(v128.load(w + o), f64x2.mul(dv, v128.load(vj + o))));
        }
      }
      for (; i < n; i++) stf(w, i, ldf(w, i) - d * ldf(vj, i));
    }
  }
}

/** x += sum_j y[j] V_j for k vectors stored contiguously at V (stride n) */
export function combine(n: i32, k: i32, V: usize, y: usize, x: usize): void {
  for (let j = 0; j < k; j++) {
    const c = ldf(y, j);
    const vj = V + (<usize>j * <usize>n << 3);
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const cv = f64x2.splat(c);
      for (; i + 2 <= n; i += 2) {
        const o = <usize>i << 3;
        v128.store(x + o, f64x2.add(v128.load(x + o), f64x2.mul(cv, v128.load(vj + o))));
      }
    }
    for (; i < n; i++) stf(x, i, ldf(x, i) + c * ldf(vj, i));
  }
}

/** 1 if every x[i] is finite, else 0 */
export function allFinite(n: i32, x: usize): i32 {
  let acc: f64 = 0;
  for (let i = 0; i < n; i++) acc += ldf(x, i) * 0; // NaN for any NaN or Inf entry
  return acc == acc ? 1 : 0;
}
