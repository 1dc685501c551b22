// CSR sparse matrix-vector products. rowPtr: i32[rows+1], colIdx: i32[nnz], vals: f64[nnz].
// The SIMD row loop takes four nonzeros per step into two f64x2 accumulators (two values per
// v128 load, the two x entries gathered into the lanes with load64_zero/load64_lane), then one
// pair, then a scalar last entry, walking byte pointers rather than indices. Against the former
// one-accumulator, two-per-step index loop (paired runs, V8 11.3): +2-5% on Poisson k = 1000
// (5-entry rows, memory-bound), +10-20% on the cache-resident test matrices (2-40 entries per row).

import { ldf, ldi } from './ptr';

/** [x[c[0]], x[c[1]]] for the two column indices at byte address c */
@inline function gather2(x: usize, c: usize): v128 {
  const v = v128.load64_zero(x + (<usize>load<i32>(c) << 3));
  return v128.load64_lane(x + (<usize>load<i32>(c, 4) << 3), v, 1);
}

/**
 * The shared row loop of csrSpmv and csrSpmvScaled (`scaled` is a compile-time constant after
 * inlining). The column and value pointers run on from row to row, which CSR allows because each
 * row starts where the previous one ended (rowPtr non-decreasing, as CsrMatrix guarantees).
 * Bounds are tested on signed differences (a malformed, decreasing rowPtr cannot run away) and
 * the row loop stops on py != yEnd: no address computation can wrap around 2^32 near the top of
 * memory. (Paired runs: a separate row counter cost 7%; pc + 16 <= ec would be as fast but can wrap.)
 */
// @ts-ignore: decorator
@inline function csrRows(
  rows: i32, rowPtr: usize, colIdx: usize, vals: usize, x: usize, y: usize, alpha: f64, beta: f64, scaled: bool,
): void {
  if (rows <= 0) return;
  const first = <usize>ldi(rowPtr, 0);
  let pc = colIdx + (first << 2);
  let pv = vals + (first << 3);
  let rp = rowPtr + 4;
  const yEnd = y + (<usize>rows << 3);
  for (let py = y; py != yEnd; py += 8) {
    const ec = colIdx + (<usize>load<i32>(rp) << 2);
    rp += 4;
    let s: f64 = 0;
    if (ASC_FEATURE_SIMD) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
      while (<isize>(ec - pc) >= 16) {
        a0 = f64x2.add(a0, f64x2.mul(v128.load(pv), gather2(x, pc)));
        a1 = f64x2.add(a1, f64x2.mul(v128.load(pv, 16), gather2(x, pc + 8)));
        pc += 16;
        pv += 32;
      }
      if (<isize>(ec - pc) >= 8) {
        a0 = f64x2.add(a0, f64x2.mul(v128.load(pv), gather2(x, pc)));
        pc += 8;
        pv += 16;
      }
      a0 = f64x2.add(a0, a1);
      s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
      if (<isize>(ec - pc) > 0) {
        s += load<f64>(pv) * load<f64>(x + (<usize>load<i32>(pc) << 3));
        pc += 4;
        pv += 8;
      }
    } else {
      while (<isize>(ec - pc) > 0) {
        s += load<f64>(pv) * load<f64>(x + (<usize>load<i32>(pc) << 3));
        pc += 4;
        pv += 8;
      }
    }
    if (scaled) {
      s *= alpha;
      store<f64>(py, beta == 0 ? s : s + beta * load<f64>(py));
    } else {
      store<f64>(py, s);
    }
  }
}

/** y = A x */
export function csrSpmv(rows: i32, rowPtr: usize, colIdx: usize, vals: usize, x: usize, y: usize): void {
  csrRows(rows, rowPtr, colIdx, vals, x, y, 1, 0, false);
}

/** y = alpha A x + beta y; with beta == 0, y is only written (NaN in y does not propagate). */
export function csrSpmvScaled(
  rows: i32, rowPtr: usize, colIdx: usize, vals: usize, x: usize, y: usize, alpha: f64, beta: f64,
): void {
  csrRows(rows, rowPtr, colIdx, vals, x, y, alpha, beta, true);
}

/** y = alpha A^T x + beta y, A is rows x cols, y has cols entries; scatter by rows of A. */
export function csrSpmvTransposed(
  rows: i32, cols: i32, rowPtr: usize, colIdx: usize, vals: usize, x: usize, y: usize, alpha: f64, beta: f64,
): void {
  for (let j = 0; j < cols; j++) {
    const py = y + (<usize>j << 3);
    store<f64>(py, beta == 0 ? 0 : beta * load<f64>(py));
  }
  for (let i = 0; i < rows; i++) {
    const xi = alpha * ldf(x, i);
    const end = ldi(rowPtr, i + 1);
    for (let p = ldi(rowPtr, i); p < end; p++) {
      const py = y + (<usize>ldi(colIdx, p) << 3);
      store<f64>(py, load<f64>(py) + ldf(vals, p) * xi);
    }
  }
}
