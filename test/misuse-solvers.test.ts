// Misuse of sessions and preconditioners (issue 7, items 4.1, 4.2, 4.3, 4.10): disposal from inside
// a solve's callbacks, re-entrant calls, disposed preconditioners, leaks on failed construction.
// Every case must end with a typed error, leave the wasm heap intact (a later solve is right) and
// leak nothing (the runtime's live-allocation count returns to where it was).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  init, createRuntime, CsrMatrix, DisposedError, FactorizationError, ReentrancyError, WasmMemoryError,
  JacobiPreconditioner, ChebyshevPreconditioner, Ic0Preconditioner, Ilu0Preconditioner, IlutPreconditioner,
  SsorPreconditioner, FunctionPreconditioner, FactorPreconditioner, type SparseRuntime, type Preconditioner,
} from '../src/index.js';
import { SolverSession } from '../src/session/session.js';
import type { MethodName } from '../src/solvers/types.js';
import { applyPreconditioner, denseMul, denseSolve, diffNorm, randomSpdDense } from './helpers.js';

let rt: SparseRuntime;
let baseline = 0;
beforeAll(async () => {
  rt = await init();
});

const D = randomSpdDense(40, 0.1, 11);
const xTrue = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i + 1));
const b = denseMul(D, xTrue);
const METHODS: MethodName[] = ['cg', 'bicgstab', 'gmres', 'minres'];

/** live wasm allocations, not counting the runtime's reusable scratch buffers (those are no leak) */
const live = (r: SparseRuntime = rt) => { r.releaseScratch(); return r.stats().liveAllocations; };

/** A fresh, independent solve is still correct: the heap was not corrupted. */
function heapStillWorks(): void {
  const A = CsrMatrix.fromDense(D);
  const s = new SolverSession(A, { method: 'gmres', precond: 'ilu0' });
  const r = s.solve(b, null, { rtol: 1e-12 });
  expect(r.reason).toBe('converged-rtol');
  expect(diffNorm(r.x, denseSolve(D, b))).toBeLessThan(1e-9);
  s.dispose();
  A.dispose();
}

/** Runs `body` and expects it to throw an instance of `type`; returns the error. */
function thrown(type: new (...a: never[]) => Error, body: () => unknown): Error {
  let err: unknown;
  try { body(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(type);
  return err as Error;
}

describe('4.1: disposal and re-entrant calls from inside a solve', () => {
  beforeAllCases();
  function beforeAllCases() {
    // every test starts from the live-allocation count before it and must come back to it
    afterEach(() => {
      expect(live()).toBe(baseline);
      heapStillWorks();
      expect(live()).toBe(baseline);
    });
  }
  const start = () => { baseline = live(); };

  for (const method of METHODS) {
    for (const precond of ['none', 'jacobi', 'user'] as const) {
      it(`${method} + ${precond}: dispose() in onIteration stops the solve with DisposedError`, () => {
        start();
        const A = CsrMatrix.fromDense(D);
        const pc = precond === 'user' ? (r: Float64Array, z: Float64Array) => z.set(r) : precond;
        const s = new SolverSession(A, { method, precond: pc });
        let calls = 0;
        const e = thrown(DisposedError, () => s.solve(b, null, {
          onIteration: (st) => { calls++; if (st.iteration === 3) s.dispose(); },
        }));
        expect(e.message).toMatch(/SolverSession was disposed during its own solve/);
        expect(calls).toBe(3); // not one iteration after the dispose
        expect(s.disposed).toBe(true);
        expect(() => s.solve(b)).toThrow(DisposedError);
        A.dispose();
      });
    }
  }

  it('a FunctionPreconditioner that disposes the session: DisposedError, nothing written to freed memory', () => {
    start();
    const A = CsrMatrix.fromDense(D);
    let applies = 0;
    const s: SolverSession = new SolverSession(A, {
      method: 'gmres',
      precond: (r, z) => { z.set(r); if (++applies === 4) s.dispose(); },
    });
    thrown(DisposedError, () => s.solve(b));
    expect(applies).toBe(4);
    A.dispose();
  });

  it('a Preconditioner object of the user whose applyPtr disposes the session: DisposedError', () => {
    start();
    const A = CsrMatrix.fromDense(D);
    let applies = 0;
    const M: Preconditioner = {
      name: 'user', n: 40, runtime: rt, symmetric: true, info: {},
      applyPtr(r: number, z: number) {
        rt.exports.copy(40, r, z);
        if (++applies === 3) s.dispose(); // after its own write: z was still the session's
      },
      isStale: () => false, refactor: () => {}, dispose: () => {},
    };
    const s: SolverSession = new SolverSession(A, { method: 'bicgstab', precond: M });
    thrown(DisposedError, () => s.solve(b));
    expect(applies).toBe(3);
    A.dispose();
  });

  it('a FunctionPreconditioner that disposes A: DisposedError naming the matrix', () => {
    start();
    const A = CsrMatrix.fromDense(D);
    const s = new SolverSession(A, { method: 'bicgstab', precond: (r, z) => { z.set(r); A.dispose(); } });
    const e = thrown(DisposedError, () => s.solve(b));
    expect(e.message).toMatch(/matrix A was disposed/);
    expect(() => s.solve(b)).toThrow(DisposedError); // a session without its matrix cannot solve
    s.dispose();
  });

  for (const method of METHODS) {
    it(`${method}: A.dispose() in onIteration stops the solve with DisposedError`, () => {
      start();
      const A = CsrMatrix.fromDense(D);
      const s = new SolverSession(A, { method, precond: 'chebyshev' });
      const e = thrown(DisposedError, () => s.solve(b, null, { onIteration: (st) => { if (st.iteration === 2) A.dispose(); } }));
      expect(e.message).toMatch(/matrix A was disposed/);
      s.dispose();
    });
  }

  it('a preconditioner object disposed in onIteration: DisposedError', () => {
    start();
    const A = CsrMatrix.fromDense(D);
    const P = new JacobiPreconditioner(A);
    const s = new SolverSession(A, { method: 'cg', precond: P });
    const e = thrown(DisposedError, () => s.solve(b, null, { onIteration: (st) => { if (st.iteration === 2) P.dispose(); } }));
    expect(e.message).toMatch(/preconditioner was disposed/);
    s.dispose();
    A.dispose();
  });

  it('a preconditioner object disposed between two solves: the next solve throws DisposedError', () => {
    start();
    const A = CsrMatrix.fromDense(D);
    const P = new ChebyshevPreconditioner(A);
    const s = new SolverSession(A, { method: 'cg', precond: P });
    expect(s.solve(b).reason).toBe('converged-rtol');
    P.dispose();
    thrown(DisposedError, () => s.solve(b));
    s.dispose();
    A.dispose();
  });

  it('a disposed preconditioner object is refused when the session is made', () => {
    start();
    const A = CsrMatrix.fromDense(D);
    const P = new JacobiPreconditioner(A);
    P.dispose();
    thrown(DisposedError, () => new SolverSession(A, { method: 'cg', precond: P }));
    A.dispose();
  });

  it('an abort listener that disposes the session: DisposedError', () => {
    start();
    const A = CsrMatrix.fromDense(D);
    const s = new SolverSession(A, { method: 'minres' });
    const ac = new AbortController();
    ac.signal.addEventListener('abort', () => s.dispose());
    thrown(DisposedError, () => s.solve(b, null, { signal: ac.signal, onIteration: (st) => { if (st.iteration === 2) ac.abort(); } }));
    A.dispose();
  });

  it('an abort without disposal still ends as reason "aborted"', () => {
    start();
    const A = CsrMatrix.fromDense(D);
    const s = new SolverSession(A, { method: 'cg' });
    const ac = new AbortController();
    const r = s.solve(b, null, { signal: ac.signal, onIteration: (st) => { if (st.iteration === 2) ac.abort(); } });
    expect(r.reason).toBe('aborted');
    expect(r.iterations).toBe(2);
    s.dispose();
    A.dispose();
  });

  for (const method of METHODS) {
    it(`${method}: solve() and update() from onIteration are refused with ReentrancyError; the outer solve is unharmed`, () => {
      start();
      const A = CsrMatrix.fromDense(D);
      const s = new SolverSession(A, { method, precond: 'jacobi' });
      const errors: unknown[] = [];
      const r = s.solve(b, null, {
        rtol: 1e-11,
        onIteration: (st) => {
          if (st.iteration !== 2) return;
          for (const call of [() => s.solve(new Float64Array(40).fill(1)), () => s.update({ values: new Float64Array(A.nnz).fill(1) })]) {
            try { call(); } catch (e) { errors.push(e); }
          }
        },
      });
      expect(errors).toHaveLength(2);
      for (const e of errors) {
        expect(e).toBeInstanceOf(ReentrancyError);
        expect((e as Error).message).toMatch(/inside its own solve/);
      }
      // neither b, x nor A's values were touched by the refused calls
      expect(r.reason).toBe('converged-rtol');
      expect(diffNorm(r.x, xTrue)).toBeLessThan(1e-8);
      // and the session works normally afterwards
      expect(s.solve(b, null, { rtol: 1e-11 }).reason).toBe('converged-rtol');
      s.dispose();
      A.dispose();
    });
  }

  it('another session may solve from inside onIteration (only the same session is refused)', () => {
    start();
    const A = CsrMatrix.fromDense(D);
    const outer = new SolverSession(A, { method: 'cg', precond: 'ic0' });
    const inner = new SolverSession(A, { method: 'gmres', precond: 'ilu0' });
    const innerX: Float64Array[] = [];
    const r = outer.solve(b, null, {
      rtol: 1e-11,
      onIteration: (st) => { if (st.iteration <= 2) innerX.push(inner.solve(b, null, { rtol: 1e-11 }).x); },
    });
    expect(r.reason).toBe('converged-rtol');
    expect(diffNorm(r.x, xTrue)).toBeLessThan(1e-8);
    expect(innerX).toHaveLength(2);
    for (const x of innerX) expect(diffNorm(x, xTrue)).toBeLessThan(1e-8);
    outer.dispose();
    inner.dispose();
    A.dispose();
  });

  it('an error thrown by onIteration propagates and leaves the session usable', () => {
    start();
    const A = CsrMatrix.fromDense(D);
    const s = new SolverSession(A, { method: 'gmres' });
    expect(() => s.solve(b, null, { onIteration: () => { throw new RangeError('user'); } })).toThrow(RangeError);
    const r = s.solve(b, null, { rtol: 1e-11 });
    expect(r.reason).toBe('converged-rtol');
    expect(diffNorm(r.x, xTrue)).toBeLessThan(1e-8);
    s.dispose();
    A.dispose();
  });
});

const applyJs = (P: Preconditioner, r: ArrayLike<number>): Float64Array => applyPreconditioner(P, r, rt);

describe('4.2 and 4.10: a disposed preconditioner or session is refused, getters included', () => {
  const builders: [string, (A: CsrMatrix) => Preconditioner][] = [
    ['jacobi', (A) => new JacobiPreconditioner(A)],
    ['chebyshev', (A) => new ChebyshevPreconditioner(A)],
    ['ic0', (A) => new Ic0Preconditioner(A)],
    ['ilu0', (A) => new Ilu0Preconditioner(A)],
    ['ilut', (A) => new IlutPreconditioner(A)],
    ['ssor', (A) => new SsorPreconditioner(A)],
    ['factor', (A) => { const L = lowerOf(A); try { return new FactorPreconditioner(L); } finally { L.dispose(); } }],
    ['user', () => new FunctionPreconditioner(rt, 40, (r, z) => z.set(r))],
  ];
  for (const [name, make] of builders) {
    it(`${name}: applyPtr and info after dispose throw DisposedError`, () => {
      const A = CsrMatrix.fromDense(D);
      const before = live();
      const P = make(A);
      const r = Float64Array.from({ length: 40 }, (_, i) => i + 1);
      expect(applyJs(P, r).every(Number.isFinite)).toBe(true);
      expect(typeof P.info).toBe('object');
      P.dispose();
      P.dispose(); // idempotent
      expect(live()).toBe(before);
      expect(() => applyJs(P, r)).toThrow(DisposedError);
      expect(() => P.info).toThrow(DisposedError);
      expect(() => P.isStale(A)).toThrow(DisposedError);
      expect(() => P.refactor(A)).toThrow(DisposedError);
      A.dispose();
    });
  }

  it('chebyshev and ssor refuse to apply once the matrix they use was disposed', () => {
    for (const make of [(A: CsrMatrix) => new ChebyshevPreconditioner(A), (A: CsrMatrix) => new SsorPreconditioner(A)]) {
      const A = CsrMatrix.fromDense(D);
      const P = make(A);
      A.dispose();
      expect(() => applyJs(P, new Float64Array(40).fill(1))).toThrow(DisposedError);
      P.dispose();
    }
  });

  it('session.precondInfo after dispose throws DisposedError', () => {
    const A = CsrMatrix.fromDense(D);
    const s = new SolverSession(A, { method: 'cg', precond: 'ic0' });
    expect(s.precondInfo.shift).toBe(0);
    s.dispose();
    expect(() => s.precondInfo).toThrow(DisposedError);
    A.dispose();
  });
});

/** the lower triangle of A (with its diagonal) as a CsrMatrix */
function lowerOf(A: CsrMatrix): CsrMatrix {
  const ri: number[] = [], ci: number[] = [], v: number[] = [];
  for (let i = 0; i < D.length; i++) for (let j = 0; j <= i; j++) if (D[i][j] !== 0) { ri.push(i); ci.push(j); v.push(D[i][j]); }
  return CsrMatrix.fromCoo(A.rows, A.cols, ri, ci, v);
}

describe('4.3: nothing leaks when construction throws', () => {
  it('1,000 failing JacobiPreconditioner(pivot: "error") constructions leave no live allocation', () => {
    const Z = CsrMatrix.fromCoo(3, 3, [0, 1, 2, 0], [0, 1, 2, 2], [1, 0, 2, 1]); // zero at (1, 1)
    const before = live();
    for (let i = 0; i < 1000; i++) {
      const e = thrown(FactorizationError, () => new JacobiPreconditioner(Z, { pivot: 'error' }));
      expect((e as FactorizationError).row).toBe(1);
    }
    expect(live()).toBe(before);
    // the same through a session
    for (let i = 0; i < 10; i++) {
      thrown(FactorizationError, () => new SolverSession(Z, { method: 'gmres', precond: 'jacobi', precondOptions: { pivot: 'error' } }));
    }
    expect(live()).toBe(before);
    Z.dispose();
  });

  it('a failed Jacobi refactor keeps the old, complete inverse diagonal (never half-updated)', () => {
    const A = CsrMatrix.fromCoo(3, 3, [0, 1, 2], [0, 1, 2], [2, 4, 8]);
    const P = new JacobiPreconditioner(A, { pivot: 'error' });
    A.setValues([1, 0, 1]);
    thrown(FactorizationError, () => P.refactor(A));
    expect(P.isStale(A)).toBe(true);
    expect(Array.from(applyJs(P, [1, 1, 1]))).toEqual([0.5, 0.25, 0.125]);
    P.dispose();
    A.dispose();
  });

  it('out of wasm memory part-way through a constructor: WasmMemoryError and nothing leaked', async () => {
    // a small runtime (2 MiB at most) so that the preconditioners' and session's buffers run out
    const small = await createRuntime({ initialMemoryMiB: 1, maximumMemoryMiB: 2 });
    const n = 40000;
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    const A = CsrMatrix.fromCoo(n, n, idx, idx, new Float64Array(n).fill(2), { runtime: small });
    A.prepareSpmv();
    const before = live(small);
    const makers: [string, () => unknown][] = [
      ['chebyshev', () => new ChebyshevPreconditioner(A)],
      ['jacobi x many', () => { const ps: JacobiPreconditioner[] = []; try { for (;;) ps.push(new JacobiPreconditioner(A)); } finally { for (const p of ps) p.dispose(); } }],
      ['session gmres', () => new SolverSession(A, { method: 'gmres', precond: 'none', restart: 10 })],
      ['session bicgstab + jacobi', () => new SolverSession(A, { method: 'bicgstab', precond: 'jacobi' })],
      ['factor', () => {
        const ballast = small.alloc(600_000); // so that the factor's copies do not fit
        try { return new FactorPreconditioner(A); } finally { small.free(ballast); }
      }],
    ];
    for (const [name, make] of makers) {
      let err: unknown;
      try { make(); } catch (e) { err = e; }
      expect(err, name).toBeInstanceOf(WasmMemoryError);
      expect(live(small), name).toBe(before);
    }
    A.dispose();
  });
});
