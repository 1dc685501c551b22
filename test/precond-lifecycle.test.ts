// The one preconditioner lifecycle (issue 8, section 3): Jacobi and Chebyshev unit tests against
// dense references computed here (Chebyshev's eigenvalue bounds against a cyclic Jacobi
// eigenvalue solver), the failed-factorization state, the shared pattern analysis, the registry
// and the one verb `update` (preconditioners and SpGEMM).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, CsrMatrix, poisson2d, createPreconditioner, findPreconditioners, preferredPreconditioner, matrixFacts, preconditionerNames, preconditioners,
  preconditionerDescriptor, analyzeIc0, analyzeIlu0, TriangularAnalysis, SpgemmProduct, TripleProduct,
  JacobiPreconditioner, ChebyshevPreconditioner, Ic0Preconditioner, Ilu0Preconditioner, IlutPreconditioner,
  SsorPreconditioner, FactorizationError, FactorizationFailedError, PatternMismatchError, StalePreconditionerError,
  InvalidArgumentError, DimensionMismatchError, DisposedError, type Preconditioner, type SparseRuntime,
} from '../src/index.js';
import { applyPreconditioner, randomSpdDense, randomVector, rng, thrown } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

const live = () => rt.stats().liveAllocations;

const apply = (P: Preconditioner, r: ArrayLike<number>): Float64Array => applyPreconditioner(P, r, rt);

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));

/** Eigenvalues (ascending) of a dense symmetric matrix by cyclic Jacobi rotations. */
function symmetricEigenvalues(S: Float64Array[]): number[] {
  const n = S.length, a = S.map((r) => Float64Array.from(r));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) { // columns p, q
          const akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) { // rows p, q
          const apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((r, i) => r[i]).sort((x, y) => x - y);
}

// ---------- Jacobi ----------
describe('Jacobi', () => {
  it('z_i = r_i / a_ii; a zero diagonal entry is replaced by 1 and counted; info is typed', () => {
    const A = CsrMatrix.fromDense([[2, 1, 0], [1, 0, 3], [0, 3, -4]]);
    const P = new JacobiPreconditioner(A);
    expect(Array.from(apply(P, [1, 5, 2]))).toEqual([0.5, 5, -0.5]);
    expect(P.info.zeroDiagonals).toBe(1);
    expect(P.info.negativeDiagonals).toBe(1);
    expect(P.symmetric).toBe(false); // diag(A) has a negative entry: M is not SPD
    for (const k of ['analysisMs', 'factorMs', 'setupMs'] as const) expect(P.info[k]).toBeGreaterThanOrEqual(0);
    const err = thrown(() => new JacobiPreconditioner(A, { pivot: 'error' }));
    expect(err).toBeInstanceOf(FactorizationError);
    expect((err as FactorizationError).row).toBe(1);
    P.dispose();
    A.dispose();
  });

  it('absolute: M = |diag(A)| is SPD (the MINRES form); on a random matrix it equals the dense diagonal', () => {
    const r = rng(3), n = 25;
    const D = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? (r() < 0.5 ? -1 : 1) * (1 + r()) : r() < 0.2 ? r() : 0)));
    const A = CsrMatrix.fromDense(D);
    const P = new JacobiPreconditioner(A, { absolute: true });
    expect(P.symmetric).toBe(true);
    expect(P.info.negativeDiagonals).toBe(0);
    const x = randomVector(n, 4), z = apply(P, x);
    for (let i = 0; i < n; i++) expect(z[i]).toBe(x[i] * (1 / Math.abs(D[i][i]))); // r_i times the stored inverse
    P.dispose();
    A.dispose();
  });

  it('update(A) follows new values; a failed update keeps the previous M (stale, still usable)', () => {
    const A = CsrMatrix.fromCoo(3, 3, [0, 1, 2], [0, 1, 2], [2, 4, 8]);
    const P = new JacobiPreconditioner(A, { pivot: 'error' });
    A.setValues([1, 2, 4]);
    expect(P.isStale(A)).toBe(true);
    P.update(A);
    expect(P.isStale(A)).toBe(false);
    expect(Array.from(apply(P, [1, 1, 1]))).toEqual([1, 0.5, 0.25]);
    A.setValues([1, 0, 1]);
    expect(thrown(() => P.update(A))).toBeInstanceOf(FactorizationError);
    expect(P.isStale(A)).toBe(true);
    expect(Array.from(apply(P, [1, 1, 1]))).toEqual([1, 0.5, 0.25]);
    P.dispose();
    A.dispose();
  });
});

// ---------- Chebyshev ----------
describe('Chebyshev', () => {
  /** small SPD matrix with a non-constant diagonal, its dense form and C = D^-1/2 A D^-1/2 */
  function spd(n: number, seed: number) {
    const D = randomSpdDense(n, 0.3, seed);
    for (let i = 0; i < n; i++) D[i][i] *= 1 + i / n; // scale the diagonal: D^-1 matters
    const s = D.map((r, i) => 1 / Math.sqrt(r[i]));
    const C = D.map((r, i) => r.map((v, j) => v * s[i] * s[j]));
    return { D, C, A: CsrMatrix.fromDense(D) };
  }

  it('eigenvalue bounds: Ritz values inside the exact spectrum of D^-1/2 A D^-1/2, exact once eigenSteps >= n', () => {
    const n = 12;
    const { C, A } = spd(n, 21);
    const ev = symmetricEigenvalues(C);
    const lo = ev[0], hi = ev[n - 1];
    // few steps: Ritz values lie inside [lambda_min, lambda_max]
    const few = new ChebyshevPreconditioner(A, { eigenSteps: 4, degree: 3 });
    expect(few.info.ritzMin).toBeGreaterThanOrEqual(lo * (1 - 1e-12));
    expect(few.info.ritzMax).toBeLessThanOrEqual(hi * (1 + 1e-12));
    expect(few.info.diagonalScaling).toBe(true);
    // n steps: the Krylov space is the whole space, the extremes are exact
    const full = new ChebyshevPreconditioner(A, { eigenSteps: 20, degree: 3 });
    expect(Math.abs(full.info.ritzMin - lo)).toBeLessThanOrEqual(1e-8 * hi);
    expect(Math.abs(full.info.ritzMax - hi)).toBeLessThanOrEqual(1e-8 * hi);
    // the interval it approximates 1/t on: 1.05 lambda_max above, never below lambda_max / (4 d^2)
    expect(full.info.lambdaMax).toBeCloseTo(1.05 * full.info.ritzMax, 12);
    expect(full.info.lambdaMin).toBe(Math.max(full.info.ritzMin, full.info.lambdaMax / 36));
    expect(full.symmetric).toBe(true);
    for (const P of [few, full]) P.dispose();
    A.dispose();
  });

  it('M^-1 = p(D^-1 A) D^-1 is symmetric positive definite, and M^-1 A x -> x at the Chebyshev rate', () => {
    const n = 12;
    const { D, C, A } = spd(n, 22);
    const ev = symmetricEigenvalues(C);
    const P = new ChebyshevPreconditioner(A, { degree: 8, eigenSteps: 30 });
    const u = randomVector(n, 1), v = randomVector(n, 2);
    const Mu = apply(P, u), Mv = apply(P, v);
    expect(Math.abs(dot(u, Mv) - dot(v, Mu))).toBeLessThanOrEqual(1e-12 * norm(u) * norm(Mv));
    for (let s = 0; s < 5; s++) { const w = randomVector(n, 10 + s); expect(dot(w, apply(P, w))).toBeGreaterThan(0); }
    // 1 - t p(t) on [lambdaMin, lambdaMax] is at most 2 q^d, q = (sqrt(k) - 1)/(sqrt(k) + 1): in the
    // C-norm of the D^1/2-scaled error, bounded here through the extreme eigenvalues and diagonal
    const { lambdaMin, lambdaMax } = P.info;
    expect(lambdaMin).toBeLessThanOrEqual(ev[0] * (1 + 1e-8)); // the whole spectrum is inside
    const k = lambdaMax / lambdaMin, q = (Math.sqrt(k) - 1) / (Math.sqrt(k) + 1);
    const bound = 2 * q ** 8;
    const x = randomVector(n, 5);
    const Ax = D.map((r) => dot(r, x));
    const e = apply(P, Ax).map((z, i) => z - x[i]);
    const dmax = Math.max(...D.map((r, i) => r[i])), dmin = Math.min(...D.map((r, i) => r[i]));
    expect(bound).toBeLessThan(0.05);
    expect(norm(e) / norm(x)).toBeLessThanOrEqual(bound * Math.sqrt(dmax / dmin));
    P.dispose();
    A.dispose();
  });

  it('degree 1 is Jacobi scaled by 1/theta; update follows new values; a non-positive diagonal disables the scaling', () => {
    const { A } = spd(10, 23);
    const P = new ChebyshevPreconditioner(A, { degree: 1 });
    const J = new JacobiPreconditioner(A);
    const r = randomVector(10, 6), theta = (P.info.lambdaMax + P.info.lambdaMin) / 2;
    const zp = apply(P, r), zj = apply(J, r);
    for (let i = 0; i < 10; i++) expect(zp[i]).toBeCloseTo(zj[i] / theta, 14);
    A.scale(3);
    expect(P.isStale(A)).toBe(true);
    const before = live();
    P.update(A);
    expect(live()).toBe(before); // no allocation
    expect(P.isStale(A)).toBe(false);
    const fresh = new ChebyshevPreconditioner(A, { degree: 1 });
    expect(Array.from(apply(P, r))).toEqual(Array.from(apply(fresh, r)));
    const N = CsrMatrix.fromDense([[2, 1], [1, -3]]);
    const Q = new ChebyshevPreconditioner(N);
    expect(Q.info.diagonalScaling).toBe(false);
    expect(Q.symmetric).toBe(false); // an indefinite matrix: a Ritz value below 0
    for (const o of [P, J, fresh, Q, N, A]) o.dispose();
  });

  it('bad degree or eigenSteps: InvalidArgumentError, nothing allocated', () => {
    const A = poisson2d(3);
    const before = live();
    expect(() => new ChebyshevPreconditioner(A, { degree: 0 })).toThrow(InvalidArgumentError);
    expect(() => new ChebyshevPreconditioner(A, { eigenSteps: 1 })).toThrow(InvalidArgumentError);
    expect(live()).toBe(before);
    A.dispose();
  });
});

// ---------- the failed state ----------
describe('a failed factorization: FactorizationFailedError until a good update', () => {
  const cases: [string, (A: CsrMatrix) => Preconditioner & { update(A: CsrMatrix): void }][] = [
    ['ic0', (A) => new Ic0Preconditioner(A, { pivot: 'error' })],
    ['ilu0', (A) => new Ilu0Preconditioner(A, { pivot: 'error' })],
    ['ilut', (A) => new IlutPreconditioner(A, { pivot: 'error' })],
    ['ssor', (A) => new SsorPreconditioner(A, { pivot: 'error' })],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      const A = CsrMatrix.fromDense([[4, 1, 0], [1, 4, 1], [0, 1, 4]]);
      const P = make(A);
      const good = apply(P, [1, 2, 3]);
      const vals = A.values.slice();
      A.setValues(vals.map((v) => (v === 4 ? 0 : v))); // every diagonal entry 0
      const e = thrown(() => P.update(A));
      expect(e).toBeInstanceOf(FactorizationError);
      const f = thrown(() => apply(P, [1, 2, 3]));
      expect(f).toBeInstanceOf(FactorizationFailedError);
      expect(f).not.toBeInstanceOf(StalePreconditionerError); // not stale: a different state
      expect((f as Error).cause).toBe(e);
      expect((f as Error).message).toMatch(new RegExp(`^${name}: the last factorization failed \\(${name}: `));
      expect(P.isStale(A)).toBe(true);
      A.setValues(vals);
      P.update(A);
      expect(Array.from(apply(P, [1, 2, 3]))).toEqual(Array.from(good));
      P.dispose();
      A.dispose();
    });
  }
});

// ---------- the shared pattern analysis ----------
describe('TriangularAnalysis: one symbolic analysis, several factorizations', () => {
  it('two ILU(0)s of matrices with one pattern share it and equal fresh builds; memory goes with the last user', () => {
    const A = poisson2d(8);
    const B = A.clone().scale(2);
    const v = B.values.slice();
    for (let p = 0; p < v.length; p++) v[p] += p % 3 === 0 ? 0.5 : 0; // other values, same pattern
    B.setValues(v);
    const r = randomVector(A.rows, 8);
    const before = live();
    const own = new Ilu0Preconditioner(A);
    const ownBlocks = live() - before;
    own.dispose();
    const S = analyzeIlu0(A);
    expect(S).toBeInstanceOf(TriangularAnalysis);
    expect([S.kind, S.n, S.missingDiagonals, S.nnzL + S.nnzU + S.n]).toEqual(['lu', 64, 0, A.nnz]);
    const afterS = live();
    const P = new Ilu0Preconditioner(A, { analysis: S });
    const Q = new Ilu0Preconditioner(B, { analysis: S });
    // each holds only its values: the pattern arrays are not allocated again
    expect(live() - afterS).toBe(2 * (ownBlocks - (afterS - before)));
    const fp = new Ilu0Preconditioner(A), fq = new Ilu0Preconditioner(B);
    expect(Array.from(apply(P, r))).toEqual(Array.from(apply(fp, r)));
    const zq = apply(fq, r);
    expect(Array.from(apply(Q, r))).toEqual(Array.from(zq));
    expect(P.getFactors()).toEqual(fp.getFactors());
    fp.dispose();
    fq.dispose();
    // the caller's dispose first: P and Q keep working, the memory goes with the last of them
    S.dispose();
    expect(S.disposed).toBe(true);
    expect(Array.from(apply(Q, r))).toEqual(Array.from(zq));
    P.dispose();
    expect(Array.from(apply(Q, r))).toEqual(Array.from(zq));
    Q.update(B);
    Q.dispose();
    expect(live()).toBe(before);
    // and a new factorization on the disposed analysis is refused
    expect(() => new Ilu0Preconditioner(A, { analysis: S })).toThrow(DisposedError);
    expect(live()).toBe(before);
    A.dispose();
    B.dispose();
  });

  it('IC(0) shares an analyzeIc0 or an analyzeIlu0 analysis; ILU(0) refuses a Cholesky one', () => {
    const A = poisson2d(6);
    const C = analyzeIc0(A), L = analyzeIlu0(A);
    const r = randomVector(A.rows, 9);
    const fresh = new Ic0Preconditioner(A);
    for (const S of [C, L]) {
      const P = new Ic0Preconditioner(A, { analysis: S });
      expect(Array.from(apply(P, r))).toEqual(Array.from(apply(fresh, r)));
      expect(P.getFactors().L).toEqual(fresh.getFactor()); // getFactor: the deprecated name
      P.dispose();
    }
    const before = live();
    expect(() => new Ilu0Preconditioner(A, { analysis: C })).toThrow(/ilu0 needs an LU pattern analysis \(analyzeIlu0\)/);
    expect(() => new Ilu0Preconditioner(A, { analysis: {} as never })).toThrow(InvalidArgumentError);
    expect(live()).toBe(before);
    for (const o of [fresh, C, L, A]) o.dispose();
  });

  it('a pattern mismatch is refused (PatternMismatchError), leaking nothing; so is another size', () => {
    const A = poisson2d(5);
    const S = analyzeIlu0(A);
    const same = poisson2d(5); // equal structure, but not known to be: another pattern id
    const other = CsrMatrix.fromCoo(25, 25, [0, 1, 2], [0, 1, 2], [1, 1, 1]);
    const small = poisson2d(4);
    const before = live();
    for (const M of [same, other]) {
      const e = thrown(() => new Ilu0Preconditioner(M, { analysis: S }));
      expect(e).toBeInstanceOf(PatternMismatchError);
      expect(e).toBeInstanceOf(StalePreconditionerError);
      expect((e as Error).message).toMatch(/different sparsity pattern than the one analysed/);
    }
    expect(() => new Ic0Preconditioner(small, { analysis: S })).toThrow(DimensionMismatchError);
    expect(live()).toBe(before);
    // a preconditioner built on it refuses an update with another pattern the same way
    const P = new Ilu0Preconditioner(A, { analysis: S });
    expect(() => P.update(other)).toThrow(PatternMismatchError);
    for (const o of [P, S, A, same, other, small]) o.dispose();
  });
});

// ---------- the registry ----------
describe('registry', () => {
  it('lists the names createPreconditioner accepts; each builds the class of its name', () => {
    expect(preconditionerNames()).toEqual(['none', 'jacobi', 'ssor', 'ic0', 'ilu0', 'ilut', 'chebyshev', 'cholesky', 'lu']);
    const A = poisson2d(5);
    for (const d of preconditioners()) {
      const P = createPreconditioner(A, d.name)!;
      expect(P.name).toBe(d.name);
      expect(preconditionerDescriptor(d.name)).toBe(d);
      P.dispose();
    }
    expect(createPreconditioner(A, 'none')).toBeNull();
    expect(() => createPreconditioner(A, 'amg' as never)).toThrow(/unknown preconditioner "amg" \(known: none, jacobi/);
    A.dispose();
  });

  it('asked for SPD: what the descriptors promise, the built objects are', () => {
    const spdA = poisson2d(6);
    const indefinite = CsrMatrix.fromDense([[2, 1, 0], [1, -3, 1], [0, 1, 4]]);
    const zeroDiag = CsrMatrix.fromDense([[0, 1], [1, 2]]);
    const nonsym = CsrMatrix.fromDense([[3, 1], [0, 2]]);
    expect(matrixFacts(spdA)).toEqual({ symmetric: true, diagonal: 'positive' });
    expect(matrixFacts(indefinite)).toEqual({ symmetric: true, diagonal: 'nonzero' });
    expect(matrixFacts(zeroDiag)).toEqual({ symmetric: true, diagonal: 'zero' });
    expect(matrixFacts(nonsym)).toEqual({ symmetric: false, diagonal: 'positive' });
    const names = (A: CsrMatrix) => findPreconditioners({ spd: true, matrix: matrixFacts(A) }).map((d) => d.name);
    expect(names(spdA)).toEqual(['ic0', 'ssor', 'chebyshev', 'jacobi', 'cholesky']); // the preferred first
    expect(names(indefinite)).toEqual(['jacobi']); // |diag(A)|, as MINRES gets it
    expect(names(zeroDiag)).toEqual([]); // no preconditioner
    expect(names(nonsym)).toEqual(['jacobi']);
    expect(findPreconditioners({ spd: true }).map((d) => d.name)).toEqual(['ic0', 'jacobi', 'cholesky']); // SPD whatever A
    expect([spdA, indefinite, zeroDiag, nonsym].map((A) => preferredPreconditioner({ spd: true, matrix: matrixFacts(A) })))
      .toEqual(['ic0', 'jacobi', 'none', 'jacobi']);
    expect(preferredPreconditioner({ matrix: matrixFacts(nonsym) })).toBe('ilu0'); // no SPD need: ILU(0) before ILUT
    for (const A of [spdA, indefinite, nonsym]) {
      for (const d of findPreconditioners({ spd: true, matrix: matrixFacts(A) })) {
        const P = createPreconditioner(A, d.name, {}, { spd: true })!;
        expect(P.symmetric, `${d.name}`).toBe(true);
        P.dispose();
      }
    }
    // the never-SPD ones are refused when SPD is asked for; Jacobi's boolean form (forMinres) still works
    expect(() => createPreconditioner(spdA, 'ilu0', {}, { spd: true })).toThrow(/an SPD preconditioner was asked for, and ilu0 is not symmetric/);
    const J = createPreconditioner(indefinite, 'jacobi', {}, true)!;
    expect(J.symmetric).toBe(true);
    expect(Array.from(apply(J, [2, 3, 4]))).toEqual([1, 1, 1]);
    const Jplain = createPreconditioner(indefinite, 'jacobi')!;
    expect(Jplain.symmetric).toBe(false);
    for (const o of [J, Jplain, spdA, indefinite, zeroDiag, nonsym]) o.dispose();
  });
});

// ---------- one verb ----------
describe('update: one verb for same pattern, new values', () => {
  it('refactor is a deprecated alias of update on every built-in preconditioner', () => {
    const A = poisson2d(5);
    for (const d of preconditioners()) {
      const P = createPreconditioner(A, d.name)! as Preconditioner & { update(A: CsrMatrix): void; refactor(A: CsrMatrix): void };
      const Q = createPreconditioner(A, d.name)! as typeof P;
      A.scale(1.5);
      P.update(A);
      Q.refactor(A);
      const r = randomVector(A.rows, 2);
      expect(Array.from(apply(Q, r)), d.name).toEqual(Array.from(apply(P, r)));
      expect(P.isStale(A) || Q.isStale(A)).toBe(false);
      P.dispose();
      Q.dispose();
    }
    A.dispose();
  });

  it('SpgemmProduct.update and TripleProduct.update (recompute kept as an alias)', () => {
    const A = poisson2d(4), B = poisson2d(4);
    const p = SpgemmProduct.compute(A, B);
    const t = TripleProduct.compute(A, A, B);
    A.scale(2);
    p.update(A, B);
    t.update(A, A, B);
    const fresh = SpgemmProduct.compute(A, B), freshT = TripleProduct.compute(A, A, B);
    expect(Array.from(p.matrix.values)).toEqual(Array.from(fresh.matrix.values));
    expect(Array.from(t.matrix.values)).toEqual(Array.from(freshT.matrix.values));
    B.scale(0.5);
    p.recompute(A, B);
    t.recompute(A, A, B);
    const f2 = SpgemmProduct.compute(A, B);
    expect(Array.from(p.matrix.values)).toEqual(Array.from(f2.matrix.values));
    for (const o of [p, t, fresh, freshT, f2, A, B]) o.dispose();
  });
});
