// The solver pool in Node (worker_threads): results bitwise equal to a SolverSession on the main
// thread (same wasm build, same arithmetic), resident matrices and their update order, typed
// errors across the worker boundary, cancellation through the shared flag (a timer aborts a long
// solve, which stops within a bounded number of iterations), timeouts.
// Failure isolation, the bounded queue and shutdown are in pool-failures.test.ts.
// The workers run dist/pool/worker.js: `npm run build` first (npm test does it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  init, poisson2d, CsrMatrix, SolverSession, DimensionMismatchError, NonFiniteValueError, SparseFormatError,
  InvalidArgumentError, DisposedError, SparseError, createSolverPool, type SolverPool, type SolveResult,
} from '../src/index.js';
import { convectionDiffusion2d, diffusion2d, gaussianField } from '../src/sequence/generators.js';

let pool: SolverPool;
beforeAll(async () => {
  await init();
  pool = await createSolverPool({ workers: 2 });
});
afterAll(async () => {
  await pool?.terminate();
});

function rhs(n: number, seed: number): Float64Array {
  return new Float64Array(n).map((_, i) => Math.sin(seed * 0.37 + i * 0.11) + 0.25 * Math.cos(i * seed));
}

/** true when a and b hold the same float64 bits */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new BigUint64Array(a.buffer, a.byteOffset, a.length), ub = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

function expectSameResult(p: SolveResult, l: SolveResult): void {
  expect({ reason: p.reason, iterations: p.iterations, method: p.method, precond: p.precond, residualReplacements: p.residualReplacements })
    .toEqual({ reason: l.reason, iterations: l.iterations, method: l.method, precond: l.precond, residualReplacements: l.residualReplacements });
  expect(p.x).toBeInstanceOf(Float64Array);
  expect(sameBits(p.x, l.x)).toBe(true);
  expect(p.history).toEqual(l.history);
  expect(p.residualNorm).toBe(l.residualNorm);
}

/** residual of A x = b recomputed in plain JS from CSR arrays */
function relResidual(A: CsrMatrix, x: Float64Array, b: Float64Array): number {
  const rp = A.rowPtr.slice(), ci = A.colIdx.slice(), v = A.values.slice();
  let r2 = 0, b2 = 0;
  for (let i = 0; i < A.rows; i++) {
    let s = 0;
    for (let k = rp[i]; k < rp[i + 1]; k++) s += v[k] * x[ci[k]];
    r2 += (b[i] - s) ** 2;
    b2 += b[i] ** 2;
  }
  return Math.sqrt(r2 / b2);
}

describe('SolverPool: results equal to the synchronous session', () => {
  const cases = [
    { name: 'CG + IC(0), Poisson 40x40', make: () => poisson2d(40), options: { method: 'cg', precond: 'ic0' } },
    { name: 'GMRES(20) + ILU(0), convection-diffusion 30x30', make: () => CsrMatrix.fromCsr(...csrArgs(convectionDiffusion2d(30, 3, -2))), options: { method: 'gmres', precond: 'ilu0', restart: 20 } },
    { name: 'BiCGSTAB + Jacobi, convection-diffusion 25x25', make: () => CsrMatrix.fromCsr(...csrArgs(convectionDiffusion2d(25, 1, 1))), options: { method: 'bicgstab', precond: 'jacobi', rtol: 1e-10 } },
    { name: 'auto, variable-coefficient diffusion 32x32', make: () => CsrMatrix.fromCsr(...csrArgs(diffusion2d(32, gaussianField(32, 5).map(Math.exp)))), options: {} },
  ] as const;

  for (const c of cases) {
    for (const placement of ['one', 'all'] as const) {
      it(`${c.name}, placement ${placement}: bitwise equal x, same iterations and history`, async () => {
        const A = c.make();
        const h = await pool.load(A, { placement });
        expect(h.workers).toEqual(placement === 'all' ? [0, 1] : [h.workers[0]]);
        const local = new SolverSession(A, c.options);
        try {
          const bs = [1, 2, 3].map((s) => rhs(A.rows, s));
          const remote = await Promise.all(bs.map((b) => pool.solve(h, b, c.options)));
          for (let k = 0; k < bs.length; k++) {
            const l = local.solve(bs[k]);
            expect(l.converged).toBe(true);
            expectSameResult(remote[k], l);
            expect(relResidual(A, remote[k].x, bs[k])).toBeLessThan(1e-7);
          }
        } finally {
          local.dispose();
          A.dispose();
          await h.dispose();
        }
      });
    }
  }

  it('x0, tolerances and history off are honoured as in the session', async () => {
    const A = poisson2d(30);
    const h = await pool.load(A);
    const b = rhs(A.rows, 7), x0 = rhs(A.rows, 8);
    const o = { method: 'cg', precond: 'jacobi', rtol: 1e-4, history: false } as const;
    const r = await pool.solve(h, b, { ...o, x0 });
    const s = new SolverSession(A, o);
    expectSameResult(r, s.solve(b, x0));
    expect(r.history).toEqual([]);
    s.dispose();
    A.dispose();
    await h.dispose();
  });

  it('accepts CSR arrays under both namings and a session per setup spec on one matrix', async () => {
    const arrays = convectionDiffusion2d(20, 2, 1);
    const h1 = await pool.load(arrays);
    const h2 = await pool.load({ rows: arrays.rows, cols: arrays.cols, rowPtr: arrays.indptr, colIdx: arrays.indices, values: arrays.data });
    expect(h1.nnz).toBe(arrays.data.length);
    const A = CsrMatrix.fromCsr(...csrArgs(arrays));
    const b = rhs(A.rows, 3);
    for (const o of [{ method: 'gmres', precond: 'ilu0' }, { method: 'bicgstab', precond: 'ilu0' }, { method: 'gmres', precond: 'ilu0' }] as const) {
      const [r1, r2] = await Promise.all([pool.solve(h1, b, o), pool.solve(h2, b, o)]);
      const s = new SolverSession(A, o);
      const l = s.solve(b);
      expectSameResult(r1, l);
      expectSameResult(r2, l);
      s.dispose();
    }
    A.dispose();
    await Promise.all([h1.dispose(), h2.dispose()]);
  });

  it('update({ values }) applies to solves given after it; solves given before see the old values', async () => {
    const N = 24;
    const k1 = gaussianField(N, 11).map(Math.exp), k2 = gaussianField(N, 12).map(Math.exp);
    const a1 = diffusion2d(N, k1), a2 = diffusion2d(N, k2);
    for (const placement of ['one', 'all'] as const) {
      const h = await pool.load(a1, { placement });
      const b = rhs(N * N, 5);
      const o = { method: 'cg', precond: 'ic0' } as const;
      // given in this order without awaiting: before, update, after
      const before = pool.solve(h, b, o);
      const updated = h.update({ values: a2.data });
      const after = pool.solve(h, b, o);
      const [rb, , ra] = await Promise.all([before, updated, after]);
      const A1 = CsrMatrix.fromCsr(...csrArgs(a1)), A2 = CsrMatrix.fromCsr(...csrArgs(a2));
      const s1 = new SolverSession(A1, o), s2 = new SolverSession(A2, o);
      expectSameResult(rb, s1.solve(b));
      expectSameResult(ra, s2.solve(b));
      for (const x of [s1, s2, A1, A2]) x.dispose();
      await h.dispose();
    }
  });

  it('a recycling method keeps its recycle space in the worker between solves, as a session does', async () => {
    const A = poisson2d(30);
    const h = await pool.load(A);
    const o = { method: 'gcrodr', precond: 'jacobi', restart: 20, recycle: 6 } as const;
    const s = new SolverSession(A, o);
    for (let k = 0; k < 3; k++) {
      const b = rhs(A.rows, 20 + k);
      expectSameResult(await pool.solve(h, b, o), s.solve(b));
    }
    s.dispose();
    A.dispose();
    await h.dispose();
  });
});

describe('SolverPool: typed errors cross the worker boundary', () => {
  it('bad input rejects its own promise with the named class, fields kept; the pool keeps serving', async () => {
    const bad = pool.load({ rows: 3, cols: 3, rowPtr: [0, 1, 2, 3], colIdx: [0, 7, 2], values: [1, 1, 1] });
    await expect(bad).rejects.toBeInstanceOf(SparseFormatError);
    await expect(bad).rejects.toThrow(/column index 7/);
    // raised in the worker (CsrMatrix.fromCsr): the worker's stack is kept below the main side's
    const e = await bad.catch((x: Error) => x);
    expect(e).toBeInstanceOf(SparseError);
    expect(e.name).toBe('SparseFormatError');
    expect(e.stack).toMatch(/--- in the worker ---/);

    const A = poisson2d(10);
    const h = await pool.load(A);
    await expect(pool.solve(h, [1, 2, 3])).rejects.toBeInstanceOf(DimensionMismatchError);
    const nan = rhs(100, 1);
    nan[17] = NaN;
    const eNan = await pool.solve(h, nan).catch((x: Error) => x);
    expect(eNan).toBeInstanceOf(NonFiniteValueError);
    expect(eNan.message).toMatch(/b\[17\]/);
    await expect(pool.solve(h, rhs(100, 1), { method: 'nope' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(pool.solve(h, rhs(100, 1), { colour: 'red' } as never)).rejects.toThrow(/unknown option "colour"/);
    await expect(h.update({ values: [1, 2] })).rejects.toBeInstanceOf(DimensionMismatchError);
    // MINRES with ILU(0) is refused by the session constructor, in the worker
    await expect(pool.solve(h, rhs(100, 1), { method: 'minres', precond: 'ilu0' })).rejects.toBeInstanceOf(InvalidArgumentError);
    const ok = await pool.solve(h, rhs(100, 2), { method: 'cg' });
    expect(ok.converged).toBe(true);
    await h.dispose();
    await h.dispose(); // idempotent
    await expect(pool.solve(h, rhs(100, 1))).rejects.toBeInstanceOf(DisposedError);
    A.dispose();
  });

  it('a factorization failure in the worker keeps its row field', async () => {
    // IC(0) with pivot: 'error' on an indefinite matrix
    const A = CsrMatrix.fromDense([[1, 2, 0], [2, 1, 0], [0, 0, 1]]);
    const h = await pool.load(A);
    const e = await pool.solve(h, [1, 1, 1], { method: 'cg', precond: 'ic0', precondOptions: { pivot: 'error' } }).catch((x) => x);
    expect(e.name).toBe('FactorizationError');
    expect(typeof e.row).toBe('number');
    expect(e).toBeInstanceOf(SparseError);
    A.dispose();
    await h.dispose();
  });
});

describe('SolverPool: cancellation', () => {
  // CG without preconditioner on a 300 x 300 Poisson grid to rtol 1e-14: thousands of iterations
  // (seconds); the timer fires ~50 ms after the first progress report
  const N = 300;
  let big: CsrMatrix;
  beforeAll(() => {
    big = poisson2d(N);
  });
  afterAll(() => big?.dispose());

  it('an AbortSignal stops a running solve within a few iterations; reason aborted; the worker stays usable', async () => {
    expect(pool.cancellation).toBe('shared-flag');
    const h = await pool.load(big);
    const ac = new AbortController();
    let seen = 0, seenAtAbort = -1, abortAt = 0;
    const reached: { iteration: number; at: number }[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const r = await pool.solve(h, new Float64Array(big.rows).fill(1), {
      method: 'cg', precond: 'none', rtol: 1e-14, maxIterations: 100_000, signal: ac.signal, progressIntervalMs: 0,
      onProgress: (p) => {
        seen = p.iteration;
        reached.push(p);
        timer ??= setTimeout(() => {
          seenAtAbort = seen;
          abortAt = performance.timeOrigin + performance.now();
          ac.abort();
        }, 50);
      },
    });
    expect(r.reason).toBe('aborted');
    expect(r.converged).toBe(false);
    expect(r.detail).toMatch(/aborted by the signal/);
    if (process.env.POOL_DEBUG) console.log('abort: seen at abort', seenAtAbort, 'stopped at', r.iterations);
    expect(seenAtAbort).toBeGreaterThan(0);
    // progress is posted every iteration with the time the worker reached it: the iterations done
    // after the abort (the flag is read every iteration) are those reached after abortAt
    expect(r.iterations).toBeGreaterThanOrEqual(seenAtAbort);
    const before = reached.filter((p) => p.at <= abortAt).map((p) => p.iteration);
    const lastBefore = before.length ? Math.max(...before) : 0;
    expect(lastBefore).toBeGreaterThan(0);
    if (process.env.POOL_DEBUG) console.log('iterations after the abort:', r.iterations - lastBefore);
    expect(r.iterations - lastBefore).toBeLessThanOrEqual(5); // 1 in practice; slack for the two threads' clocks
    expect(r.iterations).toBeLessThan(100_000);
    expect(r.history.length).toBe(r.iterations);
    // the worker (and its session for this matrix) serves the next solve normally
    const small = poisson2d(20);
    const hs = await pool.load(small);
    const b = rhs(small.rows, 4);
    const s = new SolverSession(small, { method: 'cg', precond: 'ic0' });
    expectSameResult(await pool.solve(hs, b, { method: 'cg', precond: 'ic0' }), s.solve(b));
    const again = await pool.solve(h, new Float64Array(big.rows).fill(1), { method: 'cg', precond: 'none', rtol: 1e-3 });
    expect(again.converged).toBe(true);
    s.dispose();
    small.dispose();
    await Promise.all([h.dispose(), hs.dispose()]);
  });

  it('timeoutMs stops a long solve (reason aborted, detail names the timeout)', async () => {
    const h = await pool.load(big);
    const r = await pool.solve(h, new Float64Array(big.rows).fill(1), { method: 'cg', precond: 'none', rtol: 1e-14, maxIterations: 100_000, timeoutMs: 300 });
    expect(r.reason).toBe('aborted');
    expect(r.detail).toMatch(/timed out after 300 ms/);
    expect(r.iterations).toBeLessThan(100_000);
    await h.dispose();
  });

  it('a signal aborted before the solve starts gives an aborted result after 0 iterations; other solves are untouched', async () => {
    const A = poisson2d(20);
    const h = await pool.load(A);
    const ac = new AbortController();
    ac.abort();
    const b = rhs(A.rows, 9);
    const [r, other] = await Promise.all([pool.solve(h, b, { method: 'cg', signal: ac.signal }), pool.solve(h, b, { method: 'cg' })]);
    expect(r.reason).toBe('aborted');
    expect(r.iterations).toBe(0);
    expect(other.converged).toBe(true);
    A.dispose();
    await h.dispose();
  });

  it('an abort after the solve finished changes nothing (the flag names a task id)', async () => {
    const A = poisson2d(20);
    const h = await pool.load(A);
    const ac = new AbortController();
    const b = rhs(A.rows, 2);
    const first = await pool.solve(h, b, { method: 'cg', signal: ac.signal });
    ac.abort();
    const second = await pool.solve(h, b, { method: 'cg' });
    expect(first.converged && second.converged).toBe(true);
    expect(second.iterations).toBe(first.iterations);
    A.dispose();
    await h.dispose();
  });
});

function csrArgs(a: { rows: number; cols: number; indptr: Int32Array; indices: Int32Array; data: Float64Array }) {
  return [a.rows, a.cols, a.indptr, a.indices, a.data] as const;
}
