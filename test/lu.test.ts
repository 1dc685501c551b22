// Sparse LU (src/direct/lu.ts) against dense references computed here: P A Q = L U rebuilt from the
// factors, solutions against dense Gaussian elimination, the true 1-norm condition for rcond;
// pivoting (zero diagonals, permutation matrices), refactor, singular and bad input, memory
// exhaustion, dispose; the bundled nonsymmetric matrices (residual after refinement, fill beside
// SciPy splu's, test/fixtures/lu/scipy-splu.json).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, createRuntime, CsrMatrix, FactorizationError, InvalidArgumentError, DimensionMismatchError, DisposedError,
  NonFiniteValueError, PatternMismatchError, WasmMemoryError, type SparseRuntime,
} from '../src/index.js';
import { SparseLu, lu } from '../src/direct/lu.js';
import { readMatrix } from '../src/node.js';
import { poisson2d } from '../src/matrix/generators.js';
import { rng } from './helpers.js';
import { matrixPath } from './matrices.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const scipy = JSON.parse(readFileSync(path.join(here, 'fixtures', 'lu', 'scipy-splu.json'), 'utf8')) as {
  matrices: Record<string, { n: number; nnzLU?: number; error?: string }>;
};

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

// ---------- dense helpers ----------
type Dense = Float64Array[];

function toDense(A: CsrMatrix): Dense {
  return A.toDense();
}

/** x = A^-1 b by dense Gaussian elimination with partial pivoting (the reference); null if singular. */
function denseSolve(A: Dense, b: ArrayLike<number>): Float64Array | null {
  const n = A.length;
  const M = A.map((r) => Float64Array.from(r));
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i][k]) > Math.abs(M[p][k])) p = i;
    if (M[p][k] === 0) return null;
    [M[k], M[p]] = [M[p], M[k]];
    [x[k], x[p]] = [x[p], x[k]];
    for (let i = k + 1; i < n; i++) {
      const l = M[i][k] / M[k][k];
      if (l === 0) continue;
      for (let j = k; j < n; j++) M[i][j] -= l * M[k][j];
      x[i] -= l * x[k];
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = x[k];
    for (let j = k + 1; j < n; j++) s -= M[k][j] * x[j];
    x[k] = s / M[k][k];
  }
  return x;
}

function denseInverse(A: Dense): Dense | null {
  const n = A.length;
  const cols: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n); e[j] = 1;
    const c = denseSolve(A, e);
    if (!c) return null;
    cols.push(c);
  }
  return Array.from({ length: n }, (_, i) => Float64Array.from(cols, (c) => c[i]));
}

function norm1(A: Dense): number {
  const n = A.length;
  let m = 0;
  for (let j = 0; j < n; j++) { let s = 0; for (let i = 0; i < n; i++) s += Math.abs(A[i][j]); m = Math.max(m, s); }
  return m;
}

function matVec(A: CsrMatrix, x: ArrayLike<number>): Float64Array {
  const rp = A.rowPtr, ci = A.colIdx, v = A.values, y = new Float64Array(A.rows);
  for (let i = 0; i < A.rows; i++) { let s = 0; for (let p = rp[i]; p < rp[i + 1]; p++) s += v[p] * x[ci[p]]; y[i] = s; }
  return y;
}

function relResidual(A: CsrMatrix, x: ArrayLike<number>, b: ArrayLike<number>): number {
  const r = matVec(A, x);
  let rr = 0, bb = 0;
  for (let i = 0; i < r.length; i++) { rr += (r[i] - b[i]) ** 2; bb += b[i] ** 2; }
  return Math.sqrt(rr / (bb || 1));
}

/** max |(P A Q - L U)_ij| / max |A_ij| from the CSC factors. */
function factorError(A: CsrMatrix, f: SparseLu): number {
  const n = A.rows, D = toDense(A);
  const { L, U, pinv, q, F } = f.getFactors();
  const Ld: Dense = Array.from({ length: n }, () => new Float64Array(n));
  const Ud: Dense = Array.from({ length: n }, () => new Float64Array(n));
  for (let j = 0; j < n; j++) {
    for (let p = L.indptr[j]; p < L.indptr[j + 1]; p++) Ld[L.indices[p]][j] += L.data[p];
    for (let p = U.indptr[j]; p < U.indptr[j + 1]; p++) Ud[U.indices[p]][j] += U.data[p];
  }
  let err = 0, amax = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) amax = Math.max(amax, Math.abs(D[i][j]));
  // step row r holds original row i with pinv[i] = r; step column k holds column q[k]
  const rowOf = new Int32Array(n);
  for (let i = 0; i < n; i++) rowOf[pinv[i]] = i;
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += Ld[r][t] * Ud[t][k];
      if (F) { for (let p = F.indptr[k]; p < F.indptr[k + 1]; p++) if (F.indices[p] === r) s += F.data[p]; }
      err = Math.max(err, Math.abs(D[rowOf[r]][q[k]] - s));
    }
  }
  return err / (amax || 1);
}

/** A random sparse n x n matrix with a random permutation's entries added (structurally nonsingular, mostly zero diagonal). */
function randomSparse(n: number, density: number, seed: number, opts: { diagonal?: boolean } = {}): CsrMatrix {
  const r = rng(seed);
  const dense: number[][] = Array.from({ length: n }, () => new Array(n).fill(0));
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [perm[i], perm[j]] = [perm[j], perm[i]]; }
  for (let i = 0; i < n; i++) dense[i][perm[i]] = 1 + r();
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (r() < density) dense[i][j] = 2 * r() - 1;
  if (opts.diagonal === false) for (let i = 0; i < n; i++) if (perm[i] !== i) dense[i][i] = 0;
  return CsrMatrix.fromDense(dense, { runtime: rt, cols: n });
}

function ones(n: number): Float64Array { return new Float64Array(n).fill(1); }

describe('SparseLu against dense references', () => {
  it('n = 0 and n = 1', () => {
    const E = CsrMatrix.fromDense([], { runtime: rt, cols: 0 });
    const f0 = lu(E, { ordering: 'natural' });
    expect(f0.solve(new Float64Array(0))).toEqual(new Float64Array(0));
    expect(f0.info.nnzL).toBe(0);
    f0.dispose();
    const A = CsrMatrix.fromDense([[4]], { runtime: rt });
    const f1 = lu(A);
    expect(f1.solve([2])[0]).toBe(0.5);
    expect(f1.rcond).toBe(1);
    f1.dispose();
    E.dispose(); A.dispose();
  });

  for (const ordering of ['natural', 'rcm', 'amd', 'colamd'] as const) {
    it(`random sparse matrices of many sizes (${ordering}): P A Q = L U and x = A^-1 b`, () => {
      for (const n of [2, 3, 5, 8, 13, 21, 40, 70]) {
        for (const density of [0.05, 0.2, 0.5]) {
          const seed = n * 100 + Math.round(density * 10);
          const A = randomSparse(n, density, seed, { diagonal: false });
          const D = toDense(A);
          const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
          const ref = denseSolve(D, b);
          if (!ref) { A.dispose(); continue; }
          const f = lu(A, { ordering });
          expect(factorError(A, f)).toBeLessThan(1e-13);
          const x = f.solve(b);
          const scale = Math.max(...ref.map(Math.abs));
          for (let i = 0; i < n; i++) expect(Math.abs(x[i] - ref[i])).toBeLessThan(1e-8 * scale);
          // transposed solve: A^T y = b
          const y = f.solveTransposed(b);
          const T = A.transpose();
          expect(relResidual(T, y, b)).toBeLessThan(1e-10);
          T.dispose();
          f.dispose();
          A.dispose();
        }
      }
    });
  }

  it('zero diagonals need pivoting; pivotThreshold 1 keeps |l_ij| <= 1', () => {
    // [[0 1 0], [1 0 1], [0 1 1]]: no usable diagonal in the first column
    const A = CsrMatrix.fromDense([[0, 1, 0], [1, 0, 1], [0, 1, 1]], { runtime: rt });
    const f = lu(A, { ordering: 'natural', pivotThreshold: 1 });
    expect(f.info.offDiagonalPivots).toBeGreaterThan(0);
    const x = f.solve([1, 2, 3]);
    expect(relResidual(A, x, [1, 2, 3])).toBeLessThan(1e-15);
    f.dispose(); A.dispose();
    const B = randomSparse(60, 0.1, 7, { diagonal: false });
    const g = lu(B, { pivotThreshold: 1 });
    const { L } = g.getFactors();
    for (const v of L.data) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    expect(factorError(B, g)).toBeLessThan(1e-13);
    g.dispose(); B.dispose();
  });

  it('prefers the diagonal while it passes the threshold', () => {
    // diagonally weak but above 0.1 of the column max: kept with threshold 0.1, replaced with 1
    const A = CsrMatrix.fromDense([[0.5, 1, 0], [1, 4, 1], [0, 1, 3]], { runtime: rt });
    const f = lu(A, { ordering: 'natural', pivotThreshold: 0.1 });
    expect(f.info.offDiagonalPivots).toBe(0);
    const g = lu(A, { ordering: 'natural', pivotThreshold: 1 });
    expect(g.info.offDiagonalPivots).toBeGreaterThan(0);
    f.dispose(); g.dispose(); A.dispose();
  });

  it('permutation matrices solve exactly', () => {
    for (const n of [1, 2, 7, 50]) {
      const r = rng(n);
      const perm = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [perm[i], perm[j]] = [perm[j], perm[i]]; }
      const dense = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (perm[i] === j ? 1 : 0)));
      const A = CsrMatrix.fromDense(dense, { runtime: rt, cols: n });
      const f = lu(A);
      const b = Float64Array.from({ length: n }, (_, i) => i + 1);
      const x = f.solve(b);
      for (let i = 0; i < n; i++) expect(x[perm[i]]).toBe(b[i]);
      expect(f.info.nnzL + f.info.nnzU).toBe(2 * n);
      f.dispose(); A.dispose();
    }
  });

  it('a given column permutation is used as it is; a bad one is refused', () => {
    const A = randomSparse(20, 0.2, 3);
    const q = Int32Array.from({ length: 20 }, (_, i) => 19 - i);
    const f = lu(A, { ordering: q });
    expect(f.info.ordering).toBe('given');
    expect(Array.from(f.getFactors().q)).toEqual(Array.from(q));
    expect(factorError(A, f)).toBeLessThan(1e-13);
    f.dispose();
    expect(() => lu(A, { ordering: [0, 0, 1] })).toThrow(InvalidArgumentError);
    expect(() => lu(A, { ordering: Int32Array.from({ length: 20 }, () => 0) })).toThrow(/not a permutation/);
    A.dispose();
  });

  it('rcond is within a factor 10 of the true 1 / (||A||_1 ||A^-1||_1)', () => {
    for (const [n, seed] of [[10, 1], [30, 2], [60, 3], [25, 4]]) {
      const A = randomSparse(n, 0.15, seed, { diagonal: false });
      const D = toDense(A);
      const inv = denseInverse(D);
      if (!inv) { A.dispose(); continue; }
      const truth = 1 / (norm1(D) * norm1(inv));
      const f = lu(A);
      const est = f.rcond;
      expect(est).toBeGreaterThanOrEqual(truth / 1.0000001); // ||A^-1|| is estimated from below
      expect(est).toBeLessThan(10 * truth);
      f.dispose(); A.dispose();
    }
  });

  it('near-singular: a warning with the condition estimate', () => {
    const A = CsrMatrix.fromDense([[1, 1, 0], [1, 1 + 1e-14, 0], [0, 0, 1]], { runtime: rt });
    const f = lu(A, { ordering: 'natural' });
    expect(f.info.warning).toMatch(/near-singular: estimated reciprocal condition number/);
    expect(f.rcond).toBeLessThan(1e-12);
    f.dispose(); A.dispose();
    const B = randomSparse(30, 0.1, 9);
    const g = lu(B);
    expect(g.info.warning).toBeUndefined();
    g.dispose(); B.dispose();
  });

  it('iterative refinement reports the backward error and reaches rounding level', () => {
    const A = randomSparse(80, 0.05, 11, { diagonal: false });
    const b = Float64Array.from({ length: 80 }, (_, i) => Math.cos(i));
    const f = lu(A, { pivotThreshold: 0.01 });
    const plain = f.solveDetailed(b, { refine: 0 });
    expect(plain.refinementSteps).toBe(0);
    const refined = f.solveDetailed(b, { refine: 5 });
    expect(refined.backwardError).toBeLessThanOrEqual(plain.backwardError);
    expect(refined.backwardError).toBeLessThan(1e-15);
    expect(relResidual(A, refined.x, b)).toBeLessThan(1e-13);
    // refine as a factorization default: solve() refines
    const g = lu(A, { refine: 3 });
    expect(relResidual(A, g.solve(b), b)).toBeLessThan(1e-13);
    f.dispose(); g.dispose(); A.dispose();
  });
});

describe('SparseLu refactor', () => {
  it('same values: the same factors; new values with the same pivots: equal to a fresh factorization', () => {
    const A = randomSparse(50, 0.1, 21);
    const f = lu(A);
    const before = f.getFactors();
    const r0 = f.refactor(A.values.slice());
    expect(r0.stable).toBe(true);
    const after = f.getFactors();
    expect(after.L.data).toEqual(before.L.data);
    expect(after.U.data).toEqual(before.U.data);
    // small perturbation: the fresh factorization keeps the same pivots, so the factors agree
    const r = rng(5);
    const values = Float64Array.from(A.values, (v) => v * (1 + 1e-3 * (r() - 0.5)));
    const res = f.refactor(values);
    expect(res.repivoted).toBe(false);
    const B = A.clone().setValues(values);
    const g = lu(B);
    const fresh = g.getFactors(), re = f.getFactors();
    expect(Array.from(re.pinv)).toEqual(Array.from(fresh.pinv));
    expect(re.L.indices).toEqual(fresh.L.indices);
    for (let p = 0; p < fresh.L.data.length; p++) expect(re.L.data[p]).toBe(fresh.L.data[p]);
    for (let p = 0; p < fresh.U.data.length; p++) expect(re.U.data[p]).toBe(fresh.U.data[p]);
    const b = ones(50);
    expect(relResidual(B, f.solve(b), b)).toBeLessThan(1e-12);
    // a CsrMatrix of the same pattern works too
    expect(f.refactor(B).stable).toBe(true);
    f.dispose(); g.dispose(); A.dispose(); B.dispose();
  });

  it('notices an unstable kept pivot: stable false, then fresh pivoting (or kept with fallback none)', () => {
    const A = CsrMatrix.fromDense([[4, 1, 0], [1, 4, 1], [0, 1, 4]], { runtime: rt });
    const f = lu(A, { ordering: 'natural' });
    expect(f.info.offDiagonalPivots).toBe(0);
    // a tiny (1,1) entry: the kept diagonal pivot is far below threshold times its column's max
    const bad = [1e-9, 1, 1, 4, 1, 1, 4];
    const kept = f.refactor(bad, { fallback: 'none' });
    expect(kept.stable).toBe(false);
    expect(kept.firstUnstableColumn).toBe(0);
    expect(kept.repivoted).toBe(false);
    const res = f.refactor(bad);
    expect(res.stable).toBe(false);
    expect(res.repivoted).toBe(true);
    expect(f.info.offDiagonalPivots).toBeGreaterThan(0);
    const B = A.clone().setValues(bad);
    expect(relResidual(B, f.solve([1, 2, 3]), [1, 2, 3])).toBeLessThan(1e-14);
    // a zero kept pivot: FactorizationError with fallback none, fresh pivoting by default
    const zero = [0, 1, 1, 4, 1, 1, 4];
    const g = lu(A, { ordering: 'natural' });
    expect(() => g.refactor(zero, { fallback: 'none' })).toThrow(FactorizationError);
    expect(() => g.solve([1, 2, 3])).toThrow(/not factored/);
    const h = lu(A, { ordering: 'natural' });
    expect(h.refactor(zero).repivoted).toBe(true);
    f.dispose(); g.dispose(); h.dispose(); A.dispose(); B.dispose();
  });

  it('refuses other patterns, wrong lengths and non-finite values', () => {
    const A = randomSparse(10, 0.2, 1);
    const f = lu(A);
    expect(() => f.refactor([1, 2])).toThrow(DimensionMismatchError);
    const v = A.values.slice(); v[3] = NaN;
    expect(() => f.refactor(v)).toThrow(NonFiniteValueError);
    const other = randomSparse(10, 0.3, 2);
    expect(() => f.refactor(other)).toThrow(PatternMismatchError);
    expect(() => f.solve([1, 2])).toThrow(DimensionMismatchError);
    expect(() => f.solve(new Float64Array(10).fill(Infinity))).toThrow(NonFiniteValueError);
    f.dispose(); A.dispose(); other.dispose();
  });
});

describe('SparseLu bad input', () => {
  it('empty row or column: FactorizationError naming it', () => {
    const A = CsrMatrix.fromDense([[1, 0, 2], [0, 0, 0], [3, 0, 4]], { runtime: rt });
    try { lu(A); expect.unreachable(); } catch (e) {
      expect(e).toBeInstanceOf(FactorizationError);
      expect((e as FactorizationError).reason).toBe('empty-row');
      expect((e as FactorizationError).row).toBe(1);
    }
    A.dispose();
    const B = CsrMatrix.fromDense([[1, 0, 2], [5, 0, 1], [3, 0, 4]], { runtime: rt });
    try { lu(B); expect.unreachable(); } catch (e) {
      expect((e as FactorizationError).reason).toBe('empty-column');
      expect((e as FactorizationError).column).toBe(1);
    }
    B.dispose();
  });

  it('no perfect matching: structurally singular, naming the column', () => {
    // rows 1 and 2 have entries only in column 2
    const A = CsrMatrix.fromDense([[1, 1, 1], [0, 0, 1], [0, 0, 2]], { runtime: rt });
    try { lu(A, { ordering: 'natural' }); expect.unreachable(); } catch (e) {
      expect(e).toBeInstanceOf(FactorizationError);
      expect((e as FactorizationError).reason).toBe('structurally-singular');
      expect((e as FactorizationError).message).toMatch(/column \d/);
    }
    A.dispose();
  });

  it('numerically singular: zero pivot, naming the column', () => {
    const A = CsrMatrix.fromDense([[1, 2, 0], [2, 4, 0], [0, 0, 1]], { runtime: rt });
    try { lu(A, { ordering: 'natural' }); expect.unreachable(); } catch (e) {
      expect(e).toBeInstanceOf(FactorizationError);
      expect((e as FactorizationError).reason).toBe('zero-pivot');
      expect((e as FactorizationError).column).toBe(1);
    }
    A.dispose();
  });

  it('rectangular: a clear error pointing away from least squares', () => {
    const A = CsrMatrix.fromDense([[1, 2], [3, 4], [5, 6]], { runtime: rt });
    expect(() => lu(A)).toThrow(/square.*least squares is not supported/);
    expect(() => lu(A)).toThrow(DimensionMismatchError);
    A.dispose();
  });

  it('unknown and invalid options are refused', () => {
    const A = randomSparse(5, 0.3, 1);
    expect(() => lu(A, { pivotTreshold: 0.5 } as never)).toThrow(/unknown option "pivotTreshold"/);
    expect(() => lu(A, { pivotThreshold: 2 })).toThrow(InvalidArgumentError);
    expect(() => lu(A, { ordering: 'metis' as never })).toThrow(InvalidArgumentError);
    A.dispose();
  });

  it('memory exhaustion from fill: WasmMemoryError, the runtime stays usable and leaks nothing', async () => {
    const small = await createRuntime({ initialMemoryMiB: 4, maximumMemoryMiB: 24 });
    const A = poisson2d(120, { runtime: small }); // natural ordering: fill ~ n * 2 * 120 entries, far beyond 24 MiB
    const live = small.stats().liveAllocations;
    const f = SparseLu.analyze(A, { ordering: 'natural' });
    // the analysis predicts the fill: the error comes before the numeric phase
    expect(f.info.predictedNnz).toBeGreaterThan(2e6);
    expect(() => f.factor(A)).toThrow(/predicted to need about/);
    expect(() => f.factor(A)).toThrow(WasmMemoryError);
    expect(() => f.solve(ones(A.rows))).toThrow(FactorizationError);
    f.dispose();
    expect(small.stats().liveAllocations).toBe(live);
    A.dispose();
    // still usable: a smaller problem fits
    const B = poisson2d(20, { runtime: small });
    const g = lu(B);
    expect(relResidual(B, g.solve(ones(B.rows)), ones(B.rows))).toBeLessThan(1e-12);
    g.dispose();
    B.dispose();
    expect(small.stats().liveAllocations).toBe(live - 3);
  });
});

/** A reducible matrix: random blocks on the diagonal of a block upper triangular matrix, rows and columns shuffled. */
function reducible(sizes: number[], seed: number): CsrMatrix {
  const r = rng(seed);
  const n = sizes.reduce((a, b) => a + b, 0);
  const M: number[][] = Array.from({ length: n }, () => new Array(n).fill(0));
  let s0 = 0;
  for (const size of sizes) {
    for (let i = s0; i < s0 + size; i++) {
      M[i][s0 + Math.floor(r() * size)] = 1 + r(); // a usable entry in every row of the block
      for (let j = s0; j < s0 + size; j++) if (r() < 0.5) M[i][j] = 2 * r() - 1;
      M[i][i] += 3; // nonsingular block (diagonally weighted)
      for (let j = s0 + size; j < n; j++) if (r() < 0.1) M[i][j] = 2 * r() - 1; // off-diagonal blocks above
    }
    s0 += size;
  }
  const rp = Array.from({ length: n }, (_, i) => i), cp = Array.from({ length: n }, (_, i) => i);
  for (const p of [rp, cp]) for (let i = n - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [p[i], p[j]] = [p[j], p[i]]; }
  const dense = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => M[rp[i]][cp[j]]));
  return CsrMatrix.fromDense(dense, { runtime: rt, cols: n });
}

describe('SparseLu with the block triangular form', () => {
  it('reducible matrices: only the diagonal blocks are factored; P A Q = L U + F; solves against the dense reference', () => {
    for (const [sizes, seed] of [[[1, 1, 1], 1], [[3, 1, 4, 1, 5], 2], [[10, 2, 7], 3], [[1, 20, 1, 15, 3], 4]] as [number[], number][]) {
      const A = reducible(sizes, seed);
      const n = A.rows, D = toDense(A);
      for (const ordering of ['auto', 'amd', 'colamd', 'natural'] as const) {
        const f = lu(A, { btf: true, ordering });
        expect(f.info.blocks).toBeGreaterThanOrEqual(sizes.length);
        expect(f.info.ordering).toMatch(/^btf \+ /);
        // L and U stay inside the diagonal blocks
        const { L, U, blocks } = f.getFactors();
        const blockOf = new Int32Array(n);
        for (let b = 0; b + 1 < blocks.length; b++) for (let k = blocks[b]; k < blocks[b + 1]; k++) blockOf[k] = b;
        for (let j = 0; j < n; j++) {
          for (let p = L.indptr[j]; p < L.indptr[j + 1]; p++) expect(blockOf[L.indices[p]]).toBe(blockOf[j]);
          for (let p = U.indptr[j]; p < U.indptr[j + 1]; p++) expect(blockOf[U.indices[p]]).toBe(blockOf[j]);
        }
        expect(factorError(A, f)).toBeLessThan(1e-13);
        const b = Float64Array.from({ length: n }, (_, i) => Math.sin(3 * i + 1));
        const ref = denseSolve(D, b)!;
        const x = f.solve(b);
        const scale = Math.max(...ref.map(Math.abs));
        for (let i = 0; i < n; i++) expect(Math.abs(x[i] - ref[i])).toBeLessThan(1e-9 * scale);
        const T = A.transpose();
        expect(relResidual(T, f.solveTransposed(b), b)).toBeLessThan(1e-12);
        T.dispose();
        // refactor with new values keeps the blocks (F gets the new off-diagonal values)
        const values = Float64Array.from(A.values, (v, k) => v * (1 + 0.01 * Math.sin(k)));
        f.refactor(values);
        const B = A.clone().setValues(values);
        expect(relResidual(B, f.solve(b), b)).toBeLessThan(1e-12);
        expect(f.info.nnzOffDiagonal).toBeGreaterThanOrEqual(0);
        B.dispose();
        f.dispose();
      }
      A.dispose();
    }
  });

  it('btf of a structurally singular matrix: FactorizationError before the numeric phase', () => {
    const A = CsrMatrix.fromDense([[1, 1, 1], [0, 0, 1], [0, 0, 2]], { runtime: rt });
    try { SparseLu.analyze(A, { btf: true }); expect.unreachable(); } catch (e) {
      expect(e).toBeInstanceOf(FactorizationError);
      expect((e as FactorizationError).reason).toBe('structurally-singular');
    }
    A.dispose();
  });

  it('the fill prediction is exact for a structurally symmetric matrix factored on its diagonal', () => {
    for (const ordering of ['amd', 'rcm', 'natural'] as const) {
      const P = poisson2d(17, { runtime: rt });
      const f = lu(P, { ordering });
      expect(f.info.offDiagonalPivots).toBe(0);
      expect(f.info.nnzL + f.info.nnzU).toBe(f.info.predictedNnz);
      expect(f.info.regrowths).toBe(0);
      f.dispose(); P.dispose();
    }
  });

  it("'auto' picks amd for a symmetric pattern and colamd otherwise", () => {
    const P = poisson2d(10, { runtime: rt });
    const f = lu(P);
    expect(f.info.ordering).toBe('auto: amd');
    f.dispose(); P.dispose();
    const U = CsrMatrix.fromDense([[1, 1, 1], [0, 1, 1], [0, 0, 1]], { runtime: rt });
    const g = lu(U);
    expect(g.info.ordering).toBe('auto: colamd');
    g.dispose(); U.dispose();
  });
});

describe('SparseLu lifecycle', () => {
  it('dispose is idempotent; use after dispose throws; nothing leaks', () => {
    const before = rt.stats().liveAllocations;
    const A = randomSparse(30, 0.1, 4);
    const f = lu(A);
    f.dispose();
    f.dispose();
    expect(() => f.solve(ones(30))).toThrow(DisposedError);
    expect(() => f.refactor(A.values.slice())).toThrow(DisposedError);
    expect(() => f.rcond).toThrow(DisposedError);
    expect(() => f.factor()).toThrow(DisposedError);
    const g = SparseLu.analyze(A);
    expect(() => g.solve(ones(30))).toThrow(/not factored/);
    g.factor();
    expect(relResidual(A, g.solve(ones(30)), ones(30))).toBeLessThan(1e-12);
    g[Symbol.dispose]();
    A.dispose();
    expect(rt.stats().liveAllocations).toBe(before);
  });

  it('a failed factorization leaves the object reusable with other values', () => {
    const A = CsrMatrix.fromDense([[1, 2], [2, 4]], { runtime: rt });
    const f = SparseLu.analyze(A, { ordering: 'natural' });
    expect(() => f.factor()).toThrow(FactorizationError);
    const B = A.clone().setValues([1, 2, 3, 4]);
    f.factor(B);
    expect(relResidual(B, f.solve([1, 1]), [1, 1])).toBeLessThan(1e-15);
    f.dispose(); A.dispose(); B.dispose();
  });
});

const REAL = ['arc130', 'bayer10', 'bp_1200', 'cryg2500', 'hor131', 'impcol_a', 'nnc1374', 'olm1000', 'orsirr_1',
  'plskz362', 'rbs480a', 'sherman5', 'tumorAntiAngiogenesis_2', 'west0067', 'west0479', 'sherman1'];

describe('SparseLu on the bundled nonsymmetric matrices', () => {
  for (const name of REAL) {
    it(`${name}: true relative residual <= 1e-10 after refinement; fill within 1.5x of SciPy splu's (also with btf)`, async () => {
      const { matrix: A } = await readMatrix(matrixPath(`${name}.mtx`), { runtime: rt });
      const n = A.rows;
      const xTrue = Float64Array.from({ length: n }, (_, i) => 1 + (i % 7) / 7);
      const b = matVec(A, xTrue);
      const ref = scipy.matrices[name];
      expect(ref.n).toBe(n);
      for (const btf of [false, true]) {
        const f = lu(A, { btf });
        const r = f.solveDetailed(b, { refine: 3 });
        expect(relResidual(A, r.x, b)).toBeLessThan(1e-10);
        expect(r.backwardError).toBeLessThan(1e-14);
        // SuperLU (COLAMD, supernodal, partial pivoting) is the yardstick; 'auto' picks amd or colamd
        const fill = f.info.nnzL + f.info.nnzU;
        expect(fill).toBeLessThanOrEqual(1.5 * ref.nnzLU!);
        // refactor with the same values reproduces the solution
        expect(f.refactor(A.values.slice()).stable).toBe(true);
        expect(relResidual(A, f.solveDetailed(b, { refine: 3 }).x, b)).toBeLessThan(1e-10);
        f.dispose();
      }
      A.dispose();
    });
  }

  it('Ragusa16 (singular, SciPy: "Factor is exactly singular"): FactorizationError', async () => {
    expect(scipy.matrices.Ragusa16.error).toMatch(/singular/);
    const { matrix: A } = await readMatrix(matrixPath('Ragusa16.mtx'), { runtime: rt });
    expect(() => lu(A)).toThrow(FactorizationError);
    A.dispose();
  });
});
