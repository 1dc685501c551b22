import { describe, expect, it } from 'vitest';
import {
  init, getRuntime, poisson2d, CsrMatrix, SolverSession, solveSequence, SequenceError, varcoefSequence, heatMatrix, heatInitial, rotatingWindSequence,
  DimensionMismatchError, NonFiniteValueError, InvalidArgumentError, GalerkinGuess, DenseVector,
} from '../src/index.js';
import type { CsrArrays } from '../src/index.js';

await init();

const live = () => getRuntime().stats().liveAllocations;

describe('solveSequence', () => {
  it('solves a varcoef sequence: results in input order, totals add up, each x solves its system', async () => {
    const seq = varcoefSequence({ N: 12, count: 5 });
    const before = live();
    const seen: number[] = [];
    const res = await solveSequence(seq, { method: 'cg', precond: 'ic0', onSystem: (r) => seen.push(r.index) });
    expect(live()).toBe(before);
    expect(res.order).toEqual([0, 1, 2, 3, 4]);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(res.totals.systems).toBe(5);
    expect(res.totals.iterations).toBe(res.results.reduce((s, r) => s + r!.iterations, 0));
    for (let i = 0; i < 5; i++) {
      const r = res.results[i]!;
      expect(r.converged).toBe(true);
      // independent check of the residual with a matrix built here
      const { A, b } = seq.load(i);
      const M = CsrMatrix.fromCsr(A.rows, A.cols, A.indptr, A.indices, A.data);
      const Ax = M.multiply(r.x!);
      let num = 0, den = 0;
      for (let k = 0; k < b.length; k++) { num += (b[k] - Ax[k]) ** 2; den += b[k] ** 2; }
      expect(Math.sqrt(num / den)).toBeLessThanOrEqual(1.01e-8);
      M.dispose();
    }
    // the Galerkin guess projects on earlier solutions from the second system on
    expect(res.results[0]!.guessRank).toBe(0);
    expect(res.results[4]!.guessRank).toBeGreaterThan(0);
  });

  it('Galerkin and previous initial guesses cut iterations against zero on a slowly varying sequence', async () => {
    const seq = varcoefSequence({ N: 16, count: 8 });
    const it = async (initialGuess: 'zero' | 'previous' | 'galerkin') =>
      (await solveSequence(seq, { method: 'cg', precond: 'ic0', initialGuess })).totals.iterations;
    const zero = await it('zero'), prev = await it('previous'), gal = await it('galerkin');
    expect(prev).toBeLessThan(zero);
    expect(gal).toBeLessThan(prev);
    const energy = (await solveSequence(seq, { method: 'cg', precond: 'ic0', projection: 'energy' })).totals.iterations;
    expect(energy).toBeLessThan(prev);
    await expect(solveSequence(seq, { projection: 'a-norm' as never })).rejects.toThrow(InvalidArgumentError);
  });

  it('a fixed matrix with right-hand sides from a heat equation (generator reading the last solution)', async () => {
    const N = 10, A = heatMatrix(N, 2);
    const M = CsrMatrix.fromCsr(A.rows, A.cols, A.indptr, A.indices, A.data);
    let u = heatInitial(N);
    function* steps() { for (let t = 0; t < 6; t++) yield u; }
    const before = live();
    const res = await solveSequence(steps(), { matrix: M, method: 'cg', precond: 'ic0', onSystem: (r) => { u = r.x!; } });
    expect(live()).toBe(before);
    expect(res.totals.systems).toBe(6);
    // independent: the same time steps with separate solves
    let v = heatInitial(N);
    for (let t = 0; t < 6; t++) {
      const s = new SolverSession(M, { method: 'cg', precond: 'ic0' });
      v = s.solve(v).x;
      s.dispose();
      for (let k = 0; k < v.length; k++) expect(res.results[t]!.x![k]).toBeCloseTo(v[k], 6);
    }
    M.dispose();
  });

  it('a repeated system is solved by the Galerkin guess with no iteration', async () => {
    const A = poisson2d(8);
    const b = Array.from({ length: 64 }, (_, i) => Math.cos(i));
    const res = await solveSequence([b, b], { matrix: A, method: 'cg', precond: 'none' });
    expect(res.results[1]!.iterations).toBe(0);
    expect(res.results[1]!.guessRank).toBe(1);
    // minimum-residual guess for a nonsymmetric method
    const g = await solveSequence([b, b], { matrix: A, method: 'gmres', precond: 'none' });
    expect(g.results[1]!.iterations).toBe(0);
    A.dispose();
  });

  it('different patterns of the same size get a new session; CsrMatrix systems are not modified', async () => {
    const A1 = poisson2d(5);
    const dense = A1.toDense().map((r) => Array.from(r));
    dense[0][24] = -0.5; dense[24][0] = -0.5; // a new pattern, still SPD
    const A2 = CsrMatrix.fromDense(dense);
    const v1 = A1.values.slice();
    const b = new Float64Array(25).fill(1);
    const res = await solveSequence([{ A: A1, b }, { A: A2, b }, { A: A1, b }], { method: 'cg', precond: 'ic0' });
    expect(res.results.every((r) => r!.converged)).toBe(true);
    expect(Array.from(A1.values)).toEqual(Array.from(v1));
    A1.dispose(); A2.dispose();
  });

  it('recycle is carried to a recycling method (GCRO-DR): later systems start from the recycled space, also across a pattern change', async () => {
    const wind = rotatingWindSequence(10, 4, 2, 0.25);
    const sys = [0, 1, 2, 3].map((i) => wind.load(i));
    // system 2 with an extra entry: another pattern of the same size
    const A2 = sys[2].A, M2 = CsrMatrix.fromCsr(A2.rows, A2.cols, A2.indptr, A2.indices, A2.data);
    const extra = M2.toDense().map((r) => Array.from(r));
    extra[0][99] = -0.25;
    const E = CsrMatrix.fromDense(extra);
    sys[2] = { A: E.toCsrArrays(), b: sys[2].b };
    M2.dispose(); E.dispose();
    const before = live();
    const res = await solveSequence(sys, { method: 'gcrodr', restart: 12, recycle: 4, precond: 'none', initialGuess: 'zero' });
    expect(live()).toBe(before);
    expect(res.results.every((r) => r!.converged)).toBe(true);
    expect(res.results[0]!.recycle!.used).toBe(0);
    for (const i of [1, 2, 3]) expect(res.results[i]!.recycle!.used).toBeGreaterThan(0);
  });

  it('async iterables and { count, load } with async load', async () => {
    const seq = varcoefSequence({ N: 8, count: 3 });
    async function* gen() { for (let i = 0; i < 3; i++) yield seq.load(i); }
    const a = await solveSequence(gen(), { method: 'cg', precond: 'ic0' });
    const b = await solveSequence({ count: 3, load: async (i: number) => seq.load(i) }, { method: 'cg', precond: 'ic0' });
    expect(a.totals.iterations).toBe(b.totals.iterations);
    expect(a.totals.systems).toBe(3);
  });

  it('stops between systems when the signal is aborted', async () => {
    const seq = varcoefSequence({ N: 8, count: 4 });
    const ac = new AbortController();
    const res = await solveSequence(seq, { method: 'cg', signal: ac.signal, onSystem: (r) => { if (r.position === 1) ac.abort(); } });
    expect(res.aborted).toBe(true);
    expect(res.totals.systems).toBe(2);
    expect(res.results[2]).toBeUndefined();
  });
});

describe('solveSequence bad input: typed error naming the system, partial results, nothing leaked', () => {
  const seq = varcoefSequence({ N: 6, count: 4 });

  async function expectSequenceError(p: Promise<unknown>, index: number, cause: new (...a: never[]) => Error, solved: number) {
    const e = await p.then(() => null, (err) => err);
    expect(e).toBeInstanceOf(SequenceError);
    expect(e.index).toBe(index);
    expect(e.cause).toBeInstanceOf(cause);
    expect(e.message).toMatch(new RegExp(`system ${index}`));
    expect(e.partial.totals.systems).toBe(solved);
    expect(e.partial.results.filter(Boolean).length).toBe(solved);
    return e as SequenceError;
  }

  it('systems of different sizes', async () => {
    const before = live();
    const small = varcoefSequence({ N: 5, count: 1 }).load(0);
    const got: number[] = [];
    await expectSequenceError(
      solveSequence([seq.load(0), seq.load(1), small], { method: 'cg', onSystem: (r) => got.push(r.index) }),
      2, DimensionMismatchError, 2,
    );
    expect(got).toEqual([0, 1]);
    expect(live()).toBe(before);
  });

  it('a b of the wrong length, and a b with NaN', async () => {
    const before = live();
    const { A } = seq.load(0);
    await expectSequenceError(solveSequence([seq.load(0), { A, b: new Float64Array(35) }], { method: 'cg' }), 1, DimensionMismatchError, 1);
    const bad = new Float64Array(36).fill(1); bad[7] = NaN;
    await expectSequenceError(solveSequence([{ A, b: bad }], { method: 'cg' }), 0, NonFiniteValueError, 0);
    expect(live()).toBe(before);
  });

  it('a non-finite feature', async () => {
    const before = live();
    await expectSequenceError(
      solveSequence(seq, { method: 'cg', sort: 'greedy', features: (i) => [i === 2 ? Infinity : i] }),
      2, NonFiniteValueError, 0,
    );
    expect(live()).toBe(before);
  });

  it('a generator and a loader that throw half-way', async () => {
    const before = live();
    function* gen() { yield seq.load(0); yield seq.load(1); throw new RangeError('disk gone'); }
    const e = await expectSequenceError(solveSequence(gen(), { method: 'cg' }), 2, RangeError, 2);
    expect(e.partial.results[1]!.converged).toBe(true);
    await expectSequenceError(
      solveSequence({ count: 4, load: (i: number) => { if (i === 3) throw new RangeError('no'); return seq.load(i); } }, { method: 'cg' }),
      3, RangeError, 3,
    );
    // with sorting the fingerprints read every system first: the error comes before any solve
    await expectSequenceError(
      solveSequence({ count: 4, load: (i: number) => { if (i === 3) throw new RangeError('no'); return seq.load(i); } }, { method: 'cg', sort: 'greedy' }),
      3, RangeError, 0,
    );
    expect(live()).toBe(before);
  });

  it('an onSystem that throws stops the sequence', async () => {
    const before = live();
    await expectSequenceError(solveSequence(seq, { method: 'cg', onSystem: (r) => { if (r.index === 1) throw new TypeError('x'); } }), 1, TypeError, 2);
    expect(live()).toBe(before);
  });

  it('bad options are refused before any work', async () => {
    await expect(solveSequence(seq, { sort: 'random' as never })).rejects.toThrow(InvalidArgumentError);
    await expect(solveSequence(seq, { initialGuess: 'ones' as never })).rejects.toThrow(InvalidArgumentError);
    await expect(solveSequence(seq, { tune: { omega: [1.2] } })).rejects.toThrow(/ssor|sor/);
    await expect(solveSequence(seq, { precond: 'ssor', tune: { omega: [2.5] } })).rejects.toThrow(InvalidArgumentError);
    await expect(solveSequence([new Float64Array(36)], {})).rejects.toThrow(/matrix/);
    await expect(solveSequence(42 as never, {})).rejects.toThrow(InvalidArgumentError);
  });

  it('recycle on a method without a recycle space is refused naming the system', async () => {
    const e = await solveSequence(seq, { method: 'cg', recycle: 4 }).catch((x) => x);
    expect(e).toBeInstanceOf(SequenceError);
    expect(String(e.message)).toMatch(/recycle/);
  });
});

describe('GalerkinGuess', () => {
  it('gives the A-norm projection: exact when b is A times a combination of stored solutions', () => {
    const A = poisson2d(6), n = 36, rt = getRuntime();
    const g = new GalerkinGuess(rt, n, 3);
    const s1 = DenseVector.from(Array.from({ length: n }, (_, i) => Math.sin(i)));
    const s2 = DenseVector.from(Array.from({ length: n }, (_, i) => Math.cos(3 * i)));
    g.push(s1.ptr); g.push(s2.ptr); g.push(s1.ptr); // a dependent third vector is dropped
    const target = Array.from({ length: n }, (_, i) => 2 * Math.sin(i) - 0.5 * Math.cos(3 * i));
    const b = DenseVector.from(A.multiply(target)), x0 = DenseVector.zeros(n);
    for (const kind of ['energy', 'residual'] as const) {
      expect(g.guess(A, b.ptr, x0.ptr, kind)).toBe(2);
      for (let i = 0; i < n; i++) expect(x0.data[i]).toBeCloseTo(target[i], 10);
    }
    g.dispose(); s1.dispose(); s2.dispose(); b.dispose(); x0.dispose(); A.dispose();
  });

  it('with a fixed operator reuses A s, appends new solutions and rebuilds from the newest half when full', () => {
    const A = poisson2d(6), n = 36, rt = getRuntime();
    const g = new GalerkinGuess(rt, n, 2);
    const vecs = [1, 2, 3].map((f) => DenseVector.from(Array.from({ length: n }, (_, i) => Math.sin(f * (i + 1)))));
    const x0 = DenseVector.zeros(n);
    const rhsOf = (coef: number[]) => DenseVector.from(A.multiply(Array.from({ length: n }, (_, i) => coef.reduce((s, c, j) => s + c * vecs[j].data[i], 0))));
    const close = (coef: number[]) => {
      for (let i = 0; i < n; i++) expect(x0.data[i]).toBeCloseTo(coef.reduce((s, c, j) => s + c * vecs[j].data[i], 0), 10);
    };
    let spmvs = 0;
    const orig = A.multiplyPtr.bind(A);
    A.multiplyPtr = (x: number, y: number) => { spmvs++; orig(x, y); };
    g.push(vecs[0].ptr);
    const b1 = rhsOf([1.5]);
    expect(g.guess(A, b1.ptr, x0.ptr, 'energy')).toBe(1);
    close([1.5]);
    g.push(vecs[1].ptr);
    const b2 = rhsOf([1, -2]);
    expect(g.guess(A, b2.ptr, x0.ptr, 'energy')).toBe(2);
    close([1, -2]);
    expect(spmvs).toBe(2); // one per solution: A v1 was kept
    // full (q = 2), same operator: rebuilt from the newest half, {v3}
    g.push(vecs[2].ptr);
    const b3only = rhsOf([0, 0, 3]);
    expect(g.guess(A, b3only.ptr, x0.ptr, 'energy')).toBe(1);
    close([0, 0, 3]);
    expect(spmvs).toBe(3);
    // another projection: rebuilt from every stored solution {v2, v3}, their products reused
    const b3 = rhsOf([0, 1, 3]);
    expect(g.guess(A, b3.ptr, x0.ptr, 'residual')).toBe(2);
    close([0, 1, 3]);
    expect(spmvs).toBe(3);
    // new values: every product is recomputed
    A.scale(2);
    expect(g.guess(A, b3.ptr, x0.ptr, 'energy')).toBe(2);
    close([0, 0.5, 1.5]);
    expect(spmvs).toBe(5);
    g.dispose(); x0.dispose(); b1.dispose(); b2.dispose(); b3.dispose(); b3only.dispose(); for (const v of vecs) v.dispose(); A.dispose();
  });
});

describe('learned relaxation in solveSequence', () => {
  it('tunes SSOR omega per system and records the trace; SOR too', async () => {
    const seq = varcoefSequence({ N: 8, count: 12, sigma: 0.5 });
    const grid = [1, 1.3, 1.6, 1.9];
    const res = await solveSequence(seq, { method: 'cg', precond: 'ssor', initialGuess: 'zero', tune: { omega: grid } });
    expect(res.tuning!.learner).toBe('model');
    expect(res.tuning!.trace.length).toBe(12);
    for (const t of res.tuning!.trace) {
      expect(grid).toContain(t.omega);
      expect(res.results[t.index]!.omega).toBe(t.omega);
      expect(res.results[t.index]!.precondInfo.omega).toBe(t.omega);
    }
    const ctx = await solveSequence(seq, {
      method: 'sor', initialGuess: 'zero', rtol: 1e-6, tune: { omega: grid, context: (i) => [i] },
    });
    expect(ctx.tuning!.learner).toBe('contextual');
    expect(ctx.results.every((r) => r!.converged)).toBe(true);
  });
});

// keep the CsrArrays type import used (the generators' output type is public)
const _typeCheck: CsrArrays | undefined = undefined;
void _typeCheck;
