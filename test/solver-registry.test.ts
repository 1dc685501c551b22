// The method registry (issue 8, section 2): every method is one descriptor, and the session, the
// option keys and the CLI's choices follow the registry.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, CsrMatrix, InvalidArgumentError, type SparseRuntime } from '../src/index.js';
import { SolverSession } from '../src/session/session.js';
import { METHOD_LIST, METHOD_NAMES, methodDescriptor, methodOptionSpecs } from '../src/solvers/registry.js';
import { defineMethod, type MethodWorkspace } from '../src/solvers/method.js';
import { runCg } from '../src/solvers/cg.js';
import { denseMul, randomSpdDense } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});
const live = () => { rt.releaseScratch(); return rt.stats().liveAllocations; };

describe('method registry', () => {
  it('lists each method once, with a complete descriptor', () => {
    expect(new Set(METHOD_NAMES).size).toBe(METHOD_NAMES.length);
    for (const name of ['cg', 'bicgstab', 'gmres', 'minres']) expect(METHOD_NAMES).toContain(name);
    for (const d of METHOD_LIST) {
      expect(methodDescriptor(d.name)).toBe(d);
      expect(['recursive-2-norm', 'gmres-estimate', 'minres-estimate', 'true-2-norm']).toContain(d.residualKind);
      expect(typeof d.run).toBe('function');
      expect(d.summary.length).toBeGreaterThan(10);
      const ws = d.workspace(100, Object.fromEntries(Object.entries(d.options).map(([k, o]) => [k, o.default])) as never);
      expect(Number.isInteger(ws.vectors) && ws.vectors >= 0).toBe(true);
      // option defaults are plain data (a session spec carries them to a worker)
      for (const o of Object.values(d.options)) {
        expect(JSON.parse(JSON.stringify({ v: o.default })).v).toEqual(o.default);
        expect(o.valid(o.default)).toBe(true);
      }
    }
    expect(methodDescriptor('nope')).toBeUndefined();
  });

  it('a key two methods declare has one default and one check', () => {
    const specs = methodOptionSpecs();
    for (const d of METHOD_LIST) {
      for (const [k, o] of Object.entries(d.options)) {
        expect(o.default).toEqual(specs.get(k)!.default);
        expect(o.expected).toBe(specs.get(k)!.expected);
      }
    }
  });

  it('GMRES workspace follows restart (clamped to n), and the residual kinds are the descriptors\'', () => {
    const g = methodDescriptor('gmres')!;
    expect(g.workspace(100, { restart: 40 })).toEqual({ vectors: 2, blocks: [41], scratch: 82 });
    expect(g.workspace(5, { restart: 40 })).toEqual({ vectors: 2, blocks: [6], scratch: 12 });
    const D = randomSpdDense(30, 0.2, 3);
    const A = CsrMatrix.fromDense(D);
    const b = denseMul(D, Float64Array.from({ length: 30 }, (_, i) => i + 1));
    for (const d of METHOD_LIST) {
      // SOR (a stationary method) takes no preconditioner; a direct method takes its own factorization
      const s = new SolverSession(A, { method: d.name, precond: d.factorization ? 'auto' : d.requires.preconditioner === 'none' || d.name === 'sor' ? 'none' : 'jacobi' });
      const r = s.solve(b);
      expect(r.method).toBe(d.name);
      expect(r.residualKind).toBe(d.residualKind);
      expect(r.converged).toBe(true);
      s.dispose();
    }
    A.dispose();
  });

  it('method options are checked whatever the method, and unknown methods name the registry', () => {
    const A = CsrMatrix.fromDense(randomSpdDense(10, 0.3, 4));
    expect(() => new SolverSession(A, { method: 'cg', restart: 0 })).toThrow(/restart must be an integer >= 1, got 0/);
    expect(() => new SolverSession(A, { method: 'nope' as never })).toThrow(InvalidArgumentError);
    expect(() => new SolverSession(A, { method: 'nope' as never })).toThrow(new RegExp(METHOD_NAMES.map((m) => `'${m}'`).join(', ')));
    A.dispose();
  });

  it('a descriptor written as the registry file says runs through the same machinery', () => {
    // what a new method file contains; run by hand here, as the session does with listed ones
    const cgCopy = defineMethod({
      name: 'cg-copy',
      summary: 'CG again, to check that a descriptor alone is enough',
      residualKind: 'recursive-2-norm',
      requires: { matrix: 'spd', preconditioner: 'spd', nonsingular: true },
      options: {},
      workspace: () => ({ vectors: 3 }),
      run: (ctx, ws: MethodWorkspace) => runCg(ctx, ws.vectors),
    });
    expect(cgCopy.workspace(10, {})).toEqual({ vectors: 3 });
    expect(cgCopy.name).toBe('cg-copy');
  });

  it('a session frees all its workspace, whatever the method', () => {
    const A = CsrMatrix.fromDense(randomSpdDense(20, 0.3, 5));
    const before = live();
    for (const d of METHOD_LIST) new SolverSession(A, { method: d.name, precond: 'none' }).dispose();
    expect(live()).toBe(before);
    A.dispose();
  });
});
