// Vector operations on blocks of k vectors stored row-major (entry (i, j) at i*k + j, the layout
// of csrSpmm), one result or coefficient per column. They run the lock-step Krylov recurrences of
// solveMany: each column's arithmetic, including the order of every sum, is exactly that of the
// single-vector kernel named (dot, cgStep, xpby), so a column of a block solve is bitwise the
// single solve. The SIMD lanes run over pairs of columns, never along a column.
//
// The reductions keep their partial sums in `acc` (a caller's scratch of 8k float64s): dot sums
// element i of a column into partial i mod 8 up to the last multiple of 16, then i mod 2 up to the
// last pair, combines ((S0 + S2) + (S4 + S6)) + ((S1 + S3) + (S5 + S7)) and adds an odd last
// element; cgStep uses partials i mod 2 only. The scalar build's kernels sum in turn, and so do
// these there.

// @ts-ignore: decorator
@inline function accAdd2(acc: usize, m: i32, k: i32, j: i32, v: v128): void {
  const a = acc + ((<usize>m * <usize>k + <usize>j) << 3);
  v128.store(a, f64x2.add(v128.load(a), v)); // the partial's running sum: (S + v), as in dot
}

// @ts-ignore: decorator
@inline function accAdd1(acc: usize, m: i32, k: i32, j: i32, v: f64): void {
  const a = acc + ((<usize>m * <usize>k + <usize>j) << 3);
  store<f64>(a, load<f64>(a) + v);
}

// @ts-ignore: decorator
@inline function accGet(acc: usize, m: i32, k: i32, j: i32): f64 {
  return load<f64>(acc + ((<usize>m * <usize>k + <usize>j) << 3));
}

/** rows per chunk of mvDot: the chunk of X and Y (64 rows x k) stays in L1 while each column pair passes */
// @ts-ignore: decorator
@inline const DOT_CHUNK: i32 = 64;
/**
 * rows per chunk of mvCgStep and mvXpby: no partials to reload there (cgStep's 2 per pair), so a
 * short chunk, closer to one pass along the block's rows (a row of k = 8 columns is one cache line),
 * streams faster than 64 rows read again per column pair (measured: n = 1e6, k = 8)
 */
// @ts-ignore: decorator
@inline const CG_CHUNK: i32 = 8;
// @ts-ignore: decorator
@inline const XPBY_CHUNK: i32 = 4;

/**
 * Rows [i0, i0 + rows) (rows a multiple of 8) of the column pair j, j+1 into dot's partials
 * S_(i mod 8), held in registers over the chunk.
 */
// @ts-ignore: decorator
@inline function dotChunkPair(acc: usize, k: i32, j: i32, X: usize, Y: usize, kb: usize, i0: i32, rows: i32): void {
  const stride = <usize>k << 3; // one partial row of acc: k float64s
  const a = acc + (<usize>j << 3);
  let s0 = v128.load(a), s1 = v128.load(a + stride), s2 = v128.load(a + 2 * stride), s3 = v128.load(a + 3 * stride);
  let s4 = v128.load(a + 4 * stride), s5 = v128.load(a + 5 * stride), s6 = v128.load(a + 6 * stride), s7 = v128.load(a + 7 * stride);
  const o = <usize>j << 3;
  let px = X + <usize>i0 * kb + o, py = Y + <usize>i0 * kb + o;
  for (let g = 0; g < rows; g += 8) {
    s0 = f64x2.add(s0, f64x2.mul(v128.load(px), v128.load(py))); px += kb; py += kb;
    s1 = f64x2.add(s1, f64x2.mul(v128.load(px), v128.load(py))); px += kb; py += kb;
    s2 = f64x2.add(s2, f64x2.mul(v128.load(px), v128.load(py))); px += kb; py += kb;
    s3 = f64x2.add(s3, f64x2.mul(v128.load(px), v128.load(py))); px += kb; py += kb;
    s4 = f64x2.add(s4, f64x2.mul(v128.load(px), v128.load(py))); px += kb; py += kb;
    s5 = f64x2.add(s5, f64x2.mul(v128.load(px), v128.load(py))); px += kb; py += kb;
    s6 = f64x2.add(s6, f64x2.mul(v128.load(px), v128.load(py))); px += kb; py += kb;
    s7 = f64x2.add(s7, f64x2.mul(v128.load(px), v128.load(py))); px += kb; py += kb;
  }
  v128.store(a, s0); v128.store(a + stride, s1); v128.store(a + 2 * stride, s2); v128.store(a + 3 * stride, s3);
  v128.store(a + 4 * stride, s4); v128.store(a + 5 * stride, s5); v128.store(a + 6 * stride, s6); v128.store(a + 7 * stride, s7);
}

/** out_j = X_j . Y_j for the k columns of two n x k blocks (dot's summation order). */
export function mvDot(n: i32, k: i32, X: usize, Y: usize, acc: usize, out: usize): void {
  if (k <= 0) return;
  const kb = <usize>k << 3;
  memory.fill(acc, 0, <usize>8 * kb);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const n16 = n & ~15, n2 = n & ~1;
    // up to the last multiple of 16: element i to partial i mod 8, a row at a time for k >= 8
    // (one pass along the rows streams faster than a chunk reread per column pair; the partials
    // stay in L1), a chunk of rows per column pair for smaller k
    if (k >= 8) {
      for (; i < n16; i++) {
        const m = i & 7;
        const px = X + <usize>i * kb, py = Y + <usize>i * kb;
        let j = 0;
        for (; j + 2 <= k; j += 2) {
          const o = <usize>j << 3;
          accAdd2(acc, m, k, j, f64x2.mul(v128.load(px + o), v128.load(py + o)));
        }
        if (j < k) accAdd1(acc, m, k, j, load<f64>(px + (<usize>j << 3)) * load<f64>(py + (<usize>j << 3)));
      }
    }
    while (i < n16) {
      const rows = min(DOT_CHUNK, n16 - i);
      let j = 0;
      for (; j + 2 <= k; j += 2) dotChunkPair(acc, k, j, X, Y, kb, i, rows);
      if (j < k) {
        const o = <usize>j << 3;
        for (let t = 0; t < rows; t++) {
          const q = <usize>(i + t) * kb + o;
          accAdd1(acc, t & 7, k, j, load<f64>(X + q) * load<f64>(Y + q));
        }
      }
      i += rows;
    }
    // the pairs after it: element i to partial i mod 2
    for (; i < n2; i++) {
      const m = i & 1;
      const px = X + <usize>i * kb, py = Y + <usize>i * kb;
      let j = 0;
      for (; j + 2 <= k; j += 2) {
        const o = <usize>j << 3;
        accAdd2(acc, m, k, j, f64x2.mul(v128.load(px + o), v128.load(py + o)));
      }
      if (j < k) accAdd1(acc, m, k, j, load<f64>(px + (<usize>j << 3)) * load<f64>(py + (<usize>j << 3)));
    }
    for (let j = 0; j < k; j++) {
      const even = (accGet(acc, 0, k, j) + accGet(acc, 2, k, j)) + (accGet(acc, 4, k, j) + accGet(acc, 6, k, j));
      const odd = (accGet(acc, 1, k, j) + accGet(acc, 3, k, j)) + (accGet(acc, 5, k, j) + accGet(acc, 7, k, j));
      store<f64>(out + (<usize>j << 3), even + odd);
    }
  } else {
    for (let j = 0; j < k; j++) store<f64>(out + (<usize>j << 3), 0);
  }
  // the scalar tail (odd last element; every element in the scalar build), summed in turn
  for (; i < n; i++) {
    const px = X + <usize>i * kb, py = Y + <usize>i * kb;
    for (let j = 0; j < k; j++) {
      const o = <usize>j << 3;
      store<f64>(out + o, load<f64>(out + o) + load<f64>(px + o) * load<f64>(py + o));
    }
  }
}

/**
 * Rows [i0, i0 + rows) (rows even) of the column pair j, j+1 of mvCgStep; partials i mod 2 held
 * in registers over the chunk. A NaN alpha lane leaves its column untouched (bitselect).
 */
// @ts-ignore: decorator
@inline function cgChunkPair(acc: usize, k: i32, j: i32, a: v128, P: usize, Q: usize, X: usize, R: usize, kb: usize, i0: i32, rows: i32): void {
  const stride = <usize>k << 3;
  const pa = acc + (<usize>j << 3);
  let s0 = v128.load(pa), s1 = v128.load(pa + stride);
  const live = f64x2.eq(a, a);
  let q = <usize>i0 * kb + (<usize>j << 3);
  for (let t = 0; t < rows; t += 2) {
    let xv = v128.load(X + q), r0 = v128.load(R + q);
    v128.store(X + q, v128.bitselect(f64x2.add(xv, f64x2.mul(a, v128.load(P + q))), xv, live));
    let rv = f64x2.sub(r0, f64x2.mul(a, v128.load(Q + q)));
    v128.store(R + q, v128.bitselect(rv, r0, live));
    s0 = f64x2.add(s0, f64x2.mul(rv, rv));
    q += kb;
    xv = v128.load(X + q); r0 = v128.load(R + q);
    v128.store(X + q, v128.bitselect(f64x2.add(xv, f64x2.mul(a, v128.load(P + q))), xv, live));
    rv = f64x2.sub(r0, f64x2.mul(a, v128.load(Q + q)));
    v128.store(R + q, v128.bitselect(rv, r0, live));
    s1 = f64x2.add(s1, f64x2.mul(rv, rv));
    q += kb;
  }
  v128.store(pa, s0);
  v128.store(pa + stride, s1);
}

/** one element of mvCgStep's scalar paths: returns the new r (the old one kept when a is NaN) */
// @ts-ignore: decorator
@inline function cgOne(a: f64, P: usize, Q: usize, X: usize, R: usize, o: usize): f64 {
  const rv = load<f64>(R + o) - a * load<f64>(Q + o);
  if (a == a) {
    store<f64>(X + o, load<f64>(X + o) + a * load<f64>(P + o));
    store<f64>(R + o, rv);
  }
  return rv;
}

/**
 * CG step per column: X_j += alpha_j P_j; R_j -= alpha_j Q_j; out_j = R_j . R_j (new), in
 * cgStep's order (pairs of elements into partials i mod 2, an odd last one after). alpha: k
 * float64s; a NaN alpha_j masks column j: X_j and R_j stay untouched (bit for bit) and out_j is
 * meaningless. Rows go by chunks that stay in L1 while each column pair passes.
 */
export function mvCgStep(n: i32, k: i32, alpha: usize, P: usize, Q: usize, X: usize, R: usize, acc: usize, out: usize): void {
  if (k <= 0) return;
  const kb = <usize>k << 3;
  memory.fill(acc, 0, <usize>2 * kb);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const n2 = n & ~1;
    while (i < n2) {
      const rows = min(CG_CHUNK, n2 - i);
      let j = 0;
      for (; j + 2 <= k; j += 2) cgChunkPair(acc, k, j, v128.load(alpha + (<usize>j << 3)), P, Q, X, R, kb, i, rows);
      if (j < k) {
        const a = load<f64>(alpha + (<usize>j << 3));
        for (let t = 0; t < rows; t++) {
          const rv = cgOne(a, P, Q, X, R, <usize>(i + t) * kb + (<usize>j << 3));
          accAdd1(acc, t & 1, k, j, rv * rv);
        }
      }
      i += rows;
    }
    for (let j = 0; j < k; j++) store<f64>(out + (<usize>j << 3), accGet(acc, 0, k, j) + accGet(acc, 1, k, j));
  } else {
    for (let j = 0; j < k; j++) store<f64>(out + (<usize>j << 3), 0);
  }
  for (; i < n; i++) {
    const row = <usize>i * kb;
    for (let j = 0; j < k; j++) {
      const rv = cgOne(load<f64>(alpha + (<usize>j << 3)), P, Q, X, R, row + (<usize>j << 3));
      store<f64>(out + (<usize>j << 3), load<f64>(out + (<usize>j << 3)) + rv * rv);
    }
  }
}

/** Y_j = X_j + beta_j Y_j for each column (xpby's arithmetic); beta: k float64s, a NaN beta_j leaves Y_j untouched. */
export function mvXpby(n: i32, k: i32, X: usize, beta: usize, Y: usize): void {
  if (k <= 0) return;
  const kb = <usize>k << 3;
  let i = 0;
  if (ASC_FEATURE_SIMD && k >= 2) {
    // chunks of rows, a column pair at a time (its beta and mask in registers)
    while (i < n) {
      const rows = min(XPBY_CHUNK, n - i);
      let j = 0;
      for (; j + 2 <= k; j += 2) {
        const b = v128.load(beta + (<usize>j << 3));
        const live = f64x2.eq(b, b);
        let q = <usize>i * kb + (<usize>j << 3);
        for (let t = 0; t < rows; t++) {
          const y = v128.load(Y + q);
          v128.store(Y + q, v128.bitselect(f64x2.add(v128.load(X + q), f64x2.mul(b, y)), y, live));
          q += kb;
        }
      }
      for (; j < k; j++) {
        const b = load<f64>(beta + (<usize>j << 3));
        if (b != b) continue;
        let q = <usize>i * kb + (<usize>j << 3);
        for (let t = 0; t < rows; t++) {
          store<f64>(Y + q, load<f64>(X + q) + b * load<f64>(Y + q));
          q += kb;
        }
      }
      i += rows;
    }
    return;
  }
  for (; i < n; i++) {
    const row = <usize>i * kb;
    for (let j = 0; j < k; j++) {
      const o = row + (<usize>j << 3);
      const b = load<f64>(beta + (<usize>j << 3));
      if (b == b) store<f64>(Y + o, load<f64>(X + o) + b * load<f64>(Y + o));
    }
  }
}

/** Z_ij = invDiag_i R_ij (Jacobi on a block; jacobiApply's arithmetic). */
export function mvJacobi(n: i32, k: i32, invDiag: usize, R: usize, Z: usize): void {
  if (k <= 0) return;
  const kb = <usize>k << 3;
  for (let i = 0; i < n; i++) {
    const row = <usize>i * kb;
    const d = load<f64>(invDiag + (<usize>i << 3));
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const dv = f64x2.splat(d);
      for (; j + 2 <= k; j += 2) {
        const o = row + (<usize>j << 3);
        v128.store(Z + o, f64x2.mul(dv, v128.load(R + o)));
      }
    }
    for (; j < k; j++) {
      const o = row + (<usize>j << 3);
      store<f64>(Z + o, d * load<f64>(R + o));
    }
  }
}

/** x = column j of the n x k block X (a contiguous copy). */
export function mvGetColumn(n: i32, k: i32, j: i32, X: usize, x: usize): void {
  const kb = <usize>k << 3;
  let px = X + (<usize>j << 3);
  for (let i = 0; i < n; i++) {
    store<f64>(x + (<usize>i << 3), load<f64>(px));
    px += kb;
  }
}

/** column j of the n x k block X = x. */
export function mvSetColumn(n: i32, k: i32, j: i32, x: usize, X: usize): void {
  const kb = <usize>k << 3;
  let px = X + (<usize>j << 3);
  for (let i = 0; i < n; i++) {
    store<f64>(px, load<f64>(x + (<usize>i << 3)));
    px += kb;
  }
}

/**
 * Keeps the columns keep[0] < keep[1] < ... < keep[kk-1] of the n x k block X, in place: X
 * becomes n x kk. (A write never passes a read still to come: i*kk + t <= i*k + keep[t].)
 */
export function mvCompact(n: i32, k: i32, keep: usize, kk: i32, X: usize): void {
  for (let i = 0; i < n; i++) {
    const src = X + ((<usize>i * <usize>k) << 3);
    const dst = X + ((<usize>i * <usize>kk) << 3);
    for (let t = 0; t < kk; t++) {
      store<f64>(dst + (<usize>t << 3), load<f64>(src + (<usize>load<i32>(keep + (<usize>t << 2)) << 3)));
    }
  }
}
