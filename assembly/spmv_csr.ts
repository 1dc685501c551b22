// CSR sparse matrix-vector products. rowPtr: i32[rows+1], colIdx: i32[nnz], vals: f64[nnz].
// The SIMD row loop takes two nonzeros per step: two values in one aligned-or-not v128 load,
// the two x entries gathered into the lanes with load64_lane.

@inline function ldi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function ldf(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }

@inline function rowDot(start: i32, end: i32, colIdx: usize, vals: usize, x: usize): f64 {
  let p = start;
  let s: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f64x2.splat(0);
    for (; p + 2 <= end; p += 2) {
      const c = colIdx + (<usize>p << 2);
      let xv = v128.load64_zero(x + (<usize>load<i32>(c) << 3));
      xv = v128.load64_lane(x + (<usize>load<i32>(c, 4) << 3), xv, 1);
      acc = f64x2.add(acc, f64x2.mul(v128.load(vals + (<usize>p << 3)), xv));
    }
    s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  for (; p < end; p++) s += ldf(vals, p) * ldf(x, ldi(colIdx, p));
  return s;
}

/** y = A x */
export function csrSpmv(rows: i32, rowPtr: usize, colIdx: usize, vals: usize, x: usize, y: usize): void {
  let start = ldi(rowPtr, 0);
  for (let i = 0; i < rows; i++) {
    const end = ldi(rowPtr, i + 1);
    store<f64>(y + (<usize>i << 3), rowDot(start, end, colIdx, vals, x));
    start = end;
  }
}

/** y = alpha A x + beta y; with beta == 0, y is only written (NaN in y does not propagate). */
export function csrSpmvScaled(
  rows: i32, rowPtr: usize, colIdx: usize, vals: usize, x: usize, y: usize, alpha: f64, beta: f64,
): void {
  let start = ldi(rowPtr, 0);
  for (let i = 0; i < rows; i++) {
    const end = ldi(rowPtr, i + 1);
    const s = alpha * rowDot(start, end, colIdx, vals, x);
    const py = y + (<usize>i << 3);
    store<f64>(py, beta == 0 ? s : s + beta * load<f64>(py));
    start = end;
  }
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
