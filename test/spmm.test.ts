// SpMM (CsrMatrix.multiply on a block, assembly/spmm.ts) and the block kernels the lock-step
// solver runs on (assembly/multivec.ts, trsm.ts): against a dense reference computed here, and
// bitwise against the single-vector kernels they must reproduce column by column, in both builds.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, createRuntime, CsrMatrix, DimensionMismatchError, DisposedError, InvalidArgumentError, NonFiniteValueError,
  Ic0Preconditioner, Ilu0Preconditioner, IlutPreconditioner, JacobiPreconditioner, SsorPreconditioner, type SparseRuntime,
  type DenseBlock,
} from '../src/index.js';
import { poisson2d } from '../src/matrix/generators.js';
import { MatrixPreconditioner } from '../src/precond/base.js';
import { denseMatVec, denseOf, randomCoo, randomVector, thrown, type Coo } from './helpers.js';

let simd: SparseRuntime;
let scalar: SparseRuntime;
beforeAll(async () => {
  simd = await init();
  scalar = await createRuntime({ build: 'scalar', initialMemoryMiB: 64 });
});

/** k random columns of length n. */
function columns(n: number, k: number, seed: number): Float64Array[] {
  return Array.from({ length: k }, (_, j) => randomVector(n, seed + 31 * j));
}

/** the index of the first entry whose bits differ (Object.is), or -1 */
function firstBitDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

const cases: [string, Coo][] = [
  ['random 200 x 300, unsorted with duplicates', randomCoo(200, 300, 0.05, 1, 0.3)],
  ['random 97 x 97, rows of 1-20 entries', randomCoo(97, 97, 0.1, 2)],
  ['empty rows (every third row only)', { rows: 60, cols: 40, ri: [0, 3, 3, 3, 6, 9, 9], ci: [5, 1, 1, 39, 0, 2, 7], v: [1, 2, 3, 4, 5, -6, 7] }],
  ['all rows empty', { rows: 20, cols: 20, ri: [], ci: [], v: [] }],
  ['0 x 0', { rows: 0, cols: 0, ri: [], ci: [], v: [] }],
  ['0 x 5', { rows: 0, cols: 5, ri: [], ci: [], v: [] }],
  ['5 x 0', { rows: 5, cols: 0, ri: [], ci: [], v: [] }],
  ['1 x 1', { rows: 1, cols: 1, ri: [0], ci: [0], v: [3] }],
];

describe('CsrMatrix.multiply on a block (SpMM)', () => {
  for (const build of ['simd', 'scalar'] as const) {
    for (const [name, coo] of cases) {
      for (const layout of ['csr', 'sell'] as const) {
        it(`${build}, ${layout}: ${name}: equals the dense reference and, bitwise, k single products`, () => {
          const rt = build === 'simd' ? simd : scalar;
          const A = CsrMatrix.fromCoo(coo.rows, coo.cols, coo.ri, coo.ci, coo.v, { runtime: rt, spmv: layout });
          const D = denseOf(coo);
          for (const k of [1, 2, 3, 8, 11]) {
            const X = columns(coo.cols, k, 7 + k);
            const Y = A.multiply(X);
            expect(Y.length).toBe(k);
            for (let j = 0; j < k; j++) {
              expect(Y[j]).toBeInstanceOf(Float64Array);
              expect(Y[j].length).toBe(coo.rows);
              const ref = denseMatVec(D, coo.cols, X[j]);
              for (let i = 0; i < coo.rows; i++) expect(Math.abs(Y[j][i] - ref.y[i])).toBeLessThanOrEqual(1e-13 * (ref.scale[i] + 1e-300));
              expect(firstBitDiff(Y[j], A.multiply(X[j])), `column ${j} of k = ${k}`).toBe(-1);
            }
          }
          A.dispose();
        });
      }
    }
  }

  it('takes and gives a row-major DenseBlock, and writes into a given Y', () => {
    const A = poisson2d(30); // SELL in the SIMD build
    const n = A.rows, k = 5;
    const X = columns(n, k, 3);
    const data = new Float64Array(n * k);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) data[i * k + j] = X[j][i];
    const Y = A.multiply({ rows: n, cols: k, data });
    expect(Y.rows).toBe(n);
    expect(Y.cols).toBe(k);
    const Ycols = A.multiply(X);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) expect(Object.is(Y.data[i * k + j], Ycols[j][i])).toBe(true);
    const into: DenseBlock = { rows: n, cols: k, data: new Float64Array(n * k).fill(NaN) };
    expect(A.multiply({ rows: n, cols: k, data }, into)).toBe(into);
    expect(firstBitDiff(into.data, Y.data)).toBe(-1);
    const intoCols = Array.from({ length: k }, () => new Float64Array(n));
    expect(A.multiply(X, intoCols)).toBe(intoCols);
    for (let j = 0; j < k; j++) expect(firstBitDiff(intoCols[j], Ycols[j])).toBe(-1);
    // CSR layout: the SIMD kernel's grouping by four, reproduced per column
    A.setSpmvLayout('csr');
    const Yc = A.multiply(X);
    for (let j = 0; j < k; j++) expect(firstBitDiff(Yc[j], A.multiply(X[j]))).toBe(-1);
    A.dispose();
  });

  it('rows with 1 to 13 entries (every remainder of the grouped sum), odd and even k', () => {
    const ri: number[] = [], ci: number[] = [], v: number[] = [];
    for (let i = 0; i < 14; i++) for (let t = 0; t < i; t++) { ri.push(i); ci.push((t * 5 + i) % 17); v.push(1 / (1 + t + i)); }
    for (const rt of [simd, scalar]) {
      const A = CsrMatrix.fromCoo(14, 17, ri, ci, v, { runtime: rt, spmv: 'csr' });
      for (const k of [1, 2, 5, 8, 9, 16]) {
        const X = columns(17, k, k);
        const Y = A.multiply(X);
        for (let j = 0; j < k; j++) expect(firstBitDiff(Y[j], A.multiply(X[j]))).toBe(-1);
      }
      A.dispose();
    }
  });

  it('refuses bad blocks with typed errors and stays usable', () => {
    const A = poisson2d(4);
    const n = A.rows;
    expect(thrown(() => A.multiply([new Float64Array(n), new Float64Array(n - 1)]))).toBeInstanceOf(DimensionMismatchError);
    expect(thrown(() => A.multiply({ rows: n, cols: 2, data: new Float64Array(2 * n - 1) }))).toBeInstanceOf(DimensionMismatchError);
    expect(thrown(() => A.multiply({ rows: n + 1, cols: 1, data: new Float64Array(n + 1) }))).toBeInstanceOf(DimensionMismatchError);
    const nan = [new Float64Array(n), new Float64Array(n)];
    nan[1][5] = NaN;
    const e = thrown(() => A.multiply(nan));
    expect(e).toBeInstanceOf(NonFiniteValueError);
    expect(e.message).toContain('X[1][5]');
    const inf = { rows: n, cols: 3, data: new Float64Array(3 * n) };
    inf.data[3 * 4 + 2] = Infinity;
    expect(thrown(() => A.multiply(inf)).message).toContain('row 4, column 2');
    expect(thrown(() => A.multiply([new Float64Array(n)], undefined as never, { alpha: 2 } as never))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => A.multiply([new Float64Array(n)], [new Float64Array(n), new Float64Array(n)]))).toBeInstanceOf(DimensionMismatchError);
    expect(thrown(() => A.multiply({ rows: n, cols: 1, data: new Float64Array(n) }, [new Float64Array(n)] as never))).toBeInstanceOf(InvalidArgumentError);
    const before = simd.stats().liveAllocations;
    const ok = A.multiply([Float64Array.from({ length: n }, () => 1)]);
    expect(ok[0][0]).toBe(2); // corner of the 4 x 4 grid: 4 - 1 - 1
    expect(simd.stats().liveAllocations).toBe(before); // the block buffers were freed
    A.dispose();
    expect(thrown(() => A.multiply([new Float64Array(n)]))).toBeInstanceOf(DisposedError);
  });

  it('k = 0 (a DenseBlock with no columns) and n = 0', () => {
    const A = poisson2d(3);
    const Y = A.multiply({ rows: 9, cols: 0, data: new Float64Array(0) });
    expect(Y).toEqual({ rows: 9, cols: 0, data: new Float64Array(0) });
    A.dispose();
    const E = CsrMatrix.fromCoo(0, 0, [], [], []);
    expect(E.multiply([new Float64Array(0), new Float64Array(0)])).toEqual([new Float64Array(0), new Float64Array(0)]);
    E.dispose();
  });
});

describe('block kernels against the single-vector kernels, bitwise', () => {
  for (const build of ['simd', 'scalar'] as const) {
    it(`${build}: mvDot, mvCgStep, mvXpby (with masked columns) per column`, () => {
      const rt = build === 'simd' ? simd : scalar;
      const e = rt.kernels;
      for (const n of [0, 1, 2, 15, 16, 17, 33, 100]) {
        for (const k of [1, 2, 3, 8, 9]) {
          const cols = (seed: number) => columns(n, k, seed);
          const [X, Y, P, Q] = [cols(1), cols(2), cols(3), cols(4)];
          const put = (c: Float64Array[]) => {
            const p = rt.alloc(Math.max(16, n * k * 8));
            const v = rt.f64(p, n * k);
            for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) v[i * k + j] = c[j][i];
            return p;
          };
          const get = (p: number, j: number) => Float64Array.from({ length: n }, (_, i) => rt.f64(p, n * k)[i * k + j]);
          const one = (c: Float64Array) => { const p = rt.alloc(Math.max(16, n * 8)); rt.f64(p, n).set(c); return p; };
          const bX = put(X), bY = put(Y), bP = put(P), bQ = put(Q);
          const acc = rt.alloc(8 * k * 8), out = rt.alloc(k * 8), coef = rt.alloc(k * 8);
          e.mvDot(n, k, bX, bY, acc, out);
          for (let j = 0; j < k; j++) {
            const x = one(X[j]), y = one(Y[j]);
            expect(Object.is(rt.f64(out, k)[j], e.dot(n, x, y)), `dot n=${n} k=${k} j=${j}`).toBe(true);
            rt.free(x); rt.free(y);
          }
          // alpha per column, column 1 masked (NaN): untouched
          const alpha = Array.from({ length: k }, (_, j) => (j === 1 ? NaN : 0.5 + j));
          rt.f64(coef, k).set(alpha);
          e.mvCgStep(n, k, coef, bP, bQ, bX, bY, acc, out);
          for (let j = 0; j < k; j++) {
            if (j === 1) {
              expect(firstBitDiff(get(bX, j), X[j])).toBe(-1);
              expect(firstBitDiff(get(bY, j), Y[j])).toBe(-1);
              continue;
            }
            const p = one(P[j]), q = one(Q[j]), x = one(X[j]), r = one(Y[j]);
            const rr = e.cgStep(n, alpha[j], p, q, x, r);
            expect(Object.is(rt.f64(out, k)[j], rr)).toBe(true);
            expect(firstBitDiff(get(bX, j), rt.f64(x, n))).toBe(-1);
            expect(firstBitDiff(get(bY, j), rt.f64(r, n))).toBe(-1);
            for (const v of [p, q, x, r]) rt.free(v);
          }
          const beta = Array.from({ length: k }, (_, j) => (j === 0 ? NaN : 0.25 * j));
          rt.f64(coef, k).set(beta);
          const pBefore = Array.from({ length: k }, (_, j) => get(bP, j));
          const zCols = Array.from({ length: k }, (_, j) => get(bQ, j));
          e.mvXpby(n, k, bQ, coef, bP);
          for (let j = 0; j < k; j++) {
            if (j === 0) { expect(firstBitDiff(get(bP, 0), pBefore[0])).toBe(-1); continue; }
            const z = one(zCols[j]), p = one(pBefore[j]);
            e.xpby(n, z, beta[j], p);
            expect(firstBitDiff(get(bP, j), rt.f64(p, n))).toBe(-1);
            rt.free(z); rt.free(p);
          }
          for (const v of [bX, bY, bP, bQ, acc, out, coef]) rt.free(v);
        }
      }
    });
  }

  for (const build of ['simd', 'scalar'] as const) {
    it(`${build}: csrSpmmDot gives A X and, per column, dot(x_j, A x_j) bit for bit (CSR and SELL, odd and even n)`, () => {
      const rt = build === 'simd' ? simd : scalar;
      for (const g of [1, 3, 4, 5, 13, 24]) {
        for (const layout of ['csr', 'sell'] as const) {
          const A = poisson2d(g, { runtime: rt, spmv: layout });
          A.prepareSpmv();
          const n = A.rows;
          for (const k of [1, 3, 8, 9]) {
            const X = columns(n, k, g + k);
            const bX = rt.alloc(n * k * 8), bY = rt.alloc(n * k * 8), acc = rt.alloc(64 * k), out = rt.alloc(8 * k);
            const x = rt.alloc(n * 8), y = rt.alloc(n * 8);
            const v = rt.f64(bX, n * k);
            for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) v[i * k + j] = X[j][i];
            A.multiplyBlockDotPtr(k, bX, bY, acc, out);
            for (let j = 0; j < k; j++) {
              rt.f64(x, n).set(X[j]);
              A.multiplyPtr(x, y);
              const yj = Float64Array.from({ length: n }, (_, i) => rt.f64(bY, n * k)[i * k + j]);
              expect(firstBitDiff(yj, rt.f64(y, n)), `g ${g} ${layout} k ${k} column ${j}`).toBe(-1);
              expect(Object.is(rt.f64(out, k)[j], rt.kernels.dot(n, x, y)), `dot g ${g} ${layout} k ${k} column ${j}`).toBe(true);
            }
            for (const p of [bX, bY, acc, out, x, y]) rt.free(p);
          }
          A.dispose();
        }
      }
    });
  }

  it('mvCompact keeps the chosen columns in order, in place', () => {
    const rt = simd, e = rt.kernels, n = 7, k = 5;
    const p = rt.alloc(n * k * 8), keep = rt.alloc(16);
    const v = rt.f64(p, n * k);
    for (let q = 0; q < n * k; q++) v[q] = q;
    rt.i32(keep, 3).set([0, 2, 4]);
    e.mvCompact(n, k, keep, 3, p);
    const w = rt.f64(p, n * 3);
    for (let i = 0; i < n; i++) expect([w[3 * i], w[3 * i + 1], w[3 * i + 2]]).toEqual([5 * i, 5 * i + 2, 5 * i + 4]);
    rt.free(p); rt.free(keep);
  });

  for (const build of ['simd', 'scalar'] as const) {
    it(`${build}: block apply of IC(0), ILU(0), ILUT, Jacobi equals applyPtr column by column; SSOR has none`, () => {
      const rt = build === 'simd' ? simd : scalar;
      // a nonsymmetric perturbation for ILU: the same pattern as the Laplacian (so IC(0) applies to its symmetric part)
      const P = poisson2d(13, { runtime: rt });
      const vals = P.values.slice();
      const rp = P.rowPtr, ci = P.colIdx;
      const U = CsrMatrix.fromCsr(P.rows, P.cols, rp.slice(), ci.slice(), vals.map((x, q) => x + (ci[q] > 0 && q % 3 === 0 ? 0.3 : 0)), { runtime: rt });
      const n = P.rows, k = 11; // a group of eight, a pair and a single column
      const pcs: [string, MatrixPreconditioner][] = [
        ['ic0', new Ic0Preconditioner(P)],
        ['ilu0', new Ilu0Preconditioner(U)],
        ['ilut', new IlutPreconditioner(U, { dropTolerance: 1e-3, maxFill: 4 })],
        ['jacobi', new JacobiPreconditioner(U)],
      ];
      const R = columns(n, k, 11);
      const bR = rt.alloc(n * k * 8), bZ = rt.alloc(n * k * 8), r = rt.alloc(n * 8), z = rt.alloc(n * 8);
      const v = rt.f64(bR, n * k);
      for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) v[i * k + j] = R[j][i];
      for (const [name, M] of pcs) {
        expect(M.applyBlockPtr(k, bR, bZ), name).toBe(true);
        for (let j = 0; j < k; j++) {
          rt.f64(r, n).set(R[j]);
          M.applyPtr(r, z);
          const zj = Float64Array.from({ length: n }, (_, i) => rt.f64(bZ, n * k)[i * k + j]);
          expect(firstBitDiff(zj, rt.f64(z, n)), `${name} column ${j}`).toBe(-1);
        }
        M.dispose();
        expect(thrown(() => M.applyBlockPtr(k, bR, bZ))).toBeInstanceOf(DisposedError);
      }
      const S = new SsorPreconditioner(P);
      expect(S.applyBlockPtr(k, bR, bZ)).toBe(false);
      S.dispose();
      for (const p of [bR, bZ, r, z]) rt.free(p);
      P.dispose(); U.dispose();
    });
  }
});
