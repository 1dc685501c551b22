// Sparse Cholesky (src/direct/cholesky.ts): against dense references, an independent symbolic
// count of nnz(L), the bundled SPD matrices, refactorization, and every bad input.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, createRuntime, CsrMatrix, DenseVector, poisson2d, DimensionMismatchError, DisposedError, FactorizationError,
  InvalidArgumentError, NonFiniteValueError, PatternMismatchError, WasmMemoryError, getRuntime,
} from '../src/index.js';
import { SparseCholesky, cholesky } from '../src/index.js';
import { choleskyFactorNnz, symmetricAdjacency } from '../src/direct/ordering/index.js';
import { readMatrix } from '../src/node.js';
import { matrixPath } from './matrices.js';
import { csrTrueRelativeResidual, denseSolve, rng, thrown } from './helpers.js';

beforeAll(async () => {
  await init();
});

/** A random symmetric, strictly diagonally dominant (so SPD) matrix with a given pattern density. */
function randomSpd(n: number, density: number, seed: number, blocks = 1): Float64Array[] {
  const r = rng(seed);
  const A = Array.from({ length: n }, () => new Float64Array(n));
  const size = Math.ceil(n / blocks);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.floor(i / size) !== Math.floor(j / size)) continue; // disconnected blocks
      if (r() < density) A[i][j] = A[j][i] = r() * 2 - 1;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) if (j !== i) s += Math.abs(A[i][j]);
    A[i][i] = s + 0.5 + r();
  }
  return A;
}

function denseMul(A: Float64Array[], x: ArrayLike<number>): Float64Array {
  return Float64Array.from(A, (row) => row.reduce((s, a, j) => s + a * x[j], 0));
}

function maxRelErr(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let e = 0, s = 0;
  for (let i = 0; i < x.length; i++) { e = Math.max(e, Math.abs(x[i] - y[i])); s = Math.max(s, Math.abs(y[i])); }
  return s === 0 ? e : e / s;
}

/** nnz of the Cholesky factor of A(perm, perm) (diagonal included) by dense boolean elimination. */
function denseSymbolicCount(A: Float64Array[], perm: ArrayLike<number>): number {
  const n = A.length;
  const S = Array.from({ length: n }, (_, i) => Uint8Array.from({ length: n }, (_, j) => (i === j || A[perm[i]][perm[j]] !== 0 ? 1 : 0)));
  let count = 0;
  for (let k = 0; k < n; k++) {
    const below: number[] = [];
    for (let i = k + 1; i < n; i++) if (S[i][k]) below.push(i);
    count += 1 + below.length;
    for (const i of below) for (const j of below) S[i][j] = 1; // the clique of column k's fill
  }
  return count;
}

/** dense L L^T (or L D L^T) from getFactors(), compared with A(perm, perm) */
function reconstructionError(c: SparseCholesky, A: Float64Array[]): number {
  const { L, D, perm } = c.getFactors();
  const n = A.length;
  const Ld = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) for (let p = L.rowPtr[i]; p < L.rowPtr[i + 1]; p++) Ld[i][L.colIdx[p]] = L.values[p];
  let err = 0, scale = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += Ld[i][k] * Ld[j][k] * (D ? D[k] : 1);
      err = Math.max(err, Math.abs(s - A[perm[i]][perm[j]]));
      scale = Math.max(scale, Math.abs(A[perm[i]][perm[j]]));
    }
  }
  return scale === 0 ? err : err / scale;
}

describe('against dense references', () => {
  const cases: [string, number, number, number][] = [
    // name, n, density, blocks
    ['n = 1', 1, 0, 1], ['n = 2', 2, 1, 1], ['diagonal', 30, 0, 1], ['dense', 40, 1, 1], ['tridiagonal-ish', 50, 0.06, 1],
    ['sparse 80', 80, 0.05, 1], ['disconnected', 90, 0.1, 4], ['sparse 150', 150, 0.03, 1], ['denser 120', 120, 0.2, 1],
    ['isolated nodes', 60, 0.01, 1], ['wide supernodes', 200, 0.5, 2],
  ];
  for (const [name, n, density, blocks] of cases) {
    for (const ordering of ['amd', 'rcm', 'natural'] as const) {
      it(`${name} (${ordering})`, () => {
        const D = randomSpd(n, density, n * 7 + blocks);
        const A = CsrMatrix.fromDense(D);
        const xTrue = Float64Array.from({ length: n }, (_, i) => Math.cos(3 * i + 1));
        const b = denseMul(D, xTrue);
        const c = cholesky(A, { ordering });
        const x = c.solve(b);
        expect(maxRelErr(x, denseSolve(D, b))).toBeLessThan(1e-11);
        expect(c.info.nnzL).toBe(denseSymbolicCount(D, c.perm));
        expect(reconstructionError(c, D)).toBeLessThan(1e-13);
        c.dispose();
        A.dispose();
      });
    }
  }

  it('n = 0', () => {
    const A = CsrMatrix.fromCsr(0, 0, new Int32Array(1), new Int32Array(0), new Float64Array(0));
    const c = cholesky(A);
    expect(c.solve([])).toEqual(new Float64Array(0));
    expect(c.info.nnzL).toBe(0);
    c.dispose();
  });

  it('LDL^T of a symmetric quasi-definite matrix [H B^T; B -G]', () => {
    const nh = 40, ng = 25, n = nh + ng;
    const H = randomSpd(nh, 0.1, 3), G = randomSpd(ng, 0.1, 4);
    const r = rng(5);
    const K = Array.from({ length: n }, () => new Float64Array(n));
    for (let i = 0; i < nh; i++) for (let j = 0; j < nh; j++) K[i][j] = H[i][j];
    for (let i = 0; i < ng; i++) for (let j = 0; j < ng; j++) K[nh + i][nh + j] = -G[i][j];
    for (let i = 0; i < ng; i++) for (let j = 0; j < nh; j++) if (r() < 0.1) K[nh + i][j] = K[j][nh + i] = r() - 0.5;
    const A = CsrMatrix.fromDense(K);
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    for (const ordering of ['amd', 'natural'] as const) {
      const c = cholesky(A, { kind: 'ldlt', ordering });
      expect(maxRelErr(c.solve(b), denseSolve(K, b))).toBeLessThan(1e-11);
      expect(reconstructionError(c, K)).toBeLessThan(1e-13);
      const { D } = c.getFactors();
      expect(D!.some((d) => d < 0) && D!.some((d) => d > 0)).toBe(true);
      c.dispose();
    }
    // the plain LL^T refuses it: the first negative pivot is in the -G block
    const e = thrown(() => cholesky(A, { ordering: 'natural' }));
    expect(e).toBeInstanceOf(FactorizationError);
    expect((e as FactorizationError).column).toBe(nh);
    A.dispose();
  });

  it('the lower triangle alone gives the same factorization as the full matrix', () => {
    const D = randomSpd(70, 0.1, 9);
    const full = CsrMatrix.fromDense(D);
    const lower = CsrMatrix.fromDense(D.map((row, i) => row.map((v, j) => (j <= i ? v : 0))));
    const b = Float64Array.from({ length: 70 }, (_, i) => i % 3);
    const c1 = cholesky(full), c2 = cholesky(lower);
    expect(c1.info.storage).toBe('full');
    expect(c2.info.storage).toBe('lower');
    expect(c2.solve(b)).toEqual(c1.solve(b));
    c1.dispose(); c2.dispose(); full.dispose(); lower.dispose();
  });

  it('solve accepts arrays, Float64Array, DenseVector and an output array; solveMany', () => {
    const D = randomSpd(25, 0.2, 11);
    const A = CsrMatrix.fromDense(D);
    const c = cholesky(A);
    const b = Array.from({ length: 25 }, (_, i) => i - 3);
    const ref = denseSolve(D, b);
    const v = DenseVector.from(b);
    const out = new Float64Array(25);
    expect(c.solve(b, out)).toBe(out);
    expect(maxRelErr(out, ref)).toBeLessThan(1e-12);
    expect(c.solve(v)).toEqual(out);
    expect(c.solve(Float64Array.from(b))).toEqual(out);
    const many = c.solveMany([b, b.map((x) => 2 * x)]);
    expect(many[0]).toEqual(out);
    expect(maxRelErr(many[1], ref.map((x) => 2 * x))).toBeLessThan(1e-12);
    v.dispose(); c.dispose(); A.dispose();
  });
});

describe('the scalar build', () => {
  it('gives the same solutions as the SIMD build (its own dense kernels)', async () => {
    const scalar = await createRuntime({ build: 'scalar', initialMemoryMiB: 32 });
    expect(scalar.simd).toBe(false);
    for (const [n, density, kind] of [[150, 0.3, 'llt'], [90, 0.05, 'ldlt'], [7, 1, 'llt']] as const) {
      const D = randomSpd(n, density, n);
      const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i) + 1);
      const A1 = CsrMatrix.fromDense(D), A2 = CsrMatrix.fromDense(D, { runtime: scalar });
      const c1 = cholesky(A1, { kind }), c2 = cholesky(A2, { kind });
      expect(c2.perm).toEqual(c1.perm);
      expect(maxRelErr(c2.solve(b), c1.solve(b))).toBeLessThan(1e-12);
      expect(maxRelErr(c2.solve(b), denseSolve(D, b))).toBeLessThan(1e-11);
      expect(reconstructionError(c2, D)).toBeLessThan(1e-13);
      c1.dispose(); c2.dispose(); A1.dispose(); A2.dispose();
    }
  });
});

describe('poisson2d and the bundled SPD matrices', () => {
  it('poisson2d k = 60: residual, nnz(L) of AMD below RCM below natural', () => {
    const A = poisson2d(60);
    const b = Float64Array.from({ length: A.rows }, (_, i) => 1 + (i % 7));
    const nnz: Record<string, number> = {};
    for (const ordering of ['amd', 'rcm', 'natural'] as const) {
      const c = cholesky(A, { ordering });
      expect(csrTrueRelativeResidual(A, c.solve(b), b)).toBeLessThan(1e-12);
      nnz[ordering] = c.info.nnzL;
      c.dispose();
    }
    expect(nnz.rcm).toBeLessThan(nnz.natural);
    A.dispose();
  });

  const spd = ['1138_bus', '494_bus', 'bcsstk01', 'bcsstk02', 'bcsstk03', 'bcsstk06', 'bcsstk09', 'bcsstk13', 'bcsstm07', 'gr_30_30', 'LFAT5', 'Trefethen_20'];
  for (const name of spd) {
    it(name, async () => {
      const A = (await readMatrix(matrixPath(`${name}.mtx`))).matrix;
      const b = A.multiply(Float64Array.from({ length: A.rows }, (_, i) => 1 + Math.sin(i)));
      const c = cholesky(A);
      const x = c.solve(b);
      expect(csrTrueRelativeResidual(A, x, b)).toBeLessThanOrEqual(1e-10);
      // nnz(L) against the ordering module's own count (src/direct/ordering/graph.ts)
      const { ptr, adj } = symmetricAdjacency(A.rows, A.rowPtr.slice(), A.colIdx.slice());
      expect(c.info.nnzL).toBe(choleskyFactorNnz(A.rows, ptr, adj, c.perm));
      c.dispose();
      A.dispose();
    });
  }
});

describe('iterative refinement', () => {
  it('refine: 2 keeps or lowers the true residual, for LL^T and LDL^T, after refactor too', async () => {
    const A = (await readMatrix(matrixPath('bcsstk13.mtx'))).matrix;
    const b = A.multiply(Float64Array.from({ length: A.rows }, (_, i) => Math.cos(i)));
    for (const kind of ['llt', 'ldlt'] as const) {
      const plain = cholesky(A, { kind }), refined = cholesky(A, { kind, refine: 2 });
      const r0 = csrTrueRelativeResidual(A, plain.solve(b), b);
      const r2 = csrTrueRelativeResidual(A, refined.solve(b), b);
      expect(r2).toBeLessThanOrEqual(Math.max(r0, 1e-15));
      refined.refactor(A.values);
      expect(csrTrueRelativeResidual(A, refined.solve(b), b)).toBe(r2);
      plain.dispose(); refined.dispose();
    }
    expect(() => cholesky(A, { refine: -1 })).toThrow(InvalidArgumentError);
    A.dispose();
  });
});

describe('refactor', () => {
  it('equals a fresh factorization bit for bit, and allocates nothing', () => {
    const D1 = randomSpd(120, 0.08, 21);
    const A1 = CsrMatrix.fromDense(D1);
    const v2 = A1.values.map((v, p) => v * (1 + 0.3 * Math.sin(p)));
    // keep symmetry: scale by a symmetric function of (i, j)
    const rp = A1.rowPtr, ci = A1.colIdx;
    for (let i = 0; i < A1.rows; i++) for (let p = rp[i]; p < rp[i + 1]; p++) v2[p] = A1.values[p] * (1 + 0.3 * Math.sin(i + ci[p]));
    const A2 = A1.clone().setValues(v2);
    const b = Float64Array.from({ length: 120 }, (_, i) => i % 5);
    const c = cholesky(A1);
    const x1 = c.solve(b);
    const rt = getRuntime();
    const before = rt.stats();
    c.refactor(v2);
    const xa = c.solve(b);
    c.refactor(A2);
    const xb = c.solve(b);
    expect(rt.stats().liveBytes).toBe(before.liveBytes);
    expect(rt.stats().memoryBytes).toBe(before.memoryBytes);
    const fresh = cholesky(A2);
    const xf = fresh.solve(b);
    expect(xa).toEqual(xf);
    expect(xb).toEqual(xf);
    expect(c.getFactors().L.values).toEqual(fresh.getFactors().L.values);
    expect(maxRelErr(x1, xf)).toBeGreaterThan(1e-6); // the values did change
    expect(c.info.factorizations).toBe(3);
    c.dispose(); fresh.dispose(); A1.dispose(); A2.dispose();
  });

  it('another pattern is refused', () => {
    const A = poisson2d(5), B = poisson2d(6), C = CsrMatrix.fromDense(randomSpd(25, 0.3, 1));
    const c = SparseCholesky.analyze(A);
    expect(() => c.factor(B)).toThrow(PatternMismatchError);
    expect(() => c.factor(C)).toThrow(PatternMismatchError);
    expect(() => c.refactor([1, 2, 3])).toThrow(DimensionMismatchError);
    c.factor();
    expect(c.isFactored).toBe(true);
    c.dispose(); A.dispose(); B.dispose(); C.dispose();
  });
});

describe('bad input', () => {
  it('a non-positive pivot names the column in A\'s numbering and the value', () => {
    const n = 40;
    const D = randomSpd(n, 0.1, 31);
    D[17][17] = -2; // a negative diagonal entry makes A indefinite
    const A = CsrMatrix.fromDense(D.map((r, i) => r.map((v, j) => (i === 17 && j !== 17) || (j === 17 && i !== 17) ? 0 : v)));
    for (const ordering of ['amd', 'rcm', 'natural'] as const) {
      const e = thrown(() => cholesky(A, { ordering }));
      expect(e).toBeInstanceOf(FactorizationError);
      expect((e as FactorizationError).column).toBe(17);
      expect((e as FactorizationError).row).toBe(17);
      expect((e as FactorizationError).value).toBe(-2);
      expect(e.message).toMatch(/column 17 .*not positive definite|not positive.*column 17/);
    }
    // 2 x 2 indefinite: the second pivot 1 - 4 = -3
    const B = CsrMatrix.fromDense([[1, 2], [2, 1]]);
    const e = thrown(() => cholesky(B, { ordering: 'natural' })) as FactorizationError;
    expect([e.column, e.value]).toEqual([1, -3]);
    // a singular matrix: zero pivot in LDL^T
    const S = CsrMatrix.fromDense([[1, 1, 0], [1, 1, 0], [0, 0, 2]]);
    const z = thrown(() => cholesky(S, { ordering: 'natural', kind: 'ldlt' })) as FactorizationError;
    expect([z.column, z.value]).toEqual([1, 0]);
    A.dispose(); B.dispose(); S.dispose();
  });

  it('after a failed factorization solve refuses, a good refactor recovers', () => {
    const A = poisson2d(4);
    const c = cholesky(A);
    const bad = A.values.map((v) => -v);
    expect(() => c.refactor(bad)).toThrow(FactorizationError);
    expect(c.isFactored).toBe(false);
    expect(() => c.solve(new Float64Array(16))).toThrow(FactorizationError);
    c.refactor(A.values);
    expect(c.solve(new Float64Array(16).fill(1))[0]).toBeGreaterThan(0);
    c.dispose(); A.dispose();
  });

  it('NaN and Inf in A, refactor values or b', () => {
    const D = randomSpd(10, 0.3, 41);
    const A = CsrMatrix.fromDense(D);
    const c = cholesky(A);
    const v = Float64Array.from(A.values);
    v[3] = NaN;
    const e = thrown(() => c.refactor(v));
    expect(e).toBeInstanceOf(NonFiniteValueError);
    expect(e.message).toMatch(/A\(\d+, \d+\) = NaN/);
    const w = Array.from(A.values) as unknown[];
    w[0] = 'x';
    expect(() => c.refactor(w as number[])).toThrow(NonFiniteValueError);
    c.refactor(A.values);
    expect(() => c.solve([1, 2, 3, 4, 5, 6, 7, 8, 9, Infinity])).toThrow(NonFiniteValueError);
    expect(() => c.solve(new Float64Array(9))).toThrow(DimensionMismatchError);
    expect(() => c.solve(new Float64Array(10), new Float64Array(3))).toThrow(DimensionMismatchError);
    c.dispose(); A.dispose();
  });

  it('non-square, unsymmetric pattern or values, bad options and orderings', () => {
    const R = CsrMatrix.fromDense([[1, 0, 0], [0, 1, 0]]);
    expect(() => SparseCholesky.analyze(R)).toThrow(DimensionMismatchError);
    const U = CsrMatrix.fromDense([[2, 1, 0], [0, 2, 0], [0, 0, 2]]);
    expect(() => SparseCholesky.analyze(U)).toThrow(/pattern is not symmetric/);
    const V = CsrMatrix.fromDense([[2, 1, 0], [1.5, 2, 0], [0, 0, 2]]);
    const e = thrown(() => cholesky(V));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.message).toMatch(/A\(1, 0\) = 1.5 but A\(0, 1\) = 1/);
    const A = poisson2d(3);
    expect(() => SparseCholesky.analyze(A, { ordering: [0, 1, 2] })).toThrow(DimensionMismatchError);
    expect(() => SparseCholesky.analyze(A, { ordering: [0, 1, 2, 3, 4, 5, 6, 7, 7] })).toThrow(InvalidArgumentError);
    expect(() => SparseCholesky.analyze(A, { ordering: 'metis' as never })).toThrow(InvalidArgumentError);
    expect(() => SparseCholesky.analyze(A, { kind: 'lu' as never })).toThrow(InvalidArgumentError);
    expect(() => SparseCholesky.analyze(A, { tolerance: 1 } as never)).toThrow(/unknown option/);
    const given = cholesky(A, { ordering: [8, 7, 6, 5, 4, 3, 2, 1, 0] });
    expect(given.info.ordering).toBe('given');
    given.dispose();
    R.dispose(); U.dispose(); V.dispose(); A.dispose();
  });

  it('dispose is idempotent, use after dispose throws, nothing leaks (also when analyze throws)', () => {
    const rt = getRuntime();
    const A = poisson2d(8);
    const base = rt.stats().liveAllocations;
    const c = cholesky(A);
    c.dispose();
    c.dispose();
    expect(() => c.solve(new Float64Array(64))).toThrow(DisposedError);
    expect(() => c.refactor(A.values)).toThrow(DisposedError);
    expect(() => c.factor()).toThrow(DisposedError);
    expect(() => c.getFactors()).toThrow(DisposedError);
    for (let i = 0; i < 5; i++) expect(() => cholesky(A, { ordering: [0] })).toThrow(DimensionMismatchError);
    const bad = A.clone().setValues(A.values.map((v) => -v));
    for (let i = 0; i < 5; i++) expect(() => cholesky(bad)).toThrow(FactorizationError);
    expect(rt.stats().liveAllocations).toBe(base + 3); // bad's three arrays
    bad.dispose();
    A.dispose();
    const gone = poisson2d(3);
    gone.dispose();
    expect(() => SparseCholesky.analyze(gone)).toThrow(DisposedError);
  });

  it('a factorization wasm memory cannot hold is a WasmMemoryError from analyze, before any numeric work', async () => {
    const rt = await createRuntime({ initialMemoryMiB: 16, maximumMemoryMiB: 48 });
    const A = poisson2d(200, { runtime: rt }); // natural order: nnz(L) about n k = 8 M, 64 MB of L alone
    const live = rt.stats().liveAllocations;
    const e = thrown(() => SparseCholesky.analyze(A, { ordering: 'natural' }));
    expect(e).toBeInstanceOf(WasmMemoryError);
    expect(e.message).toMatch(/needs about .* of wasm memory/);
    expect(rt.stats().liveAllocations).toBe(live);
    // the same runtime still factors what fits
    const c = cholesky(A, { ordering: 'amd' });
    expect(c.info.predictedBytes).toBeLessThan(48 * 2 ** 20);
    c.dispose();
    A.dispose();
  });
});
