// Fused vector updates for the Krylov solvers: each does in one pass over memory what would
// otherwise be two or three BLAS-1 calls (the solvers are memory-bound at large n).

@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

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
  for (; i < n; i++) st(y, i, ld(x, i) + beta * ld(y, i));
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
  for (; i < n; i++) st(y, i, a * ld(x, i) + b * ld(y, i));
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
  for (; i < n; i++) st(z, i, ld(x, i) - ld(y, i));
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
    st(x, i, ld(x, i) + alpha * ld(p, i));
    const rv = ld(r, i) - alpha * ld(q, i);
    st(r, i, rv);
    s += rv * rv;
  }
  return s;
}

/** BiCGSTAB direction: p = r + beta * (p - omega * v) */
export function bicgDirection(n: i32, beta: f64, omega: f64, r: usize, v: usize, p: usize): void {
  for (let i = 0; i < n; i++) st(p, i, ld(r, i) + beta * (ld(p, i) - omega * ld(v, i)));
}

/** s = r - alpha v; returns s . s */
export function bicgHalf(n: i32, alpha: f64, r: usize, v: usize, s: usize): f64 {
  let acc: f64 = 0;
  for (let i = 0; i < n; i++) {
    const w = ld(r, i) - alpha * ld(v, i);
    st(s, i, w);
    acc += w * w;
  }
  return acc;
}

/** BiCGSTAB end of step: x += alpha ph + omega sh; r = s - omega t; returns r . r */
export function bicgUpdate(n: i32, alpha: f64, omega: f64, ph: usize, sh: usize, s: usize, t: usize, x: usize, r: usize): f64 {
  let acc: f64 = 0;
  for (let i = 0; i < n; i++) {
    st(x, i, ld(x, i) + alpha * ld(ph, i) + omega * ld(sh, i));
    const w = ld(s, i) - omega * ld(t, i);
    st(r, i, w);
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
  for (let j = 0; j < k; j++) st(h, j, 0);
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
      for (; i < n; i++) d += ld(vj, i) * ld(w, i);
      st(h, j, ld(h, j) + d);
      i = 0;
      if (ASC_FEATURE_SIMD) {
        const dv = f64x2.splat(d);
        for (; i + 2 <= n; i += 2) {
          const o = <usize>i << 3;
          v128.store(w + o, f64x2.sub(v128.load(w + o), f64x2.mul(dv, v128.load(vj + o))));
        }
      }
      for (; i < n; i++) st(w, i, ld(w, i) - d * ld(vj, i));
    }
  }
}

/** x += sum_j y[j] V_j for k vectors stored contiguously at V (stride n) */
export function combine(n: i32, k: i32, V: usize, y: usize, x: usize): void {
  for (let j = 0; j < k; j++) {
    const c = ld(y, j);
    const vj = V + (<usize>j * <usize>n << 3);
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const cv = f64x2.splat(c);
      for (; i + 2 <= n; i += 2) {
        const o = <usize>i << 3;
        v128.store(x + o, f64x2.add(v128.load(x + o), f64x2.mul(cv, v128.load(vj + o))));
      }
    }
    for (; i < n; i++) st(x, i, ld(x, i) + c * ld(vj, i));
  }
}

/** 1 if every x[i] is finite, else 0 */
export function allFinite(n: i32, x: usize): i32 {
  let acc: f64 = 0;
  for (let i = 0; i < n; i++) acc += ld(x, i) * 0; // NaN for any NaN or Inf entry
  return acc == acc ? 1 : 0;
}
