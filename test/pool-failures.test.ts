// Failure isolation, back-pressure and shutdown of the solver pool (Node worker_threads):
// a worker that dies (exit, uncaught error, wasm trap, out of memory) is replaced, the task it ran
// rejects with WorkerCrashedError (a trap: with the trap's own error), the tasks queued behind it
// and its resident matrices carry on in the replacement; the bounded queue rejects or waits;
// close() drains, terminate() stops now, and neither leaves a thread behind (counted in
// /proc/self/task on Linux); wasm memory of the workers is stable over many tasks.
import { readdirSync, existsSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  init, poisson2d, SolverSession, createSolverPool, WorkerCrashedError, QueueFullError, PoolClosedError,
  type SolverPool, type SolveResult,
} from '../src/index.js';

const pools: SolverPool[] = [];
async function makePool(options: Parameters<typeof createSolverPool>[0]): Promise<SolverPool> {
  const p = await createSolverPool(options);
  pools.push(p);
  return p;
}
afterEach(async () => {
  for (const p of pools.splice(0)) await p.terminate();
});
beforeAll(async () => {
  await init();
});

const rhs = (n: number, seed: number) => new Float64Array(n).map((_, i) => Math.sin(seed + i * 0.13));
const hasProcTasks = existsSync('/proc/self/task');
const threadCount = () => readdirSync('/proc/self/task').length;

function sameX(a: SolveResult, b: SolveResult): boolean {
  return a.iterations === b.iterations && a.x.length === b.x.length && a.x.every((v, i) => Object.is(v, b.x[i]));
}

describe('SolverPool: a dying worker is replaced', () => {
  for (const how of ['exit', 'oom'] as const) {
    it(`${how}: the running task rejects with WorkerCrashedError, queued tasks and resident matrices carry on`, async () => {
      const pool = await makePool({ workers: 1, ...(how === 'oom' ? { resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } } : {}) });
      const A = poisson2d(20);
      const h = await pool.load(A);
      const b = rhs(A.rows, 1);
      const local = new SolverSession(A, { method: 'cg', precond: 'ic0' }).solve(b);
      const before = pool.solve(h, b, { method: 'cg', precond: 'ic0' });
      const crash = pool.crashWorkerForTesting(0, how);
      // queued behind the crash: run by the replacement, which gets the matrix re-sent first
      const after = [1, 2, 3].map(() => pool.solve(h, b, { method: 'cg', precond: 'ic0' }));
      expect(sameX(await before, local)).toBe(true);
      const e = await crash.catch((x) => x);
      expect(e).toBeInstanceOf(WorkerCrashedError);
      expect(e.worker).toBe(0);
      expect(e.message).toMatch(/died while running this task/);
      for (const r of await Promise.all(after)) expect(sameX(r, local)).toBe(true);
      const [stats] = await pool.stats();
      expect(stats.matrices).toBe(1);
      A.dispose();
    });
  }

  it('an uncaught error in the worker: the task it runs rejects with WorkerCrashedError; replaced; the pool keeps serving', async () => {
    const pool = await makePool({ workers: 2 });
    const A = poisson2d(16);
    const h = await pool.load(A, { placement: 'all' });
    // the task never replies: an error thrown from a timer ends the worker while it runs
    const crashed = await pool.crashWorkerForTesting(1, 'throw').then(() => null, (e) => e);
    expect(crashed).toBeInstanceOf(WorkerCrashedError);
    expect(String(crashed.cause?.message)).toMatch(/deliberate uncaught error/);
    const results = await Promise.all(Array.from({ length: 6 }, (_, k) => pool.solve(h, rhs(A.rows, k), { method: 'cg' })));
    expect(results.every((r) => r.converged)).toBe(true);
    expect((await pool.stats()).map((s) => s.matrices)).toEqual([1, 1]);
    A.dispose();
  });

  it('a wasm trap inside a task rejects that task with the trap and replaces the worker', async () => {
    const pool = await makePool({ workers: 1 });
    const A = poisson2d(12);
    const h = await pool.load(A);
    const e = await pool.crashWorkerForTesting(0, 'trap').catch((x) => x);
    expect(e).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(e.message).toMatch(/out of bounds/);
    const r = await pool.solve(h, rhs(A.rows, 3), { method: 'cg' });
    expect(r.converged).toBe(true);
    // a fresh instance: only the reloaded matrix and its session are allocated
    const [s] = await pool.stats();
    expect(s.matrices).toBe(1);
    A.dispose();
  });

  it('a matrix loaded with transfer: true is lost with its worker; its solves say so', async () => {
    const pool = await makePool({ workers: 1 });
    const A = poisson2d(10);
    const arrays = { rows: A.rows, cols: A.cols, rowPtr: A.rowPtr.slice(), colIdx: A.colIdx.slice(), values: A.values.slice() };
    const h = await pool.load(arrays, { transfer: true });
    expect(arrays.values.length).toBe(0); // transferred: detached here
    await pool.crashWorkerForTesting(0, 'exit').catch(() => {});
    await expect(pool.solve(h, rhs(A.rows, 1))).rejects.toThrow(WorkerCrashedError);
    await expect(pool.solve(h, rhs(A.rows, 1))).rejects.toThrow(/transfer: true/);
    A.dispose();
  });
});

describe('SolverPool: bounded queue', () => {
  it("queueFull 'reject': a solve beyond maxQueue waiting rejects at once with QueueFullError", async () => {
    const pool = await makePool({ workers: 1, maxQueue: 2 });
    const A = poisson2d(60);
    const h = await pool.load(A);
    const o = { method: 'cg', precond: 'none', rtol: 1e-10 } as const;
    const running = pool.solve(h, rhs(A.rows, 0), o); // starts at once
    await new Promise((r) => setTimeout(r, 0));
    const queued = [pool.solve(h, rhs(A.rows, 1), o), pool.solve(h, rhs(A.rows, 2), o)];
    await expect(pool.solve(h, rhs(A.rows, 3), o)).rejects.toBeInstanceOf(QueueFullError);
    expect(pool.pending).toBe(3);
    const done = await Promise.all([running, ...queued]);
    expect(done.every((r) => r.converged)).toBe(true);
    // room again
    expect((await pool.solve(h, rhs(A.rows, 4), o)).converged).toBe(true);
    A.dispose();
  });

  it("queueFull 'wait': solves beyond maxQueue are held back, never more than maxQueue wait, all finish in order", async () => {
    const pool = await makePool({ workers: 2, maxQueue: 3, queueFull: 'wait' });
    const A = poisson2d(30);
    const h = await pool.load(A, { placement: 'all' });
    const o = { method: 'cg', precond: 'jacobi' } as const;
    let maxPending = 0;
    const promises = Array.from({ length: 20 }, (_, k) => {
      const p = pool.solve(h, rhs(A.rows, k), o);
      maxPending = Math.max(maxPending, pool.pending);
      return p;
    });
    expect(maxPending).toBe(20); // given, and held back beyond the queue: the promises are pending
    const results = await Promise.all(promises);
    const s = new SolverSession(A, o);
    results.forEach((r, k) => expect(sameX(r, s.solve(rhs(A.rows, k)))).toBe(true));
    s.dispose();
    expect(pool.pending).toBe(0);
    A.dispose();
  });
});

describe('SolverPool: shutdown and resources', () => {
  it.skipIf(!hasProcTasks)('close() drains the tasks given, refuses new ones, and leaves no thread behind', async () => {
    const base = threadCount();
    const pool = await createSolverPool({ workers: 2 });
    expect(threadCount()).toBeGreaterThanOrEqual(base + 2);
    const A = poisson2d(30);
    const h = await pool.load(A, { placement: 'all' });
    const given = Array.from({ length: 8 }, (_, k) => pool.solve(h, rhs(A.rows, k), { method: 'cg' }));
    const closed = pool.close();
    await expect(pool.solve(h, rhs(A.rows, 0))).rejects.toBeInstanceOf(PoolClosedError);
    await expect(pool.load(A)).rejects.toBeInstanceOf(PoolClosedError);
    const results = await Promise.all(given);
    expect(results.every((r) => r.converged)).toBe(true);
    await closed;
    expect(threadCount()).toBe(base);
    await pool.close(); // idempotent
    await pool.terminate();
    A.dispose();
  });

  it.skipIf(!hasProcTasks)('terminate() stops now: running and queued solves reject with PoolClosedError, no thread left', async () => {
    const base = threadCount();
    const pool = await createSolverPool({ workers: 1 });
    const A = poisson2d(200);
    const h = await pool.load(A);
    const o = { method: 'cg', precond: 'none', rtol: 1e-14, maxIterations: 100_000 } as const;
    const running = pool.solve(h, new Float64Array(A.rows).fill(1), o).catch((e) => e);
    const queued = pool.solve(h, new Float64Array(A.rows).fill(1), o).catch((e) => e);
    await new Promise((r) => setTimeout(r, 50));
    await pool.terminate();
    expect(await running).toBeInstanceOf(PoolClosedError);
    expect(await queued).toBeInstanceOf(PoolClosedError);
    expect(threadCount()).toBe(base);
    A.dispose();
  });

  it('wasm memory of the workers is stable over many tasks (load, solve, update, dispose)', async () => {
    const pool = await makePool({ workers: 2 });
    const A = poisson2d(24);
    const round = async (k: number) => {
      const h = await pool.load(A, { placement: k % 2 ? 'all' : 'one' });
      await Promise.all([1, 2, 3].map((s) => pool.solve(h, rhs(A.rows, s + k), { method: 'cg', precond: k % 3 ? 'ic0' : 'jacobi' })));
      await h.update({ values: A.values.slice().map((v) => v * 2) });
      await pool.solve(h, rhs(A.rows, k), { method: 'gmres', precond: 'ilu0' });
      await h.dispose();
    };
    for (let k = 0; k < 6; k++) await round(k); // warm-up: scratch buffers reach their size
    const warm = await pool.stats();
    for (let k = 6; k < 60; k++) await round(k);
    const later = await pool.stats();
    for (let w = 0; w < 2; w++) {
      expect(later[w].matrices).toBe(0);
      expect(later[w].sessions).toBe(0);
      expect(later[w].liveBytes).toBe(warm[w].liveBytes);
      expect(later[w].liveAllocations).toBe(warm[w].liveAllocations);
      expect(later[w].memoryBytes).toBe(warm[w].memoryBytes);
      expect(later[w].tasks).toBeGreaterThan(warm[w].tasks);
    }
    A.dispose();
  });
});
