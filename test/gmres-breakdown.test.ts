// GMRES on (lucky or unlucky) breakdown (issue 7, item 4.8). The two small cases are those of
// SciPy's GMRES tests (test_defective_precond_breakdown, test_defective_matrix_breakdown); the
// expected answers are the least-squares solutions SciPy returns, and every residual is computed
// here from dense arithmetic, independently of the solver.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, CsrMatrix, type SparseRuntime } from '../src/index.js';
import { SolverSession } from '../src/session/session.js';
import { norm, rng, trueResidual as residual } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

/** CSR of a dense matrix that keeps the zero diagonal entries explicitly (no structurally empty column) */
const withDiagonal = (A: number[][]) => {
  const ri: number[] = [], ci: number[] = [], v: number[] = [];
  A.forEach((row, i) => row.forEach((a, j) => { if (a !== 0 || i === j) { ri.push(i); ci.push(j); v.push(a); } }));
  return CsrMatrix.fromCoo(A.length, A.length, ri, ci, v);
};

describe('GMRES breakdown keeps the best iterate', () => {
  it('defective preconditioner (SciPy test_defective_precond_breakdown): x = [0, 1/3, 0]', () => {
    const D = [[2, 0, 0], [0, 3, 0], [0, 0, 4]];
    const A = withDiagonal(D);
    const b = [0, 1, 1], x0 = [1, 0, 0];
    // M^-1 zeroes the third component: A M^-1 is singular on the Krylov space
    const s = new SolverSession(A, { method: 'gmres', precond: (r, z) => { z[0] = r[0]; z[1] = r[1]; z[2] = 0; } });
    const r = s.solve(b, x0);
    expect(r.reason).toBe('breakdown');
    expect(r.detail).toMatch(/singular/);
    expect(r.x[0]).toBeCloseTo(0, 12);
    expect(r.x[1]).toBeCloseTo(1 / 3, 12);
    expect(r.x[2]).toBeCloseTo(0, 12);
    // the least-squares residual (b_3 = 1 is out of reach), reported truthfully
    expect(residual(D, r.x, b)).toBeCloseTo(1, 12);
    expect(r.relativeResidual).toBeCloseTo(1 / Math.SQRT2, 12);
    expect(r.residualNorm).toBeLessThanOrEqual(residual(D, x0, b));
    s.dispose();
    A.dispose();
  });

  it('defective matrix (SciPy test_defective_matrix_breakdown): x = [0, 1, 0], the least-squares answer', () => {
    const D = [[0, 1, 0], [1, 0, 0], [0, 0, 0]];
    const A = withDiagonal(D);
    const b = [1, 0, 1];
    for (const restart of [30, 3, 2]) {
      const s = new SolverSession(A, { method: 'gmres', precond: 'none', restart });
      const r = s.solve(b);
      expect(r.reason, `restart ${restart}`).toBe('breakdown');
      expect(Array.from(r.x).map((v) => Math.round(v * 1e12) / 1e12 + 0)).toEqual([0, 1, 0]);
      expect(residual(D, r.x, b)).toBeCloseTo(1, 12);
      s.dispose();
    }
    A.dispose();
  });

  it('a happy breakdown on a consistent singular system converges', () => {
    // b in the range of A: the Krylov space becomes invariant and contains a solution
    const D = [[0, 1, 0], [1, 0, 0], [0, 0, 0]];
    const A = withDiagonal(D);
    const b = [2, -1, 0];
    const s = new SolverSession(A, { method: 'gmres', precond: 'none' });
    const r = s.solve(b, null, { rtol: 1e-12 });
    expect(r.reason).toBe('converged-rtol');
    expect(residual(D, r.x, b) / norm(b)).toBeLessThan(1e-12);
    s.dispose();
    A.dispose();
  });

  it('an exact invariant subspace of a nonsingular matrix: converged in that many steps', () => {
    // A = diag(1, 2, 3, 4, 5), b with three nonzero components: the Krylov space has dimension 3
    const n = 5;
    const D = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? i + 1 : 0)));
    const A = withDiagonal(D);
    const b = [1, 0, 1, 0, 1];
    const s = new SolverSession(A, { method: 'gmres', precond: 'none' });
    const r = s.solve(b, null, { rtol: 1e-13 });
    expect(r.reason).toBe('converged-rtol');
    expect(r.iterations).toBe(3);
    expect(Array.from(r.x)).toEqual([1, 0, 1 / 3, 0, 1 / 5].map((v, i) => expect.closeTo(v, 13) as unknown as number));
    s.dispose();
    A.dispose();
  });

  it('never returns an x with a larger true residual than x0 (singular, inconsistent, random start)', () => {
    // rank-deficient nonsymmetric 8x8: the last two rows are zero; many starting points
    const r8 = rng(5);
    const n = 8;
    const D = Array.from({ length: n }, (_, i) => Array.from({ length: n }, () => (i < n - 2 ? r8() * 2 - 1 : 0)));
    const A = withDiagonal(D);
    for (let trial = 0; trial < 20; trial++) {
      const b = Array.from({ length: n }, () => r8() * 2 - 1);
      const x0 = Array.from({ length: n }, () => (r8() * 2 - 1) * 10);
      for (const restart of [2, 5, 30]) {
        const s = new SolverSession(A, { method: 'gmres', precond: 'none', restart });
        const r = s.solve(b, x0, { maxIterations: 200 });
        const res0 = residual(D, x0, b), res = residual(D, r.x, b);
        expect(res, `trial ${trial} restart ${restart}`).toBeLessThanOrEqual(res0);
        expect(Math.abs(r.residualNorm - res)).toBeLessThan(1e-10 * Math.max(1, res));
        s.dispose();
      }
    }
    A.dispose();
  });

  it('stagnation (cyclic shift, GMRES(m) with m < n) stops at once instead of repeating the same cycle', () => {
    // A e_i = e_{i+1}: with b = e_0 the Krylov spaces of GMRES(m) cannot reduce the residual
    // until m = n, and every restart would repeat the same cycle
    const n = 6;
    const D = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === (j + 1) % n ? 1 : 0)));
    const A = withDiagonal(D);
    const b = [1, 0, 0, 0, 0, 0];
    const s = new SolverSession(A, { method: 'gmres', precond: 'none', restart: 3 });
    const r = s.solve(b);
    expect(r.reason).toBe('breakdown');
    expect(r.detail).toMatch(/GMRES\(3\) stagnated/);
    expect(r.iterations).toBe(3); // one cycle, not 10,000 iterations
    expect(Array.from(r.x)).toEqual([0, 0, 0, 0, 0, 0]);
    s.dispose();
    // full GMRES solves it in n steps
    const f = new SolverSession(A, { method: 'gmres', precond: 'none', restart: n });
    const rf = f.solve(b, null, { rtol: 1e-12 });
    expect(rf.reason).toBe('converged-rtol');
    expect(residual(D, rf.x, b)).toBeLessThan(1e-12);
    f.dispose();
    A.dispose();
  });

  it('an update that would raise the true residual is refused (a preconditioner that is not a fixed operator)', () => {
    // z = +-r with a random sign per call: the Arnoldi relation A M^-1 V = V H does not hold for
    // the M^-1 of the final update, whose sign is a coin flip
    const D = [[4, 1, 0, 0], [1, 4, 1, 0], [0, 1, 4, 1], [0, 0, 1, 4]];
    const A = withDiagonal(D);
    const b = [1, 2, 3, 4];
    const coin = rng(3);
    let refused = 0;
    for (let trial = 0; trial < 20; trial++) {
      const s = new SolverSession(A, { method: 'gmres', precond: (r, z) => { const c = coin() < 0.5 ? -1 : 1; for (let i = 0; i < 4; i++) z[i] = c * r[i]; } });
      const r = s.solve(b, null, { maxIterations: 40 });
      expect(residual(D, r.x, b)).toBeLessThanOrEqual(norm(b));
      if (r.reason === 'breakdown' && /would raise the residual/.test(r.detail ?? '')) refused++;
      s.dispose();
    }
    expect(refused).toBeGreaterThan(0);
    A.dispose();
  });
});
