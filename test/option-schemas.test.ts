// The session's and the preconditioners' options go through the one validator (src/options.ts):
// every refusal is an InvalidArgumentError that names where, the key and the value, and leaks nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, poisson2d, SolverSession, createPreconditioner, analyzeIlu0, JacobiPreconditioner,
  ChebyshevPreconditioner, IlutPreconditioner, SsorPreconditioner, Ic0Preconditioner, InvalidArgumentError,
  checkSessionSpec, type SparseRuntime,
} from '../src/index.js';
import { thrown } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

/** f throws an InvalidArgumentError with this message (exact string, or matching a RegExp) */
function refusal(f: () => unknown, message: string | RegExp): void {
  const e = thrown(f);
  expect(e).toBeInstanceOf(InvalidArgumentError);
  if (typeof message === 'string') expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
}

describe('session options', () => {
  it('are refused in the one format, naming where, and leak nothing', () => {
    const A = poisson2d(4);
    const before = rt.stats().liveAllocations;
    refusal(() => new SolverSession(A, { tol: 1 } as never),
      /^SolverSession: unknown option "tol" \(known: method, precond, precondOptions, .*rtol, atol, maxIterations, history, onIteration, signal\)$/);
    refusal(() => new SolverSession(A, { x0: [1] } as never), 'SolverSession: x0 is given per solve, not when the session is made');
    refusal(() => new SolverSession(A, { signal: {} as never }), 'SolverSession: option signal must be an AbortSignal, got an object');
    refusal(() => new SolverSession(A, { method: 'qmr' as never }), /^SolverSession: unknown method "qmr" \(a string\): expected 'auto', 'cg'/);
    refusal(() => new SolverSession(A, { rtol: -1 }), 'SolverSession: option rtol must be a finite number >= 0, got -1');
    refusal(() => new SolverSession(A, { precond: 5 as never }), 'SolverSession: option precond must be a preconditioner name, a function or a Preconditioner, got 5');
    // a precondOptions key is checked even when the chosen preconditioner does not read it
    refusal(() => new SolverSession(A, { method: 'gmres', precond: 'ilu0', precondOptions: { omega: 2 } }), 'precondOptions: option omega must be a number in (0, 2), got 2');
    refusal(() => new SolverSession(A, { precondOptions: { bogus: 1 } as never }),
      'precondOptions: unknown option "bogus" (known: pivot, omega, matching, dropTolerance, maxFill, degree, eigenSteps, frozen)');
    const s = new SolverSession(A, { method: 'cg' });
    refusal(() => s.solve(new Float64Array(A.rows), null, { onIteration: 5 as never }), 'SolverSession.solve: option onIteration must be a function, got 5');
    refusal(() => s.update({ values: A.values, extra: 1 } as never), /^SolverSession.update: unknown option "extra" \(known: values, matrix\)$/);
    s.dispose();
    refusal(() => SolverSession.fromSpec(A, {}, { rtol: 1 } as never), 'session hooks: unknown option "rtol" (known: precond, onIteration, signal)');
    expect(rt.stats().liveAllocations).toBe(before);
    A.dispose();
  });

  it('a session spec refuses live objects before kinds, and unknown keys in the one format', () => {
    refusal(() => checkSessionSpec({ signal: new AbortController().signal }), 'session spec: signal is a live object, give it in the hooks, not the spec');
    refusal(() => checkSessionSpec({ maxIterations: 2.5 }), 'session spec: option maxIterations must be an integer >= 0, got 2.5');
    refusal(() => checkSessionSpec({ precondOptions: [] }), 'session spec: option precondOptions must be an object, got an Array');
    refusal(() => checkSessionSpec({ precond: 5 }), 'session spec: option precond must be a string, got 5');
    refusal(() => checkSessionSpec({ precond: 'amg' }), /^session spec: unknown preconditioner "amg": expected 'auto', 'none', 'jacobi'/);
    refusal(() => checkSessionSpec({ precond: (() => {}) as never }), /^session spec: spec.precond is not plain data .*goes in the hooks$/);
  });
});

describe('preconditioner options', () => {
  it('each class checks its own keys and values in the one format, and leaks nothing', () => {
    const A = poisson2d(4);
    const before = rt.stats().liveAllocations;
    // Jacobi read its options unchecked before
    refusal(() => new JacobiPreconditioner(A, { pivto: 'error' } as never), 'jacobi: unknown option "pivto" (known: pivot, absolute)');
    refusal(() => new JacobiPreconditioner(A, { absolute: 'yes' as never }), 'jacobi: option absolute must be true or false, got "yes" (a string)');
    refusal(() => new IlutPreconditioner(A, { maxFill: 2.5 }), 'ilut: option maxFill must be an integer >= 0 (or Infinity), got 2.5');
    refusal(() => new IlutPreconditioner(A, { dropTolerance: Infinity }), 'ilut: option dropTolerance must be a finite number >= 0, got Infinity');
    refusal(() => new SsorPreconditioner(A, { omega: 2 }), 'ssor: option omega must be a number in (0, 2), got 2');
    refusal(() => new SsorPreconditioner(A, { pivot: 'ignore' as never }), "ssor: option pivot must be 'shift' or 'error', got \"ignore\" (a string)");
    refusal(() => new ChebyshevPreconditioner(A, { degree: 101 }), 'chebyshev: option degree must be an integer in [1, 100], got 101');
    refusal(() => new ChebyshevPreconditioner(A, { eigenSteps: 1 }), 'chebyshev: option eigenSteps must be an integer in [2, 500], got 1');
    refusal(() => new Ic0Preconditioner(A, { analysis: {} as never }), 'ic0: option analysis must be an analysis from analyzeIc0 / analyzeIlu0, got an object');
    refusal(() => createPreconditioner(A, 'ssor', { omega: '1.2' as never }), 'precondOptions: option omega must be a number in (0, 2), got "1.2" (a string)');
    expect(rt.stats().liveAllocations).toBe(before);
    A.dispose();
  });

  it('accepts the edges and the defaults', () => {
    const A = poisson2d(4);
    const analysis = analyzeIlu0(A);
    for (const P of [
      new IlutPreconditioner(A, { maxFill: Infinity, dropTolerance: 0 }),
      new IlutPreconditioner(A, { maxFill: 0, pivot: undefined }),
      new SsorPreconditioner(A, { omega: 1.999 }),
      new ChebyshevPreconditioner(A, { degree: 100, eigenSteps: 2 }),
      new JacobiPreconditioner(A, { absolute: true, pivot: 'error' }),
      new Ic0Preconditioner(A, { analysis }),
    ]) {
      expect(P.n).toBe(A.rows);
      P.dispose();
    }
    const S = new SsorPreconditioner(A);
    expect(S.info.omega).toBe(1);
    expect(S.info.pivot).toBe('shift');
    S.dispose();
    analysis.dispose();
    A.dispose();
  });
});
