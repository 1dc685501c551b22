import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, solve, type MethodName, type PreconditionerName } from '../src/index.js';
import { readMatrix } from '../src/node.js';
import { matrixPath } from './matrices.js';
import { csrTrueRelativeResidual as trueRelative, onesRhs as ones } from './helpers.js';

// Solves of the real test matrices (test/fixtures/matrices: README.md says what each one is).
beforeAll(async () => {
  await init();
});

const load = async (name: string) => (await readMatrix(matrixPath(name))).matrix;


describe('SPD matrices: auto picks PCG + IC(0) and reaches 1e-8', () => {
  const spd = ['1138_bus', '494_bus', 'bcsstk01', 'bcsstk02', 'bcsstk03', 'bcsstk06', 'bcsstk09', 'bcsstk13', 'bcsstm07', 'gr_30_30', 'LFAT5', 'Trefethen_20'];
  expect(spd.length).toBe(12);
  for (const name of spd) {
    it(name, async () => {
      const A = await load(`${name}.mtx`);
      const b = ones(A);
      const r = solve(A, b);
      expect([r.method, r.precond]).toEqual(['cg', 'ic0']);
      expect(r.reason, r.detail).toBe('converged-rtol');
      expect(r.relativeResidual).toBeLessThanOrEqual(1e-8);
      expect(trueRelative(A, r.x, b)).toBeLessThanOrEqual(1.0001e-8);
      A.dispose();
    });
  }
});

describe('symmetric indefinite matrices: MINRES', () => {
  it('sherman1 (negative definite) with its own right-hand side', async () => {
    const A = await load('sherman1.mtx');
    const { matrix: B } = await readMatrix(matrixPath('sherman1_rhs1.mtx'));
    const b = Float64Array.from(B.toDense(), (row) => row[0]);
    const r = solve(A, b);
    expect(r.method).toBe('minres');
    expect(r.converged).toBe(true);
    expect(trueRelative(A, r.x, b)).toBeLessThanOrEqual(1.0001e-8);
    A.dispose(); B.dispose();
  });

  it('tumorAntiAngiogenesis_2 (KKT, 122 zero diagonal entries)', async () => {
    const A = await load('tumorAntiAngiogenesis_2.mtx');
    const b = ones(A);
    const r = solve(A, b, { method: 'minres', precond: 'jacobi', maxIterations: 20000 });
    expect(r.reason, r.detail).toBe('converged-rtol');
    expect(trueRelative(A, r.x, b)).toBeLessThanOrEqual(1.0001e-8);
    expect(r.precondInfo.zeroDiagonals).toBe(122);
    A.dispose();
  });
});

describe('nonsymmetric matrices: GMRES or BiCGSTAB with ILU(0) where they converge', () => {
  const ok: [string, MethodName, PreconditionerName][] = [
    ['arc130', 'gmres', 'ilu0'], ['hor131', 'gmres', 'ilu0'], ['olm1000', 'gmres', 'ilu0'], ['orsirr_1', 'gmres', 'ilu0'],
    ['sherman5', 'gmres', 'ilu0'], ['west0067', 'gmres', 'ilu0'], ['cryg2500', 'bicgstab', 'ilut'], ['sherman5', 'bicgstab', 'ilut'],
  ];
  for (const [name, method, precond] of ok) {
    it(`${name}: ${method} + ${precond}`, async () => {
      const A = await load(`${name}.mtx`);
      const b = ones(A);
      const r = solve(A, b, { method, precond });
      expect(r.reason, r.detail).toBe('converged-rtol');
      expect(trueRelative(A, r.x, b)).toBeLessThanOrEqual(1.0001e-8);
      A.dispose();
    });
  }

  it('auto picks GMRES + ILU(0) for a nonsymmetric matrix', async () => {
    const A = await load('orsirr_1.mtx');
    const r = solve(A, ones(A));
    expect([r.method, r.precond, r.converged]).toEqual(['gmres', 'ilu0', true]);
    A.dispose();
  });

  const hard: [string, RegExp][] = [
    ['west0479', /471 of 479 diagonal entries are zero or missing/],
    ['impcol_a', /diagonal entries are zero or missing/],
    ['bp_1200', /816 of 822 diagonal entries are zero or missing/],
    ['nnc1374', /diagonal entries are zero or missing/],
    ['plskz362', /362 of 362 diagonal entries are zero or missing/],
    ['rbs480a', /diagonal entries are zero or missing/],
    ['Ragusa16', /structurally singular/],
  ];
  for (const [name, why] of hard) {
    it(`${name}: no convergence, and the result says why`, async () => {
      const A = await load(`${name}.mtx`);
      const r = solve(A, ones(A), { method: 'gmres', precond: 'ilu0', maxIterations: 300 });
      expect(r.converged).toBe(false);
      expect(['max-iterations', 'breakdown']).toContain(r.reason);
      expect(r.detail).toMatch(why);
      expect(Number.isNaN(r.relativeResidual)).toBe(false);
      A.dispose();
    });
  }
});
