// CSR times a block of k vectors: Y = A X, X cols x k and Y rows x k, both row-major ("interleaved":
// entry (i, j) at i*k + j). Row-major because every a_ij is then applied to the k contiguous
// values X(j, 0..k) with whole f64x2 loads: one column index and one value are read per nonzero for
// all k vectors, the gather becomes a k*8-byte contiguous load, and the k products of a row are
// independent SIMD lanes. (Column-major X would read the matrix once too, but gather k scattered
// scalars per nonzero.)
//
// Per column the arithmetic is exactly that of the single-vector SpMV, so each column of Y is
// bitwise the column csrSpmv / sellSpmv would give: `order` 0 sums a row's products one after the
// other from +0 (sellSpmv, whose padding adds +-0 and changes nothing, and the scalar build's
// csrSpmv); `order` 1 reproduces the SIMD csrSpmv's grouping (products p = 0, 1, 2, 3 mod 4 into
// four partial sums, a trailing pair into the first two, (P0 + P2) + (P1 + P3), then an odd last one).

// @ts-ignore: decorator
@inline function xrow(X: usize, c: i32, kb: usize): usize {
  return X + <usize>c * kb;
}

/** One row, sequential order, columns j0.. in pairs (SIMD) and a scalar last column. */
// @ts-ignore: decorator
@inline function rowSequential(pb: i32, pe: i32, colIdx: usize, vals: usize, k: i32, kb: usize, X: usize, y: usize): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    // four pairs (8 columns) per walk over the row: one index and value load feed 8 products
    for (; j + 8 <= k; j += 8) {
      const o = <usize>j << 3;
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      for (let p = pb; p < pe; p++) {
        const v = f64x2.splat(load<f64>(vals + (<usize>p << 3)));
        const px = xrow(X, load<i32>(colIdx + (<usize>p << 2)), kb) + o;
        a0 = f64x2.add(a0, f64x2.mul(v, v128.load(px)));
        a1 = f64x2.add(a1, f64x2.mul(v, v128.load(px, 16)));
        a2 = f64x2.add(a2, f64x2.mul(v, v128.load(px, 32)));
        a3 = f64x2.add(a3, f64x2.mul(v, v128.load(px, 48)));
      }
      v128.store(y + o, a0); v128.store(y + o, a1, 16); v128.store(y + o, a2, 32); v128.store(y + o, a3, 48);
    }
    for (; j + 2 <= k; j += 2) {
      const o = <usize>j << 3;
      let a = f64x2.splat(0);
      for (let p = pb; p < pe; p++) {
        const px = xrow(X, load<i32>(colIdx + (<usize>p << 2)), kb) + o;
        a = f64x2.add(a, f64x2.mul(f64x2.splat(load<f64>(vals + (<usize>p << 3))), v128.load(px)));
      }
      v128.store(y + o, a);
    }
  }
  for (; j < k; j++) {
    const o = <usize>j << 3;
    let s: f64 = 0;
    for (let p = pb; p < pe; p++) {
      s += load<f64>(vals + (<usize>p << 3)) * load<f64>(xrow(X, load<i32>(colIdx + (<usize>p << 2)), kb) + o);
    }
    store<f64>(y + o, s);
  }
}

/** the product a_p X(col_p, j..j+1) */
// @ts-ignore: decorator
@inline function prod2(p: i32, colIdx: usize, vals: usize, X: usize, kb: usize, o: usize): v128 {
  return f64x2.mul(f64x2.splat(load<f64>(vals + (<usize>p << 3))), v128.load(xrow(X, load<i32>(colIdx + (<usize>p << 2)), kb) + o));
}

// @ts-ignore: decorator
@inline function prod1(p: i32, colIdx: usize, vals: usize, X: usize, kb: usize, o: usize): f64 {
  return load<f64>(vals + (<usize>p << 3)) * load<f64>(xrow(X, load<i32>(colIdx + (<usize>p << 2)), kb) + o);
}

/** One row in the SIMD csrSpmv's order (see the file comment), a column pair per walk. */
// @ts-ignore: decorator
@inline function rowGrouped(pb: i32, pe: i32, colIdx: usize, vals: usize, k: i32, kb: usize, X: usize, y: usize): void {
  const len = pe - pb;
  const p4 = pb + (len & ~3);
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 2 <= k; j += 2) {
      const o = <usize>j << 3;
      let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
      let p = pb;
      for (; p < p4; p += 4) {
        s0 = f64x2.add(s0, prod2(p, colIdx, vals, X, kb, o));
        s1 = f64x2.add(s1, prod2(p + 1, colIdx, vals, X, kb, o));
        s2 = f64x2.add(s2, prod2(p + 2, colIdx, vals, X, kb, o));
        s3 = f64x2.add(s3, prod2(p + 3, colIdx, vals, X, kb, o));
      }
      if (len & 2) {
        s0 = f64x2.add(s0, prod2(p, colIdx, vals, X, kb, o));
        s1 = f64x2.add(s1, prod2(p + 1, colIdx, vals, X, kb, o));
        p += 2;
      }
      let s = f64x2.add(f64x2.add(s0, s2), f64x2.add(s1, s3));
      if (len & 1) s = f64x2.add(s, prod2(p, colIdx, vals, X, kb, o));
      v128.store(y + o, s);
    }
  }
  for (; j < k; j++) {
    const o = <usize>j << 3;
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    let p = pb;
    for (; p < p4; p += 4) {
      s0 += prod1(p, colIdx, vals, X, kb, o);
      s1 += prod1(p + 1, colIdx, vals, X, kb, o);
      s2 += prod1(p + 2, colIdx, vals, X, kb, o);
      s3 += prod1(p + 3, colIdx, vals, X, kb, o);
    }
    if (len & 2) {
      s0 += prod1(p, colIdx, vals, X, kb, o);
      s1 += prod1(p + 1, colIdx, vals, X, kb, o);
      p += 2;
    }
    let s = (s0 + s2) + (s1 + s3);
    if (len & 1) s += prod1(p, colIdx, vals, X, kb, o);
    store<f64>(y + o, s);
  }
}

/**
 * Y = A X for k >= 1 vectors in row-major blocks (X: cols x k, Y: rows x k; X and Y distinct).
 * order 0: each row's products summed in turn; 1: the SIMD csrSpmv's grouping (file comment).
 */
export function csrSpmm(rows: i32, rowPtr: usize, colIdx: usize, vals: usize, k: i32, X: usize, Y: usize, order: i32): void {
  if (rows <= 0 || k <= 0) return;
  const kb = <usize>k << 3;
  let pb = load<i32>(rowPtr);
  for (let i = 0; i < rows; i++) {
    const pe = load<i32>(rowPtr + (<usize>(i + 1) << 2));
    const y = Y + <usize>i * kb;
    if (order == 1) rowGrouped(pb, pe, colIdx, vals, k, kb, X, y);
    else rowSequential(pb, pe, colIdx, vals, k, kb, X, y);
    pb = pe;
  }
}

/** acc[m][0..k) += X(i, :) .* Y(i, :) (SIMD over column pairs; acc rows of k float64s) */
// @ts-ignore: decorator
@inline function rowProducts(acc: usize, m: i32, k: i32, x: usize, y: usize): void {
  const a = acc + ((<usize>m * <usize>k) << 3);
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 2 <= k; j += 2) {
      const o = <usize>j << 3;
      v128.store(a + o, f64x2.add(v128.load(a + o), f64x2.mul(v128.load(x + o), v128.load(y + o))));
    }
  }
  for (; j < k; j++) {
    const o = <usize>j << 3;
    store<f64>(a + o, load<f64>(a + o) + load<f64>(x + o) * load<f64>(y + o));
  }
}

/**
 * Y = A X (as csrSpmm; A square, n = rows) and out_j = X_j . Y_j, the dot product summed in
 * exactly dot's order per column (see multivec.ts mvDot): CG's q = A p and p.q in one pass.
 * acc: scratch of 8k float64s.
 */
export function csrSpmmDot(rows: i32, rowPtr: usize, colIdx: usize, vals: usize, k: i32, X: usize, Y: usize, order: i32, acc: usize, out: usize): void {
  if (k <= 0) return;
  const kb = <usize>k << 3;
  memory.fill(acc, 0, <usize>8 * kb);
  const n16 = ASC_FEATURE_SIMD ? rows & ~15 : 0, n2 = ASC_FEATURE_SIMD ? rows & ~1 : 0;
  let pb = rows > 0 ? load<i32>(rowPtr) : 0;
  for (let i = 0; i < rows; i++) {
    const pe = load<i32>(rowPtr + (<usize>(i + 1) << 2));
    const y = Y + <usize>i * kb;
    if (order == 1) rowGrouped(pb, pe, colIdx, vals, k, kb, X, y);
    else rowSequential(pb, pe, colIdx, vals, k, kb, X, y);
    pb = pe;
    // dot's partials: i mod 8 below n16, i mod 2 below n2 (none in the scalar build)
    if (i < n2) rowProducts(acc, i < n16 ? i & 7 : i & 1, k, X + <usize>i * kb, y);
  }
  for (let j = 0; j < k; j++) {
    const a = acc + (<usize>j << 3), s = <usize>k << 3;
    const even = (load<f64>(a) + load<f64>(a + 2 * s)) + (load<f64>(a + 4 * s) + load<f64>(a + 6 * s));
    const odd = (load<f64>(a + s) + load<f64>(a + 3 * s)) + (load<f64>(a + 5 * s) + load<f64>(a + 7 * s));
    store<f64>(out + (<usize>j << 3), even + odd);
  }
  // the tail in turn (an odd last row; every row in the scalar build, where the partials are all 0)
  for (let i = n2; i < rows; i++) {
    const x = X + <usize>i * kb, y = Y + <usize>i * kb;
    for (let j = 0; j < k; j++) {
      const o = <usize>j << 3;
      store<f64>(out + o, load<f64>(out + o) + load<f64>(x + o) * load<f64>(y + o));
    }
  }
}
