// Level-1 BLAS on f64 vectors: x, y are byte pointers, n is the element count.
// SIMD paths process 4 elements (two f64x2) per step with two independent accumulators so the
// adds do not serialise on one register; a scalar tail finishes the last n % 4 elements.

@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

/** returns x . y */
export function dot(n: i32, x: usize, y: usize): f64 {
  let i = 0;
  let s: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 3;
      a0 = f64x2.add(a0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
    }
    a0 = f64x2.add(a0, a1);
    s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  }
  for (; i < n; i++) s += ld(x, i) * ld(y, i);
  return s;
}

/** y = alpha * x + y */
export function axpy(n: i32, alpha: f64, x: usize, y: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const a = f64x2.splat(alpha);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 3;
      v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(a, v128.load(x + o))));
      v128.store(y + o, f64x2.add(v128.load(y + o, 16), f64x2.mul(a, v128.load(x + o, 16))), 16);
    }
  }
  for (; i < n; i++) st(y, i, ld(y, i) + alpha * ld(x, i));
}

/** x = alpha * x */
export function scal(n: i32, alpha: f64, x: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const a = f64x2.splat(alpha);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 3;
      v128.store(x + o, f64x2.mul(a, v128.load(x + o)));
      v128.store(x + o, f64x2.mul(a, v128.load(x + o, 16)), 16);
    }
  }
  for (; i < n; i++) st(x, i, alpha * ld(x, i));
}

/** y = x (the regions may not overlap) */
export function copy(n: i32, x: usize, y: usize): void {
  memory.copy(y, x, <usize>n << 3);
}

/** x[i] = value for all i */
export function fill(n: i32, value: f64, x: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v = f64x2.splat(value);
    for (; i + 2 <= n; i += 2) v128.store(x + (<usize>i << 3), v);
  }
  for (; i < n; i++) st(x, i, value);
}

/** max |x_i| (NaN if any entry is NaN) */
export function amax(n: i32, x: usize): f64 {
  let m: f64 = 0;
  for (let i = 0; i < n; i++) {
    const a = abs(ld(x, i));
    if (!(a <= m)) m = a; // also takes NaN, which then sticks
  }
  return m;
}

/** sum of squares, fast path; may overflow to Inf or underflow to 0 */
function sumsq(n: i32, x: usize): f64 {
  let i = 0;
  let s: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 3;
      const u = v128.load(x + o), w = v128.load(x + o, 16);
      a0 = f64x2.add(a0, f64x2.mul(u, u));
      a1 = f64x2.add(a1, f64x2.mul(w, w));
    }
    a0 = f64x2.add(a0, a1);
    s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  }
  for (; i < n; i++) { const v = ld(x, i); s += v * v; }
  return s;
}

/**
 * ||x||_2 without overflow or harmful underflow: one fast pass of plain squares, and only when
 * that result is out of the safe range a second pass that scales by max |x_i|.
 */
export function nrm2(n: i32, x: usize): f64 {
  const s = sumsq(n, x);
  // 1e-290 < s < 1e290 means no square overflowed and none of the significant ones underflowed.
  if (s > 1e-290 && s < 1e290) return Math.sqrt(s);
  if (s != s) return s; // NaN input
  const m = amax(n, x);
  if (m == 0 || m == Infinity || m != m) return m;
  // divide rather than multiply by 1/m: 1/m overflows when m is subnormal
  let t: f64 = 0;
  for (let i = 0; i < n; i++) { const v = ld(x, i) / m; t += v * v; }
  return m * Math.sqrt(t);
}
