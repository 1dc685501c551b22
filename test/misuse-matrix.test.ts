// Misuse and faults of the matrix layer (issue 7, section 4): permutations, overflow to
// non-finite values, vector input, use after dispose; and SpGEMM's dropZeros option.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, createRuntime, CsrMatrix, DenseVector, SpgemmProduct, TripleProduct, spgemm, tripleProduct, multiplyAtB, multiplyABt, add, subtract,
  elementwiseMultiply, drop, permute, symmetricPermute, permuteRows, permuteColumns, inversePermutation, parseMatrixMarket,
  dot, axpy, scale, copy, norm2, InvalidArgumentError, NonFiniteValueError, DisposedError, DimensionMismatchError,
  SparseFormatError, MatrixMarketParser, parseMatrixMarketStream, DEFAULT_MAX_LINE_LENGTH, type SparseRuntime,
} from '../src/index.js';
import { matrixText } from './matrices.js';
import { thrown } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

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

  it('the finite check finds one bad value at every position and length, SIMD and scalar builds', async () => {
    const scalar = await createRuntime({ build: 'scalar', initialMemoryMiB: 16 });
    for (const runtime of [rt, scalar]) {
      for (const n of [1, 2, 3, 7, 8, 9, 15, 16, 17, 33]) {
        for (let k = 0; k < n; k++) {
          // a 1 x n matrix whose entry k alone overflows when scaled by 1e10
          const v = Array.from({ length: n }, (_, i) => (i === k ? 1e300 : 1 + i));
          const A = CsrMatrix.fromCoo(1, n, new Array<number>(n).fill(0), v.map((_, i) => i), v, { runtime });
          const e = thrown(() => A.scale(-1e10));
          expect(e, `n ${n} k ${k}`).toBeInstanceOf(NonFiniteValueError);
          expect(e.message, `n ${n} k ${k}`).toContain(`(row 0, column ${k})`);
          expect(A.values[k]).toBe(1e300);
          // x with one non-finite entry at k, copied into this runtime and checked there
          for (const bad of [Infinity, -Infinity, NaN]) {
            const x = Float64Array.from({ length: n }, (_, i) => (i === k ? bad : 1));
            expect(thrown(() => A.multiply(x)).message, `n ${n} k ${k}`).toMatch(`x[${k}] = ${bad}`);
          }
          A.scale(1e-10);
          A.dispose();
        }
      }
    }
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

describe('permutations are validated (range, integer, length, no repeats)', () => {
  const bad: [string, ArrayLike<number>, RegExp][] = [
    ['2^32 + 2 (wrapped to 2 by Int32Array)', [2 ** 32 + 2, 0, 1], /\[0\] = 4294967298 is not an integer in \[0, 3\)/],
    ['-(2^32) (wrapped to 0)', [-(2 ** 32), 1, 2], /\[0\] = -4294967296 is not an integer/],
    ['3 out of range', [0, 3, 1], /\[1\] = 3 is not an integer/],
    ['negative', [0, 1, -1], /\[2\] = -1 is not an integer/],
    ['fraction', [0, 1.5, 2], /\[1\] = 1.5/],
    ['NaN', [0, NaN, 2], /\[1\] = NaN/],
    ['string', [0, '1' as unknown as number, 2], /\[1\] = 1 is not an integer/],
    ['repeat', [0, 1, 1], /\[2\] = 1 appears twice \(also \w+\[1\]\)/],
    ['Int32Array repeat', Int32Array.from([2, 0, 2]), /\[2\] = 2 appears twice \(also \w+\[0\]\)/],
    ['Int32Array out of range', Int32Array.from([0, 1, 7]), /\[2\] = 7 is not an integer/],
    ['Float64Array beyond int32', Float64Array.from([0, 1, 2 ** 31 + 1]), /\[2\] = 2147483649/],
  ];
  it.each(bad)('%s is refused by every function taking a permutation; nothing leaks', (_name, p, message) => {
    const A = small();
    const before = rt.stats().liveAllocations;
    const calls: [string, () => unknown][] = [
      ['symmetricPermute', () => symmetricPermute(A, p)],
      ['permuteRows', () => permuteRows(A, p)],
      ['permuteColumns', () => permuteColumns(A, p)],
      ['permute rows', () => permute(A, p, null)],
      ['permute cols', () => permute(A, [0, 1, 2], p)],
      ['inversePermutation', () => inversePermutation(p)],
    ];
    for (const [name, f] of calls) {
      const e = thrown(f);
      expect(e, name).toBeInstanceOf(InvalidArgumentError);
      expect(e.message, name).toMatch(message);
      expect(e.message, name).toMatch(/not a permutation/);
    }
    expect(rt.stats().liveAllocations).toBe(before);
    A.dispose();
  });

  it('wrong lengths and non-arrays are typed errors', () => {
    const A = small();
    expect(thrown(() => symmetricPermute(A, [0, 1]))).toBeInstanceOf(DimensionMismatchError);
    expect(thrown(() => permuteRows(A, '012' as unknown as number[]))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => inversePermutation(42 as unknown as number[]))).toBeInstanceOf(InvalidArgumentError);
    A.dispose();
  });

  it('valid permutations still work (arrays and typed arrays) and inversePermutation inverts', () => {
    const A = small();
    const B = symmetricPermute(A, [2, 0, 1]);
    expect(B.toDense().map((r) => Array.from(r))).toEqual([[6, 3, 0], [0, 4, 1], [2, 0, 5]]);
    const C = symmetricPermute(B, inversePermutation(Int32Array.from([2, 0, 1])));
    expect(C.toDense()).toEqual(A.toDense());
    expect(Array.from(inversePermutation([2, 0, 1]))).toEqual([1, 2, 0]);
    expect(Array.from(inversePermutation([]))).toEqual([]);
    for (const M of [A, B, C]) M.dispose();
  });
});

describe('vector input is validated like matrix input', () => {
  const badVectors: [string, ArrayLike<number>, RegExp][] = [
    ['strings', ['a', 'b', 'c'] as unknown as number[], /x\[0\] = "a" is not a finite number/],
    ['numeric string (Float64Array.set would convert it)', [1, '2', 3] as unknown as number[], /x\[1\] = "2"/],
    ['undefined hole', [1, undefined, 3] as unknown as number[], /x\[1\] = undefined/],
    ['NaN in an array', [1, 2, NaN], /x\[2\] = NaN/],
    ['Infinity in a Float64Array', Float64Array.from([1, Infinity, 3]), /x\[1\] = Infinity/],
    ['NaN in a Float32Array', Float32Array.from([NaN, 1, 3]), /x\[0\] = NaN/],
  ];
  it.each(badVectors)('%s: multiply, multiplyTransposed and BLAS-1 throw NonFiniteValueError naming the index', (_n, x, where) => {
    const A = small();
    const calls: [string, () => unknown][] = [
      ['multiply', () => A.multiply(x)],
      ['multiplyTransposed', () => A.multiplyTransposed(x)],
      ['dot', () => dot(x, [1, 1, 1])],
      ['norm2', () => norm2(x)],
      ['axpy x', () => axpy(2, x, [1, 1, 1])],
      ['scale', () => scale(2, Array.from(x))],
      ['copy', () => copy(x, new Float64Array(3))],
      ['DenseVector.from', () => DenseVector.from(x)],
    ];
    for (const [name, f] of calls) {
      const e = thrown(f);
      expect(e, name).toBeInstanceOf(NonFiniteValueError);
      expect(e.message.replace(/^values/, 'x'), name).toMatch(where);
    }
    A.dispose();
  });

  it('y with beta != 0 is input and checked; with beta = 0 its old contents are ignored', () => {
    const A = small();
    expect(thrown(() => A.multiply([1, 1, 1], [0, NaN, 0], { beta: 1 })).message).toMatch(/y\[1\] = NaN/);
    expect(Array.from(A.multiply([1, 1, 1], [NaN, NaN, NaN]))).toEqual([5, 7, 9]);
    expect(Array.from(A.multiply([1, 1, 1], [1, 1, 1], { beta: 2 }))).toEqual([7, 9, 11]);
    A.dispose();
  });

  it('non-arrays, BigInt arrays and non-finite scalars are typed errors; integer typed arrays are fine', () => {
    const A = small();
    for (const x of [undefined, null, 42, 'abc', { length: 'x' }, new BigInt64Array(3)]) {
      expect(thrown(() => A.multiply(x as unknown as number[])), String(x)).toBeInstanceOf(InvalidArgumentError);
      expect(thrown(() => DenseVector.from(x as unknown as number[])), String(x)).toBeInstanceOf(InvalidArgumentError);
      expect(thrown(() => norm2(x as unknown as number[])), String(x)).toBeInstanceOf(InvalidArgumentError);
    }
    expect(thrown(() => A.multiply([1, 1, 1], undefined, { alpha: Infinity }))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => axpy(NaN, [1], [1]))).toBeInstanceOf(NonFiniteValueError);
    expect(thrown(() => scale('2' as unknown as number, [1]))).toBeInstanceOf(NonFiniteValueError);
    expect(Array.from(A.multiply(Int32Array.from([1, 1, 1])))).toEqual([5, 7, 9]);
    expect(dot(Uint8Array.from([1, 2]), [3, 4])).toBe(11);
    const v = DenseVector.from(Int16Array.from([1, -2]));
    expect(Array.from(v.data)).toEqual([1, -2]);
    v.dispose();
    A.dispose();
  });
});

describe('every member of a disposed object throws DisposedError', () => {
  /**
   * Calls every public getter and method of `proto` on `obj` (already disposed), with arguments
   * that would be valid for a live object where the method needs them. Private helpers (which
   * TypeScript leaves on the prototype) are listed in `internal` and skipped; a new public
   * member is covered without editing this test.
   */
  function expectAllDisposed(obj: object, proto: object, args: Record<string, unknown[]>, internal: string[]): string[] {
    const tried: string[] = [];
    const skip = new Set(['constructor', 'dispose', 'disposed', ...internal]);
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (skip.has(name)) continue;
      const d = Object.getOwnPropertyDescriptor(proto, name)!;
      const f = d.get ? () => (obj as Record<string, unknown>)[name] : () => (d.value as (...a: unknown[]) => unknown).apply(obj, args[name] ?? []);
      const e = thrown(f);
      expect(e, name).toBeInstanceOf(DisposedError);
      tried.push(name);
    }
    return tried;
  }

  it('CsrMatrix: spmvLayout, spmvStoredEntries() and all the others', () => {
    const A = small();
    A.prepareSpmv();
    A.dispose();
    A.dispose(); // idempotent
    expect(A.disposed).toBe(true);
    const tried = expectAllDisposed(A, CsrMatrix.prototype, {
      setValues: [[1, 2, 3, 4, 5, 6]], scale: [2], multiply: [[1, 1, 1]], multiplyTransposed: [[1, 1, 1]],
      setSpmvLayout: ['csr'], multiplyPtr: [0, 0],
    }, ['valuesChanged', 'planSell', 'buildSell', 'dropSell', 'product']);
    expect(tried).toEqual(expect.arrayContaining(['spmvLayout', 'spmvStoredEntries', 'valuesVersion', 'rowPtr', 'toDense', 'toCoo', 'toCsrArrays', 'clone', 'transpose', 'diagonal']));
    // as an operand, too
    const B = small();
    expect(thrown(() => spgemm(B, A))).toBeInstanceOf(DisposedError);
    expect(thrown(() => add(A, B))).toBeInstanceOf(DisposedError);
    expect(thrown(() => symmetricPermute(A, [0, 1, 2]))).toBeInstanceOf(DisposedError);
    B.dispose();
  });

  it('DenseVector', () => {
    const v = DenseVector.from([1, 2, 3]);
    v.dispose();
    const tried = expectAllDisposed(v, DenseVector.prototype, { check: [3, 'v', rt] }, []);
    expect(tried).toEqual(expect.arrayContaining(['data', 'toArray', 'check']));
    const A = small();
    expect(thrown(() => A.multiply(v))).toBeInstanceOf(DisposedError);
    expect(thrown(() => norm2(v))).toBeInstanceOf(DisposedError);
    A.dispose();
  });

  it('SpgemmProduct (sorted and unsorted) and TripleProduct', () => {
    const A = small();
    for (const sorted of [true, false]) {
      const p = SpgemmProduct.compute(A, A, { sorted });
      p.dispose();
      const tried = expectAllDisposed(p, SpgemmProduct.prototype, { recompute: [A, A] }, ['shapeError']);
      expect(tried).toEqual(expect.arrayContaining(['sorted', 'matrix', 'takeMatrix', 'rowPtr', 'colIdx', 'values', 'sortRows', 'recompute']));
    }
    const t = TripleProduct.compute(A, A, A);
    t.dispose();
    expectAllDisposed(t, TripleProduct.prototype, { recompute: [A, A, A] }, []);
    A.dispose();
  });
});

describe('parseMatrixMarket input kinds and line length', () => {
  const text = '%%MatrixMarket matrix coordinate real general\n% caf\u00e9\n2 2 2\n1 1 1.5\n2 2 -2\n';
  const expectData = (d: ReturnType<typeof parseMatrixMarket>) => {
    expect([d.rows, d.cols]).toEqual([2, 2]);
    expect(Array.from(d.values)).toEqual([1.5, -2]);
    expect(d.header.comments).toEqual([' caf\u00e9']);
  };

  it('accepts a string, UTF-8 bytes (Uint8Array, Buffer, ArrayBuffer) and Latin-1 bytes', () => {
    expectData(parseMatrixMarket(text));
    const utf8 = new TextEncoder().encode(text);
    expectData(parseMatrixMarket(utf8));
    expectData(parseMatrixMarket(Buffer.from(text, 'utf8')));
    expectData(parseMatrixMarket(utf8.slice().buffer));
    // é as the single byte 0xE9: not UTF-8, decoded as Latin-1
    expectData(parseMatrixMarket(Buffer.from(text, 'latin1')));
    // errors in byte input keep their line numbers
    const e = thrown(() => parseMatrixMarket(new TextEncoder().encode(text.replace('-2', 'x'))));
    expect(e).toBeInstanceOf(SparseFormatError);
    expect((e as SparseFormatError).line).toBe(5);
  });

  it('refuses undefined, numbers, objects and non-byte arrays with InvalidArgumentError', () => {
    for (const bad of [undefined, null, 123, {}, [1, 2], new Float64Array(2), true]) {
      const e = thrown(() => parseMatrixMarket(bad as unknown as string));
      expect(e, String(bad)).toBeInstanceOf(InvalidArgumentError);
      expect(e.message).toMatch(/takes a string, a Uint8Array/);
    }
    expect(thrown(() => new MatrixMarketParser().push(42 as unknown as string))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => new MatrixMarketParser({ maxLineLength: 0 }))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => parseMatrixMarket(text, { maxLine: 5 } as never))).toBeInstanceOf(InvalidArgumentError);
  });

  it('the stream parser refuses non-iterables and chunks that are neither text nor bytes', async () => {
    for (const bad of [undefined, 123, {}]) {
      await expect(parseMatrixMarketStream(bad as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    await expect(parseMatrixMarketStream([text.slice(0, 10), 42] as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    // a sync iterable of mixed chunks is fine
    expectData(await parseMatrixMarketStream([text.slice(0, 20), new TextEncoder().encode(text.slice(20))]));
  });

  it('a stream without line breaks is a line-1 SparseFormatError at the default limit, not a RangeError', async () => {
    // 1 MiB chunks of digits, no newline, until just past the default limit (never 600 MB)
    const chunk = new Uint8Array(1 << 20).fill(0x37);
    let sent = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (; sent < 64; sent++) yield chunk; // 64 MiB at most; the parser must stop long before
    }
    const e = await parseMatrixMarketStream(endless()).then(() => undefined, (x: unknown) => x as Error);
    expect(e).toBeInstanceOf(SparseFormatError);
    expect((e as SparseFormatError).line).toBe(1);
    expect(e!.message).toMatch(`longer than ${DEFAULT_MAX_LINE_LENGTH} characters`);
    expect(sent).toBeLessThanOrEqual(DEFAULT_MAX_LINE_LENGTH / chunk.length + 1);
  });

  it('a configurable limit applies to every line wherever the chunks are split', async () => {
    const body = '%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1.5\n2 2 -2' + ' '.repeat(40) + '\n';
    const opts = { maxLineLength: 45 }; // the banner's length
    // line 4 is 46 characters: refused whether it arrives whole, split, or as bytes
    const cases: (string | Uint8Array)[][] = [[body], body.split(''), [body.slice(0, 60), body.slice(60)], [new TextEncoder().encode(body)]];
    for (const chunks of cases) {
      const e = await parseMatrixMarketStream(chunks, opts).then(() => undefined, (x: unknown) => x as Error);
      expect(e).toBeInstanceOf(SparseFormatError);
      expect((e as SparseFormatError).line).toBe(4);
    }
    const e = thrown(() => parseMatrixMarket(body, opts));
    expect((e as SparseFormatError).line).toBe(4);
    // a long banner or comment line too, and the slow path (a malformed long line)
    expect((thrown(() => parseMatrixMarket('%' + 'x'.repeat(50) + '\n', opts)) as SparseFormatError).line).toBe(1);
    expect((thrown(() => parseMatrixMarket(body.replace('1 1 1.5', '1 1 abc' + 'c'.repeat(40)), opts)) as SparseFormatError).line).toBe(3);
    expect(thrown(() => parseMatrixMarket(body.replace('1 1 1.5', '1 1 abc' + 'c'.repeat(40)), opts)).message).toMatch(/longer than 45/);
    // at the limit it parses
    expect(parseMatrixMarket(body, { maxLineLength: 46 }).values[1]).toBe(-2);
    expect(thrown(() => parseMatrixMarket(body, { maxLineLength: 45 }))).toBeInstanceOf(SparseFormatError);
  });
});

describe('duplicates summed past the largest double', () => {
  it('fromCoo, fromCsr and fromCsc throw NonFiniteValueError naming the entry; nothing leaks', () => {
    const before = rt.stats().liveAllocations;
    const cases: [string, () => CsrMatrix][] = [
      ['fromCoo', () => CsrMatrix.fromCoo(2, 2, [1, 0, 1], [0, 0, 0], [1e308, 1, 1e308])],
      ['fromCsr', () => CsrMatrix.fromCsr(2, 2, [0, 1, 3], [0, 0, 0], [1, -1e308, -1e308])],
      ['fromCsc', () => CsrMatrix.fromCsc(2, 2, [0, 3, 3], [1, 0, 1], [1e308, 1, 1e308])],
    ];
    for (const [name, f] of cases) {
      const e = thrown(f);
      expect(e, name).toBeInstanceOf(NonFiniteValueError);
      expect(e.message, name).toMatch(/summing duplicate entries overflowed: entry \(row 1, column 0\)/);
      expect(rt.stats().liveAllocations, name).toBe(before);
    }
    const A = CsrMatrix.fromCoo(1, 1, [0, 0], [0, 0], [1e308, -1e308]);
    expect(Array.from(A.values)).toEqual([0]);
    A.dispose();
  });
});
