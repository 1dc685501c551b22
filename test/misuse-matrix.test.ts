// Misuse and faults of the matrix layer (issue 7, section 4): permutations, overflow to
// non-finite values, vector input, use after dispose; and SpGEMM's dropZeros option.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, CsrMatrix, DenseVector, SpgemmProduct, TripleProduct, spgemm, tripleProduct, multiplyAtB, multiplyABt, add, subtract,
  elementwiseMultiply, drop, permute, symmetricPermute, permuteRows, permuteColumns, inversePermutation, parseMatrixMarket,
  dot, axpy, scale, copy, norm2, InvalidArgumentError, NonFiniteValueError, DisposedError, DimensionMismatchError,
  type SparseRuntime,
} from '../src/index.js';
import { matrixText } from './matrices.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

/** Runs f and returns what it threw (failing the test when it did not throw). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

function small(): CsrMatrix {
  return CsrMatrix.fromDense([[4, 1, 0], [0, 5, 2], [3, 0, 6]]);
}

describe('SpGEMM dropZeros', () => {
  // A = [[1, 1], [1, -1]]: A A = [[2, 0], [0, 2]] with the off-diagonal sums cancelling to 0
  const dense = [[1, 1], [1, -1]];

  it('keeps cancelled entries by default and drops them with dropZeros: true', () => {
    const A = CsrMatrix.fromDense(dense);
    const C = spgemm(A, A);
    expect(C.nnz).toBe(4);
    expect(Array.from(C.values)).toEqual([2, 0, 0, 2]);
    const D = spgemm(A, A, { dropZeros: true });
    expect(D.nnz).toBe(2);
    expect(Array.from(D.colIdx)).toEqual([0, 1]);
    expect(Array.from(D.values)).toEqual([2, 2]);
    // the same for the transposed products and R A P
    for (const M of [multiplyAtB(A, A, { dropZeros: true }), multiplyABt(A, A, { dropZeros: true })]) {
      expect(M.nnz).toBe(2);
      M.dispose();
    }
    const I = CsrMatrix.fromDense([[1, 0], [0, 1]]);
    const T = tripleProduct(I, A, A, { dropZeros: true });
    expect(T.nnz).toBe(2);
    for (const M of [A, C, D, I, T]) M.dispose();
  });

  it('a product without zeros is returned as it is; nothing leaks', () => {
    const A = small();
    const before = rt.stats().liveAllocations;
    const C = spgemm(A, A, { dropZeros: true });
    const C0 = spgemm(A, A);
    expect(C.toDense()).toEqual(C0.toDense());
    C.dispose();
    C0.dispose();
    expect(rt.stats().liveAllocations).toBe(before);
    A.dispose();
  });

  it('bad dropZeros values and SpgemmProduct (which recompute needs structural) are refused', () => {
    const A = small();
    expect(thrown(() => spgemm(A, A, { dropZeros: 'yes' as unknown as boolean }))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => SpgemmProduct.compute(A, A, { dropZeros: true })).message).toMatch(/recompute/);
    expect(thrown(() => TripleProduct.compute(A, A, A, { dropZeros: true }))).toBeInstanceOf(InvalidArgumentError);
    A.dispose();
  });

  it('bcsstk13 squared: 396,773 structural entries, the 395,923 of SciPy with dropZeros', () => {
    const { rows, cols, rowIndex, colIndex, values } = parseMatrixMarket(matrixText('bcsstk13'));
    const A = CsrMatrix.fromCoo(rows, cols, rowIndex, colIndex, values);
    const C = spgemm(A, A);
    expect(C.nnz).toBe(396773);
    let nonzero = 0;
    for (const v of C.values) if (v !== 0) nonzero++;
    const D = spgemm(A, A, { dropZeros: true });
    expect(D.nnz).toBe(nonzero);
    // SciPy sums in another order: a cancellation may come out as a tiny value on either side
    expect(Math.abs(D.nnz - 395923)).toBeLessThanOrEqual(2);
    for (const M of [A, C, D]) M.dispose();
  });
});

describe('overflow to non-finite values is reported', () => {
  it('A.scale(1e200) on entries of 1e200 throws NonFiniteValueError naming the entry, A unchanged', () => {
    const A = CsrMatrix.fromDense([[1, 0], [0, 1e200]]);
    const version = A.valuesVersion;
    const e = thrown(() => A.scale(1e200));
    expect(e).toBeInstanceOf(NonFiniteValueError);
    expect(e.message).toMatch(/row 1, column 1/);
    expect(Array.from(A.values)).toEqual([1, 1e200]);
    expect(A.valuesVersion).toBe(version);
    // a factor that stays finite still works, including negative ones
    A.scale(-1e100);
    expect(Array.from(A.values)).toEqual([-1e100, -1e300]);
    A.dispose();
  });

  it('spgemm, multiplyAtB, multiplyABt, tripleProduct, add and elementwiseMultiply refuse an infinite result; nothing leaks', () => {
    const A = CsrMatrix.fromDense([[1, 0, 0], [0, 0, 1e200], [0, 1e200, 0]]);
    const I = CsrMatrix.fromDense([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const before = rt.stats().liveAllocations;
    const cases: [string, () => CsrMatrix, RegExp][] = [
      ['spgemm', () => spgemm(A, A), /row 1, column 1/],
      ['multiplyAtB', () => multiplyAtB(A), /row 1, column 1/],
      ['multiplyABt', () => multiplyABt(A), /row 1, column 1/],
      ['tripleProduct', () => tripleProduct(I, A, A), /row 1, column 1/],
      ['SpgemmProduct', () => SpgemmProduct.compute(A, A, { sorted: false }).takeMatrix(), /row 1, column 1/],
      ['add', () => add(A, A, { alpha: 1e108, beta: 1e108 }), /row 1, column 2/],
      ['subtract of scaled', () => add(A, A, { alpha: 1e200, beta: -1 }), /row 1, column 2/],
      ['elementwiseMultiply', () => elementwiseMultiply(A, A), /row 1, column 2/],
    ];
    for (const [name, f, where] of cases) {
      const e = thrown(f);
      expect(e, name).toBeInstanceOf(NonFiniteValueError);
      expect(e.message, name).toMatch(where);
      expect(rt.stats().liveAllocations, name).toBe(before);
    }
    // the module stays usable
    const C = spgemm(I, I);
    expect(C.nnz).toBe(3);
    for (const M of [A, I, C]) M.dispose();
  });

  it('SpgemmProduct.recompute reports overflow from new values', () => {
    const A = CsrMatrix.fromDense([[1, 2], [3, 4]]);
    const p = SpgemmProduct.compute(A, A);
    A.setValues([1, 2, 3, 1e300]);
    const e = thrown(() => p.recompute(A, A));
    expect(e).toBeInstanceOf(NonFiniteValueError);
    expect(e.message).toMatch(/row 1, column 1/);
    A.setValues([1, 0, 0, 1]);
    p.recompute(A, A);
    expect(Array.from(p.values)).toEqual([1, 0, 0, 1]);
    p.dispose();
    A.dispose();
  });
});
