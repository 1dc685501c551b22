// MINRES on singular systems (issue 7, item 4.9) and NaN/Inf ending every method at once.
// The expected answers are least-squares solutions computed here by dense arithmetic (SciPy's
// MINRES returns the same [0, 1, 0] on the 3 x 3 case), residuals recomputed independently.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, CsrMatrix, poisson2d, type SparseRuntime } from '../src/index.js';
import { SolverSession, solve } from '../src/session/session.js';
import type { MethodName } from '../src/solvers/types.js';
import { norm, rng, trueResidual as residual } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

const dense = (rows: number[][]) => rows.map((r) => Float64Array.from(r));

describe('MINRES on a singular symmetric matrix returns the minimum-residual solution', () => {
  // A = [[0,1,0],[1,0,0],[0,0,0]] with the zero at (2,2) stored explicitly (no empty row)
  const D = dense([[0, 1, 0], [1, 0, 0], [0, 0, 0]]);
  const make = () => CsrMatrix.fromCoo(3, 3, [0, 1, 2], [1, 0, 2], [1, 1, 0]);

  it('b = [1, 0, 1] (inconsistent): x = [0, 1, 0], residual 1, in 3 iterations, no NaN', () => {
    const A = make();
    for (const precond of ['none', 'jacobi', 'auto'] as const) {
      const r = solve(A, [1, 0, 1], { method: 'minres', precond });
      expect(r.reason, precond).toBe('breakdown');
      expect(r.iterations).toBeLessThanOrEqual(3);
      expect(Array.from(r.x).every(Number.isFinite)).toBe(true);
      expect(r.x[0]).toBeCloseTo(0, 14);
      expect(r.x[1]).toBeCloseTo(1, 14);
      expect(r.x[2]).toBeCloseTo(0, 14);
      expect(residual(D, r.x, [1, 0, 1])).toBeCloseTo(1, 14);
      expect(r.residualNorm).toBeCloseTo(1, 14);
      expect(r.detail).toMatch(/^MINRES exhausted the Krylov space \(beta = 0\) and A is singular on it: x is the minimum-residual \(least-squares\) solution/);
    }
    A.dispose();
  });

  it('b = [2, -1, 0] (consistent): converges to the solution', () => {
    const A = make();
    const r = solve(A, [2, -1, 0], { method: 'minres', rtol: 1e-12 });
    expect(r.reason).toBe('converged-rtol');
    expect(residual(D, r.x, [2, -1, 0])).toBeLessThan(1e-12);
    A.dispose();
  });

  it('a larger rank-deficient system: the residual is the least-squares residual', () => {
    // A = Q diag(lambda) Q^T with Q a Householder reflection and three zero eigenvalues; the
    // least-squares residual of b is the norm of b's projection on the null space, Q e_k, k < 3
    const n = 24, r = rng(11);
    const u = Float64Array.from({ length: n }, () => r() - 0.5);
    const uu = u.reduce((s, a) => s + a * a, 0);
    const Q = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) - (2 * u[i] * u[j]) / uu));
    const lambda = Float64Array.from({ length: n }, (_, k) => (k < 3 ? 0 : (k % 2 ? 1 : -1) * (1 + k)));
    const A = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q[i][k] * lambda[k] * Q[j][k];
      return s;
    }));
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[i][j] = A[j][i]; // exactly symmetric
    const b = Float64Array.from({ length: n }, () => r() - 0.5);
    let ls = 0;
    for (let k = 0; k < 3; k++) {
      let c = 0;
      for (let i = 0; i < n; i++) c += Q[i][k] * b[i];
      ls += c * c;
    }
    ls = Math.sqrt(ls);
    expect(ls).toBeGreaterThan(0.1); // really inconsistent
    const M = CsrMatrix.fromDense(A);
    const res = solve(M, b, { method: 'minres', precond: 'none', maxIterations: 500 });
    expect(Array.from(res.x).every(Number.isFinite)).toBe(true);
    expect(residual(A, res.x, b)).toBeCloseTo(ls, 8);
    expect(res.reason).not.toBe('nan-or-inf');
    M.dispose();
  });
});

describe('MINRES: the singularity tests are relative to A, not to b', () => {
  it('a huge or tiny right-hand side on a nonsingular indefinite matrix converges as usual', () => {
    const A = CsrMatrix.fromDense([[2, 1, 0, 0], [1, -3, 1, 0], [0, 1, 4, 1], [0, 0, 1, -5]]);
    for (const scale of [1e-150, 1, 1e15, 1e150]) {
      const b = [1, 2, 3, 4].map((v) => v * scale);
      const r = solve(A, b, { method: 'minres', precond: 'none' });
      expect(r.reason, `scale ${scale}`).toBe('converged-rtol');
      expect(r.iterations).toBeGreaterThanOrEqual(3);
    }
    A.dispose();
  });
});

describe('MINRES with a preconditioner stops on the relative reduction of its M^-1-norm estimate', () => {
  it('Jacobi on a matrix scaled by 1e300 (the two norms differ by 1e150): converged, checked here', () => {
    const A = poisson2d(5).scale(1e300);
    const b = new Float64Array(25).fill(1e300);
    const r = solve(A, b, { method: 'minres', precond: 'jacobi' });
    expect(r.reason, r.detail).toBe('converged-rtol');
    // ||b - A x|| / ||b|| with everything divided by 1e300 first (no overflow here)
    const D = poisson2d(5);
    const ax = D.multiply(r.x);
    D.dispose();
    expect(norm(Array.from(ax, (v) => 1 - v)) / norm(new Float64Array(25).fill(1))).toBeLessThanOrEqual(1e-8);
    A.dispose();
  });
});

describe('a NaN or Inf ends every method at once with reason nan-or-inf', () => {
  const methods: MethodName[] = ['cg', 'minres', 'bicgstab', 'gmres'];
  for (const method of methods) {
    it(`${method}: a preconditioner that starts returning NaN`, () => {
      const A = poisson2d(8);
      let calls = 0;
      const s = new SolverSession(A, {
        method,
        precond: (r, z) => {
          calls++;
          for (let i = 0; i < r.length; i++) z[i] = calls >= 4 ? NaN : r[i] / 4;
        },
      });
      const r = s.solve(new Float64Array(64).fill(1));
      expect(r.reason).toBe('nan-or-inf');
      expect(r.converged).toBe(false);
      expect(r.iterations).toBeLessThanOrEqual(4);
      s.dispose();
      A.dispose();
    });
  }

  it('the module keeps working and nothing leaks', () => {
    const A = poisson2d(6);
    const before = rt.stats().liveAllocations;
    const nan = solve(A, new Float64Array(36).fill(1), { method: 'minres', precond: (r, z) => z.fill(NaN) });
    expect(nan.reason).toBe('nan-or-inf');
    expect(rt.stats().liveAllocations).toBe(before);
    expect(solve(A, new Float64Array(36).fill(1), { method: 'minres' }).converged).toBe(true);
    A.dispose();
  });
});
