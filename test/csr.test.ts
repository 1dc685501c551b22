import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, createRuntime, CsrMatrix, DenseVector, SparseFormatError, NonFiniteValueError, DimensionMismatchError,
  InvalidArgumentError, DisposedError, WasmMemoryError, type SparseRuntime,
} from '../src/index.js';
import { denseOf, randomCoo, rng } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

function expectDenseEqual(actual: Float64Array[], expected: Float64Array[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Array.from(actual[i])).toEqual(Array.from(expected[i]));
  }
}

describe('CsrMatrix construction', () => {
  const shapes: [number, number, number][] = [
    [0, 0, 0], [3, 0, 0], [0, 4, 0], [1, 1, 1], [1, 1, 0], [5, 7, 0.4], [40, 13, 0.1], [13, 40, 0.3], [60, 60, 0.05], [200, 200, 0.02],
  ];
  for (const [m, n, d] of shapes) {
    it(`fromCoo ${m}x${n} density ${d}: unsorted, duplicates summed, canonical`, () => {
      const c = randomCoo(m, n, d, m * 31 + n, 0.3);
      const A = CsrMatrix.fromCoo(m, n, c.ri, c.ci, c.v);
      expect(A.rows).toBe(m);
      expect(A.cols).toBe(n);
      const ref = denseOf(c);
      // dense reference sums duplicates in input order, the kernel in stable sorted order: same order
      expectDenseEqual(A.toDense(), ref);
      const rp = A.rowPtr, ci = A.colIdx;
      expect(rp[0]).toBe(0);
      expect(rp[m]).toBe(A.nnz);
      for (let i = 0; i < m; i++) for (let p = rp[i] + 1; p < rp[i + 1]; p++) expect(ci[p]).toBeGreaterThan(ci[p - 1]);
      // distinct positions = nnz
      const distinct = new Set(c.ri.map((r, k) => r * n + c.ci[k])).size;
      expect(A.nnz).toBe(distinct);
      A.dispose();
    });
  }

  it('keeps explicit zeros and handles empty rows', () => {
    const A = CsrMatrix.fromCoo(4, 3, [0, 2, 2], [1, 0, 0], [0, 1.5, -1.5]);
    expect(A.nnz).toBe(2); // (0,1) explicit zero kept, (2,0) duplicates summed to an explicit zero
    expect(Array.from(A.rowPtr)).toEqual([0, 1, 1, 2, 2]);
    expect(Array.from(A.values)).toEqual([0, 0]);
    A.dispose();
  });

  it('fromCoo with already sorted input takes the direct path and matches', () => {
    const A = CsrMatrix.fromCoo(3, 3, [0, 0, 1, 2], [0, 2, 1, 0], [1, 2, 3, 4]);
    expect(Array.from(A.rowPtr)).toEqual([0, 2, 3, 4]);
    expect(Array.from(A.colIdx)).toEqual([0, 2, 1, 0]);
    A.dispose();
  });

  it('fromCsr accepts SciPy arrays and canonicalises unsorted/duplicate rows', () => {
    const A = CsrMatrix.fromCsr(2, 3, [0, 3, 4], [2, 0, 2, 1], [1, 2, 3, 4]);
    expect(Array.from(A.colIdx)).toEqual([0, 2, 1]);
    expect(Array.from(A.values)).toEqual([2, 4, 4]);
    const B = CsrMatrix.fromCsr(2, 3, new Int32Array([0, 1, 2]), new Int32Array([1, 2]), new Float64Array([5, 6]));
    expectDenseEqual(B.toDense(), [new Float64Array([0, 5, 0]), new Float64Array([0, 0, 6])]);
    A.dispose(); B.dispose();
  });

  it('fromDense and toCoo / toCsrArrays round trip', () => {
    const d = [[1, 0, 2], [0, 0, 0], [0, -3, 0]];
    const A = CsrMatrix.fromDense(d);
    expect(A.nnz).toBe(3);
    expectDenseEqual(A.toDense(), d.map((r) => Float64Array.from(r)));
    const coo = A.toCoo();
    expect(Array.from(coo.rowIndex)).toEqual([0, 0, 2]);
    const s = A.toCsrArrays();
    const B = CsrMatrix.fromCsr(s.rows, s.cols, s.indptr, s.indices, s.data);
    expectDenseEqual(B.toDense(), A.toDense());
    expect(CsrMatrix.fromDense([]).rows).toBe(0);
    A.dispose(); B.dispose();
  });

  it('rejects bad input with typed errors that say where', () => {
    expect(() => CsrMatrix.fromCoo(2, 2, [0, 2], [0, 0], [1, 1])).toThrow(/entry 1: row index 2/);
    expect(() => CsrMatrix.fromCoo(2, 2, [0, 1], [0, -1], [1, 1])).toThrow(SparseFormatError);
    expect(() => CsrMatrix.fromCoo(2, 2, [0.5], [0], [1])).toThrow(/not an integer/);
    expect(() => CsrMatrix.fromCoo(2, 2, [1], [1], [NaN])).toThrow(NonFiniteValueError);
    expect(() => CsrMatrix.fromCoo(2, 2, [1], [1], [Infinity])).toThrow(/row 1, column 1/);
    expect(() => CsrMatrix.fromCoo(2, 2, [1, 0], [1], [1])).toThrow(DimensionMismatchError);
    expect(() => CsrMatrix.fromCoo(-1, 2, [], [], [])).toThrow(InvalidArgumentError);
    expect(() => CsrMatrix.fromCoo(2.5, 2, [], [], [])).toThrow(InvalidArgumentError);
    expect(() => CsrMatrix.fromCoo(2, 2, [], [], [], { bogus: 1 } as never)).toThrow(/matrix: unknown option "bogus"/);
    expect(() => CsrMatrix.fromCsr(2, 2, [0, 1], [0], [1])).toThrow(/indptr has length 2, expected rows \+ 1 = 3/);
    expect(() => CsrMatrix.fromCsr(2, 2, [1, 1, 1], [0], [1])).toThrow(/indptr\[0\] must be 0/);
    expect(() => CsrMatrix.fromCsr(2, 2, [0, 2, 1], [0], [1])).toThrow(/indptr\[1\] = 2 exceeds nnz = 1/);
    expect(() => CsrMatrix.fromCsr(3, 2, [0, 2, 1, 2], [0, 1], [1, 1])).toThrow(/non-decreasing/);
    expect(() => CsrMatrix.fromCsr(2, 2, [0, 1, 2], [0, 5], [1, 1])).toThrow(/row 1, entry 1: column index 5/);
    expect(() => CsrMatrix.fromCsr(2, 2, [0, 1, 2], [0, 1], [1, NaN])).toThrow(/row 1, column 1/);
    expect(() => CsrMatrix.fromDense([[1, 2], [3]])).toThrow(/row 1 has length 1, expected 2/);
    expect(() => CsrMatrix.fromDense([[1, NaN]])).toThrow(NonFiniteValueError);
  });

  it('a failed construction leaks nothing', () => {
    const before = rt.stats().liveAllocations;
    for (let k = 0; k < 10; k++) expect(() => CsrMatrix.fromCoo(3, 3, [0, 9], [0, 0], [1, 1])).toThrow();
    expect(rt.stats().liveAllocations).toBe(before);
  });
});

describe('CsrMatrix operations', () => {
  it('transpose matches the dense transpose, for rectangular and empty shapes', () => {
    for (const [m, n] of [[7, 3], [3, 7], [0, 5], [5, 0], [30, 30]]) {
      const c = randomCoo(m, n, 0.3, m + 100 * n);
      const A = CsrMatrix.fromCoo(m, n, c.ri, c.ci, c.v);
      const T = A.transpose();
      expect([T.rows, T.cols]).toEqual([n, m]);
      const d = denseOf(c);
      const dt = Array.from({ length: n }, (_, j) => Float64Array.from({ length: m }, (_, i) => d[i][j]));
      expectDenseEqual(T.toDense(), dt);
      const rp = T.rowPtr, ci = T.colIdx;
      for (let i = 0; i < n; i++) for (let p = rp[i] + 1; p < rp[i + 1]; p++) expect(ci[p]).toBeGreaterThan(ci[p - 1]);
      A.dispose(); T.dispose();
    }
  });

  it('diagonal, scale, clone, setValues and versions', () => {
    const A = CsrMatrix.fromDense([[2, 1, 0], [0, 0, 5], [1, 0, -3], [0, 0, 0]]);
    expect(Array.from(A.diagonal())).toEqual([2, 0, -3]);
    const v0 = A.valuesVersion;
    const B = A.clone();
    expect(B.patternId).toBe(A.patternId);
    A.scale(2);
    expect(A.valuesVersion).toBe(v0 + 1);
    expect(Array.from(A.values)).toEqual([4, 2, 10, 2, -6]);
    expect(Array.from(B.values)).toEqual([2, 1, 5, 1, -3]);
    B.setValues([1, 1, 1, 1, 1]);
    expect(Array.from(B.diagonal())).toEqual([1, 0, 1]);
    expect(() => B.setValues([1])).toThrow(DimensionMismatchError);
    expect(() => B.setValues([1, 1, 1, 1, NaN])).toThrow(NonFiniteValueError);
    expect(() => A.scale(Infinity)).toThrow(NonFiniteValueError);
    const C = CsrMatrix.fromDense([[2, 1, 0], [0, 0, 5], [1, 0, -3], [0, 0, 0]]);
    expect(C.patternId).not.toBe(A.patternId);
    A.dispose(); B.dispose(); C.dispose();
  });
});

describe('lifecycle and memory', () => {
  it('dispose is idempotent; use after dispose throws DisposedError; Symbol.dispose works', () => {
    const A = CsrMatrix.fromDense([[1]]);
    A.dispose();
    A.dispose();
    expect(A.disposed).toBe(true);
    expect(() => A.multiply([1])).toThrow(DisposedError);
    expect(() => A.toDense()).toThrow(/used after dispose/);
    expect(() => A.transpose()).toThrow(DisposedError);
    const v = DenseVector.from([1, 2]);
    v[Symbol.dispose]();
    expect(v.disposed).toBe(true);
    expect(() => v.data).toThrow(DisposedError);
  });

  it('10,000 create/dispose cycles do not grow memory or leak', () => {
    const c = randomCoo(50, 50, 0.1, 7);
    // one warm cycle so scratch buffers exist before measuring
    const warm = CsrMatrix.fromCoo(50, 50, c.ri, c.ci, c.v);
    warm.multiply(new Float64Array(50));
    warm.dispose();
    const before = rt.stats();
    for (let k = 0; k < 10000; k++) {
      const A = CsrMatrix.fromCoo(50, 50, c.ri, c.ci, c.v);
      const x = DenseVector.zeros(50);
      A.multiply(x);
      A.dispose();
      x.dispose();
    }
    const after = rt.stats();
    expect(after.liveAllocations).toBe(before.liveAllocations);
    expect(after.liveBytes).toBe(before.liveBytes);
    expect(after.memoryBytes).toBe(before.memoryBytes);
  });

  it('a request larger than wasm memory is a clear error and the module stays usable', async () => {
    const small = await createRuntime({ initialMemoryMiB: 8, maximumMemoryMiB: 32 });
    expect(() => DenseVector.zeros(200_000_000, { runtime: small })).toThrow(WasmMemoryError);
    // within the block limit but beyond the 32 MiB maximum: memory.grow fails inside the allocator
    expect(() => DenseVector.zeros(6_000_000, { runtime: small })).toThrow(/out of wasm memory/);
    const c = randomCoo(400, 400, 0.5, 3); // 80k entries: about 2 MiB of temporaries
    const big: DenseVector[] = [];
    try {
      for (;;) big.push(DenseVector.zeros(500_000, { runtime: small })); // fill memory
    } catch (e) {
      expect(e).toBeInstanceOf(WasmMemoryError);
    }
    expect(() => CsrMatrix.fromCoo(400, 400, c.ri, c.ci, c.v, { runtime: small })).toThrow(WasmMemoryError);
    for (const v of big) v.dispose();
    expect(small.stats().liveAllocations).toBe(0);
    const A = CsrMatrix.fromCoo(400, 400, c.ri, c.ci, c.v, { runtime: small });
    const y = A.multiply(new Float64Array(400).fill(1));
    const d = denseOf(c);
    expect(y[0]).toBeCloseTo(d[0].reduce((s, a) => s + a, 0), 12);
    A.dispose();
  });

  it('a failed scratch allocation leaves no stale scratch block behind', async () => {
    const small = await createRuntime({ initialMemoryMiB: 8, maximumMemoryMiB: 32 });
    const { dot } = await import('../src/index.js');
    const A = CsrMatrix.fromDense([[1, 2], [3, 4]], { runtime: small });
    expect(Array.from(A.multiply([1, 1]))).toEqual([3, 7]); // scratch slots 2 and 3 now exist
    const keep = DenseVector.zeros(2_500_000, { runtime: small }); // most of the 32 MiB
    const B = CsrMatrix.fromCoo(1, 2_000_000, [0], [0], [1], { runtime: small });
    expect(() => B.multiply(new Float64Array(2_000_000))).toThrow(WasmMemoryError); // x scratch: 16 MB
    keep.dispose();
    const filler = DenseVector.from(new Float64Array(1000).fill(7), { runtime: small }); // may reuse freed blocks
    expect(Array.from(A.multiply([1, 1]))).toEqual([3, 7]);
    expect(dot(filler, filler)).toBe(49000);
    expect(Array.from(filler.data.subarray(0, 3))).toEqual([7, 7, 7]);
    A.dispose(); B.dispose(); filler.dispose();
  });

  it('views stay valid after wasm memory grows', async () => {
    const r = await createRuntime({ initialMemoryMiB: 1 });
    const x = DenseVector.from([1, 2, 3], { runtime: r });
    const A = CsrMatrix.fromDense([[1, 0, 0], [0, 2, 0], [0, 0, 3]], { runtime: r });
    const before = r.memory.buffer.byteLength;
    const big = DenseVector.zeros(1_000_000, { runtime: r }); // forces memory.grow
    expect(r.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(Array.from(x.data)).toEqual([1, 2, 3]);
    expect(Array.from(A.multiply(x))).toEqual([1, 4, 9]);
    big.dispose(); x.dispose(); A.dispose();
  });

  it('objects from different runtimes are not mixed', async () => {
    const other = await createRuntime({ initialMemoryMiB: 1 });
    const x = DenseVector.from([1, 2], { runtime: other });
    const A = CsrMatrix.fromDense([[1, 0], [0, 1]]);
    expect(() => A.multiply(x)).toThrow(/another sparse-wasm runtime/);
    x.dispose(); A.dispose();
  });

  it('random fuzz of constructors never corrupts the module', () => {
    const r = rng(99);
    const before = rt.stats().liveAllocations;
    for (let t = 0; t < 300; t++) {
      const m = Math.floor(r() * 6), n = Math.floor(r() * 6), k = Math.floor(r() * 8);
      const ri = Array.from({ length: k }, () => Math.floor(r() * (m + 2)) - 1);
      const ci = Array.from({ length: k }, () => Math.floor(r() * (n + 2)) - 1);
      const v = Array.from({ length: k }, () => (r() < 0.05 ? NaN : r()));
      try {
        CsrMatrix.fromCoo(m, n, ri, ci, v).dispose();
      } catch (e) {
        expect((e as Error).name).toMatch(/SparseFormatError|NonFiniteValueError/);
      }
    }
    expect(rt.stats().liveAllocations).toBe(before);
    const A = CsrMatrix.fromDense([[1, 2], [3, 4]]);
    expect(Array.from(A.multiply([1, 1]))).toEqual([3, 7]);
    A.dispose();
  });
});
