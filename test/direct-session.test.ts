// The direct solvers in the solver API: methods 'cholesky' and 'lu' of SolverSession (factor once,
// solve many, refinement steps counted as iterations), the factorizations as preconditioners
// ('cholesky', 'lu', frozen for nearby matrices), the automatic choice and its fallback after a
// failed iterative solve, the CLI's --method, and the bad inputs.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, solve, SolverSession, CsrMatrix, poisson2d, createPreconditioner,
  FactorizationError, InvalidArgumentError, SingularMatrixError, DimensionMismatchError,
} from '../src/index.js';
import { readMatrix } from '../src/node.js';
import { matrixPath } from './matrices.js';
import { csrTrueRelativeResidual, denseOf, randomCoo } from './helpers.js';
import { runCli } from './cli-helpers.js';

beforeAll(async () => {
  await init();
});

/** x = D^-1 b by Gaussian elimination with partial pivoting (dense reference). */
function denseSolve(D: Float64Array[], b: ArrayLike<number>): Float64Array {
  const n = D.length;
  const M = D.map((row, i) => [...row, b[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i][k]) > Math.abs(M[p][k])) p = i;
    [M[k], M[p]] = [M[p], M[k]];
    for (let i = k + 1; i < n; i++) {
      const f = M[i][k] / M[k][k];
      for (let j = k; j <= n; j++) M[i][j] -= f * M[k][j];
    }
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i][n];
    for (let j = i + 1; j < n; j++) s -= M[i][j] * x[j];
    x[i] = s / M[i][i];
  }
  return x;
}

describe("method 'cholesky' and 'lu' in SolverSession", () => {
  it('cholesky: factor once, solve many; the answer matches a dense solve; values update refactors', () => {
    const A = poisson2d(20);
    const D = A.toDense();
    const s = new SolverSession(A, { method: 'cholesky', rtol: 1e-12 });
    expect(s.method).toBe('cholesky');
    expect(s.precond).toBe('cholesky');
    expect(s.choice).toMatch(/direct solve with the cholesky factorization/);
    for (let t = 0; t < 3; t++) {
      const b = Float64Array.from({ length: A.rows }, (_, i) => Math.sin(i + t));
      const r = s.solve(b);
      expect(r.converged).toBe(true);
      expect(r.iterations).toBeGreaterThanOrEqual(1);
      expect(r.iterations).toBeLessThanOrEqual(3);
      expect(r.residualKind).toBe('true-2-norm');
      const x = denseSolve(D, b);
      for (let i = 0; i < A.rows; i++) expect(r.x[i]).toBeCloseTo(x[i], 10);
    }
    expect(s.precondInfo.factorizations).toBe(1);
    s.update({ values: Array.from(A.values, (v) => 2 * v) });
    expect(s.precondInfo.factorizations).toBe(2);
    const b = new Float64Array(A.rows).fill(1);
    const r = s.solve(b);
    expect(csrTrueRelativeResidual(A, r.x, b)).toBeLessThan(1e-12);
    s.dispose();
    A.dispose();
  });

  it('lu: random nonsymmetric matrices against dense references', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const n = 10 + seed * 7;
      const c = randomCoo(n, n, 0.08, seed, 0);
      for (let i = 0; i < n; i++) { c.ri.push(i); c.ci.push((i + seed) % n); c.v.push(1 + i / n); } // a full transversal
      const A = CsrMatrix.fromCoo(n, n, c.ri, c.ci, c.v);
      const b = Float64Array.from({ length: n }, (_, i) => 1 - i / n);
      const r = solve(A, b, { method: 'lu', rtol: 1e-12 });
      expect(r.converged, r.detail).toBe(true);
      const x = denseSolve(denseOf({ ...c, rows: n, cols: n }), b);
      for (let i = 0; i < n; i++) expect(r.x[i]).toBeCloseTo(x[i], 8);
      A.dispose();
    }
  });

  it('lu solves the zero-diagonal west0479 to 1e-12 in at most 3 steps', async () => {
    const A = (await readMatrix(matrixPath('west0479'))).matrix;
    const b = A.multiply(new Float64Array(A.rows).fill(1));
    const r = solve(A, b, { method: 'lu', rtol: 1e-12 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(3);
    expect(csrTrueRelativeResidual(A, r.x, b)).toBeLessThanOrEqual(1e-12);
    A.dispose();
  });

  it('refuses another preconditioner, and bad matrices with typed errors', () => {
    const A = poisson2d(5);
    expect(() => new SolverSession(A, { method: 'lu', precond: 'ilu0' })).toThrow(InvalidArgumentError);
    expect(() => new SolverSession(A, { method: 'cholesky', precond: () => {} })).toThrow(/takes no other preconditioner/);
    // indefinite for Cholesky: the error names the column
    const I = CsrMatrix.fromCoo(3, 3, [0, 1, 2], [0, 1, 2], [1, -1, 1]);
    expect(() => new SolverSession(I, { method: 'cholesky' })).toThrow(FactorizationError);
    // numerically singular for LU
    const S = CsrMatrix.fromCoo(2, 2, [0, 0, 1, 1], [0, 1, 0, 1], [1, 1, 1, 1]);
    expect(() => new SolverSession(S, { method: 'lu' })).toThrow(FactorizationError);
    // structurally singular: an empty row
    const E = CsrMatrix.fromCoo(3, 3, [0, 2], [0, 2], [1, 1]);
    expect(() => new SolverSession(E, { method: 'lu' })).toThrow(SingularMatrixError);
    expect(() => solve(CsrMatrix.fromCoo(2, 3, [0], [0], [1]), [1, 1], { method: 'lu' })).toThrow(DimensionMismatchError);
    A.dispose();
  });
});

describe('the factorizations as preconditioners', () => {
  it('GMRES with precond lu converges in one iteration', () => {
    const A = poisson2d(15);
    const b = new Float64Array(A.rows).fill(1);
    const r = solve(A, b, { method: 'gmres', precond: 'lu', rtol: 1e-10 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(2);
    const c = solve(A, b, { method: 'cg', precond: 'cholesky', rtol: 1e-10 });
    expect(c.converged).toBe(true);
    expect(c.iterations).toBeLessThanOrEqual(2);
    A.dispose();
  });

  it('frozen: the factorization of a nearby matrix preconditions the next ones without refactoring', () => {
    const A = poisson2d(20);
    const s = new SolverSession(A, { method: 'gmres', precond: 'lu', precondOptions: { frozen: true }, rtol: 1e-10 });
    const b = new Float64Array(A.rows).fill(1);
    expect(s.solve(b).iterations).toBeLessThanOrEqual(2);
    // drift the values by a few percent: the old factors still precondition well
    s.update({ values: Array.from(A.values, (v, p) => v * (1 + 0.03 * Math.sin(p))) });
    const r = s.solve(b);
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeGreaterThan(1);
    expect(r.iterations).toBeLessThan(15);
    expect(s.precondInfo.factorizations).toBe(1);
    expect(csrTrueRelativeResidual(A, r.x, b)).toBeLessThan(1e-9);
    s.dispose();
    const M = createPreconditioner(A, 'lu')!;
    expect(M.name).toBe('lu');
    expect(M.isStale(A)).toBe(false);
    M.dispose();
    M.dispose();
    A.dispose();
  });
});

describe("'auto' and the direct fallback", () => {
  it('falls back to a direct factorization when the automatic iterative solve fails, and says why', async () => {
    // jagmesh7's pattern read with values 1: symmetric with a positive diagonal, so 'auto' takes
    // CG + IC(0), but indefinite: CG stops, Cholesky meets a non-positive pivot, LU solves it
    const A = (await readMatrix(matrixPath('jagmesh7'))).matrix;
    const b = A.multiply(new Float64Array(A.rows).fill(1));
    const s = new SolverSession(A, { rtol: 1e-10 });
    expect(s.method).toBe('cg');
    const r = s.solve(b);
    expect(r.converged).toBe(true);
    expect(csrTrueRelativeResidual(A, r.x, b)).toBeLessThanOrEqual(1e-10);
    expect(r.fallback?.method).toBe('cg');
    expect(r.fallback?.reason).toBe('indefinite-matrix');
    expect(r.method).toBe('lu');
    expect(s.choice).toMatch(/fallback: cg \+ ic0 failed on this matrix: indefinite-matrix/);
    expect(s.choice).toMatch(/cholesky: .*not positive/);
    expect(s.spec.method).toBe('lu');
    // the session keeps the direct method for the next solves
    const again = s.solve(b);
    expect(again.method).toBe('lu');
    expect(again.fallback).toBeUndefined();
    s.dispose();
    // no fallback when the method was given, or when the caller set the iteration budget
    const g = solve(A, b, { method: 'cg', rtol: 1e-10 });
    expect(g.converged).toBe(false);
    expect(g.fallback).toBeUndefined();
    const budget = solve(poisson2d(30), new Float64Array(900).fill(1), { maxIterations: 2 });
    expect(budget.reason).toBe('max-iterations');
    expect(budget.fallback).toBeUndefined();
    A.dispose();
  });

  it('picks a direct solver up front for a matrix with zero diagonal entries, and says why', async () => {
    const A = (await readMatrix(matrixPath('west0479'))).matrix;
    const b = A.multiply(new Float64Array(A.rows).fill(1));
    const r = solve(A, b, { rtol: 1e-10 });
    expect(r.method).toBe('lu');
    expect(r.choice).toMatch(/diagonal entries are zero or missing/);
    expect(csrTrueRelativeResidual(A, r.x, b)).toBeLessThanOrEqual(1e-10);
    A.dispose();
  });
});

describe('CLI --method lu / cholesky', () => {
  it('solves west0479 with --method lu and bcsstk01 with --method cholesky', async () => {
    const lu = await runCli(['solve', matrixPath('west0479'), '--method', 'lu', '--rtol', '1e-10', '--json']);
    expect(lu.code, lu.stderr).toBe(0);
    const j = JSON.parse(lu.stdout);
    expect(j.method).toBe('lu');
    expect(j.converged).toBe(true);
    expect(j.relativeResidual).toBeLessThanOrEqual(1e-10);
    const ch = await runCli(['solve', matrixPath('bcsstk01'), '--method', 'cholesky', '--json']);
    expect(ch.code, ch.stderr).toBe(0);
    expect(JSON.parse(ch.stdout).method).toBe('cholesky');
  });
});
