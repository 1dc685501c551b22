import type { CsrMatrix, MatrixOptions } from '../matrix/csr.js';
import { CsrMatrix as Csr } from '../matrix/csr.js';
import { formatMatrixMarketCoordinate, type MatrixMarketData, type WriteOptions } from './matrix-market.js';

/** A CsrMatrix from parsed Matrix Market data (duplicates summed, explicit zeros kept). */
export function csrFromMatrixMarket(data: MatrixMarketData, options: MatrixOptions = {}): CsrMatrix {
  return Csr.fromCoo(data.rows, data.cols, data.rowIndex, data.colIndex, data.values, options);
}

/**
 * Entries of A to write. With symmetry 'symmetric' only the lower triangle (row >= col) is kept,
 * with 'skew-symmetric' the strictly lower one; the caller asserts A has that symmetry.
 */
export function matrixMarketEntries(A: CsrMatrix, symmetry: WriteOptions['symmetry'] = 'general') {
  const coo = A.toCoo();
  if (symmetry === 'general') return coo;
  const keep = (r: number, c: number) => (symmetry === 'symmetric' ? r >= c : r > c);
  let n = 0;
  for (let k = 0; k < coo.values.length; k++) if (keep(coo.rowIndex[k], coo.colIndex[k])) n++;
  const rowIndex = new Int32Array(n), colIndex = new Int32Array(n), values = new Float64Array(n);
  for (let k = 0, w = 0; k < coo.values.length; k++) {
    if (!keep(coo.rowIndex[k], coo.colIndex[k])) continue;
    rowIndex[w] = coo.rowIndex[k]; colIndex[w] = coo.colIndex[k]; values[w++] = coo.values[k];
  }
  return { rows: A.rows, cols: A.cols, rowIndex, colIndex, values };
}

/** Matrix Market coordinate text of A (real general unless options say otherwise). */
export function csrToMatrixMarket(A: CsrMatrix, options: WriteOptions = {}): string {
  const e = matrixMarketEntries(A, options.symmetry);
  return formatMatrixMarketCoordinate(e.rows, e.cols, e.rowIndex, e.colIndex, options.field === 'pattern' ? null : e.values, options);
}
