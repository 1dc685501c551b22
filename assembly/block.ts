// Block (multi-vector) kernels for Gram-Schmidt and Krylov recycling. A block is k column vectors
// of length n stored contiguously (column-major, column j at W + j*n elements); v is one f64 vector.
//
// Why blocked: W^T v and v -= C y done one column at a time read v (and write it, for the update)
// k times. Here rows are taken in chunks of CHUNK elements, and within a chunk the columns four at a
// time: the chunk of v stays in cache while every column streams past it once, so W is read once
// and v once per call. Column blocks of four keep 4 independent accumulators in registers.
// CHUNK trades two things: each column segment must be long enough for the hardware prefetcher,
// and the fused multiAxpyDot rereads k segments, best from cache. Measured (n = 262144, k = 40, an
// 80 MiB block, and n = 16384, k = 40, cached): 256 rows ran multiDot slower than k separate dots;
// 1024 rows 4.9 ms / 90 us; 16384 rows 3.9 ms / 80 us, and CGS2 0.92x of MGS2 in memory.
// The F32 variants read a basis stored as f32 (half the traffic) and compute in f64.
// Sums are accumulated per chunk, so the rounding differs from a straight dot (not its size).

import { ldf, stf } from './ptr';

/** Rows per chunk: 128 KiB of v (stays in L2); a multiple of 4, so only the last chunk has a SIMD tail. */
const CHUNK: i32 = 16384;

/** basis entry i of the column at p, as f64 */
// @ts-ignore: decorator
@inline function ldb<T>(p: usize, i: i32): f64 {
  if (sizeof<T>() == 8) return load<f64>(p + (<usize>i << 3));
  return <f64>load<f32>(p + (<usize>i << 2));
}

/** basis entries i, i+1 of the column at p, as f64x2 */
// @ts-ignore: decorator
@inline function ldb2<T>(p: usize, i: i32): v128 {
  if (sizeof<T>() == 8) return v128.load(p + (<usize>i << 3));
  return f64x2.promote_low_f32x4(v128.load64_zero(p + (<usize>i << 2)));
}

// The SIMD loops walk pointers (the offsets below are load immediates), which V8 compiles to
// fewer address computations than an index scaled for every column.
/** the pair at row pointer q, as f64x2 */
// @ts-ignore: decorator
@inline function ldA<T>(q: usize): v128 {
  if (sizeof<T>() == 8) return v128.load(q);
  return f64x2.promote_low_f32x4(v128.load64_zero(q));
}
/** the pair two rows after q, as f64x2 */
// @ts-ignore: decorator
@inline function ldB<T>(q: usize): v128 {
  if (sizeof<T>() == 8) return v128.load(q, 16);
  return f64x2.promote_low_f32x4(v128.load64_zero(q, 8));
}

/**
 * out[0..r) += (columns p0, p1, p2, p3) . v over rows [i0, i1), r <= 4. For 2 or 3 columns the
 * caller repeats a column pointer: the repeat hits L1, and v's chunk is read once, not r times.
 */
// @ts-ignore: decorator
@inline function dot4<T>(p0: usize, p1: usize, p2: usize, p3: usize, v: usize, i0: i32, i1: i32, out: usize, r: i32): void {
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let i = i0;
  if (ASC_FEATURE_SIMD) {
    // four accumulators, not eight: with eight (one per column and row pair) multiDot ran 1.6x
    // slower on a cached block (n = 16384, k = 40), most likely spills (x64 has 16 SIMD registers)
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    const sz = <usize>sizeof<T>();
    let q0 = p0 + <usize>i * sz, q1 = p1 + <usize>i * sz, q2 = p2 + <usize>i * sz, q3 = p3 + <usize>i * sz;
    let pv = v + (<usize>i << 3);
    const end = v + (<usize>(i0 + ((i1 - i0) & ~3)) << 3);
    for (; pv < end; pv += 32) {
      const x = v128.load(pv);
      a0 = f64x2.add(a0, f64x2.mul(ldA<T>(q0), x));
      a1 = f64x2.add(a1, f64x2.mul(ldA<T>(q1), x));
      a2 = f64x2.add(a2, f64x2.mul(ldA<T>(q2), x));
      a3 = f64x2.add(a3, f64x2.mul(ldA<T>(q3), x));
      const y = v128.load(pv, 16);
      a0 = f64x2.add(a0, f64x2.mul(ldB<T>(q0), y));
      a1 = f64x2.add(a1, f64x2.mul(ldB<T>(q1), y));
      a2 = f64x2.add(a2, f64x2.mul(ldB<T>(q2), y));
      a3 = f64x2.add(a3, f64x2.mul(ldB<T>(q3), y));
      q0 += 4 * sz; q1 += 4 * sz; q2 += 4 * sz; q3 += 4 * sz;
    }
    i = i0 + ((i1 - i0) & ~3);
    for (; i + 2 <= i1; i += 2) {
      const x = v128.load(v + (<usize>i << 3));
      a0 = f64x2.add(a0, f64x2.mul(ldb2<T>(p0, i), x));
      a1 = f64x2.add(a1, f64x2.mul(ldb2<T>(p1, i), x));
      a2 = f64x2.add(a2, f64x2.mul(ldb2<T>(p2, i), x));
      a3 = f64x2.add(a3, f64x2.mul(ldb2<T>(p3, i), x));
    }
    s0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
    s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
    s2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
    s3 = f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1);
  }
  for (; i < i1; i++) {
    const x = ldf(v, i);
    s0 += ldb<T>(p0, i) * x;
    s1 += ldb<T>(p1, i) * x;
    s2 += ldb<T>(p2, i) * x;
    s3 += ldb<T>(p3, i) * x;
  }
  stf(out, 0, ldf(out, 0) + s0);
  if (r > 1) stf(out, 1, ldf(out, 1) + s1);
  if (r > 2) stf(out, 2, ldf(out, 2) + s2);
  if (r > 3) stf(out, 3, ldf(out, 3) + s3);
}

/** out[0] += (column p) . v over rows [i0, i1) */
// @ts-ignore: decorator
@inline function dot1<T>(p: usize, v: usize, i0: i32, i1: i32, out: usize): void {
  let s: f64 = 0;
  let i = i0;
  if (ASC_FEATURE_SIMD) {
    let a = f64x2.splat(0), b = f64x2.splat(0);
    for (; i + 4 <= i1; i += 4) {
      const pv = v + (<usize>i << 3);
      a = f64x2.add(a, f64x2.mul(ldb2<T>(p, i), v128.load(pv)));
      b = f64x2.add(b, f64x2.mul(ldb2<T>(p, i + 2), v128.load(pv, 16)));
    }
    for (; i + 2 <= i1; i += 2) a = f64x2.add(a, f64x2.mul(ldb2<T>(p, i), v128.load(v + (<usize>i << 3))));
    a = f64x2.add(a, b);
    s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  }
  for (; i < i1; i++) s += ldb<T>(p, i) * ldf(v, i);
  stf(out, 0, ldf(out, 0) + s);
}

/** v -= c0 C0 + c1 C1 + c2 C2 + c3 C3 over rows [i0, i1) (2 or 3 columns: a repeat with c = 0, so an
 * Inf in that column gives NaN instead of Inf: non-finite either way) */
// @ts-ignore: decorator
@inline function axpy4<T>(p0: usize, p1: usize, p2: usize, p3: usize, c0: f64, c1: f64, c2: f64, c3: f64,
  v: usize, i0: i32, i1: i32): void {
  let i = i0;
  if (ASC_FEATURE_SIMD) {
    const d0 = f64x2.splat(c0), d1 = f64x2.splat(c1), d2 = f64x2.splat(c2), d3 = f64x2.splat(c3);
    const sz = <usize>sizeof<T>();
    let q0 = p0 + <usize>i * sz, q1 = p1 + <usize>i * sz, q2 = p2 + <usize>i * sz, q3 = p3 + <usize>i * sz;
    let pv = v + (<usize>i << 3);
    const end = v + (<usize>(i0 + ((i1 - i0) & ~3)) << 3);
    for (; pv < end; pv += 32) {
      const t = f64x2.add(
        f64x2.add(f64x2.mul(d0, ldA<T>(q0)), f64x2.mul(d1, ldA<T>(q1))),
        f64x2.add(f64x2.mul(d2, ldA<T>(q2)), f64x2.mul(d3, ldA<T>(q3))),
      );
      const u = f64x2.add(
        f64x2.add(f64x2.mul(d0, ldB<T>(q0)), f64x2.mul(d1, ldB<T>(q1))),
        f64x2.add(f64x2.mul(d2, ldB<T>(q2)), f64x2.mul(d3, ldB<T>(q3))),
      );
      v128.store(pv, f64x2.sub(v128.load(pv), t));
      v128.store(pv, f64x2.sub(v128.load(pv, 16), u), 16);
      q0 += 4 * sz; q1 += 4 * sz; q2 += 4 * sz; q3 += 4 * sz;
    }
    i = i0 + ((i1 - i0) & ~3);
    for (; i + 2 <= i1; i += 2) {
      const pw = v + (<usize>i << 3);
      const t = f64x2.add(
        f64x2.add(f64x2.mul(d0, ldb2<T>(p0, i)), f64x2.mul(d1, ldb2<T>(p1, i))),
        f64x2.add(f64x2.mul(d2, ldb2<T>(p2, i)), f64x2.mul(d3, ldb2<T>(p3, i))),
      );
      v128.store(pw, f64x2.sub(v128.load(pw), t));
    }
  }
  for (; i < i1; i++) {
    const t = (c0 * ldb<T>(p0, i) + c1 * ldb<T>(p1, i)) + (c2 * ldb<T>(p2, i) + c3 * ldb<T>(p3, i));
    stf(v, i, ldf(v, i) - t);
  }
}

/** v -= c * (column p) over rows [i0, i1) */
// @ts-ignore: decorator
@inline function axpy1<T>(p: usize, c: f64, v: usize, i0: i32, i1: i32): void {
  let i = i0;
  if (ASC_FEATURE_SIMD) {
    const d = f64x2.splat(c);
    for (; i + 2 <= i1; i += 2) {
      const pv = v + (<usize>i << 3);
      v128.store(pv, f64x2.sub(v128.load(pv), f64x2.mul(d, ldb2<T>(p, i))));
    }
  }
  for (; i < i1; i++) stf(v, i, ldf(v, i) - c * ldb<T>(p, i));
}

/** sum of v_i^2 over rows [i0, i1) (the chunk is in L1: a cheap extra read) */
// @ts-ignore: decorator
@inline function sumsq(v: usize, i0: i32, i1: i32): f64 {
  let s: f64 = 0;
  let i = i0;
  if (ASC_FEATURE_SIMD) {
    let a = f64x2.splat(0), b = f64x2.splat(0);
    for (; i + 4 <= i1; i += 4) {
      const pv = v + (<usize>i << 3);
      const x = v128.load(pv), y = v128.load(pv, 16);
      a = f64x2.add(a, f64x2.mul(x, x));
      b = f64x2.add(b, f64x2.mul(y, y));
    }
    for (; i + 2 <= i1; i += 2) { const x = v128.load(v + (<usize>i << 3)); a = f64x2.add(a, f64x2.mul(x, x)); }
    a = f64x2.add(a, b);
    s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  }
  for (; i < i1; i++) { const x = ldf(v, i); s += x * x; }
  return s;
}

/** out += W^T v over the rows of one chunk */
// @ts-ignore: decorator
@inline function chunkDot<T>(W: usize, k: i32, cb: usize, v: usize, i0: i32, i1: i32, out: usize): void {
  let j = 0;
  for (; j + 4 <= k; j += 4) {
    const p = W + <usize>j * cb;
    dot4<T>(p, p + cb, p + 2 * cb, p + 3 * cb, v, i0, i1, out + (<usize>j << 3), 4);
  }
  const r = k - j, p = W + <usize>j * cb, o = out + (<usize>j << 3);
  if (r == 1) dot1<T>(p, v, i0, i1, o);
  else if (r == 2) dot4<T>(p, p + cb, p + cb, p + cb, v, i0, i1, o, 2);
  else if (r == 3) dot4<T>(p, p + cb, p + 2 * cb, p + 2 * cb, v, i0, i1, o, 3);
}

/** v -= C y over the rows of one chunk */
// @ts-ignore: decorator
@inline function chunkAxpy<T>(C: usize, k: i32, cb: usize, y: usize, v: usize, i0: i32, i1: i32): void {
  let j = 0;
  for (; j + 4 <= k; j += 4) {
    const p = C + <usize>j * cb;
    axpy4<T>(p, p + cb, p + 2 * cb, p + 3 * cb, ldf(y, j), ldf(y, j + 1), ldf(y, j + 2), ldf(y, j + 3), v, i0, i1);
  }
  const r = k - j, p = C + <usize>j * cb;
  if (r == 1) axpy1<T>(p, ldf(y, j), v, i0, i1);
  else if (r == 2) axpy4<T>(p, p + cb, p + cb, p + cb, ldf(y, j), ldf(y, j + 1), 0, 0, v, i0, i1);
  else if (r == 3) axpy4<T>(p, p + cb, p + 2 * cb, p + 2 * cb, ldf(y, j), ldf(y, j + 1), ldf(y, j + 2), 0, v, i0, i1);
}

function blockDot<T>(W: usize, k: i32, n: i32, v: usize, out: usize): f64 {
  for (let j = 0; j < k; j++) stf(out, j, 0);
  const cb = <usize>n * sizeof<T>();
  let ss: f64 = 0;
  for (let i0 = 0; i0 < n; i0 += CHUNK) {
    const i1 = min(n, i0 + CHUNK);
    chunkDot<T>(W, k, cb, v, i0, i1, out);
    ss += sumsq(v, i0, i1);
  }
  return ss;
}

function blockAxpy<T>(C: usize, k: i32, n: i32, y: usize, v: usize, norm: bool): f64 {
  const cb = <usize>n * sizeof<T>();
  let ss: f64 = 0;
  for (let i0 = 0; i0 < n; i0 += CHUNK) {
    const i1 = min(n, i0 + CHUNK);
    chunkAxpy<T>(C, k, cb, y, v, i0, i1);
    if (norm) ss += sumsq(v, i0, i1);
  }
  return ss;
}

function blockAxpyDot<T>(V: usize, k: i32, n: i32, y: usize, w: usize, out: usize): f64 {
  for (let j = 0; j < k; j++) stf(out, j, 0);
  const cb = <usize>n * sizeof<T>();
  let ss: f64 = 0;
  for (let i0 = 0; i0 < n; i0 += CHUNK) {
    const i1 = min(n, i0 + CHUNK);
    chunkAxpy<T>(V, k, cb, y, w, i0, i1);
    // the chunk of V just read is still in cache (k * 128 KiB, L3): the second read is cheaper
    chunkDot<T>(V, k, cb, w, i0, i1, out);
    ss += sumsq(w, i0, i1);
  }
  return ss;
}

/** out[j] = W_j . v for the k columns of W (n x k, f64); returns v . v (plain squares: may overflow) */
export function multiDot(W: usize, k: i32, n: i32, v: usize, out: usize): f64 {
  return blockDot<f64>(W, k, n, v, out);
}

/** v -= C y (C n x k, f64; y k values) */
export function multiAxpy(C: usize, k: i32, n: i32, y: usize, v: usize): void {
  blockAxpy<f64>(C, k, n, y, v, false);
}

/** v -= C y; returns the new v . v (plain squares: may overflow) */
export function multiAxpySumsq(C: usize, k: i32, n: i32, y: usize, v: usize): f64 {
  return blockAxpy<f64>(C, k, n, y, v, true);
}

/**
 * The middle step of classical Gram-Schmidt twice: w -= V y, then out = V^T w (the new w) and
 * returns w . w, reading V once from memory (the second read of each chunk hits the cache).
 * out must not overlap y.
 */
export function multiAxpyDot(V: usize, k: i32, n: i32, y: usize, w: usize, out: usize): f64 {
  return blockAxpyDot<f64>(V, k, n, y, w, out);
}

/** multiDot with W stored as f32 (promoted exactly to f64; arithmetic in f64) */
export function multiDotF32(W: usize, k: i32, n: i32, v: usize, out: usize): f64 {
  return blockDot<f32>(W, k, n, v, out);
}

/** multiAxpy with C stored as f32 */
export function multiAxpyF32(C: usize, k: i32, n: i32, y: usize, v: usize): void {
  blockAxpy<f32>(C, k, n, y, v, false);
}

/** multiAxpySumsq with C stored as f32 */
export function multiAxpySumsqF32(C: usize, k: i32, n: i32, y: usize, v: usize): f64 {
  return blockAxpy<f32>(C, k, n, y, v, true);
}

/** y32[i] = f32(x[i]) (round to nearest; out-of-range values become +-Inf) */
export function demoteF64(n: i32, x: usize, y32: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) {
      v128.store64_lane(y32 + (<usize>i << 2), f32x4.demote_f64x2_zero(v128.load(x + (<usize>i << 3))), 0);
    }
  }
  for (; i < n; i++) store<f32>(y32 + (<usize>i << 2), <f32>ldf(x, i));
}

/** y[i] = f64(x32[i]) (exact) */
export function promoteF32(n: i32, x32: usize, y: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) {
      v128.store(y + (<usize>i << 3), f64x2.promote_low_f32x4(v128.load64_zero(x32 + (<usize>i << 2))));
    }
  }
  for (; i < n; i++) stf(y, i, <f64>load<f32>(x32 + (<usize>i << 2)));
}
