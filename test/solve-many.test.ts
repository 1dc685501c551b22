// SolverSession.solveMany: k right-hand sides in lock-step (CG) must give, column for column, the
// result of k single solves of the same session: the same x bit for bit, the same iterations,
// reason, history and residual norms. Hard cases: columns converging at different iterations, a
// zero column, NaN in one column, the iteration limit reached by some columns only, restarts from
// the true residual (rtol = 0), an indefinite matrix, abort, misuse and dispose.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, createRuntime, CsrMatrix, SolverSession, DimensionMismatchError, DisposedError, InvalidArgumentError,
  NonFiniteValueError, ReentrancyError, type SolveResult, type SparseRuntime, type SessionOptions,
} from '../src/index.js';
import { readMatrix } from '../src/node.js';
import { poisson2d } from '../src/matrix/generators.js';
import { matrixPath } from './matrices.js';
import { randomVector, thrown } from './helpers.js';

let simd: SparseRuntime;
let scalar: SparseRuntime;
beforeAll(async () => {
  simd = await init();
  scalar = await createRuntime({ build: 'scalar', initialMemoryMiB: 64 });
});

/** 11 right-hand sides that converge at different speeds: random, smooth (A ones), one unit vector, zero, ... */
function mixedRhs(A: CsrMatrix, seed: number): Float64Array[] {
  const n = A.rows;
  const unit = new Float64Array(n);
  unit[Math.floor(n / 3)] = 1;
  return [
    randomVector(n, seed),
    A.multiply(new Float64Array(n).fill(1)),
    unit,
    new Float64Array(n),
    randomVector(n, seed + 1).map((v, i) => v * (1 + (i % 7))),
    // more columns: the kernels' groups of eight columns, a pair and a single column
    ...Array.from({ length: 6 }, (_, j) => randomVector(n, seed + 2 + j).map((v, i) => (i % (j + 2) === 0 ? v : 0.01 * v))),
  ];
}

/** Everything but the times must be identical (x bit for bit). */
function expectSame(got: SolveResult, want: SolveResult, what: string): void {
  expect(got.iterations, `${what}: iterations`).toBe(want.iterations);
  expect(got.reason, `${what}: reason`).toBe(want.reason);
  expect(got.converged, what).toBe(want.converged);
  expect(got.detail, what).toBe(want.detail);
  expect(Object.is(got.residualNorm, want.residualNorm), `${what}: residualNorm ${got.residualNorm} vs ${want.residualNorm}`).toBe(true);
  expect(got.residualReplacements, what).toBe(want.residualReplacements);
  expect(got.history.length, what).toBe(want.history.length);
  for (let i = 0; i < want.history.length; i++) {
    if (!Object.is(got.history[i], want.history[i])) throw new Error(`${what}: history[${i}] ${got.history[i]} vs ${want.history[i]}`);
  }
  expect(got.x.length, what).toBe(want.x.length);
  for (let i = 0; i < want.x.length; i++) {
    if (!Object.is(got.x[i], want.x[i])) throw new Error(`${what}: x[${i}] ${got.x[i]} vs ${want.x[i]}`);
  }
  expect(got.method).toBe(want.method);
  expect(got.precond).toBe(want.precond);
}

/** solveMany against k single solves on the same session (and on a fresh one for the singles). */
function compare(A: CsrMatrix, B: Float64Array[], options: SessionOptions, many: Record<string, unknown> = {}): { block: SolveResult[]; mode: string } {
  const S = new SolverSession(A, options);
  const out = S.solveMany(B, many);
  const singles = B.map((b) => S.solve(b, (many.x0 as Float64Array[] | undefined)?.[B.indexOf(b)]));
  out.results.forEach((r, j) => expectSame(r, singles[j], `column ${j}`));
  expect(out.totals.k).toBe(B.length);
  expect(out.totals.iterations).toBe(singles.reduce((s, r) => s + r.iterations, 0));
  expect(out.totals.converged).toBe(singles.filter((r) => r.converged).length);
  S.dispose();
  return { block: out.results, mode: out.mode };
}

describe('solveMany with CG equals k single solves, bitwise', () => {
  for (const build of ['simd', 'scalar'] as const) {
    for (const precond of ['ic0', 'jacobi', 'ilu0', 'ilut', 'none', 'ssor', 'chebyshev'] as const) {
      it(`${build}: CG + ${precond} on Poisson 24 x 24, columns converging at different iterations and a zero column`, () => {
        const rt = build === 'simd' ? simd : scalar;
        const A = poisson2d(24, { runtime: rt });
        const B = mixedRhs(A, 5);
        const { block, mode } = compare(A, B, { method: 'cg', precond, rtol: 1e-10 });
        expect(mode).toBe('block');
        const its = block.map((r) => r.iterations);
        expect(new Set(its.filter((_, j) => j !== 3)).size, `iterations ${its}`).toBeGreaterThan(1);
        expect(block[3]).toMatchObject({ reason: 'converged-rtol', iterations: 0, detail: 'b = 0: the solution is x = 0' });
        expect(block[3].x.every((v) => v === 0)).toBe(true);
        A.dispose();
      });
    }
  }

  it('the CSR layout (the grouped SpMV order) and a real SPD matrix (494_bus, IC(0) and Jacobi)', async () => {
    const A = poisson2d(20, { spmv: 'csr' });
    compare(A, mixedRhs(A, 9), { method: 'cg', precond: 'ic0' });
    A.dispose();
    const M = (await readMatrix(matrixPath('494_bus'))).matrix;
    for (const precond of ['ic0', 'jacobi'] as const) compare(M, mixedRhs(M, 3), { method: 'cg', precond, rtol: 1e-9 });
    M.dispose();
  });

  for (const activeSet of ['compact', 'mask'] as const) {
    it(`activeSet '${activeSet}': the iteration limit reached by some columns only`, () => {
      const A = poisson2d(30);
      const B = mixedRhs(A, 2);
      // free run, then a limit between the columns' counts
      const S = new SolverSession(A, { method: 'cg', precond: 'jacobi' });
      const its = S.solveMany(B).results.map((r) => r.iterations).filter((i) => i > 0).sort((a, b) => a - b);
      S.dispose();
      const limit = Math.floor((its[0] + its[its.length - 1]) / 2);
      const { block } = compare(A, B, { method: 'cg', precond: 'jacobi', maxIterations: limit }, { activeSet });
      const reasons = block.map((r) => r.reason);
      expect(reasons).toContain('max-iterations');
      expect(reasons).toContain('converged-rtol');
      for (const r of block) if (r.reason === 'max-iterations') expect(r.iterations).toBe(limit);
      A.dispose();
    });
  }

  it('rtol = 0: restarts from the true residual until the stall is declared, as the single solves do', () => {
    const A = poisson2d(12);
    const B = mixedRhs(A, 4).slice(0, 9);
    const { block } = compare(A, B, { method: 'cg', precond: 'ic0', rtol: 0, atol: 0, maxIterations: 400 });
    expect(block.some((r) => r.residualReplacements > 0)).toBe(true);
    A.dispose();
  });

  it('an initial guess per column (x0 as columns and as a DenseBlock)', () => {
    const A = poisson2d(16);
    const n = A.rows;
    const B = mixedRhs(A, 6);
    const x0 = B.map((_, j) => randomVector(n, 40 + j));
    compare(A, B, { method: 'cg', precond: 'ic0' }, { x0 });
    const S = new SolverSession(A, { method: 'cg', precond: 'ic0' });
    const k = B.length;
    const data = new Float64Array(n * k), x0data = new Float64Array(n * k);
    for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) { data[i * k + j] = B[j][i]; x0data[i * k + j] = x0[j][i]; }
    const fromBlock = S.solveMany({ rows: n, cols: k, data }, { x0: { rows: n, cols: k, data: x0data } });
    const fromCols = S.solveMany(B, { x0 });
    fromBlock.results.forEach((r, j) => expectSame(r, fromCols.results[j], `block column ${j}`));
    S.dispose();
    A.dispose();
  });

  it('an indefinite matrix: each column reports what its single solve reports', () => {
    const A = poisson2d(10);
    const v = A.values.slice();
    const d = A.rowPtr;
    // shift the diagonal down past the smallest eigenvalues: symmetric indefinite
    const ci = A.colIdx;
    for (let i = 0; i < A.rows; i++) for (let p = d[i]; p < d[i + 1]; p++) if (ci[p] === i) v[p] -= 1.5;
    const M = CsrMatrix.fromCsr(A.rows, A.cols, A.rowPtr.slice(), ci.slice(), v);
    const { block } = compare(M, mixedRhs(M, 8), { method: 'cg', precond: 'none' });
    expect(block.some((r) => r.reason === 'indefinite-matrix')).toBe(true);
    A.dispose();
    M.dispose();
  });

  it('k = 1, and a 1 x 1 system', () => {
    const A = poisson2d(9);
    compare(A, [randomVector(81, 1)], { method: 'cg', precond: 'ic0' });
    A.dispose();
    const one = CsrMatrix.fromCoo(1, 1, [0], [0], [4]);
    const { block } = compare(one, [Float64Array.of(2), Float64Array.of(0)], { method: 'cg', precond: 'jacobi' });
    expect(block[0].x[0]).toBe(0.5);
    one.dispose();
  });

  it('k = 0 (no columns) and n = 0 (a 0 x 0 system)', () => {
    const A = poisson2d(4);
    const S = new SolverSession(A, { method: 'cg', precond: 'ic0' });
    expect(S.solveMany([])).toMatchObject({ results: [], mode: 'block', totals: { k: 0, iterations: 0, blockIterations: 0 } });
    expect(S.solveMany({ rows: 16, cols: 0, data: new Float64Array(0) }).results).toEqual([]);
    S.dispose();
    A.dispose();
    const E = CsrMatrix.fromCoo(0, 0, [], [], []);
    const S0 = new SolverSession(E, { method: 'cg', precond: 'none' });
    const out = S0.solveMany([new Float64Array(0), new Float64Array(0)]);
    expect(out.results.map((r) => [r.reason, r.iterations, r.x.length])).toEqual([['converged-rtol', 0, 0], ['converged-rtol', 0, 0]]);
    S0.dispose();
    E.dispose();
  });

  it('a user preconditioner function (applied column by column) and a method without a block version', () => {
    const A = poisson2d(15);
    const B = mixedRhs(A, 12);
    const diag = A.diagonal();
    const { mode } = compare(A, B, { method: 'cg', precond: (r: Float64Array, z: Float64Array) => { for (let i = 0; i < r.length; i++) z[i] = r[i] / diag[i]; } });
    expect(mode).toBe('block');
    const S = new SolverSession(A, { method: 'gmres', precond: 'ilu0' });
    const out = S.solveMany(B);
    expect(out.mode).toBe('sequential');
    expect(out.note).toMatch(/gmres/);
    const singles = B.map((b) => S.solve(b));
    out.results.forEach((r, j) => expectSame(r, singles[j], `gmres column ${j}`));
    S.dispose();
    A.dispose();
  });
});

describe('solveMany: input errors, abort, misuse', () => {
  it('NaN in one column: NonFiniteValueError naming it, nothing solved, the session stays usable and leaks nothing', () => {
    const A = poisson2d(8);
    const n = A.rows;
    const S = new SolverSession(A, { method: 'cg', precond: 'ic0' });
    const before = simd.stats().liveAllocations;
    const B = [randomVector(n, 1), randomVector(n, 2)];
    B[1][17] = NaN;
    const e = thrown(() => S.solveMany(B));
    expect(e).toBeInstanceOf(NonFiniteValueError);
    expect(e.message).toContain('B[1][17]');
    const data = new Float64Array(2 * n);
    data[2 * 3 + 1] = Infinity;
    expect(thrown(() => S.solveMany({ rows: n, cols: 2, data })).message).toContain('row 3, column 1');
    expect(thrown(() => S.solveMany([randomVector(n, 1), randomVector(n - 1, 2)]))).toBeInstanceOf(DimensionMismatchError);
    expect(thrown(() => S.solveMany([randomVector(n, 1)], { x0: [randomVector(n, 1), randomVector(n, 2)] }))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => S.solveMany([randomVector(n, 1)], { bogus: 1 } as never))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => S.solveMany([randomVector(n, 1)], { activeSet: 'drop' } as never))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => S.solveMany('abc' as never))).toBeInstanceOf(InvalidArgumentError);
    expect(simd.stats().liveAllocations).toBe(before);
    B[1][17] = 0;
    const ok = S.solveMany(B);
    expect(ok.results.every((r) => r.converged)).toBe(true);
    expect(simd.stats().liveAllocations).toBe(before); // the block workspace is freed after each call
    S.dispose();
    A.dispose();
  });

  it('onIteration gets the column; returning false stops that column only; an aborted signal stops all', () => {
    const A = poisson2d(20);
    const B = mixedRhs(A, 3);
    const S = new SolverSession(A, { method: 'cg', precond: 'ic0' });
    const seen = new Set<number>();
    const out = S.solveMany(B, {
      onIteration: (s) => {
        seen.add(s.column);
        expect(s.residualKind).toBe('recursive-2-norm');
        return !(s.column === 0 && s.iteration === 3);
      },
    });
    expect(out.results[0]).toMatchObject({ reason: 'aborted', iterations: 3 });
    expect(out.results.slice(1).every((r) => r.converged)).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9, 10]); // column 3 is b = 0: no iteration
    const single = S.solve(B[0], null, { onIteration: (s) => s.iteration !== 3 });
    expectSame(out.results[0], single, 'aborted column');
    const ac = new AbortController();
    ac.abort();
    const all = S.solveMany(B, { signal: ac.signal });
    expect(all.results.filter((_, j) => j !== 3).every((r) => r.reason === 'aborted' && r.iterations === 0)).toBe(true);
    S.dispose();
    A.dispose();
  });

  it('re-entry from onIteration is refused; disposing the session from it stops the solve; use after dispose throws', () => {
    const A = poisson2d(10);
    const B = mixedRhs(A, 1);
    const S = new SolverSession(A, { method: 'cg', precond: 'ic0' });
    const before = simd.stats().liveAllocations;
    expect(thrown(() => S.solveMany(B, { onIteration: () => { S.solveMany(B); } }))).toBeInstanceOf(ReentrancyError);
    expect(thrown(() => S.solveMany(B, { onIteration: () => { S.solve(B[0]); } }))).toBeInstanceOf(ReentrancyError);
    expect(simd.stats().liveAllocations).toBe(before);
    expect(S.solveMany(B).results.every((r) => r.converged)).toBe(true);
    expect(thrown(() => S.solveMany(B, { onIteration: () => { S.dispose(); } }))).toBeInstanceOf(DisposedError);
    expect(thrown(() => S.solveMany(B))).toBeInstanceOf(DisposedError);
    A.dispose();
  });

  it('a stale preconditioner is refactored first (values changed), and the results follow the new values', () => {
    const A = poisson2d(12);
    const B = mixedRhs(A, 2);
    const S = new SolverSession(A, { method: 'cg', precond: 'ic0' });
    S.solveMany(B);
    A.scale(2);
    const out = S.solveMany(B);
    const singles = B.map((b) => S.solve(b));
    out.results.forEach((r, j) => expectSame(r, singles[j], `scaled column ${j}`));
    S.dispose();
    A.dispose();
  });
});
