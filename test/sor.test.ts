import { describe, expect, it } from 'vitest';
import { init, poisson2d, SolverSession, CsrMatrix, InvalidArgumentError } from '../src/index.js';

await init();

/** Reference SOR in plain JS on dense rows: the same sweep, for an iteration-by-iteration check. */
function referenceSor(A: number[][], b: number[], omega: number, sweeps: number): number[] {
  const n = b.length, x = new Array(n).fill(0);
  for (let s = 0; s < sweeps; s++) {
    for (let i = 0; i < n; i++) {
      let t = b[i];
      for (let j = 0; j < n; j++) t -= A[i][j] * x[j];
      x[i] += (omega * t) / A[i][i];
    }
  }
  return x;
}

describe('SOR method', () => {
  it('matches a dense reference sweep for sweep, and converges on Poisson', () => {
    const A = poisson2d(6);
    const n = A.rows;
    const b = Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const s = new SolverSession(A, { method: 'sor', omega: 1.4 });
    expect(s.precond).toBe('none');
    const five = s.solve(b, null, { maxIterations: 5 });
    expect(five.iterations).toBe(5);
    const ref = referenceSor(A.toDense().map((r) => Array.from(r)), b, 1.4, 5);
    for (let i = 0; i < n; i++) expect(five.x[i]).toBeCloseTo(ref[i], 12);
    const full = s.solve(b, null, { rtol: 1e-10 });
    expect(full.converged).toBe(true);
    expect(full.relativeResidual).toBeLessThanOrEqual(1e-10);
    // the optimal omega for the model problem beats Gauss-Seidel
    const gs = new SolverSession(A, { method: 'sor', omega: 1 }).solve(b, null, { rtol: 1e-10 });
    expect(full.iterations).toBeLessThan(gs.iterations);
    s.dispose();
    A.dispose();
  });

  it('refuses omega outside (0, 2), a preconditioner, and reports divergence and zero diagonals', () => {
    const A = poisson2d(4);
    expect(() => new SolverSession(A, { method: 'sor', omega: 2 })).toThrow(InvalidArgumentError);
    expect(() => new SolverSession(A, { method: 'sor', precond: 'jacobi' })).toThrow(/precond 'none'/);
    // a negative definite matrix: SOR with omega 1.9 on -A converges too (Gauss-Seidel is sign
    // invariant), so divergence needs an indefinite matrix: [[1, 3], [3, 1]]
    const B = CsrMatrix.fromDense([[1, 3], [3, 1]]);
    const r = new SolverSession(B, { method: 'sor' }).solve([1, 2]);
    expect(r.converged).toBe(false);
    expect(r.reason).toBe('breakdown');
    expect(r.detail).toMatch(/diverges/);
    const Z = CsrMatrix.fromDense([[0, 1], [1, 1]]);
    const z = new SolverSession(Z, { method: 'sor', precond: 'none' }).solve([1, 2]);
    expect(z.reason).toBe('breakdown');
    expect(z.detail).toMatch(/row 0/);
    A.dispose(); B.dispose(); Z.dispose();
  });
});
