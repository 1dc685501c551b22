// Issue 12's acceptance test: every nonsingular square real matrix among the bundled fixtures is
// solved to a true relative residual of 1e-10 by solve(A, b, { rtol: 1e-10 }) with every other
// choice automatic (method, preconditioner, and the direct fallback).
//
// Which fixtures take part (facts from test/fixtures/matrices/index.json, singularity from SciPy):
//   rectangular: ash219 (219 x 85), illc1850 (1850 x 712), n3c4-b4 (6 x 15)
//   complex: young1c; a right-hand-side vector, not a matrix: sherman1_rhs1
//   singular (scipy.sparse.linalg.splu(A, permc_spec='COLAMD') on the values as read, pattern
//   entries read as 1, SciPy 1.x here: "Factor is exactly singular" for Ragusa16, bcspwr10 and
//   rajat01; luxembourg_osm (a graph adjacency without diagonal) fails to factor)
// Everything else (29 matrices, pattern-only ones read with value 1) must be solved.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, solve } from '../src/index.js';
import { readMatrix } from '../src/node.js';
import { bundledMatrices, fixtureIndex } from './matrices.js';
import { matrixPath } from './matrices.js';
import { csrTrueRelativeResidual, rng } from './helpers.js';

beforeAll(async () => {
  await init();
});

const SINGULAR = new Set(['Ragusa16.mtx', 'bcspwr10.mtx', 'rajat01.mtx', 'luxembourg_osm.mtx']);

const cases = bundledMatrices.filter((name) => {
  const e = fixtureIndex.find((f) => f.name === name)!;
  return e.rows === e.cols && e.cols > 1 && e.field !== 'complex' && !SINGULAR.has(name);
});

describe('solve(A, b, { rtol: 1e-10 }) on every nonsingular square real fixture', () => {
  it('covers 29 matrices, the 10 the issue names among them', () => {
    expect(cases.length).toBe(29);
    for (const must of ['bayer10', 'bp_1200', 'cryg2500', 'impcol_a', 'jagmesh7', 'nnc1374', 'plskz362', 'rbs480a', 'tumorAntiAngiogenesis_2', 'west0479']) {
      expect(cases).toContain(`${must}.mtx`);
    }
  });

  for (const name of cases) {
    it(name, async () => {
      const A = (await readMatrix(matrixPath(name))).matrix;
      // b = A x* for a random x*, so the solution is known to be unique and representable
      const r = rng(name.length * 7919);
      const xs = Float64Array.from({ length: A.cols }, () => r() * 2 - 1);
      const b = A.multiply(xs);
      const res = solve(A, b, { rtol: 1e-10 });
      const trueRel = csrTrueRelativeResidual(A, res.x, b);
      expect(res.converged, `${name}: ${res.choice}; ${res.reason} ${res.detail ?? ''}`).toBe(true);
      expect(trueRel, `${name}: ${res.choice}`).toBeLessThanOrEqual(1e-10);
      A.dispose();
    });
  }
});
