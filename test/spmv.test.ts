import { beforeAll, describe, expect, it } from 'vitest';
import { init, createRuntime, CsrMatrix, DenseVector, DimensionMismatchError, InvalidArgumentError, type SparseRuntime, type SpmvLayout } from '../src/index.js';
import { cooMatVec, csrMatVecRef, denseMatVec, denseOf, firstMismatch, randomCoo, randomVector, type Coo } from './helpers.js';
import { poisson2d } from '../src/matrix/generators.js';

let simd: SparseRuntime;
let scalar: SparseRuntime;
beforeAll(async () => {
  simd = await init();
  scalar = await createRuntime({ build: 'scalar', initialMemoryMiB: 64 });
});

/** Adversarial COO patterns: empty rows, one very long row, a dense row, a single column. */
function adversarial(): [string, Coo][] {
  const out: [string, Coo][] = [];
  const n = 3000;
  const long: Coo = { rows: n, cols: n, ri: [], ci: [], v: [] };
  for (let j = 0; j < n; j++) { long.ri.push(17); long.ci.push(n - 1 - j); long.v.push(Math.sin(j)); } // unsorted long row
  for (let i = 0; i < n; i += 3) { long.ri.push(i); long.ci.push(i); long.v.push(2); } // other rows: diagonal or empty
  out.push(['one very long row, many empty rows', long]);
  const dense = randomCoo(257, 257, 0.01, 5);
  for (let j = 0; j < 257; j++) { dense.ri.push(100); dense.ci.push(j); dense.v.push(j - 128); }
  out.push(['a dense row among sparse ones', dense]);
  const col: Coo = { rows: 999, cols: 1, ri: [], ci: [], v: [] };
  for (let i = 0; i < 999; i += 2) { col.ri.push(i); col.ci.push(0); col.v.push(i); }
  out.push(['single column', col]);
  out.push(['all rows empty', { rows: 50, cols: 50, ri: [], ci: [], v: [] }]);
  out.push(['0 x 0', { rows: 0, cols: 0, ri: [], ci: [], v: [] }]);
  out.push(['5 x 0', { rows: 5, cols: 0, ri: [], ci: [], v: [] }]);
  out.push(['0 x 5', { rows: 0, cols: 5, ri: [], ci: [], v: [] }]);
  out.push(['1 x 1', { rows: 1, cols: 1, ri: [0], ci: [0], v: [3] }]);
  // row lengths vary a lot: exercises SELL with sorting windows
  const ragged: Coo = { rows: 4000, cols: 4000, ri: [], ci: [], v: [] };
  for (let i = 0; i < 4000; i++) for (let k = 0; k < (i * 7919) % 23; k++) { ragged.ri.push(i); ragged.ci.push((i * 31 + k * 97) % 4000); ragged.v.push(1 / (k + 1)); }
  out.push(['ragged row lengths', ragged]);
  return out;
}

const cases: [string, Coo][] = [
  ['random 200x300 5%', randomCoo(200, 300, 0.05, 1)],
  ['random 300x200 2%', randomCoo(300, 200, 0.02, 2)],
  ['random 1000x1000 0.5%', randomCoo(1000, 1000, 0.005, 3)],
  ['random 64x64 dense-ish', randomCoo(64, 64, 0.6, 4)],
  ...adversarial(),
];

const layouts: SpmvLayout[] = ['csr', 'sell', 'auto'];

describe.each([['SIMD', () => simd], ['scalar', () => scalar]] as const)('SpMV, %s build', (label, getRt) => {
  for (const [name, c] of cases) {
    it(`${name}: A x and A^T x match the dense and scalar references in every layout`, () => {
      const rt = getRt();
      expect(rt.simd).toBe(label === 'SIMD');
      const x = randomVector(c.cols, 11);
      const { y: yRef, scale } = cooMatVec(c, x);
      for (const layout of layouts) {
        const A = CsrMatrix.fromCoo(c.rows, c.cols, c.ri, c.ci, c.v, { runtime: rt, spmv: layout });
        const y = A.multiply(x);
        expect(firstMismatch(y, yRef, scale), `${layout}`).toBe(-1);
        const ys = csrMatVecRef(A.rows, A.rowPtr, A.colIdx, A.values, x);
        expect(firstMismatch(y, ys, scale), `${layout} vs scalar CSR`).toBe(-1);
        if (layout === 'sell' && A.rows > 0) expect(A.spmvLayout).toBe('sell');
        // transposed
        const xt = randomVector(c.rows, 12);
        const t = cooMatVec(c, xt, true);
        expect(firstMismatch(A.multiplyTransposed(xt), t.y, t.scale)).toBe(-1);
        A.dispose();
      }
    });
  }

  it('alpha and beta: y = alpha A x + beta y, beta = 0 ignores NaN in y', () => {
    const rt = getRt();
    const c = randomCoo(120, 80, 0.05, 21);
    const A = CsrMatrix.fromCoo(c.rows, c.cols, c.ri, c.ci, c.v, { runtime: rt });
    const x = randomVector(80, 1), y0 = randomVector(120, 2);
    const { y: ax, scale } = denseMatVec(denseOf(c), 80, x);
    const y = A.multiply(x, y0.slice(), { alpha: -2, beta: 0.5 });
    const want = ax.map((v, i) => -2 * v + 0.5 * y0[i]);
    expect(firstMismatch(y, want, scale.map((s, i) => 2 * s + Math.abs(y0[i])))).toBe(-1);
    const yn = new Float64Array(120).fill(NaN);
    A.multiply(x, yn, { alpha: 3, beta: 0 });
    expect(yn.every((v) => Number.isFinite(v))).toBe(true);
    // transposed with beta
    const xt = randomVector(120, 3), yt0 = randomVector(80, 4);
    const yt = A.multiplyTransposed(xt, yt0.slice(), { alpha: 2, beta: -1 });
    const at = new Float64Array(80);
    for (let k = 0; k < c.ri.length; k++) at[c.ci[k]] += c.v[k] * xt[c.ri[k]];
    expect(firstMismatch(yt, at.map((v, j) => 2 * v - yt0[j]), 1e3)).toBe(-1);
    A.dispose();
  });

  it('NaN and Inf in x give the same result in SELL as in CSR (padding never adds NaN)', () => {
    const rt = getRt();
    const c = randomCoo(100, 100, 0.05, 8);
    for (let i = 0; i < 100; i++) { c.ri.push(i); c.ci.push((i + 1) % 100); c.v.push(1); }
    const x = randomVector(100, 9);
    x[0] = Infinity; x[5] = NaN; x[50] = -Infinity;
    const A = CsrMatrix.fromCoo(100, 100, c.ri, c.ci, c.v, { runtime: rt, spmv: 'csr' });
    const B = CsrMatrix.fromCoo(100, 100, c.ri, c.ci, c.v, { runtime: rt, spmv: 'sell' });
    // a plain array with NaN/Inf is refused (NonFiniteValueError); a DenseVector is used as it is
    const xv = DenseVector.zeros(100, { runtime: rt });
    xv.data.set(x);
    const ya = A.multiply(xv), yb = B.multiply(xv);
    xv.dispose();
    const ref = csrMatVecRef(100, A.rowPtr, A.colIdx, A.values, x);
    for (let i = 0; i < 100; i++) {
      expect(Object.is(Number.isNaN(yb[i]), Number.isNaN(ref[i])), `row ${i}`).toBe(true);
      expect(Object.is(Number.isNaN(ya[i]), Number.isNaN(ref[i])), `row ${i}`).toBe(true);
      if (!Number.isFinite(ref[i])) { expect(yb[i]).toBe(ref[i]); expect(ya[i]).toBe(ref[i]); }
    }
    expect(ref.some((v) => Number.isFinite(v))).toBe(true);
    A.dispose(); B.dispose();
  });
});

describe('SpMV facade', () => {
  it('auto picks SELL for Poisson and CSR where padding would be large', () => {
    const P = poisson2d(60);
    P.multiply(new Float64Array(P.cols));
    expect(P.spmvLayout).toBe('sell');
    expect(P.spmvStoredEntries()).toBeLessThanOrEqual(1.2 * P.nnz);
    P.setSpmvLayout('csr');
    expect(P.spmvLayout).toBe('csr');
    const c: Coo = { rows: 4096, cols: 4096, ri: [], ci: [], v: [] };
    for (let j = 0; j < 4096; j++) { c.ri.push(0); c.ci.push(j); c.v.push(1); }
    for (let i = 1; i < 4096; i++) { c.ri.push(i); c.ci.push(i); c.v.push(1); }
    const S = CsrMatrix.fromCoo(4096, 4096, c.ri, c.ci, c.v);
    S.multiply(new Float64Array(4096));
    expect(S.spmvLayout).toBe('csr'); // one dense row: SELL would store ~8x the entries
    P.dispose(); S.dispose();
  });

  it('SELL is rebuilt after values change, never stale', () => {
    const P = poisson2d(30);
    const x = randomVector(P.cols, 5);
    const y1 = P.multiply(x);
    expect(P.spmvLayout).toBe('sell');
    P.scale(-3);
    const y2 = P.multiply(x);
    for (let i = 0; i < y1.length; i++) expect(y2[i]).toBeCloseTo(-3 * y1[i], 12);
    P.setValues(new Float64Array(P.nnz).fill(1));
    const y3 = P.multiply(x);
    const ref = csrMatVecRef(P.rows, P.rowPtr, P.colIdx, P.values, x);
    expect(firstMismatch(y3, ref, 10)).toBe(-1);
    P.dispose();
  });

  it('DenseVector operands, shape errors and aliasing', () => {
    const A = CsrMatrix.fromDense([[1, 2, 0], [0, 0, 3]]);
    const x = DenseVector.from([1, 1, 1]), y = DenseVector.zeros(2);
    A.multiply(x, y);
    expect(Array.from(y.data)).toEqual([3, 3]);
    expect(() => A.multiply([1, 1])).toThrow(DimensionMismatchError);
    expect(() => A.multiply(x, new Float64Array(3))).toThrow(/y has length 3, expected 2/);
    expect(() => A.multiply(y)).toThrow(/x has length 2, expected 3/);
    expect(() => A.multiply(x, y, { gamma: 1 } as never)).toThrow(InvalidArgumentError);
    const S = CsrMatrix.fromDense([[1, 0], [0, 1]]);
    const v = DenseVector.from([1, 2]);
    expect(() => S.multiply(v, v)).toThrow(/different vectors/);
    const plain = [0, 0];
    S.multiply([5, 6], plain);
    expect(plain).toEqual([5, 6]);
    A.dispose(); x.dispose(); y.dispose(); S.dispose(); v.dispose();
  });

  it('huge and tiny values pass through unchanged in meaning', () => {
    const A = CsrMatrix.fromDense([[1e300, 1e300], [1e-300, 5e-324]]);
    const y = A.multiply([1e8, 1]);
    expect(y[0]).toBe(1e300 * 1e8 + 1e300);
    expect(y[1]).toBe(1e-300 * 1e8 + 5e-324);
    expect(A.multiply([1e9, 1e9])[0]).toBe(Infinity); // overflow is IEEE's, not an error
    A.dispose();
  });
});
