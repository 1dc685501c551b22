// The Matrix Market vocabulary shared by the reader and the writer: header types, the symmetry
// codes used in the hot loops, the largest dimension (indices are stored in Int32Array).

export type MmField = 'real' | 'integer' | 'pattern';
export type MmSymmetry = 'general' | 'symmetric' | 'skew-symmetric';
export type MmFormat = 'coordinate' | 'array';

export interface MatrixMarketHeader {
  format: MmFormat;
  field: MmField;
  symmetry: MmSymmetry;
  rows: number;
  cols: number;
  /**
   * Number of entries stored in the file: the third number of the size line for coordinate
   * files; rows*cols (general), n(n+1)/2 (symmetric) or n(n-1)/2 (skew) for array files.
   */
  storedEntries: number;
  /**
   * Comment lines after the banner, in file order, without the leading '%' (and without a trailing
   * '\r'). Comment lines between entries (allowed, though unusual) are collected here too.
   */
  comments: string[];
}

/**
 * COO triplets after symmetric/skew expansion, 0-based, in file order (mirror entries appended
 * right after their source entry). Explicit zeros kept. Array-format files are returned as COO
 * too (every entry, column-major order as in the file; symmetric array files expanded).
 * Pattern matrices have all values equal to 1.
 */
export interface MatrixMarketData {
  header: MatrixMarketHeader;
  rows: number;
  cols: number;
  rowIndex: Int32Array;
  colIndex: Int32Array;
  values: Float64Array;
}

/** Symmetry as a small integer for the per-entry loops of the reader and the writer. */
export const SYM_GENERAL = 0;
export const SYM_SYMMETRIC = 1;
export const SYM_SKEW = 2;

/** Largest row/column count: indices are stored in Int32Array. */
export const MAX_DIM = 0x7fffffff;
