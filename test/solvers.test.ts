import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  init, CsrMatrix, poisson2d, DimensionMismatchError, InvalidArgumentError, NonFiniteValueError, type SparseRuntime,
} from '../src/index.js';
import { SolverSession, solve } from '../src/session/session.js';
import type { MethodName } from '../src/solvers/types.js';
import { denseMul, denseSolve, diffNorm, nonsymmetricDense, norm, randomSpdDense, trueRelativeResidual as trueRel } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

function symmetricIndefiniteDense(n: number, seed: number): Float64Array[] {
  const A = randomSpdDense(n, 0.1, seed, 0.5);
  for (let i = 0; i < n; i += 2) A[i][i] -= 6; // push some eigenvalues negative
  return A;
}

describe('Krylov methods against dense references', () => {
  const spd = randomSpdDense(60, 0.08, 1);
  const nonsym = nonsymmetricDense(80, 2);
  const indef = symmetricIndefiniteDense(50, 3);
  const cases: [string, Float64Array[], MethodName[]][] = [
    ['random SPD', spd, ['cg', 'bicgstab', 'gmres', 'minres']],
    ['nonsymmetric, diagonally dominant', nonsym, ['bicgstab', 'gmres']],
    ['symmetric indefinite', indef, ['minres', 'gmres']],
  ];
  for (const [name, D, methods] of cases) {
    for (const method of methods) {
      for (const precond of ['none', 'jacobi', 'chebyshev'] as const) {
        if (precond === 'chebyshev' && name !== 'random SPD') continue;
        it(`${method} + ${precond} on ${name}: x matches Gaussian elimination`, () => {
          const n = D.length;
          const A = CsrMatrix.fromDense(D);
          const xTrue = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
          const b = denseMul(D, xTrue);
          const r = solve(A, b, { method, precond, rtol: 1e-10 });
          expect(r.reason, r.detail).toBe('converged-rtol');
          expect(r.converged).toBe(true);
          expect(r.method).toBe(method);
          const rel = trueRel(D, r.x, b);
          expect(rel).toBeLessThanOrEqual(1e-10);
          expect(Math.abs(r.relativeResidual - rel)).toBeLessThanOrEqual(1e-12);
          const xRef = denseSolve(D, b);
          expect(diffNorm(r.x, xRef) / norm(xRef)).toBeLessThan(1e-7);
          expect(r.history.length).toBe(r.iterations);
          expect(r.iterations).toBeGreaterThan(0);
          A.dispose();
        });
      }
    }
  }

  it('known solution on 2D Poisson: every method reaches 1e-8 and the error is small', () => {
    const A = poisson2d(40);
    const xTrue = Float64Array.from({ length: A.rows }, (_, i) => Math.sin(i / 7));
    const b = A.multiply(xTrue);
    for (const method of ['cg', 'bicgstab', 'gmres', 'minres'] as const) {
      const r = solve(A, b, { method, precond: 'none', restart: 50 });
      expect(r.converged, `${method}: ${r.reason} ${r.detail}`).toBe(true);
      expect(r.relativeResidual).toBeLessThanOrEqual(1e-8);
      expect(diffNorm(r.x, xTrue) / norm(xTrue)).toBeLessThan(1e-5);
    }
    A.dispose();
  });

  it('auto picks CG for SPD, MINRES for symmetric indefinite, GMRES for nonsymmetric, and says why', () => {
    const S = CsrMatrix.fromDense(randomSpdDense(20, 0.1, 4));
    const I = CsrMatrix.fromDense(symmetricIndefiniteDense(20, 5));
    const N = CsrMatrix.fromDense(nonsymmetricDense(20, 6));
    const b = new Float64Array(20).fill(1);
    const rs = solve(S, b, { precond: 'jacobi' });
    expect(rs.method).toBe('cg');
    expect(rs.choice).toMatch(/symmetric with a positive diagonal/);
    const ri = solve(I, b);
    expect(ri.method).toBe('minres');
    expect(ri.converged).toBe(true);
    const rn = solve(N, b, { precond: 'jacobi' });
    expect(rn.method).toBe('gmres');
    expect(rn.choice).toMatch(/nonsymmetric/);
    S.dispose(); I.dispose(); N.dispose();
  });
});

describe('every stop reason, provoked on purpose', () => {
  it('converged-atol', () => {
    const A = poisson2d(10);
    const b = new Float64Array(100).fill(1);
    const r = solve(A, b, { method: 'cg', precond: 'none', rtol: 0, atol: 1e-3 });
    expect(r.reason).toBe('converged-atol');
    expect(r.residualNorm).toBeLessThanOrEqual(1e-3);
    A.dispose();
  });

  it('max-iterations', () => {
    const A = poisson2d(20);
    const b = new Float64Array(400).fill(1);
    for (const method of ['cg', 'bicgstab', 'gmres', 'minres'] as const) {
      const r = solve(A, b, { method, precond: 'none', maxIterations: 3 });
      expect(r.reason).toBe('max-iterations');
      expect(r.converged).toBe(false);
      expect(r.iterations).toBe(3);
      expect(r.relativeResidual).toBeGreaterThan(1e-8);
    }
    A.dispose();
  });

  it('breakdown: BiCGSTAB with rhat.v = 0, GMRES on a singular matrix', () => {
    const P = CsrMatrix.fromDense([[0, 1], [1, 0]]);
    const r = solve(P, [1, 0], { method: 'bicgstab', precond: 'none' });
    expect(r.reason).toBe('breakdown');
    expect(r.detail).toMatch(/rhat\.v/);
    const S = CsrMatrix.fromDense([[1, 0], [0, 0]]);
    const g = solve(S, [0, 1], { method: 'gmres', precond: 'none' });
    expect(g.reason).toBe('breakdown');
    expect(g.converged).toBe(false);
    P.dispose(); S.dispose();
  });

  it('indefinite-matrix: CG on a symmetric indefinite matrix', () => {
    const A = CsrMatrix.fromDense([[1, 0], [0, -1]]);
    const r = solve(A, [1, 1], { method: 'cg', precond: 'none' });
    expect(r.reason).toBe('indefinite-matrix');
    expect(r.detail).toMatch(/not positive definite/);
    A.dispose();
  });

  it('indefinite-preconditioner: CG and MINRES with M = -I', () => {
    const A = poisson2d(5);
    const b = new Float64Array(25).fill(1);
    const neg = (r: Float64Array, z: Float64Array) => { for (let i = 0; i < r.length; i++) z[i] = -r[i]; };
    expect(solve(A, b, { method: 'cg', precond: neg }).reason).toBe('indefinite-preconditioner');
    expect(solve(A, b, { method: 'minres', precond: neg }).reason).toBe('indefinite-preconditioner');
    A.dispose();
  });

  it('nan-or-inf: overflow in the iteration and a preconditioner returning NaN', () => {
    const A = CsrMatrix.fromDense([[1e300, 0], [0, 1e300]]);
    const r = solve(A, [1e300, 1e300], { method: 'cg', precond: 'none' });
    expect(r.reason).toBe('nan-or-inf');
    const B = poisson2d(4);
    const nan = (_r: Float64Array, z: Float64Array) => z.fill(NaN);
    for (const method of ['cg', 'bicgstab', 'gmres', 'minres'] as const) {
      expect(solve(B, new Float64Array(16).fill(1), { method, precond: nan }).reason, method).toBe('nan-or-inf');
    }
    A.dispose(); B.dispose();
  });

  it('aborted: onIteration returning false, and an AbortSignal', () => {
    const A = poisson2d(30);
    const b = new Float64Array(900).fill(1);
    const seen: number[] = [];
    const r = solve(A, b, {
      method: 'cg', precond: 'none',
      onIteration: (s) => { seen.push(s.residualNorm); expect(s.residualKind).toBe('recursive-2-norm'); return s.iteration < 5; },
    });
    expect(r.reason).toBe('aborted');
    expect(r.iterations).toBe(5);
    expect(seen).toEqual(r.history);
    const ac = new AbortController();
    const g = solve(A, b, { method: 'gmres', precond: 'none', signal: ac.signal, onIteration: (s) => { if (s.iteration === 7) ac.abort(); } });
    expect(g.reason).toBe('aborted');
    expect(g.iterations).toBe(7);
    const pre = new AbortController();
    pre.abort();
    expect(solve(A, b, { method: 'minres', signal: pre.signal }).reason).toBe('aborted');
    A.dispose();
  });
});

describe('solver input and edge cases', () => {
  it('invalid input is a typed error', () => {
    const A = poisson2d(3);
    const R = CsrMatrix.fromDense([[1, 2, 3]]);
    expect(() => solve(R, [1])).toThrow(DimensionMismatchError);
    expect(() => solve(A, [1, 2])).toThrow(/b has length 2, the matrix has 9 rows/);
    expect(() => solve(A, new Float64Array(9).fill(NaN))).toThrow(NonFiniteValueError);
    expect(() => solve(A, new Float64Array(9), { x0: [1] })).toThrow(DimensionMismatchError);
    expect(() => solve(A, new Float64Array(9), { tol: 1 } as never)).toThrow(/SolverSession: unknown option "tol"/);
    expect(() => solve(A, new Float64Array(9), { rtol: -1 })).toThrow(InvalidArgumentError);
    expect(() => solve(A, new Float64Array(9), { method: 'qr' as never })).toThrow(/unknown method "qr"/);
    expect(() => solve(A, new Float64Array(9), { precond: 'amg' as never })).toThrow(/unknown preconditioner "amg"/);
    expect(() => solve(A, new Float64Array(9), { precondOptions: { omegaa: 1 } as never })).toThrow(/precondOptions: unknown option "omegaa"/);
    const s = new SolverSession(A, { precond: 'none' });
    expect(() => s.solve(new Float64Array(9), null, { restart: 3 } as never)).toThrow(/SolverSession.solve: unknown option "restart"/);
    s.dispose();
    A.dispose(); R.dispose();
  });

  it('b = 0 gives x = 0; n = 0 and n = 1 work', () => {
    const A = poisson2d(4);
    const r = solve(A, new Float64Array(16), { x0: new Float64Array(16).fill(3) });
    expect(r.converged).toBe(true);
    expect(Array.from(r.x).every((v) => v === 0)).toBe(true);
    const Z = CsrMatrix.fromCoo(0, 0, [], [], []);
    expect(solve(Z, []).converged).toBe(true);
    const One = CsrMatrix.fromDense([[4]]);
    for (const method of ['cg', 'bicgstab', 'gmres', 'minres'] as const) {
      const o = solve(One, [2], { method, precond: 'none' });
      expect(o.converged, method).toBe(true);
      expect(o.x[0]).toBeCloseTo(0.5, 14);
    }
    A.dispose(); Z.dispose(); One.dispose();
  });

  it('an initial guess is used: the exact solution converges in 0 iterations', () => {
    const A = poisson2d(10);
    const x = Float64Array.from({ length: 100 }, (_, i) => i % 3);
    const b = A.multiply(x);
    const r = solve(A, b, { method: 'cg', x0: x });
    expect(r.iterations).toBe(0);
    expect(r.converged).toBe(true);
    A.dispose();
  });
});

describe('SolverSession', () => {
  it('solves many right-hand sides without allocating wasm memory', () => {
    const A = poisson2d(30);
    for (const method of ['cg', 'bicgstab', 'gmres', 'minres'] as const) {
      const s = new SolverSession(A, { method, precond: 'jacobi' });
      s.solve(new Float64Array(900).fill(1));
      const before = rt.stats();
      for (let k = 0; k < 20; k++) {
        const b = Float64Array.from({ length: 900 }, (_, i) => Math.sin(i * (k + 1)));
        const r = s.solve(b, k % 2 ? b : undefined);
        expect(r.converged, method).toBe(true);
        expect(r.setupMs).toBe(0);
      }
      const after = rt.stats();
      expect(after.liveAllocations).toBe(before.liveAllocations);
      expect(after.liveBytes).toBe(before.liveBytes);
      expect(after.memoryBytes).toBe(before.memoryBytes);
      s.dispose();
    }
    A.dispose();
  });

  it('update({ values }) refactors; values changed behind its back are detected, never stale', async () => {
    const { ChebyshevPreconditioner } = await import('../src/precond/chebyshev.js');
    const A = poisson2d(20);
    const s = new SolverSession(A, { method: 'cg', precond: 'chebyshev' });
    const b = new Float64Array(400).fill(1);
    const r1 = s.solve(b);
    const lmax1 = r1.precondInfo.lambdaMax as number;
    s.update({ values: Array.from(A.values, (v) => 3 * v) });
    const r2 = s.solve(b);
    expect(r2.setupMs).toBeGreaterThan(0);
    expect(r2.precondInfo.lambdaMax).toBeCloseTo(lmax1, 10); // D^-1 A unchanged by scaling
    for (let i = 0; i < 400; i++) expect(r2.x[i]).toBeCloseTo(r1.x[i] / 3, 8);
    // a new values version with the same values: the next solve refactors (to the same M, the same x)
    const refactors = vi.spyOn(ChebyshevPreconditioner.prototype, 'update');
    try {
      A.setValues(Float64Array.from(A.values));
      const same = s.solve(b);
      expect(refactors).toHaveBeenCalledTimes(1);
      expect(Array.from(same.x)).toEqual(Array.from(r2.x));
      s.solve(b); // nothing changed since: no refactorization
      expect(refactors).toHaveBeenCalledTimes(1);
    } finally {
      refactors.mockRestore();
    }
    A.scale(0.5);
    const r3 = s.solve(b);
    expect(r3.setupMs).toBeGreaterThan(0);
    expect(r3.converged).toBe(true);
    for (let i = 0; i < 400; i++) expect(r3.x[i]).toBeCloseTo(r1.x[i] / 1.5, 8);
    expect(() => s.update({ values: [1, 2] })).toThrow(DimensionMismatchError);
    s.dispose();
    s.dispose();
    expect(() => s.solve(b)).toThrow(/after dispose/);
    A.dispose();
  });

  it('accepts DenseVector right-hand sides and initial guesses', async () => {
    const { DenseVector } = await import('../src/index.js');
    const A = poisson2d(15);
    const s = new SolverSession(A, { method: 'cg', precond: 'ic0' });
    const bArr = Float64Array.from({ length: 225 }, (_, i) => Math.cos(i));
    const b = DenseVector.from(bArr);
    const r1 = s.solve(b);
    const r2 = s.solve(bArr);
    expect(Array.from(r1.x)).toEqual(Array.from(r2.x));
    const x0 = DenseVector.from(r1.x);
    expect(s.solve(b, x0).iterations).toBe(0);
    // DenseVector.from refuses NaN; written through `data`, it reaches the session's own check
    const bad = DenseVector.zeros(225);
    bad.data.fill(NaN);
    expect(() => s.solve(bad)).toThrow(NonFiniteValueError);
    s.dispose(); b.dispose(); x0.dispose(); bad.dispose(); A.dispose();
  });

  it('dispose frees all workspace', () => {
    const A = poisson2d(20);
    const before = rt.stats().liveAllocations;
    for (const method of ['cg', 'bicgstab', 'gmres', 'minres'] as const) {
      const s = new SolverSession(A, { method, precond: 'chebyshev' });
      s.solve(new Float64Array(400).fill(1));
      s.dispose();
    }
    expect(rt.stats().liveAllocations).toBe(before);
    A.dispose();
  });
});

describe('user-supplied factor preconditioner M = L L^T', () => {
  it('an exact Cholesky factor makes CG converge in one iteration', async () => {
    const { FactorPreconditioner } = await import('../src/index.js');
    const D = randomSpdDense(30, 0.2, 9);
    const n = D.length;
    // dense Cholesky in the test: the independent reference
    const L = Array.from({ length: n }, () => new Float64Array(n));
    for (let j = 0; j < n; j++) {
      let s = D[j][j];
      for (let k = 0; k < j; k++) s -= L[j][k] ** 2;
      L[j][j] = Math.sqrt(s);
      for (let i = j + 1; i < n; i++) {
        let t = D[i][j];
        for (let k = 0; k < j; k++) t -= L[i][k] * L[j][k];
        L[i][j] = t / L[j][j];
      }
    }
    const Lm = CsrMatrix.fromDense(L);
    const M = new FactorPreconditioner(Lm);
    Lm.dispose(); // the preconditioner keeps its own copy
    const A = CsrMatrix.fromDense(D);
    const b = denseMul(D, Float64Array.from({ length: n }, (_, i) => i - 10));
    const r = solve(A, b, { method: 'cg', precond: M, rtol: 1e-12 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(2);
    expect(r.precond).toBe('factor');
    M.dispose(); A.dispose();
  });

  it('the IC(0) factor given back as L reproduces PCG + IC(0) exactly', async () => {
    const { FactorPreconditioner, Ic0Preconditioner } = await import('../src/index.js');
    const A = poisson2d(25);
    const ic = new Ic0Preconditioner(A);
    const f = ic.getFactor();
    const L = CsrMatrix.fromCsr(f.rows, f.cols, f.indptr, f.indices, f.data);
    const M = new FactorPreconditioner(L);
    const b = new Float64Array(625).fill(1);
    const r1 = solve(A, b, { method: 'cg', precond: 'ic0' });
    const r2 = solve(A, b, { method: 'cg', precond: M });
    expect(r2.iterations).toBe(r1.iterations);
    for (let i = 0; i < 625; i++) expect(r2.x[i]).toBeCloseTo(r1.x[i], 10);
    ic.dispose(); L.dispose(); M.dispose(); A.dispose();
  });

  it('rejects a factor that is not lower triangular or has a zero diagonal', async () => {
    const { FactorPreconditioner, FactorizationError } = await import('../src/index.js');
    const U = CsrMatrix.fromDense([[1, 2], [0, 1]]);
    expect(() => new FactorPreconditioner(U)).toThrow(/not lower triangular: entry \(0, 1\)/);
    const Z = CsrMatrix.fromDense([[1, 0], [2, 0]]);
    expect(() => new FactorPreconditioner(Z)).toThrow(FactorizationError);
    U.dispose(); Z.dispose();
  });
});
