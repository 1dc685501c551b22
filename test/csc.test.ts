// CsrMatrix.fromCsc / toCsc (issue 7, section 6): compressed sparse column arrays as SciPy's
// csc_matrix and mathjs's SparseMatrix hold them, checked against dense references built here
// entry by entry, and a round trip through a real mathjs SparseMatrix.
import { beforeAll, describe, expect, it } from 'vitest';
import { SparseMatrix, sparse, multiply as mathMultiply } from 'mathjs';
import {
  init, CsrMatrix, DimensionMismatchError, InvalidArgumentError, NonFiniteValueError, SparseFormatError, type SparseRuntime,
} from '../src/index.js';
import { rng } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

/** Dense rows x cols from CSC arrays, summing duplicates: the reference, independent of the library. */
function denseFromCsc(rows: number, cols: number, ptr: ArrayLike<number>, idx: ArrayLike<number>, val: ArrayLike<number>): number[][] {
  const d = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let j = 0; j < cols; j++) for (let p = ptr[j]; p < ptr[j + 1]; p++) d[idx[p]][j] += val[p];
  return d;
}

function dense(A: CsrMatrix): number[][] {
  return A.toDense().map((r) => Array.from(r));
}

/** Throws unless the arrays are canonical CSC (sorted, distinct row indices per column) of `want`. */
function expectCscOf(c: ReturnType<CsrMatrix['toCsc']>, want: number[][]): void {
  const rows = want.length, cols = rows ? want[0].length : c.cols;
  expect([c.rows, c.cols]).toEqual([rows, cols]);
  expect(c.indptr.length).toBe(cols + 1);
  for (let j = 0; j < cols; j++) {
    for (let p = c.indptr[j] + 1; p < c.indptr[j + 1]; p++) expect(c.indices[p]).toBeGreaterThan(c.indices[p - 1]);
  }
  expect(denseFromCsc(rows, cols, c.indptr, c.indices, c.data)).toEqual(want);
}

describe('CsrMatrix.fromCsc', () => {
  it('matches the dense reference with empty columns, unsorted row indices and duplicates (summed)', () => {
    // 4 x 5; column 1 and 4 empty, column 2 unsorted, column 3 with a duplicate of row 0
    const ptr = [0, 2, 2, 5, 8, 8];
    const idx = [0, 3, 2, 0, 1, 0, 3, 0];
    const val = [1, 2, 3, 4, 5, 6, 7, 0.5];
    const A = CsrMatrix.fromCsc(4, 5, ptr, idx, val);
    const want = denseFromCsc(4, 5, ptr, idx, val);
    expect(want[0][3]).toBe(6.5);
    expect(dense(A)).toEqual(want);
    expect(A.nnz).toBe(7);
    // canonical CSR: sorted columns in every row
    const rp = A.rowPtr, ci = A.colIdx;
    for (let i = 0; i < A.rows; i++) for (let p = rp[i] + 1; p < rp[i + 1]; p++) expect(ci[p]).toBeGreaterThan(ci[p - 1]);
    expectCscOf(A.toCsc(), want);
    A.dispose();
  });

  it('n = 0, n = 1, a 0 x 3 and a 3 x 0 matrix, an all-empty matrix', () => {
    const cases: [number, number, number[], number[], number[]][] = [
      [0, 0, [0], [], []],
      [1, 1, [0, 1], [0], [-2.5]],
      [1, 1, [0, 0], [], []],
      [0, 3, [0, 0, 0, 0], [], []],
      [3, 0, [0], [], []],
      [2, 3, [0, 0, 0, 0], [], []],
    ];
    for (const [m, n, ptr, idx, val] of cases) {
      const A = CsrMatrix.fromCsc(m, n, ptr, idx, val);
      expect([A.rows, A.cols, A.nnz]).toEqual([m, n, idx.length]);
      const want = denseFromCsc(m, n, ptr, idx, val);
      expect(dense(A)).toEqual(want);
      const c = A.toCsc();
      expect([c.rows, c.cols]).toEqual([m, n]);
      expect(Array.from(c.indptr)).toEqual(ptr);
      expect(Array.from(c.indices)).toEqual(idx);
      expect(Array.from(c.data)).toEqual(val);
      A.dispose();
    }
  });

  it('random rectangular matrices: fromCsc(toCsc(A)) = A, toCsc = CSR of A^T, typed arrays accepted', () => {
    const r = rng(7);
    // (+ 0 below turns a rounded -0 into 0, which fromDense does not store)
    for (const [m, n] of [[7, 3], [3, 7], [20, 20], [1, 9], [9, 1]]) {
      const d = Array.from({ length: m }, () => Array.from({ length: n }, () => (r() < 0.3 ? Math.round(r() * 20 - 10) / 4 + 0 : 0)));
      const A = CsrMatrix.fromDense(d);
      const c = A.toCsc();
      expectCscOf(c, d);
      const B = CsrMatrix.fromCsc(m, n, c.indptr, c.indices, c.data);
      expect(dense(B)).toEqual(d);
      const At = A.transpose();
      expect(Array.from(c.indptr)).toEqual(Array.from(At.rowPtr));
      expect(Array.from(c.indices)).toEqual(Array.from(At.colIdx));
      expect(Array.from(c.data)).toEqual(Array.from(At.values));
      for (const M of [A, B, At]) M.dispose();
    }
  });

  it('is validated like fromCsr: typed errors naming the place; nothing leaks', () => {
    const before = rt.stats().liveAllocations;
    const bad: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
      ['colPtr length', () => CsrMatrix.fromCsc(2, 2, [0, 1], [0], [1]), DimensionMismatchError, /colPtr has length 2, expected cols \+ 1 = 3/],
      ['values length', () => CsrMatrix.fromCsc(2, 2, [0, 1, 1], [0], [1, 2]), DimensionMismatchError, /rowIdx has length 1 but values has length 2/],
      ['colPtr[0]', () => CsrMatrix.fromCsc(2, 2, [1, 1, 1], [0], [1]), SparseFormatError, /colPtr\[0\] must be 0/],
      ['colPtr end', () => CsrMatrix.fromCsc(2, 2, [0, 1, 2], [0], [1]), SparseFormatError, /colPtr\[2\] = 2 must equal nnz = 1/],
      ['decreasing inside', () => CsrMatrix.fromCsc(3, 3, [0, 2, 1, 2], [0, 1], [1, 2]), SparseFormatError, /non-decreasing integers: colPtr\[2\] = 1 < colPtr\[1\] = 2/],
      ['row out of range', () => CsrMatrix.fromCsc(2, 2, [0, 1, 2], [0, 2], [1, 2]), SparseFormatError, /column 1, entry 1: row index 2 is not an integer in \[0, 2\)/],
      ['fractional row', () => CsrMatrix.fromCsc(2, 2, [0, 1, 2], [0, 0.5], [1, 2]), SparseFormatError, /row index 0.5/],
      ['NaN value', () => CsrMatrix.fromCsc(2, 2, [0, 1, 2], [0, 1], [1, NaN]), NonFiniteValueError, /row 1, column 1 \(entry 1\): value NaN/],
      ['string value', () => CsrMatrix.fromCsc(2, 2, [0, 1, 2], [0, 1], [1, 'x' as unknown as number]), NonFiniteValueError, /value x/],
      ['not arrays', () => CsrMatrix.fromCsc(2, 2, undefined as never, [0], [1]), InvalidArgumentError, /colPtr, rowIdx and values must be arrays/],
      ['bad shape', () => CsrMatrix.fromCsc(-1, 2, [0, 0, 0], [], []), InvalidArgumentError, /rows must be/],
      ['bad option', () => CsrMatrix.fromCsc(1, 1, [0, 0], [], [], { foo: 1 } as never), InvalidArgumentError, /^matrix: unknown option "foo" \(known: runtime, spmv\)$/],
    ];
    for (const [name, f, type, message] of bad) {
      let err: unknown;
      try { f(); } catch (e) { err = e; }
      expect(err, name).toBeInstanceOf(type);
      expect((err as Error).message, name).toMatch(message);
    }
    expect(rt.stats().liveAllocations).toBe(before);
  });

  it('toCsc after dispose is a DisposedError like every other member', () => {
    const A = CsrMatrix.fromCsc(1, 1, [0, 1], [0], [3]);
    A.dispose();
    expect(() => A.toCsc()).toThrow(/used after dispose/);
  });
});

describe('mathjs SparseMatrix round trip', () => {
  it('moves a mathjs SparseMatrix in and out; products agree with mathjs', () => {
    const d = [[4, 0, 1, 0], [0, 0, 0, 2], [3, 5, 0, 0]];
    const S = sparse(d) as SparseMatrix;
    // in: mathjs keeps CSC arrays (toJSON: values, index, ptr, size)
    const { values, index, ptr, size } = S.toJSON() as { values: number[]; index: number[]; ptr: number[]; size: [number, number] };
    const A = CsrMatrix.fromCsc(size[0], size[1], ptr, index, values);
    expect(dense(A)).toEqual(d);
    // out: a SparseMatrix from the CSC copies
    const c = A.toCsc();
    const back = new SparseMatrix({ values: Array.from(c.data), index: Array.from(c.indices), ptr: Array.from(c.indptr), size: [c.rows, c.cols] });
    expect(back.toArray()).toEqual(d);
    // mathjs's own product with the matrix that came out (a column of 3 x 1)
    const y = mathMultiply(back, [[1], [2], [3], [4]]) as unknown as { valueOf(): number[][] };
    expect(y.valueOf().flat()).toEqual(Array.from(A.multiply([1, 2, 3, 4])));
    A.dispose();
  });

  it('a larger random mathjs matrix survives the round trip exactly', () => {
    const r = rng(11);
    const d = Array.from({ length: 40 }, () => Array.from({ length: 30 }, () => (r() < 0.1 ? r() * 2 - 1 : 0)));
    const S = sparse(d) as SparseMatrix;
    const j = S.toJSON() as { values: number[]; index: number[]; ptr: number[]; size: [number, number] };
    const A = CsrMatrix.fromCsc(j.size[0], j.size[1], j.ptr, j.index, j.values);
    const c = A.toCsc();
    expect(Array.from(c.indptr)).toEqual(j.ptr);
    expect(Array.from(c.indices)).toEqual(j.index);
    expect(Array.from(c.data)).toEqual(j.values);
    A.dispose();
  });
});
