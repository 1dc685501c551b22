// Chunks of a sequence (src/sequence/chunks.ts): planChunks cuts a solve order, runChunk solves
// one chunk with its own session and recycle space, solveChunked is the local reference run.
// The reference for a chunk is solveSequence on the chunk's systems alone, in the chunk's order.
import { describe, expect, it } from 'vitest';
import {
  init, planChunks, runChunk, solveChunked, sequenceOrder, solveSequence, varcoefSequence, isFailedSystem,
  InvalidArgumentError, CsrMatrix, type SequenceSystemResult, type ChunkEntry,
} from '../src/index.js';

await init();

const seq = varcoefSequence({ N: 10, count: 9 });
const systems = Array.from({ length: seq.count }, (_, i) => seq.load(i));
const opts = { method: 'gcrodr', restart: 12, recycle: 4, precond: 'none', rtol: 1e-9 } as const;

/** The fields a chunk and its reference must agree on exactly (timings aside). */
function numbers(r: ChunkEntry | SequenceSystemResult | undefined) {
  expect(r).toBeDefined();
  expect(isFailedSystem(r)).toBe(false);
  const s = r as SequenceSystemResult;
  return { iterations: s.iterations, converged: s.converged, residualNorm: s.residualNorm, guessRank: s.guessRank, recycled: s.recycle?.used, x: Array.from(s.x!) };
}

/** ||b - A x|| / ||b|| computed here from the CSR arrays. */
function relResidual(A: { rows: number; indptr: Int32Array; indices: Int32Array; data: Float64Array }, x: Float64Array, b: ArrayLike<number>): number {
  let r2 = 0, b2 = 0;
  for (let i = 0; i < A.rows; i++) {
    let s = 0;
    for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) s += A.data[p] * x[A.indices[p]];
    r2 += (b[i] - s) ** 2;
    b2 += b[i] ** 2;
  }
  return Math.sqrt(r2 / b2);
}

describe('planChunks', () => {
  it('cuts the order into runs of consecutive systems, the last one holding the remainder', () => {
    expect(planChunks([4, 2, 0, 1, 3], 2)).toEqual([[4, 2], [0, 1], [3]]);
    expect(planChunks([4, 2, 0, 1, 3], 5)).toEqual([[4, 2, 0, 1, 3]]);
    expect(planChunks([4, 2, 0, 1, 3], 100)).toEqual([[4, 2, 0, 1, 3]]);
    expect(planChunks(new Int32Array([1, 0]), 1)).toEqual([[1], [0]]);
    expect(planChunks([], 3)).toEqual([]);
  });
  it('refuses a bad chunk size, a repeated or invalid index', () => {
    for (const size of [0, -1, 1.5, NaN, '2']) expect(() => planChunks([0, 1], size as number)).toThrow(InvalidArgumentError);
    expect(() => planChunks([0, 1, 0], 2)).toThrow(/system 0 appears twice/);
    expect(() => planChunks([0, -1], 2)).toThrow(InvalidArgumentError);
    expect(() => planChunks([0, 0.5], 2)).toThrow(InvalidArgumentError);
    expect(() => planChunks(null as unknown as number[], 2)).toThrow(InvalidArgumentError);
  });
});

describe('runChunk', () => {
  it('equals solveSequence on the chunk alone: same iterations, residuals, guesses and x; index and position refer to the whole order', async () => {
    const chunk = [5, 3, 4, 6];
    const got = await runChunk(systems, chunk, { ...opts, start: 4 });
    const ref = await solveSequence(chunk.map((i) => systems[i]), opts);
    expect(got.results.map((r) => r.index)).toEqual(chunk);
    expect(got.results.map((r) => r.position)).toEqual([4, 5, 6, 7]);
    for (let k = 0; k < chunk.length; k++) expect(numbers(got.results[k])).toEqual(numbers(ref.results[k]));
    expect(got.totals).toMatchObject({ systems: 4, failed: 0, iterations: ref.totals.iterations, converged: 4 });
    // its own recycle space: the first system of the chunk has none, the later ones use one
    expect((got.results[0] as SequenceSystemResult).recycle!.used).toBe(0);
    expect((got.results[1] as SequenceSystemResult).recycle!.used).toBeGreaterThan(0);
    for (const r of got.results as SequenceSystemResult[]) expect(relResidual(systems[r.index].A, r.x!, systems[r.index].b)).toBeLessThan(1e-8);
  });

  it('takes { count, load(i) } and loads only the chunk\'s systems', async () => {
    const loaded: number[] = [];
    const got = await runChunk({ count: seq.count, load: (i) => { loaded.push(i); return seq.load(i); } }, [2, 7], { ...opts, keepSolutions: false });
    expect(loaded).toEqual([2, 7]);
    expect(got.results.map((r) => r.index)).toEqual([2, 7]);
    expect((got.results[0] as SequenceSystemResult).x).toBeUndefined();
  });

  it('a malformed system fails alone with its typed error; the rest of the chunk is solved as a fresh sequence after it', async () => {
    const bad = systems.map((s) => s) as unknown[];
    bad[3] = { A: systems[3].A, b: new Float64Array(systems[3].b.length).fill(NaN) };
    bad[6] = { A: systems[6].A, b: new Float64Array(7) };
    const seen: ChunkEntry[] = [];
    const chunk = [2, 3, 4, 6, 5];
    const got = await runChunk(bad as typeof systems, chunk, { ...opts, onSystem: (e) => seen.push(e) });
    expect(got.results.map((r) => r.index)).toEqual(chunk);
    expect(seen.map((r) => r.index)).toEqual(chunk);
    expect(got.results[1]).toMatchObject({ index: 3, position: 1, error: { name: 'NonFiniteValueError' } });
    expect((got.results[1] as { error: { message: string } }).error.message).toMatch(/b\[0\]/);
    expect(got.results[3]).toMatchObject({ index: 6, position: 3, error: { name: 'DimensionMismatchError' } });
    expect(got.totals).toMatchObject({ systems: 3, failed: 2 });
    // the references: [2], then [4] alone, then [5] alone (each restart is a fresh sequence)
    expect(numbers(got.results[0])).toEqual(numbers((await solveSequence([systems[2]], opts)).results[0]));
    expect(numbers(got.results[2])).toEqual(numbers((await solveSequence([systems[4]], opts)).results[0]));
    expect(numbers(got.results[4])).toEqual(numbers((await solveSequence([systems[5]], opts)).results[0]));
  });

  it('a loader that throws fails that system only', async () => {
    const got = await runChunk({ count: 9, load: (i) => { if (i === 1) throw new RangeError('no such file'); return seq.load(i); } }, [0, 1, 2], opts);
    expect(got.results[1]).toMatchObject({ index: 1, error: { name: 'RangeError', message: 'no such file' } });
    expect(isFailedSystem(got.results[0])).toBe(false);
    expect(isFailedSystem(got.results[2])).toBe(false);
  });

  it('an exception of onSystem stops the chunk and is thrown as is', async () => {
    const boom = new Error('stop here');
    await expect(runChunk(systems, [0, 1, 2], { ...opts, onSystem: (e) => { if (e.index === 1) throw boom; } })).rejects.toBe(boom);
  });

  it('an aborted signal stops before the next system', async () => {
    const ac = new AbortController();
    const got = await runChunk(systems, [0, 1, 2], { ...opts, signal: ac.signal, onSystem: () => ac.abort() });
    expect(got.aborted).toBe(true);
    expect(got.results.length).toBe(1);
  });

  it('refuses bad arguments', async () => {
    await expect(runChunk(systems, [0, 9], opts)).rejects.toThrow(/out of range/);
    await expect(runChunk(systems, [0, -1], opts)).rejects.toThrow(InvalidArgumentError);
    await expect(runChunk(systems, [0], { ...opts, sort: 'greedy' } as never)).rejects.toThrow(/sort is not an option of a chunk/);
    await expect(runChunk(systems, [0], { ...opts, start: -2 })).rejects.toThrow(InvalidArgumentError);
    await expect(runChunk(42 as never, [0], opts)).rejects.toThrow(InvalidArgumentError);
    // an empty chunk is nothing to do
    expect((await runChunk(systems, [], opts)).results).toEqual([]);
  });

  it('works with a fixed matrix (systems are right-hand sides)', async () => {
    const A = CsrMatrix.fromCsr(systems[0].A.rows, systems[0].A.cols, systems[0].A.indptr, systems[0].A.indices, systems[0].A.data);
    try {
      const rhs = [0, 1, 2, 3].map((k) => Float64Array.from({ length: A.rows }, (_, i) => Math.sin(i + k)));
      const got = await runChunk(rhs, [3, 1], { method: 'cg', precond: 'ic0', matrix: A });
      const ref = await solveSequence([rhs[3], rhs[1]], { method: 'cg', precond: 'ic0', matrix: A });
      for (let k = 0; k < 2; k++) expect((got.results[k] as SequenceSystemResult).iterations).toBe(ref.results[k]!.iterations);
    } finally {
      A.dispose();
    }
  });
});

describe('sequenceOrder and solveChunked', () => {
  it('sequenceOrder gives the order solveSequence solves in', async () => {
    const shuffled = [4, 8, 0, 6, 2, 7, 1, 5, 3].map((i) => systems[i]);
    const order = await sequenceOrder(shuffled, { sort: 'greedy' });
    const solved = await solveSequence(shuffled, { method: 'cg', precond: 'ic0', sort: 'greedy' });
    expect(order.order).toEqual(solved.order);
    expect((await sequenceOrder(shuffled)).order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('solveChunked = sort, planChunks, then runChunk per chunk; chunk starts have no recycle space or earlier solutions', async () => {
    const shuffled = [4, 8, 0, 6, 2, 7, 1, 5, 3].map((i) => systems[i]);
    const got = await solveChunked(shuffled, { ...opts, chunkSize: 4, sort: 'greedy' });
    const { order } = await sequenceOrder(shuffled, { sort: 'greedy' });
    expect(got.order).toEqual(order);
    expect(got.chunks).toEqual(planChunks(order, 4));
    let start = 0;
    for (const chunk of got.chunks) {
      const ref = await runChunk(shuffled, chunk, { ...opts, start });
      for (const r of ref.results) expect(numbers(got.results[r.index])).toEqual(numbers(r));
      const first = got.results[chunk[0]] as SequenceSystemResult;
      expect(first.position).toBe(start);
      expect(first.guessRank).toBe(0);
      expect(first.recycle!.used).toBe(0);
      start += chunk.length;
    }
    expect(got.totals.systems).toBe(9);
    expect(got.totals.iterations).toBe((got.results as SequenceSystemResult[]).reduce((t, r) => t + r.iterations, 0));
    // chunking costs iterations at the chunk starts, but everything converges
    const whole = await solveSequence(shuffled, { ...opts, sort: 'greedy' });
    expect(got.totals.converged).toBe(9);
    expect(whole.totals.converged).toBe(9);
  });

  it('an unreadable system does not stop the sorting: it goes last and fails alone', async () => {
    const src = { count: 5, load: (i: number) => { if (i === 2) throw new InvalidArgumentError('broken system'); return seq.load(i); } };
    const sorted = await sequenceOrder(src, { sort: 'greedy', tolerant: true });
    expect(sorted.order[4]).toBe(2);
    expect(sorted.unreadable.map((u) => u.index)).toEqual([2]);
    await expect(sequenceOrder(src, { sort: 'greedy' })).rejects.toThrow(/system 2: broken system/);
    const got = await solveChunked(src, { ...opts, chunkSize: 2, sort: 'greedy' });
    expect(got.results[2]).toMatchObject({ index: 2, position: 4, error: { name: 'InvalidArgumentError', message: 'broken system' } });
    expect(got.totals).toMatchObject({ systems: 4, failed: 1 });
  });

  it('n = 1 systems and a single system', async () => {
    const one = [{ A: { rows: 1, cols: 1, indptr: new Int32Array([0, 1]), indices: new Int32Array([0]), data: new Float64Array([4]) }, b: [2] }];
    const got = await solveChunked(one, { method: 'cg', precond: 'none', chunkSize: 3 });
    expect((got.results[0] as SequenceSystemResult).x![0]).toBeCloseTo(0.5, 14);
    expect(got.chunks).toEqual([[0]]);
  });

  it('refuses a bad chunk size', async () => {
    await expect(solveChunked(systems, { ...opts, chunkSize: 0 })).rejects.toThrow(/chunkSize/);
  });
});
