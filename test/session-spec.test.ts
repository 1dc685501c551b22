// Issue 8 section 2: the session as plain data (SessionSpec) plus live hooks, update({ matrix }),
// the recycle space slot, and one shape for timings.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, CsrMatrix, DimensionMismatchError, DisposedError, InvalidArgumentError, SingularMatrixError, type SparseRuntime,
} from '../src/index.js';
import { SolverSession } from '../src/session/session.js';
import { checkSessionSpec, splitSessionOptions, type SessionSpec } from '../src/session/spec.js';
import { RecycleSpace } from '../src/solvers/recycle.js';
import { denseMul, denseSolve, diffNorm, nonsymmetricDense, norm, randomSpdDense } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});
const live = () => { rt.releaseScratch(); return rt.stats().liveAllocations; };

/** An SPD system with b = A * ones. */
function spdSystem(n: number, seed: number) {
  const D = randomSpdDense(n, 0.2, seed);
  return { D, A: CsrMatrix.fromDense(D), b: denseMul(D, new Float64Array(n).fill(1)) };
}

describe('SessionSpec: the plain-data part of the options', () => {
  const full: SessionSpec = {
    method: 'gmres', precond: 'ilut', precondOptions: { dropTolerance: 1e-3, maxFill: 5, pivot: 'shift' },
    restart: 12, rtol: 1e-10, atol: 0, maxIterations: 500, history: false,
  };

  it('round-trips through JSON unchanged and makes the same session', () => {
    const back = JSON.parse(JSON.stringify(full)) as SessionSpec;
    expect(back).toEqual(full);
    expect(checkSessionSpec(back)).toBe(back);
    const D = nonsymmetricDense(50, 3);
    const A = CsrMatrix.fromDense(D);
    const b = denseMul(D, Float64Array.from({ length: 50 }, (_, i) => Math.cos(i)));
    const s1 = new SolverSession(A, full);
    const s2 = SolverSession.fromSpec(A, back);
    const r1 = s1.solve(b), r2 = s2.solve(b);
    expect(r2.iterations).toBe(r1.iterations);
    expect(Array.from(r2.x)).toEqual(Array.from(r1.x));
    expect(r1.converged).toBe(true);
    expect(r1.history).toEqual([]); // history: false came through
    // the session's own spec is data too, and rebuilds the same choice
    const spec = s1.spec;
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    expect(spec).toMatchObject({ method: 'gmres', precond: 'ilut', restart: 12, rtol: 1e-10 });
    const s3 = SolverSession.fromSpec(A, JSON.parse(JSON.stringify(spec)));
    expect(s3.solve(b).iterations).toBe(r1.iterations);
    for (const s of [s1, s2, s3]) s.dispose();
    A.dispose();
  });

  it('session.spec records what auto chose, with the method defaults filled in', () => {
    const D = randomSpdDense(30, 0.2, 5);
    const A = CsrMatrix.fromDense(D);
    const s = new SolverSession(A);
    expect(s.spec).toMatchObject({ method: 'cg', precond: 'ic0' });
    s.dispose();
    const g = new SolverSession(A, { method: 'gmres', precond: 'none' });
    expect(g.spec).toMatchObject({ method: 'gmres', precond: 'none', restart: 30 });
    g.dispose();
    // a caller's preconditioner is a hook: the spec has no precond
    const u = new SolverSession(A, { method: 'cg', precond: (r, z) => z.set(r) });
    expect(u.spec.precond).toBeUndefined();
    expect(u.precond).toBe('user');
    u.dispose();
    A.dispose();
  });

  it('refuses live objects, unknown keys and wrong types with typed errors', () => {
    expect(() => checkSessionSpec({ onIteration: () => undefined })).toThrow(/onIteration is a live object, give it in the hooks/);
    expect(() => checkSessionSpec({ signal: new AbortController().signal })).toThrow(InvalidArgumentError);
    expect(() => checkSessionSpec({ precond: (r: Float64Array, z: Float64Array) => z.set(r) })).toThrow(/spec\.precond is not plain data.*hooks/);
    expect(() => checkSessionSpec({ precondOptions: { omega: Infinity } })).toThrow(/spec\.precondOptions\.omega is not plain data/);
    expect(() => checkSessionSpec({ bogus: 1 })).toThrow(/session spec: unknown option "bogus"/);
    expect(() => checkSessionSpec({ x0: [1] })).toThrow(/session spec: unknown option "x0"/);
    expect(() => checkSessionSpec({ method: 'qmr' })).toThrow(/unknown method "qmr"/);
    expect(() => checkSessionSpec({ precond: 'amg' })).toThrow(/unknown preconditioner "amg"/);
    expect(() => checkSessionSpec({ restart: 2.5 })).toThrow(/restart must be an integer >= 1, got 2.5/);
    expect(() => checkSessionSpec({ rtol: '1e-8' })).toThrow(/rtol must be a finite number >= 0/);
    expect(() => checkSessionSpec(null)).toThrow(/session spec: options must be an object/);
    const A = CsrMatrix.fromDense(randomSpdDense(10, 0.3, 6));
    expect(() => SolverSession.fromSpec(A, { precond: 'jacobi' }, { precond: (r, z) => z.set(r) })).toThrow(/precond is given twice/);
    expect(() => SolverSession.fromSpec(A, {}, { rtol: 1 } as never)).toThrow(/session hooks: unknown option "rtol"/);
    A.dispose();
  });

  it('splitSessionOptions separates mixed options into spec and hooks', () => {
    const onIteration = () => undefined;
    const fn = (r: Float64Array, z: Float64Array) => z.set(r);
    const { spec, hooks } = splitSessionOptions({ method: 'cg', precond: fn as never, rtol: 1e-6, onIteration, restart: 5 });
    expect(spec).toEqual({ method: 'cg', rtol: 1e-6, restart: 5 });
    expect(hooks).toEqual({ precond: fn, onIteration });
    const named = splitSessionOptions({ precond: 'ic0' });
    expect(named.spec).toEqual({ precond: 'ic0' });
    expect(named.hooks).toEqual({});
  });

  it('hooks given to fromSpec run as in mixed options', () => {
    const D = randomSpdDense(40, 0.1, 7);
    const A = CsrMatrix.fromDense(D);
    const b = denseMul(D, new Float64Array(40).fill(1));
    let calls = 0;
    const s = SolverSession.fromSpec(A, { method: 'cg', precond: 'none' }, { onIteration: () => { calls++; } });
    const r = s.solve(b);
    expect(calls).toBe(r.iterations);
    expect(calls).toBeGreaterThan(0);
    s.dispose();
    A.dispose();
  });
});

describe('update({ matrix })', () => {
  it('new values on the same pattern, then a new pattern: each solve matches a fresh session', () => {
    const before = live();
    const D1 = nonsymmetricDense(60, 11), D2 = nonsymmetricDense(60, 12), D3 = nonsymmetricDense(60, 13, 0.3);
    D2.forEach((row, i) => row.forEach((_, j) => { if (D1[i][j] === 0) row[j] = 0; else if (row[j] === 0) row[j] = 0.25; }));
    const A1 = CsrMatrix.fromDense(D1), A2 = CsrMatrix.fromDense(D2), A3 = CsrMatrix.fromDense(D3);
    expect(A2.nnz).toBe(A1.nnz);
    expect(A3.nnz).not.toBe(A1.nnz);
    const b = Float64Array.from({ length: 60 }, (_, i) => Math.sin(i + 1));
    const s = new SolverSession(A1, { method: 'gmres', precond: 'ilu0', rtol: 1e-12 });
    s.solve(b);
    for (const [D, A] of [[D2, A2], [D3, A3]] as const) {
      s.update({ matrix: A });
      expect(s.A).toBe(A);
      const r = s.solve(b);
      expect(r.converged).toBe(true);
      expect(r.timings.setupMs).toBeGreaterThan(0); // the new preconditioner is this solve's setup
      expect(diffNorm(r.x, denseSolve(D, b)) / norm(denseSolve(D, b))).toBeLessThan(1e-9);
      const fresh = new SolverSession(A, { method: 'gmres', precond: 'ilu0', rtol: 1e-12 });
      const rf = fresh.solve(b);
      expect(r.iterations).toBe(rf.iterations);
      fresh.dispose();
    }
    s.dispose();
    for (const A of [A1, A2, A3]) A.dispose();
    expect(live()).toBe(before);
  });

  it('refuses another size, a disposed or structurally singular matrix, and leaves the session as it was', () => {
    const { D, A, b } = spdSystem(20, 14);
    const s = new SolverSession(A, { method: 'cg', precond: 'ic0' });
    const r0 = s.solve(b);
    const before = live();
    const small = CsrMatrix.fromDense(randomSpdDense(19, 0.2, 15));
    expect(() => s.update({ matrix: small })).toThrow(DimensionMismatchError);
    const gone = CsrMatrix.fromDense(D);
    gone.dispose();
    expect(() => s.update({ matrix: gone })).toThrow(DisposedError);
    const Ds = D.map((r) => Float64Array.from(r));
    for (let j = 0; j < 20; j++) { Ds[3][j] = 0; Ds[j][3] = 0; }
    const sing = CsrMatrix.fromDense(Ds);
    const e = (() => { try { s.update({ matrix: sing }); } catch (x) { return x; } })();
    expect(e).toBeInstanceOf(SingularMatrixError);
    expect((e as Error).message).toMatch(/row 3/);
    expect(() => s.update({ matrix: A, values: [] } as never)).toThrow(/one of \{ values \} or \{ matrix \}/);
    expect(() => s.update({ matrix: 'A' as never })).toThrow(/needs a CsrMatrix/);
    small.dispose();
    sing.dispose();
    expect(live()).toBe(before);
    expect(s.A).toBe(A);
    const r1 = s.solve(b);
    expect(r1.iterations).toBe(r0.iterations);
    expect(Array.from(r1.x)).toEqual(Array.from(r0.x));
    s.dispose();
    A.dispose();
  });

  it('a caller\'s preconditioner object is updated for the new values', () => {
    const D1 = randomSpdDense(30, 0.2, 16);
    const A1 = CsrMatrix.fromDense(D1);
    const D2 = D1.map((r, i) => r.map((v, j) => (i === j ? v * 2 : v)));
    const A2 = CsrMatrix.fromDense(D2);
    let applied = 0;
    const M = {
      name: 'user' as const, n: 30, runtime: rt, symmetric: true, info: {}, diag: new Float64Array(30),
      built: -1,
      applyPtr(r: number, z: number) { applied++; const rv = rt.f64(r, 30), zv = rt.f64(z, 30); for (let i = 0; i < 30; i++) zv[i] = rv[i] / this.diag[i]; },
      isStale(A: CsrMatrix) { return A.valuesVersion !== this.built || A !== this.for; },
      for: null as CsrMatrix | null,
      update(A: CsrMatrix) { this.diag.set(A.diagonal()); this.built = A.valuesVersion; this.for = A; },
      dispose() {},
    };
    M.update(A1);
    const s = new SolverSession(A1, { method: 'cg', precond: M as never });
    s.update({ matrix: A2 });
    expect(M.for).toBe(A2);
    const b = new Float64Array(30).fill(1);
    const r = s.solve(b);
    expect(r.converged).toBe(true);
    expect(applied).toBeGreaterThan(0);
    expect(diffNorm(r.x, denseSolve(D2, b))).toBeLessThan(1e-6);
    s.dispose();
    A1.dispose();
    A2.dispose();
  });
});

describe('recycle space slot', () => {
  it('reports what changed since it was built, and frees its memory', () => {
    const before = live();
    const A = CsrMatrix.fromDense(randomSpdDense(12, 0.3, 17));
    const B = A.clone();
    const op = (M: CsrMatrix, v = 0) => ({ A: M, precondVersion: v });
    const rs = new RecycleSpace(rt, 12, 3);
    expect(rs.k).toBe(0);
    expect(rs.status(op(A))).toBe('empty');
    rs.markBuilt(op(A), 2);
    expect(rs.k).toBe(2);
    expect(rs.status(op(A))).toBe('current');
    expect(rs.status(op(A, 1))).toBe('values-changed'); // the preconditioner was refactored
    expect(rs.status(op(B))).toBe('matrix-changed'); // same pattern, another matrix object
    A.setValues(Float64Array.from(A.values, (v) => 2 * v));
    expect(rs.status(op(A))).toBe('values-changed');
    expect(rs.column('C', 2) - rs.C).toBe(2 * 12 * 8);
    expect(() => rs.markBuilt(op(A), 4)).toThrow(/k must be an integer in \[0, 3\]/);
    const small = CsrMatrix.fromDense(randomSpdDense(5, 0.3, 18));
    expect(() => rs.markBuilt(op(small), 1)).toThrow(/built for n = 12/);
    rs.data = { anything: 1 };
    rs.invalidate();
    expect(rs.k).toBe(0);
    expect(rs.data).toBeUndefined();
    expect(rs.status(op(A))).toBe('empty');
    expect(rs.describe()).toEqual({ k: 0, capacity: 3, precision: 'f64' });
    rs.dispose();
    expect(() => rs.status(op(A))).toThrow(DisposedError);
    for (const M of [A, B, small]) M.dispose();
    expect(live()).toBe(before);
  });

  it('a session whose method keeps none has recycle null; a recycling method gets one, freed with the session', () => {
    const A = CsrMatrix.fromDense(nonsymmetricDense(40, 19));
    const s = new SolverSession(A, { method: 'gmres' });
    expect(s.recycle).toBeNull();
    s.dispose();
    const before = live();
    const g = new SolverSession(A, { method: 'gcrodr' as never, restart: 10, recycle: 4 } as never);
    const b = new Float64Array(40).fill(1);
    g.solve(b);
    const rs = g.recycle!;
    expect(rs).toBeInstanceOf(RecycleSpace);
    expect(rs.capacity).toBeGreaterThanOrEqual(4);
    expect(rs.status({ A, precondVersion: 0 })).not.toBe('size-changed');
    // a new matrix: the space keeps its vectors and says that the matrix changed
    const A2 = A.clone();
    g.update({ matrix: A2 });
    if (rs.k > 0) expect(rs.status({ A: A2, precondVersion: 0 })).toBe('matrix-changed');
    g.dispose();
    expect(rs.disposed).toBe(true);
    A2.dispose();
    expect(live()).toBe(before);
    A.dispose();
  });
});

describe('timings', () => {
  it('results carry timings { setupMs, solveMs } (flat fields kept as aliases); the session sums them', () => {
    const { A, b } = spdSystem(30, 20);
    const s = new SolverSession(A, { method: 'cg', precond: 'ic0' });
    const r1 = s.solve(b);
    expect(r1.timings.setupMs).toBe(s.timings.setupMs); // the first solve reports the session's setup
    expect(r1.setupMs).toBe(r1.timings.setupMs);
    expect(r1.solveMs).toBe(r1.timings.solveMs);
    expect(s.setupMs).toBe(s.timings.setupMs);
    const r2 = s.solve(b);
    expect(r2.timings.setupMs).toBe(0); // nothing rebuilt
    s.update({ values: Float64Array.from(A.values, (v) => v * 3) });
    const r3 = s.solve(b);
    expect(r3.timings.setupMs).toBeGreaterThan(0);
    const t = s.timings;
    expect(t.solveMs).toBeCloseTo(r1.timings.solveMs + r2.timings.solveMs + r3.timings.solveMs, 9);
    expect(t.updateMs).toBe(r3.timings.setupMs);
    t.solveMs = -1; // a copy: the session's own figures are not changed
    expect(s.timings.solveMs).toBeGreaterThanOrEqual(0);
    s.dispose();
    A.dispose();
  });
});
