// The parts of a solve apart (issue 8, section 2): the operator (A, M), the stopping criteria and
// the monitor, each checked on its own.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, CsrMatrix, DisposedError, ReentrancyError, type SparseRuntime } from '../src/index.js';
import { KrylovOperator, SolveMonitor, StoppingCriteria, MAX_REPLACEMENTS } from '../src/solvers/context.js';
import { FunctionPreconditioner } from '../src/precond/user.js';
import { denseMul, randomSpdDense } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

describe('StoppingCriteria', () => {
  it('target, converged reasons and defaults', () => {
    const s = new StoppingCriteria();
    s.reset({}, 10);
    expect([s.rtol, s.atol, s.maxIterations, s.target, s.estimateTarget, s.bnorm]).toEqual([1e-8, 0, 10000, 1e-7, 1e-7, 10]);
    expect(s.met(2e-7)).toBeUndefined();
    expect(s.met(1e-7)).toBe('converged-rtol');
    s.reset({ rtol: 1e-8, atol: 1e-3, maxIterations: 5 }, 10);
    expect(s.target).toBe(1e-3);
    expect(s.met(5e-4)).toBe('converged-atol');
    expect(s.met(5e-8)).toBe('converged-rtol');
    expect(s.met(NaN)).toBeUndefined();
    s.reset({}, 0);
    expect(s.bnorm).toBe(1); // relative figures stay defined for b = 0
    expect(s.normB).toBe(0);
  });

  it('replace() tightens the estimate target, then gives up with a reason', () => {
    const s = new StoppingCriteria();
    s.reset({ rtol: 1e-6 }, 1);
    // the true residual is 4x the target: the estimate target drops to target / 8
    expect(s.replace(4e-6)).toBeUndefined();
    expect(s.estimateTarget).toBeCloseTo(1e-6 / 8, 20);
    // never by more than 1e-3 at a time
    expect(s.replace(1)).toBeUndefined();
    expect(s.estimateTarget).toBeCloseTo(1e-6 / 8 * 1e-3, 25);
    for (let i = 2; i < MAX_REPLACEMENTS; i++) expect(s.replace(1e-5)).toBeUndefined();
    expect(s.replace(1e-5)).toMatch(/stalls at 1\.000e-5 \(relative\) above the tolerance/);
    expect(s.replacements).toBe(MAX_REPLACEMENTS + 1);
    const zero = new StoppingCriteria(0);
    zero.reset({ rtol: 0, atol: 0 }, 2);
    expect(zero.replace(1e-17)).toMatch(/rtol = 0 and atol = 0 ask for a residual of exactly 0/);
  });
});

describe('SolveMonitor', () => {
  it('counts, records, reports relative residuals and stops on request or signal', () => {
    const m = new SolveMonitor();
    const seen: number[] = [];
    m.reset({ onIteration: (st) => { seen.push(st.relativeResidual); return st.iteration < 3; } }, 'gmres-estimate', 4);
    expect(m.tick(2)).toBe(false);
    expect(m.tick(1)).toBe(false);
    expect(m.tick(0.5)).toBe(true); // onIteration returned false
    expect(m.aborted).toBe(true);
    expect([m.iterations, m.history, seen, m.residualKind]).toEqual([3, [2, 1, 0.5], [0.5, 0.25, 0.125], 'gmres-estimate']);
    const ac = new AbortController();
    m.reset({ signal: ac.signal, history: false }, 'recursive-2-norm', 1);
    expect(m.aborted).toBe(false);
    expect(m.stopRequested()).toBe(false);
    ac.abort();
    expect(m.stopRequested()).toBe(true);
    expect(m.history).toBeUndefined();
  });

  it('guards the owner and the operands, and refuses re-entry while running', () => {
    const owner = { disposed: false };
    const m = new SolveMonitor(owner, 'Thing');
    let operandsChecked = 0;
    m.watch({ checkOperands: () => { operandsChecked++; } });
    m.guard();
    expect(operandsChecked).toBe(1);
    const inner = () => m.exclusive('solve', () => 1);
    expect(() => m.exclusive('solve', inner)).toThrow(ReentrancyError);
    expect(() => m.exclusive('solve', () => m.refuseReentry('update'))).toThrow(/Thing\.update\(\) was called from inside its own solve/);
    expect(m.exclusive('solve', () => 2)).toBe(2); // released after the throw
    owner.disposed = true;
    expect(() => m.guard()).toThrow(/the Thing was disposed during its own solve/);
  });
});

describe('KrylovOperator', () => {
  it('applies A and M through pointers, calls the guard after user code, and checks its operands', () => {
    const D = randomSpdDense(8, 0.4, 2);
    const A = CsrMatrix.fromDense(D);
    let guarded = 0;
    const M = new FunctionPreconditioner(rt, 8, (r, z) => { for (let i = 0; i < 8; i++) z[i] = 2 * r[i]; });
    const op = new KrylovOperator(rt, A, M, { guard: () => { guarded++; } }, 3);
    expect(op.precondVersion).toBe(3);
    const x = rt.alloc(64), y = rt.alloc(64);
    const xs = Float64Array.from({ length: 8 }, (_, i) => i - 3);
    rt.f64(x, 8).set(xs);
    op.spmv(x, y);
    const want = denseMul(D, xs);
    rt.f64(y, 8).forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
    op.precond(x, y);
    expect(Array.from(rt.f64(y, 8))).toEqual(Array.from(xs, (v) => 2 * v));
    expect(guarded).toBe(1);
    expect(op.dot(x, x)).toBeCloseTo(xs.reduce((s, v) => s + v * v, 0), 12);
    op.checkOperands();
    M.dispose();
    expect(() => op.checkOperands()).toThrow(/the preconditioner was disposed during the solve/);
    const bare = new KrylovOperator(rt, A, null, { guard: () => undefined });
    bare.precond(x, y); // no preconditioner: a copy
    expect(Array.from(rt.f64(y, 8))).toEqual(Array.from(xs));
    A.dispose();
    expect(() => bare.checkOperands()).toThrow(DisposedError);
    rt.free(x);
    rt.free(y);
  });
});
