// Block triangular solves: the four row-wise solves of trsv.ts applied to k right-hand sides at
// once, blocks row-major n x k (entry (i, j) at i*k + j, as csrSpmm). One pass over the factor
// serves all k vectors, and the k recurrences of a row are independent SIMD lanes, so the
// row-to-row latency chain of a single solve is shared by k columns. Per column the arithmetic
// is that of the single kernel (same products, same order of the sums; trsv.ts keeps a neighbour
// in a register, which changes no value), so each column is bitwise the single solve.

// @ts-ignore: decorator
@inline function ldi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function ldf(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }

/**
 * One row of a forward or backward solve: Y(i, :) = (R(i, :) d_i - sum S_ip Y(c_p, :)) -
 * S_last Y(c_last, :), the sum over the row's entries but `last`, in the order from `first`
 * stepping by `step` (+1 forward, -1 backward); `scaled` false: d_i = 1 (no multiply).
 */
// @ts-ignore: decorator
@inline function solveRow(
  i: i32, first: i32, last: i32, step: i32, nonEmpty: bool, col: usize, val: usize, d: f64, scaled: bool,
  k: i32, kb: usize, R: usize, Y: usize,
): void {
  const ri = R + <usize>i * kb, yi = Y + <usize>i * kb;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const dv = f64x2.splat(d);
    // eight columns per walk over the row: one index and value load feed four pairs
    for (; j + 8 <= k; j += 8) {
      const o = <usize>j << 3;
      let t0 = v128.load(ri + o), t1 = v128.load(ri + o, 16), t2 = v128.load(ri + o, 32), t3 = v128.load(ri + o, 48);
      if (scaled) { t0 = f64x2.mul(t0, dv); t1 = f64x2.mul(t1, dv); t2 = f64x2.mul(t2, dv); t3 = f64x2.mul(t3, dv); }
      if (nonEmpty) {
        let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
        for (let p = first; p != last; p += step) {
          const v = f64x2.splat(ldf(val, p));
          const yc = Y + <usize>ldi(col, p) * kb + o;
          s0 = f64x2.add(s0, f64x2.mul(v, v128.load(yc)));
          s1 = f64x2.add(s1, f64x2.mul(v, v128.load(yc, 16)));
          s2 = f64x2.add(s2, f64x2.mul(v, v128.load(yc, 32)));
          s3 = f64x2.add(s3, f64x2.mul(v, v128.load(yc, 48)));
        }
        const v = f64x2.splat(ldf(val, last));
        const yc = Y + <usize>ldi(col, last) * kb + o;
        t0 = f64x2.sub(f64x2.sub(t0, s0), f64x2.mul(v, v128.load(yc)));
        t1 = f64x2.sub(f64x2.sub(t1, s1), f64x2.mul(v, v128.load(yc, 16)));
        t2 = f64x2.sub(f64x2.sub(t2, s2), f64x2.mul(v, v128.load(yc, 32)));
        t3 = f64x2.sub(f64x2.sub(t3, s3), f64x2.mul(v, v128.load(yc, 48)));
      }
      v128.store(yi + o, t0); v128.store(yi + o, t1, 16); v128.store(yi + o, t2, 32); v128.store(yi + o, t3, 48);
    }
    for (; j + 2 <= k; j += 2) {
      const o = <usize>j << 3;
      let t = scaled ? f64x2.mul(v128.load(ri + o), dv) : v128.load(ri + o);
      if (nonEmpty) {
        let s = f64x2.splat(0);
        for (let p = first; p != last; p += step) {
          s = f64x2.add(s, f64x2.mul(f64x2.splat(ldf(val, p)), v128.load(Y + <usize>ldi(col, p) * kb + o)));
        }
        t = f64x2.sub(f64x2.sub(t, s), f64x2.mul(f64x2.splat(ldf(val, last)), v128.load(Y + <usize>ldi(col, last) * kb + o)));
      }
      v128.store(yi + o, t);
    }
  }
  for (; j < k; j++) {
    const o = <usize>j << 3;
    let t = scaled ? load<f64>(ri + o) * d : load<f64>(ri + o);
    if (nonEmpty) {
      let s: f64 = 0;
      for (let p = first; p != last; p += step) s += ldf(val, p) * load<f64>(Y + <usize>ldi(col, p) * kb + o);
      t = (t - s) - ldf(val, last) * load<f64>(Y + <usize>ldi(col, last) * kb + o);
    }
    store<f64>(yi + o, t);
  }
}

/** Y = L^-1 R for a unit lower triangle given by its strictly lower part (trsvLowerUnit); Y may be R. */
export function trsmLowerUnit(n: i32, k: i32, ptr: usize, col: usize, val: usize, R: usize, Y: usize): void {
  if (k <= 0) return;
  const kb = <usize>k << 3;
  let pb = ldi(ptr, 0);
  for (let i = 0; i < n; i++) {
    const pe = ldi(ptr, i + 1);
    solveRow(i, pb, pe - 1, 1, pb < pe, col, val, 1, false, k, kb, R, Y);
    pb = pe;
  }
}

/** Y_i = R_i d_i - sum_{j<i} S_ij Y_j for a scaled lower triangle (trsvLowerScaled); Y may be R. */
export function trsmLowerScaled(n: i32, k: i32, ptr: usize, col: usize, val: usize, d: usize, R: usize, Y: usize): void {
  if (k <= 0) return;
  const kb = <usize>k << 3;
  let pb = ldi(ptr, 0);
  for (let i = 0; i < n; i++) {
    const pe = ldi(ptr, i + 1);
    solveRow(i, pb, pe - 1, 1, pb < pe, col, val, ldf(d, i), true, k, kb, R, Y);
    pb = pe;
  }
}

/** Z_i = Y_i d_i - sum_{j>i} S_ij Z_j, rows from the last (trsvUpperScaled); Z may be Y. */
export function trsmUpperScaled(n: i32, k: i32, ptr: usize, col: usize, val: usize, d: usize, Y: usize, Z: usize): void {
  if (k <= 0) return;
  const kb = <usize>k << 3;
  let pe = ldi(ptr, n);
  for (let i = n - 1; i >= 0; i--) {
    const pb = ldi(ptr, i);
    solveRow(i, pe - 1, pb, -1, pb < pe, col, val, ldf(d, i), true, k, kb, Y, Z);
    pe = pb;
  }
}

/**
 * Z = L^-T Y for the scaled lower triangle, column-oriented over L's rows
 * (trsvLowerTransposedScaled): U_i = Z_i (all updates from rows below applied), Z_i = U_i d_i,
 * then Z_c -= S_ic U_i for the row's entries, last to first. Z may be Y (else Y is copied first).
 */
export function trsmLowerTransposedScaled(n: i32, k: i32, ptr: usize, col: usize, val: usize, d: usize, Y: usize, Z: usize): void {
  if (k <= 0) return;
  const kb = <usize>k << 3;
  if (Z != Y) memory.copy(Z, Y, <usize>n * kb);
  let pe = ldi(ptr, n);
  for (let i = n - 1; i >= 0; i--) {
    const pb = ldi(ptr, i);
    const zi = Z + <usize>i * kb;
    const di = ldf(d, i);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const dv = f64x2.splat(di);
      for (; j + 8 <= k; j += 8) {
        const o = <usize>j << 3;
        const u0 = v128.load(zi + o), u1 = v128.load(zi + o, 16), u2 = v128.load(zi + o, 32), u3 = v128.load(zi + o, 48);
        v128.store(zi + o, f64x2.mul(u0, dv)); v128.store(zi + o, f64x2.mul(u1, dv), 16);
        v128.store(zi + o, f64x2.mul(u2, dv), 32); v128.store(zi + o, f64x2.mul(u3, dv), 48);
        for (let p = pe - 1; p >= pb; p--) {
          const v = f64x2.splat(ldf(val, p));
          const zc = Z + <usize>ldi(col, p) * kb + o;
          v128.store(zc, f64x2.sub(v128.load(zc), f64x2.mul(v, u0)));
          v128.store(zc, f64x2.sub(v128.load(zc, 16), f64x2.mul(v, u1)), 16);
          v128.store(zc, f64x2.sub(v128.load(zc, 32), f64x2.mul(v, u2)), 32);
          v128.store(zc, f64x2.sub(v128.load(zc, 48), f64x2.mul(v, u3)), 48);
        }
      }
      for (; j + 2 <= k; j += 2) {
        const o = <usize>j << 3;
        const u = v128.load(zi + o);
        v128.store(zi + o, f64x2.mul(u, dv));
        for (let p = pe - 1; p >= pb; p--) {
          const zc = Z + <usize>ldi(col, p) * kb + o;
          v128.store(zc, f64x2.sub(v128.load(zc), f64x2.mul(f64x2.splat(ldf(val, p)), u)));
        }
      }
    }
    for (; j < k; j++) {
      const o = <usize>j << 3;
      const u = load<f64>(zi + o);
      store<f64>(zi + o, u * di);
      for (let p = pe - 1; p >= pb; p--) {
        const zc = Z + <usize>ldi(col, p) * kb + o;
        store<f64>(zc, load<f64>(zc) - ldf(val, p) * u);
      }
    }
    pe = pb;
  }
}
