import type { CsrMatrix } from './csr.js';

/** Structural and numeric facts about a matrix, as `sparse-wasm info` prints them. */
export interface MatrixProperties {
  rows: number;
  cols: number;
  nnz: number;
  /** stored entries whose value is exactly 0 */
  explicitZeros: number;
  emptyRows: number;
  /** rows i < min(rows, cols) with no stored (i, i) entry */
  missingDiagonal: number;
  /** max over entries of i - j (lower) and j - i (upper); 0 for an empty or diagonal matrix */
  lowerBandwidth: number;
  upperBandwidth: number;
  bandwidth: number;
  /** numeric check of A == A^T (and A == -A^T), exact equality; false when not square */
  numericallySymmetric: boolean;
  numericallySkewSymmetric: boolean;
  patternSymmetric: boolean;
  /** rows with |a_ii| > sum_{j != i} |a_ij| (strict) and >= (weak) */
  strictlyDominantRows: number;
  weaklyDominantRows: number;
  /** 'strict' if every row is strictly dominant, 'weak' if every row weakly, else 'none' */
  diagonalDominance: 'strict' | 'weak' | 'none';
  /** diagonal entries: all positive / all negative / mixed (or some zero or missing) */
  diagonalSign: 'positive' | 'negative' | 'mixed';
}

export function matrixProperties(A: CsrMatrix): MatrixProperties {
  const { rows, cols, nnz } = A;
  // transpose first: it allocates, and views taken before an allocation may be detached
  const T = rows === cols ? A.transpose() : undefined;
  try {
    return analyse(A, T);
  } finally {
    T?.dispose();
  }
}

function analyse(A: CsrMatrix, T: CsrMatrix | undefined): MatrixProperties {
  const { rows, cols, nnz } = A;
  const rp = A.rowPtr, ci = A.colIdx, v = A.values;
  let explicitZeros = 0, emptyRows = 0, lower = 0, upper = 0, strict = 0, weak = 0, pos = 0, neg = 0;
  const nd = Math.min(rows, cols);
  let withDiag = 0;
  for (let i = 0; i < rows; i++) {
    const s = rp[i], e = rp[i + 1];
    if (s === e) emptyRows++;
    let d = 0, off = 0, hasDiag = false;
    for (let p = s; p < e; p++) {
      const j = ci[p], a = v[p];
      if (a === 0) explicitZeros++;
      if (i - j > lower) lower = i - j;
      if (j - i > upper) upper = j - i;
      if (j === i) { d = Math.abs(a); hasDiag = true; if (a > 0) pos++; else if (a < 0) neg++; }
      else off += Math.abs(a);
    }
    if (hasDiag) withDiag++;
    if (d > off) strict++;
    if (d >= off && (d > 0 || off === 0) && hasDiag) weak++;
  }
  let sym = false, skew = false, psym = false;
  if (T) {
    {
      const trp = T.rowPtr, tci = T.colIdx, tv = T.values;
      psym = true; sym = true; skew = true;
      for (let i = 0; i <= rows && psym; i++) if (trp[i] !== rp[i]) psym = false;
      for (let p = 0; p < nnz && psym; p++) if (tci[p] !== ci[p]) psym = false;
      if (psym) {
        for (let p = 0; p < nnz; p++) {
          if (tv[p] !== v[p]) sym = false;
          if (tv[p] !== -v[p]) skew = false;
        }
      } else { sym = false; skew = false; }
    }
  }
  const square = rows === cols && rows > 0;
  return {
    rows, cols, nnz, explicitZeros, emptyRows,
    missingDiagonal: nd - withDiag,
    lowerBandwidth: lower, upperBandwidth: upper, bandwidth: Math.max(lower, upper),
    numericallySymmetric: sym, numericallySkewSymmetric: skew, patternSymmetric: psym,
    strictlyDominantRows: strict, weaklyDominantRows: weak,
    diagonalDominance: square && strict === rows ? 'strict' : square && weak === rows ? 'weak' : 'none',
    diagonalSign: nd > 0 && pos === nd ? 'positive' : nd > 0 && neg === nd ? 'negative' : 'mixed',
  };
}
