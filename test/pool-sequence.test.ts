// Chunks of a sequence on the worker pool: `pool.solveChunk` gives per-system results equal to
// `runChunk` run here on the same chunk (same iterations, bitwise equal x), a system that cannot be
// read fails alone there too; and `sparse-wasm sequence --chunk K --workers N` equals the same
// chunking run locally (`--chunk K` without workers, and solveChunked in this process).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { init, createSolverPool, varcoefSequence, CsrMatrix, type SolverPool, type CsrArrays } from '../src/index.js';
import { runChunk, solveChunked, planChunks, isFailedSystem, type ChunkEntry } from '../src/sequence/chunks.js';

let pool: SolverPool;
beforeAll(async () => {
  await init();
  pool = await createSolverPool({ workers: 2 });
});
afterAll(async () => {
  await pool?.terminate();
});

function sameEntry(p: ChunkEntry, l: ChunkEntry): void {
  expect({ index: p.index, position: p.position }).toEqual({ index: l.index, position: l.position });
  if (isFailedSystem(l)) {
    expect(p).toEqual(l);
    return;
  }
  if (isFailedSystem(p)) throw new Error(`system ${p.index} failed in the pool: ${p.error.message}`);
  expect({ iterations: p.iterations, reason: p.reason, guessRank: p.guessRank, initialGuess: p.initialGuess })
    .toEqual({ iterations: l.iterations, reason: l.reason, guessRank: l.guessRank, initialGuess: l.initialGuess });
  expect(p.relativeResidual).toBe(l.relativeResidual);
  expect(p.x!.length).toBe(l.x!.length);
  expect(p.x!.every((v, i) => Object.is(v, l.x![i]))).toBe(true);
}

describe('SolverPool.solveChunk', () => {
  const seq = varcoefSequence({ N: 16, count: 8 });
  const systems = Array.from({ length: seq.count }, (_, i) => seq.load(i));

  for (const options of [
    { method: 'cg', precond: 'ic0', initialGuess: 'galerkin' },
    { method: 'gcrodr', precond: 'ilu0', recycle: 6, restart: 20 },
  ] as const) {
    it(`${options.method}: per-system results equal runChunk here (bitwise x), chunks in parallel`, async () => {
      const chunks = planChunks([7, 2, 5, 0, 1, 6, 3, 4], 3);
      let start = 0;
      const jobs = chunks.map((chunk) => {
        const s = start;
        start += chunk.length;
        return { chunk, start: s };
      });
      const events: ChunkEntry[] = [];
      const remote = await Promise.all(jobs.map(({ chunk, start: s }) =>
        pool.solveChunk({ systems: chunk.map((i) => systems[i]), indices: chunk, start: s }, { ...options, onSystem: (e) => events.push(e) })));
      for (let k = 0; k < jobs.length; k++) {
        const local = await runChunk(systems, jobs[k].chunk, { ...options, start: jobs[k].start });
        expect(remote[k].results.length).toBe(local.results.length);
        remote[k].results.forEach((e, j) => sameEntry(e, local.results[j]));
        expect(remote[k].totals.iterations).toBe(local.totals.iterations);
      }
      // onSystem ran on this thread for every system, without x
      expect(events.map((e) => e.index).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(events.every((e) => (e as { x?: unknown }).x === undefined)).toBe(true);
    });
  }

  it('a system that could not be read fails alone, as in a local chunk; a fixed matrix with right-hand sides', async () => {
    const broken = Object.assign(new Error('vc3.mtx: line 4: bad entry'), { name: 'FileError' });
    const chunkSystems = [systems[2], broken, systems[4]];
    const remote = await pool.solveChunk({ systems: chunkSystems, indices: [2, 3, 4] }, { method: 'cg', precond: 'ic0' });
    const local = await runChunk({ count: 8, load: (i) => { if (i === 3) throw broken; return systems[i]; } }, [2, 3, 4], { method: 'cg', precond: 'ic0' });
    remote.results.forEach((e, j) => sameEntry(e, local.results[j]));
    expect(remote.results[1]).toMatchObject({ index: 3, error: { name: 'FileError', message: 'vc3.mtx: line 4: bad entry' } });
    expect(remote.totals.failed).toBe(1);

    const A = CsrMatrix.fromCsr(systems[0].A.rows, systems[0].A.cols, systems[0].A.indptr, systems[0].A.indices, systems[0].A.data);
    const bs = [1, 2, 3].map((s) => new Float64Array(A.rows).map((_, i) => Math.sin(s + i)));
    const r2 = await pool.solveChunk({ systems: bs.map((b) => ({ b })), matrix: A }, { method: 'cg', precond: 'jacobi' });
    const l2 = await runChunk(bs, [0, 1, 2], { method: 'cg', precond: 'jacobi', matrix: A });
    r2.results.forEach((e, j) => sameEntry(e, l2.results[j]));
    A.dispose();
  });

  it('refuses functions in the options (they cannot reach a worker)', async () => {
    await expect(pool.solveChunk({ systems: [systems[0]] }, { tune: { omega: [1, 1.5], context: () => [1] } } as never)).rejects.toThrow(/tune.context is a function/);
  });
});

describe('sparse-wasm sequence --workers', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'sparse-wasm-pool-seq-'));
  function writeMtx(name: string, A: CsrArrays): string {
    const lines = ['%%MatrixMarket matrix coordinate real general', `${A.rows} ${A.cols} ${A.data.length}`];
    for (let i = 0; i < A.rows; i++) for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) lines.push(`${i + 1} ${A.indices[p] + 1} ${A.data[p]}`);
    const f = path.join(tmp, name);
    writeFileSync(f, lines.join('\n') + '\n');
    return f;
  }
  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '', stderr = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { stdout += String(s); return true; });
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { stderr += String(s); return true; });
    try {
      return { code: await main(args), stdout, stderr };
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
  }
  const seq = varcoefSequence({ N: 12, count: 7 });
  const files = Array.from({ length: seq.count }, (_, i) => writeMtx(`vc${i}.mtx`, seq.load(i).A));
  const pick = (s: Record<string, unknown>) => ({
    iterations: s.iterations, reason: s.reason, relativeResidual: s.relativeResidual, chunk: s.chunk, position: s.position, error: s.error,
  });

  for (const sort of ['none', 'greedy'] as const) {
    it(`--sort ${sort}: --chunk 3 --workers 2 equals --chunk 3 run locally (and solveChunked here)`, async () => {
      const common = ['sequence', ...files, '--method', 'gcrodr', '--precond', 'ilu0', '--recycle', '4', '--sort', sort, '--chunk', '3', '--json'];
      const local = await cli(common);
      const pooled = await cli([...common, '--workers', '2']);
      expect(local.code).toBe(0);
      expect(pooled.code).toBe(0);
      const l = JSON.parse(local.stdout), p = JSON.parse(pooled.stdout);
      expect(p.workers).toBe(2);
      expect(p.chunks).toEqual({ size: 3, count: 3 });
      expect(l.chunks).toEqual(p.chunks);
      expect(p.order).toEqual(l.order);
      expect(p.systems.map(pick)).toEqual(l.systems.map(pick));
      expect(p.systems.every((s: { converged: boolean }) => s.converged)).toBe(true);
      expect(p.totals.iterations).toBe(l.totals.iterations);
      // the reference in this process
      const ref = await solveChunked({ count: seq.count, load: (i) => { const s = seq.load(i); return { A: s.A, b: multiplyOnes(s.A) }; } },
        { chunkSize: 3, sort, method: 'gcrodr', precond: 'ilu0', recycle: 4 });
      expect(ref.order).toEqual(p.order);
      expect(p.systems.map((s: { iterations: number }) => s.iterations)).toEqual(ref.results.map((r) => (r as { iterations: number }).iterations));
      expect(pooled.stderr).toMatch(/chunk \d\/3 done: 3 solved, 0 failed/);
    });
  }

  it('--workers 2 without --chunk splits evenly; a bad file fails alone (exit 1 after the output)', async () => {
    const bad = path.join(tmp, 'bad.mtx');
    writeFileSync(bad, '%%MatrixMarket matrix coordinate real general\n144 144 1\n1 1 nope\n');
    const list = [...files.slice(0, 3), bad, ...files.slice(3)];
    const pooled = await cli(['sequence', ...list, '--method', 'cg', '--precond', 'ic0', '--workers', '2', '--json']);
    const local = await cli(['sequence', ...list, '--method', 'cg', '--precond', 'ic0', '--chunk', '4', '--json']);
    expect(pooled.code).toBe(1);
    expect(local.code).toBe(1);
    const p = JSON.parse(pooled.stdout), l = JSON.parse(local.stdout);
    expect(p.chunks).toEqual({ size: 4, count: 2 });
    expect(p.systems.map(pick)).toEqual(l.systems.map(pick));
    expect(p.systems[3].error.message).toMatch(/bad\.mtx/);
    expect(p.totals.failed).toBe(1);
    expect(pooled.stderr).toMatch(/1 of 8 systems failed/);
    expect(local.stderr).toMatch(/1 of 8 systems failed/);
  });

  it('refuses --workers 0, and --workers with --queue', async () => {
    const r = await cli(['sequence', ...files, '--workers', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers needs an integer >= 1/);
    const q = await cli(['sequence', ...files, '--workers', '2', '--queue', 'redis://127.0.0.1:6379']);
    expect(q.code).toBe(2);
    expect(q.stderr).toMatch(/do not go together/);
  });
});

/** b = A * ones as the CLI makes it (the wasm SpMV: same rounding) */
function multiplyOnes(a: CsrArrays): Float64Array {
  const A = CsrMatrix.fromCsr(a.rows, a.cols, a.indptr, a.indices, a.data);
  const y = A.multiply(new Float64Array(a.cols).fill(1));
  A.dispose();
  return y;
}
