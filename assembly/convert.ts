// Format conversions. All are O(nnz + rows + cols) counting sorts, no comparisons.

import { ldf, ldi, stf, sti } from './ptr';

/**
 * COO (validated indices) to canonical CSR: sorted columns, duplicates summed, explicit zeros kept.
 * Two stable counting sorts (by column into tmp, then by row into the output) give rows with sorted
 * columns; a compaction pass then sums duplicates in place. rowPtr: i32[rows+1];
 * tmpPtr: i32[max(rows, cols)+1]; tmpRow, tmpCol: i32[nnz]; tmpVal: f64[nnz]; outCol: i32[nnz];
 * outVal: f64[nnz]. Returns the nnz after summing duplicates (rowPtr is rewritten to match).
 */
export function cooToCsr(
  rows: i32, cols: i32, nnz: i32, ri: usize, ci: usize, v: usize,
  rowPtr: usize, tmpPtr: usize, tmpRow: usize, tmpCol: usize, tmpVal: usize, outCol: usize, outVal: usize,
): i32 {
  // pass 1: stable sort by column into tmp
  memory.fill(tmpPtr, 0, <usize>(cols + 1) << 2);
  for (let k = 0; k < nnz; k++) { const c = ldi(ci, k) + 1; sti(tmpPtr, c, ldi(tmpPtr, c) + 1); }
  for (let j = 0; j < cols; j++) sti(tmpPtr, j + 1, ldi(tmpPtr, j + 1) + ldi(tmpPtr, j));
  for (let k = 0; k < nnz; k++) {
    const c = ldi(ci, k);
    const q = ldi(tmpPtr, c);
    sti(tmpPtr, c, q + 1);
    sti(tmpRow, q, ldi(ri, k)); sti(tmpCol, q, c); stf(tmpVal, q, ldf(v, k));
  }
  // pass 2: stable sort by row into the output
  memory.fill(rowPtr, 0, <usize>(rows + 1) << 2);
  for (let k = 0; k < nnz; k++) { const r = ldi(tmpRow, k) + 1; sti(rowPtr, r, ldi(rowPtr, r) + 1); }
  for (let i = 0; i < rows; i++) sti(rowPtr, i + 1, ldi(rowPtr, i + 1) + ldi(rowPtr, i));
  memory.copy(tmpPtr, rowPtr, <usize>rows << 2);
  for (let k = 0; k < nnz; k++) {
    const r = ldi(tmpRow, k);
    const q = ldi(tmpPtr, r);
    sti(tmpPtr, r, q + 1);
    sti(outCol, q, ldi(tmpCol, k)); stf(outVal, q, ldf(tmpVal, k));
  }
  return sumDuplicates(rows, rowPtr, outCol, outVal);
}

/** In-place: sums adjacent equal columns within each (column-sorted) row; returns the new nnz. */
export function sumDuplicates(rows: i32, rowPtr: usize, colIdx: usize, vals: usize): i32 {
  let w = 0;
  let start = ldi(rowPtr, 0);
  for (let i = 0; i < rows; i++) {
    const end = ldi(rowPtr, i + 1);
    const rowStart = w;
    for (let p = start; p < end; p++) {
      const c = ldi(colIdx, p);
      if (w > rowStart && ldi(colIdx, w - 1) == c) {
        stf(vals, w - 1, ldf(vals, w - 1) + ldf(vals, p));
      } else {
        sti(colIdx, w, c); stf(vals, w, ldf(vals, p));
        w++;
      }
    }
    sti(rowPtr, i + 1, w);
    start = end;
  }
  return w;
}

/**
 * B = A^T for A rows x cols in CSR; outputs have sorted columns when A's are sorted.
 * outPtr: i32[cols+1], outCol: i32[nnz], outVal: f64[nnz] (outVal may be 0 to skip values).
 */
export function csrTranspose(
  rows: i32, cols: i32, rowPtr: usize, colIdx: usize, vals: usize, outPtr: usize, outCol: usize, outVal: usize,
): void {
  const nnz = ldi(rowPtr, rows);
  memory.fill(outPtr, 0, <usize>(cols + 1) << 2);
  for (let p = 0; p < nnz; p++) { const c = ldi(colIdx, p) + 1; sti(outPtr, c, ldi(outPtr, c) + 1); }
  for (let j = 0; j < cols; j++) sti(outPtr, j + 1, ldi(outPtr, j + 1) + ldi(outPtr, j));
  // outPtr[j] now holds the start of column j; use outPtr[j] as a cursor and shift back afterwards
  for (let i = 0; i < rows; i++) {
    const end = ldi(rowPtr, i + 1);
    for (let p = ldi(rowPtr, i); p < end; p++) {
      const c = ldi(colIdx, p);
      const q = ldi(outPtr, c);
      sti(outPtr, c, q + 1);
      sti(outCol, q, i);
      if (outVal) stf(outVal, q, ldf(vals, p));
    }
  }
  for (let j = cols; j > 0; j--) sti(outPtr, j, ldi(outPtr, j - 1));
  sti(outPtr, 0, 0);
}

/** diag[i] = A[i][i] (0 where absent); A must have sorted columns. */
export function csrDiagonal(rows: i32, cols: i32, rowPtr: usize, colIdx: usize, vals: usize, diag: usize): void {
  const n = min(rows, cols);
  for (let i = 0; i < n; i++) {
    let d: f64 = 0;
    const end = ldi(rowPtr, i + 1);
    for (let p = ldi(rowPtr, i); p < end; p++) {
      const c = ldi(colIdx, p);
      if (c == i) { d = ldf(vals, p); break; }
      if (c > i) break;
    }
    stf(diag, i, d);
  }
}
