// SELL-C-sigma SpMV with C = 8 (sliced ELLPACK). Rows are grouped in chunks of 8; a chunk stores
// its entries column-major, padded to the chunk's longest row, so one step of the inner loop
// multiplies 8 rows at once with four f64x2 accumulators and no per-row loop overhead.
// Padding entries hold value 0 and column 0. `perm` maps a slot to its original row (0 = identity).
// 0 * x[0] is NaN when x[0] is Inf or NaN, so a padded row could turn NaN where CSR gives a finite
// or infinite sum: any row whose SELL sum is NaN is recomputed from the CSR arrays, which keeps
// the result identical in meaning to CSR at the cost of one NaN test per chunk.

import { ldi } from './ptr';

// @ts-ignore: decorator
@inline const C: i32 = 8;

/** [x[c[0]], x[c[1]]] for the two column indices at byte address c: one load, one lane load */
@inline function gatherLane(x: usize, c: usize): v128 {
  const v = v128.load64_zero(x + (<usize>load<i32>(c) << 3));
  return v128.load64_lane(x + (<usize>load<i32>(c, 4) << 3), v, 1);
}

/** the same with two scalar loads joined by splat + replace_lane */
@inline function gatherScalar(x: usize, c: usize): v128 {
  const x0 = load<f64>(x + (<usize>load<i32>(c) << 3));
  const x1 = load<f64>(x + (<usize>load<i32>(c, 4) << 3));
  return f64x2.replace_lane(f64x2.splat(x0), 1, x1);
}

/**
 * From this many stored (padded) entries on, the matrix streams from memory rather than from L2
 * and the scalar-load gather wins: paired runs on V8 11.3 (Zen, 1 MiB L2) measured it 6-10%
 * faster on Poisson k = 500..1500 (1.25M-11M entries) and 4-14% slower on cache-resident
 * matrices (Poisson k = 100, the 12k-240k-entry test matrices). 2^20 entries = 12 MiB of
 * values and columns, far beyond any L2.
 */
// @ts-ignore: decorator
@inline const SCALAR_GATHER_MIN: i32 = 1 << 20;

function csrRow(r: i32, rowPtr: usize, colIdx: usize, vals: usize, x: usize): f64 {
  let s: f64 = 0;
  const end = ldi(rowPtr, r + 1);
  for (let p = ldi(rowPtr, r); p < end; p++) {
    s += load<f64>(vals + (<usize>p << 3)) * load<f64>(x + (<usize>ldi(colIdx, p) << 3));
  }
  return s;
}

// @ts-ignore: decorator
@inline function sellChunks(
  rows: i32, c0: i32, c1: i32, chunkPtr: usize, cols: usize, vals: usize, perm: usize, x: usize, y: usize,
  rowPtr: usize, colIdx: usize, csrVals: usize, scalarGather: bool,
): void {
  for (let c = c0; c < c1; c++) {
    const base = ldi(chunkPtr, c);
    const end = ldi(chunkPtr, c + 1);
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0, s4: f64 = 0, s5: f64 = 0, s6: f64 = 0, s7: f64 = 0;
    if (ASC_FEATURE_SIMD) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      for (let p = base; p < end; p += C) {
        const pc = cols + (<usize>p << 2);
        const pv = vals + (<usize>p << 3);
        if (scalarGather) {
          a0 = f64x2.add(a0, f64x2.mul(v128.load(pv), gatherScalar(x, pc)));
          a1 = f64x2.add(a1, f64x2.mul(v128.load(pv, 16), gatherScalar(x, pc + 8)));
          a2 = f64x2.add(a2, f64x2.mul(v128.load(pv, 32), gatherScalar(x, pc + 16)));
          a3 = f64x2.add(a3, f64x2.mul(v128.load(pv, 48), gatherScalar(x, pc + 24)));
        } else {
          a0 = f64x2.add(a0, f64x2.mul(v128.load(pv), gatherLane(x, pc)));
          a1 = f64x2.add(a1, f64x2.mul(v128.load(pv, 16), gatherLane(x, pc + 8)));
          a2 = f64x2.add(a2, f64x2.mul(v128.load(pv, 32), gatherLane(x, pc + 16)));
          a3 = f64x2.add(a3, f64x2.mul(v128.load(pv, 48), gatherLane(x, pc + 24)));
        }
      }
      const row0 = c * C;
      const nan = v128.or(v128.or(f64x2.ne(a0, a0), f64x2.ne(a1, a1)), v128.or(f64x2.ne(a2, a2), f64x2.ne(a3, a3)));
      if (perm == 0 && row0 + C <= rows && !v128.any_true(nan)) {
        const py = y + (<usize>row0 << 3);
        v128.store(py, a0); v128.store(py, a1, 16); v128.store(py, a2, 32); v128.store(py, a3, 48);
        continue;
      }
      s0 = f64x2.extract_lane(a0, 0); s1 = f64x2.extract_lane(a0, 1);
      s2 = f64x2.extract_lane(a1, 0); s3 = f64x2.extract_lane(a1, 1);
      s4 = f64x2.extract_lane(a2, 0); s5 = f64x2.extract_lane(a2, 1);
      s6 = f64x2.extract_lane(a3, 0); s7 = f64x2.extract_lane(a3, 1);
    } else {
      for (let p = base; p < end; p += C) {
        const pc = cols + (<usize>p << 2);
        const pv = vals + (<usize>p << 3);
        s0 += load<f64>(pv) * load<f64>(x + (<usize>load<i32>(pc) << 3));
        s1 += load<f64>(pv, 8) * load<f64>(x + (<usize>load<i32>(pc, 4) << 3));
        s2 += load<f64>(pv, 16) * load<f64>(x + (<usize>load<i32>(pc, 8) << 3));
        s3 += load<f64>(pv, 24) * load<f64>(x + (<usize>load<i32>(pc, 12) << 3));
        s4 += load<f64>(pv, 32) * load<f64>(x + (<usize>load<i32>(pc, 16) << 3));
        s5 += load<f64>(pv, 40) * load<f64>(x + (<usize>load<i32>(pc, 20) << 3));
        s6 += load<f64>(pv, 48) * load<f64>(x + (<usize>load<i32>(pc, 24) << 3));
        s7 += load<f64>(pv, 56) * load<f64>(x + (<usize>load<i32>(pc, 28) << 3));
      }
    }
    const row0 = c * C;
    const n = min(C, rows - row0);
    for (let k = 0; k < n; k++) {
      const v = k == 0 ? s0 : k == 1 ? s1 : k == 2 ? s2 : k == 3 ? s3 : k == 4 ? s4 : k == 5 ? s5 : k == 6 ? s6 : s7;
      const r = perm == 0 ? row0 + k : ldi(perm, row0 + k);
      store<f64>(y + (<usize>r << 3), v == v ? v : csrRow(r, rowPtr, colIdx, csrVals, x));
    }
  }
}

/** y = A x for A in SELL-8 layout; chunkPtr: i32[chunks+1] entry offsets (multiples of 8). */
export function sellSpmv(
  rows: i32, chunks: i32, chunkPtr: usize, cols: usize, vals: usize, perm: usize, x: usize, y: usize,
  rowPtr: usize, colIdx: usize, csrVals: usize,
): void {
  sellSpmvRange(rows, chunks, 0, chunks, chunkPtr, cols, vals, perm, x, y, rowPtr, colIdx, csrVals);
}

/**
 * sellSpmv over chunks c0..c1-1 only (rows 8 c0 .. 8 c1 - 1 of the layout): the share of one
 * thread in the threads build. The gather is chosen from the whole matrix's size, as sellSpmv
 * does, so every share computes each row exactly as the one-call product does.
 */
export function sellSpmvRange(
  rows: i32, chunks: i32, c0: i32, c1: i32, chunkPtr: usize, cols: usize, vals: usize, perm: usize, x: usize, y: usize,
  rowPtr: usize, colIdx: usize, csrVals: usize,
): void {
  if (ASC_FEATURE_SIMD && chunks > 0 && ldi(chunkPtr, chunks) >= SCALAR_GATHER_MIN) {
    sellChunks(rows, c0, c1, chunkPtr, cols, vals, perm, x, y, rowPtr, colIdx, csrVals, true);
  } else {
    sellChunks(rows, c0, c1, chunkPtr, cols, vals, perm, x, y, rowPtr, colIdx, csrVals, false);
  }
}

/**
 * Fills the SELL-8 arrays from CSR. `perm` (0 = identity) lists the original row of each slot;
 * chunkPtr must already hold the chunk offsets (computed by the facade from the row lengths).
 */
export function sellFill(
  rows: i32, chunks: i32, rowPtr: usize, colIdx: usize, vals: usize, perm: usize, chunkPtr: usize, outCols: usize, outVals: usize,
): void {
  for (let c = 0; c < chunks; c++) {
    const base = ldi(chunkPtr, c);
    const width = (ldi(chunkPtr, c + 1) - base) / C;
    for (let k = 0; k < C; k++) {
      const slot = c * C + k;
      let start = 0, len = 0;
      if (slot < rows) {
        const r = perm == 0 ? slot : ldi(perm, slot);
        start = ldi(rowPtr, r);
        len = ldi(rowPtr, r + 1) - start;
      }
      for (let j = 0; j < width; j++) {
        const q = base + j * C + k;
        if (j < len) {
          store<i32>(outCols + (<usize>q << 2), ldi(colIdx, start + j));
          store<f64>(outVals + (<usize>q << 3), load<f64>(vals + (<usize>(start + j) << 3)));
        } else {
          store<i32>(outCols + (<usize>q << 2), 0);
          store<f64>(outVals + (<usize>q << 3), 0);
        }
      }
    }
  }
}
