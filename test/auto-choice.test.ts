// Automatic choices that fit the matrix, honest failure reports, and option validation of the
// solver sessions (issue 7, section 3 and item 4.10). Residuals are recomputed here from the CSR
// arrays with plain JavaScript, independently of the wasm kernels.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, CsrMatrix, poisson2d, Ilu0Preconditioner, InvalidArgumentError, SingularMatrixError, type SparseRuntime,
} from '../src/index.js';
import { readMatrix } from '../src/node.js';
import { SolverSession, solve } from '../src/session/session.js';
import type { MethodName } from '../src/solvers/types.js';
import { matrixPath } from './matrices.js';
import { csrTrueRelativeResidual as trueRelative, onesRhs as ones, randomSpdDense, rng } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

const load = async (name: string) => (await readMatrix(matrixPath(name))).matrix;

/** nonsymmetric, diagonally dominant, positive diagonal */
function nonsymmetric(n: number, seed: number): CsrMatrix {
  const r = rng(seed);
  const D = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) if (i !== j && r() < 0.2) { D[i][j] = r() * 2 - 1; s += Math.abs(D[i][j]); }
    D[i][i] = s + 1;
  }
  return CsrMatrix.fromDense(D);
}

describe("precond: 'auto' follows the matrix, not only the method", () => {
  it('GMRES and BiCGSTAB on a symmetric matrix with a positive diagonal get IC(0), and say why', () => {
    const A = poisson2d(12);
    for (const method of ['gmres', 'bicgstab', 'cg'] as MethodName[]) {
      const r = solve(A, ones(A), { method });
      expect(r.precond, method).toBe('ic0');
      expect(r.choice).toMatch(new RegExp(`^${method} \\+ ic0: method ${method} given; IC\\(0\\) because the matrix is symmetric with a positive diagonal`));
      expect(r.reason).toBe('converged-rtol');
    }
    A.dispose();
  });

  it('bcsstk13 (SPD): GMRES and BiCGSTAB with the automatic preconditioner converge (ILU(0) stalled for 10,000 iterations)', async () => {
    const A = await load('bcsstk13');
    const b = ones(A);
    for (const method of ['gmres', 'bicgstab'] as MethodName[]) {
      const r = solve(A, b, { method });
      expect(r.precond).toBe('ic0');
      expect(r.reason, r.detail).toBe('converged-rtol');
      expect(trueRelative(A, r.x, b)).toBeLessThanOrEqual(1.0001e-8);
    }
    A.dispose();
  });

  it('a nonsymmetric matrix keeps ILU(0) for GMRES/BiCGSTAB; CG forced on it gets Jacobi, not IC(0)', () => {
    const A = nonsymmetric(40, 7);
    const g = solve(A, ones(A), { method: 'gmres' });
    expect(g.precond).toBe('ilu0');
    expect(g.choice).toMatch(/ILU\(0\) because the matrix is nonsymmetric/);
    const c = new SolverSession(A, { method: 'cg' });
    expect(c.precond).toBe('jacobi');
    expect(c.choice).toMatch(/CG needs an SPD preconditioner and the matrix is not symmetric with a positive diagonal/);
    c.dispose();
    A.dispose();
  });

  it('symmetric, positive diagonal, far from positive definite: GMRES falls back to ILU(0) and says why', () => {
    const D = [[1, 1e7, 0], [1e7, 1, 0], [0, 0, 1]];
    const A = CsrMatrix.fromDense(D);
    const before = rt.stats().liveAllocations;
    const r = solve(A, [1, 2, 3], { method: 'gmres' });
    expect(rt.stats().liveAllocations).toBe(before); // the failed IC(0) freed what it had
    expect(r.precond).toBe('ilu0');
    expect(r.choice).toMatch(/IC\(0\) failed even with diagonal shifts \(A is far from positive definite\)/);
    expect(r.converged).toBe(true);
    // asked for: the factorization error itself
    expect(() => solve(A, [1, 2, 3], { method: 'gmres', precondOptions: { pivot: 'error' } })).toThrow(/^ic0: /);
    // CG cannot use ILU(0) instead: the IC(0) failure is the answer
    expect(() => solve(A, [1, 2, 3], { method: 'cg' })).toThrow(/even after 30 diagonal shifts/);
    A.dispose();
  });

  it('fully automatic on SPD: CG + IC(0), the reason names the matrix facts', () => {
    const A = poisson2d(6);
    const s = new SolverSession(A);
    expect([s.method, s.precond]).toEqual(['cg', 'ic0']);
    expect(s.choice).toBe('cg + ic0: symmetric with a positive diagonal; IC(0), diagonally shifted if the incomplete factorization breaks down');
    s.dispose();
    const given = new SolverSession(A, { precond: 'jacobi' });
    expect(given.choice).toBe('cg + jacobi: symmetric with a positive diagonal; preconditioner given');
    given.dispose();
    A.dispose();
  });
});

describe('CG with ILU(0) on an SPD matrix: the failure is explained', () => {
  it('bcsstk13: ILU(0) has negative pivots, so M is indefinite; the detail says so and points to IC(0)', async () => {
    const A = await load('bcsstk13');
    const r = solve(A, ones(A), { method: 'cg', precond: 'ilu0' });
    expect(r.reason).toBe('indefinite-preconditioner');
    // the count is checked against the factor read back: U's diagonal entries below zero
    const M = new Ilu0Preconditioner(A);
    const { U } = M.getFactors();
    let neg = 0, first = -1;
    for (let i = 0; i < A.rows; i++) {
      const u = U.data[U.indptr[i]]; // diagonal first in each row of U
      expect(U.indices[U.indptr[i]]).toBe(i);
      if (u < 0) { neg++; if (first < 0) first = i; }
    }
    expect(neg).toBeGreaterThan(0);
    expect(r.precondInfo.negativePivots).toBe(neg);
    expect(r.precondInfo.firstNegativePivotRow).toBe(first);
    expect(r.detail).toContain(`ilu0 has ${neg} negative pivots (first in row ${first}), so M = L U is indefinite`);
    expect(r.detail).toMatch(/even on positive definite matrices.*use 'ic0'/);
    M.dispose();
    A.dispose();
  });

  it('on a matrix where ILU(0) keeps positive pivots, CG + ILU(0) works (M = L D L^T is SPD)', () => {
    const A = poisson2d(10);
    const r = solve(A, ones(A), { method: 'cg', precond: 'ilu0' });
    expect(r.precondInfo.negativePivots).toBe(0);
    expect(r.reason).toBe('converged-rtol');
    A.dispose();
  });
});

describe('MINRES refuses preconditioners that are not SPD, before any work', () => {
  it('ilu0 and ilut by name', () => {
    const A = poisson2d(5);
    const before = rt.stats().liveAllocations;
    for (const precond of ['ilu0', 'ilut'] as const) {
      expect(() => new SolverSession(A, { method: 'minres', precond })).toThrow(InvalidArgumentError);
      expect(() => solve(A, ones(A), { method: 'minres', precond })).toThrow(
        new RegExp(`minres needs a symmetric positive definite preconditioner, and ${precond} \\(incomplete LU\\) is not symmetric`),
      );
    }
    expect(rt.stats().liveAllocations).toBe(before);
    A.dispose();
  });

  it('SSOR of a symmetric matrix with negative diagonal entries, and a given ILU object', () => {
    const D = randomSpdDense(30, 0.1, 5, 0.5);
    for (let i = 0; i < 30; i += 3) D[i][i] = -D[i][i];
    const A = CsrMatrix.fromDense(D);
    const before = rt.stats().liveAllocations;
    expect(() => new SolverSession(A, { method: 'minres', precond: 'ssor' })).toThrow(/this ssor preconditioner is not one \(SSOR is SPD only/);
    expect(rt.stats().liveAllocations).toBe(before);
    const M = new Ilu0Preconditioner(A);
    expect(() => new SolverSession(A, { method: 'minres', precond: M })).toThrow(/minres needs a symmetric positive definite preconditioner, and this ilu0/);
    // the caller's preconditioner is not disposed by the refusing session
    expect(solve(A, ones(A), { method: 'gmres', precond: M }).converged).toBe(true);
    M.dispose();
    // Jacobi for MINRES is on |diag(A)|, SPD: accepted
    expect(solve(A, ones(A), { method: 'minres', precond: 'jacobi' }).converged).toBe(true);
    A.dispose();
  });
});

describe('IC(0) diagonal shifts are not reported as indefiniteness', () => {
  it('maxIterations: 0 on SPD bcsstk13 says only that no iteration was done', async () => {
    const A = await load('bcsstk13');
    const r = solve(A, ones(A), { maxIterations: 0 });
    expect(r.reason).toBe('max-iterations');
    expect(r.precondInfo.shift).toBeGreaterThan(0); // IC(0) did need a shift
    expect(r.detail).toBe('maxIterations is 0: no iteration was done (relative residual 1.00e+0)');
    A.dispose();
  });

  it('a failure after a shift says that incomplete Cholesky breaks down on SPD matrices too', async () => {
    const A = await load('bcsstk13');
    const r = solve(A, ones(A), { maxIterations: 5 });
    expect(r.reason).toBe('max-iterations');
    expect(r.detail).not.toMatch(/may not be positive definite|is not positive definite/);
    expect(r.detail).toMatch(/IC\(0\) needed a diagonal shift of 0\.256 \(first bad pivot in row 95\): incomplete Cholesky can break down on positive definite matrices too/);
    A.dispose();
  });

  it("IC(0) with pivot: 'error' on SPD bcsstk13: the breakdown is not called indefiniteness", async () => {
    const A = await load('bcsstk13');
    expect(() => solve(A, ones(A), { precondOptions: { pivot: 'error' } })).toThrow(
      /^ic0: non-positive pivot in row 95 \(value [-0-9.e]+\): the incomplete factorization broke down \(a_ii = [0-9.e+]+ > 0: A may still be positive definite/,
    );
    A.dispose();
  });

  it('where CG finds p.Ap <= 0, the shift note says A is not positive definite', () => {
    // symmetric, positive diagonal, indefinite: IC(0) shifts and CG meets negative curvature
    const D = [[1, 2, 0], [2, 1, 0], [0, 0, 1]];
    const A = CsrMatrix.fromDense(D);
    const r = solve(A, [1, 0, 1], { method: 'cg' });
    expect(r.reason).toBe('indefinite-matrix');
    expect(r.detail).toMatch(/IC\(0\) needed a diagonal shift of [0-9.e-]+ \(first bad pivot in row 1\), and p\.Ap <= 0 shows that A is not positive definite/);
    A.dispose();
  });
});

describe('rtol: 0 on SPD matrices: a vanished residual is convergence, not indefiniteness', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['auto (CG + IC(0))', {}],
    ['CG', { method: 'cg', precond: 'none' }],
    ['CG + Jacobi', { method: 'cg', precond: 'jacobi' }],
    ['CG + SSOR', { method: 'cg', precond: 'ssor' }],
    ['MINRES', { method: 'minres' }],
    ['BiCGSTAB', { method: 'bicgstab' }],
  ];
  for (const name of ['bcsstk01', 'bcsstk02', 'LFAT5', 'bcsstm07', 'Trefethen_20']) {
    it(name, async () => {
      const A = await load(name);
      const b = ones(A);
      for (const [label, o] of cases) {
        const r = solve(A, b, { ...o, rtol: 0, maxIterations: 3000 });
        expect(r.reason, `${label}: ${r.detail}`).not.toMatch(/indefinite/);
        expect(['converged-rtol', 'breakdown', 'max-iterations']).toContain(r.reason);
        if (r.converged) expect(r.residualNorm).toBe(0);
        else expect(trueRelative(A, r.x, b)).toBeLessThan(1e-13); // it did reach the rounding level
        if (r.reason === 'breakdown') expect(r.detail).toMatch(/rtol = 0 and atol = 0 ask for a residual of exactly 0/);
      }
      A.dispose();
    });
  }

  it('poisson2d with rtol 0 for every SPD-capable method', () => {
    for (const m of [4, 6, 8, 10]) {
      const A = poisson2d(m);
      for (const [label, o] of cases) {
        const r = solve(A, ones(A), { ...o, rtol: 0, maxIterations: 3000 });
        expect(r.reason, `${m}: ${label}: ${r.detail}`).not.toMatch(/indefinite/);
      }
      A.dispose();
    }
  });
});

describe('a structurally singular matrix is reported before iterating', () => {
  // nonsymmetric, column 3 empty
  const D = [
    [4, 1, 0, 0, 0],
    [1, 4, 1, 0, 0],
    [0, 1, 4, 0, 1],
    [0, 0, 1, 0, 1],
    [0, 0, 0, 0, 4],
  ];

  it('auto, CG and BiCGSTAB throw SingularMatrixError naming the column; nothing leaks', () => {
    const A = CsrMatrix.fromDense(D);
    const before = rt.stats().liveAllocations;
    let calls = 0;
    for (const method of ['auto', 'cg', 'bicgstab'] as const) {
      try {
        solve(A, [1, 1, 1, 1, 1], { method, onIteration: () => { calls++; } });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(SingularMatrixError);
        const s = e as SingularMatrixError;
        expect([s.kind, s.index]).toEqual(['column', 3]);
        expect(s.message).toMatch(/structurally singular: column 3 has no stored entry/);
      }
    }
    expect(calls).toBe(0);
    expect(rt.stats().liveAllocations).toBe(before);
    A.dispose();
  });

  it('an empty row is named as a row; GMRES by name is allowed (minimum residual)', () => {
    const E = D.map((r) => r.slice());
    E[2] = [0, 0, 0, 0, 0];
    E[3][3] = 2;
    const A = CsrMatrix.fromDense(E);
    expect(() => new SolverSession(A)).toThrow(/row 2 has no stored entry/);
    const r = solve(A, [1, 1, 0, 1, 1], { method: 'gmres', precond: 'none', maxIterations: 50 });
    expect(r.reason).not.toBe('nan-or-inf');
    A.dispose();
  });

  it('Ragusa16 (a real matrix with an empty column): auto refuses at once (GMRES by name: real-solve.test.ts)', async () => {
    const A = await load('Ragusa16');
    const cols = new Uint8Array(A.cols);
    for (const j of A.colIdx) cols[j] = 1;
    const empty = cols.indexOf(0);
    expect(empty).toBeGreaterThanOrEqual(0);
    expect(() => solve(A, ones(A))).toThrow(new RegExp(`structurally singular: (row \\d+|column ${empty}) has no stored entry`));
    A.dispose();
  });

  it('the module stays usable afterwards', () => {
    const A = poisson2d(4);
    expect(solve(A, ones(A)).converged).toBe(true);
    A.dispose();
  });
});

describe('option values of the wrong kind are refused, never read as a default', () => {
  const bad: [string, unknown, RegExp][] = [
    ['precond: 42', { precond: 42 }, /precond must be a preconditioner name, a function or a Preconditioner, got 42/],
    ['precond: true', { precond: true }, /precond must be .* got true \(boolean\)/],
    ['precond: unknown name', { precond: 'ilu' }, /unknown preconditioner "ilu": expected 'auto', 'none'/],
    ['method: 42', { method: 42 }, /unknown method 42: expected 'auto', 'cg'/],
    ['method: "CG"', { method: 'CG' }, /unknown method "CG" \(a string\)/],
    ['rtol as a string', { rtol: '1e-8' }, /rtol must be a finite number >= 0, got "1e-8" \(a string\)/],
    ['atol as a string', { atol: '0' }, /atol must be a finite number >= 0/],
    ['maxIterations as a string', { maxIterations: '10' }, /maxIterations must be an integer >= 0, got "10"/],
    ['history: "yes"', { history: 'yes' }, /history must be true or false/],
    ['restart: "30"', { method: 'gmres', restart: '30' }, /restart must be an integer >= 1, got "30"/],
    ['precondOptions: 5', { precondOptions: 5 }, /precondOptions must be an object, got 5/],
    ['precondOptions: { omega: "1.2" }', { precond: 'ssor', precondOptions: { omega: '1.2' } }, /precondOptions: option omega must be a number in \(0, 2\), got "1.2"/],
  ];
  for (const [label, o, msg] of bad) {
    it(label, () => {
      const A = poisson2d(4);
      const before = rt.stats().liveAllocations;
      expect(() => new SolverSession(A, o as never)).toThrow(InvalidArgumentError);
      expect(() => solve(A, ones(A), o as never)).toThrow(msg);
      expect(rt.stats().liveAllocations).toBe(before);
      A.dispose();
    });
  }

  it('options that are not an object, for the session and for one solve', () => {
    const A = poisson2d(4);
    expect(() => new SolverSession(A, null as never)).toThrow(/SolverSession: options must be an object, got null/);
    expect(() => solve(A, ones(A), 7 as never)).toThrow(/solve: options must be an object, got 7/);
    const s = new SolverSession(A);
    expect(() => s.solve(ones(A), null, null as never)).toThrow(/SolverSession.solve: options must be an object/);
    expect(() => s.solve(ones(A), null, { rtol: '1e-3' } as never)).toThrow(InvalidArgumentError);
    expect(s.solve(ones(A)).converged).toBe(true);
    s.dispose();
    A.dispose();
  });
});
