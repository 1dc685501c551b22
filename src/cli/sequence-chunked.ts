// `sparse-wasm sequence FILES... --chunk N [--queue URL | --workers W]`: the sequence sorted, cut
// into chunks of N consecutive systems, each chunk solved on its own (own session and recycle
// space): locally one chunk after another, as BullMQ jobs taken by `queue-worker` processes, or on
// a pool of W worker threads. All print the same JSON shape as the unchunked command, and give the
// same per-system numbers as each other.
import path from 'node:path';
import { isFailedSystem, type ChunkEntry, type ChunkTotals } from '../sequence/chunks.js';
import { processChunkJob } from '../queue/chunk-job.js';
import { planChunkJobs, runQueuedSequence, type QueuedSequenceResult } from '../queue/client.js';
import { absoluteSpec } from '../queue/files.js';
import type { ChunkJobEntry, ChunkSolveOptions } from '../queue/jobs.js';
import { DEFAULT_QUEUE_NAME } from '../queue/jobs.js';
import { checkRedisUrl } from '../queue/redis.js';
import { openFileSequence } from '../queue/files.js';
import { createSolverPool } from '../pool/index.js';
import { writeFile } from 'node:fs/promises';
import { formatMatrixMarketArray } from '../io/matrix-market.js';
import { writeAtomically, writeFailure } from './output.js';
import { FileError, UsageError, numberOption, stringOption, type Parsed } from './args.js';

export interface ChunkedCommand {
  p: Parsed;
  files: string[];
  rhs: string[] | undefined;
  fixed: boolean;
  sort: 'none' | 'greedy';
  recycleText: string;
  options: ChunkSolveOptions;
  out: string | undefined;
  json: boolean;
  baseName(file: string): string;
}

/** The options of the chunked and queued forms (added to the sequence command's). */
export const CHUNK_OPTIONS = {
  chunk: { type: 'string' }, queue: { type: 'string' }, 'queue-name': { type: 'string' }, 'queue-timeout': { type: 'string' },
  workers: { type: 'string' },
} as const;

export const CHUNK_USAGE = `  --chunk N           cut the (sorted) sequence into chunks of N consecutive systems, each solved
                      on its own: own session, recycle space and initial guesses (default with
                      --queue: 100); without --queue the chunks run here one after another
  --queue URL         submit one job per chunk to the BullMQ queue on this Redis server
                      (redis://HOST:PORT) and gather the results as \`sparse-wasm queue-worker\`
                      processes solve them; files and -o DIR go by path, so workers must see the
                      same paths (one machine or a shared directory). A system that cannot be
                      read or solved fails its own entry (its error's name and message), the rest
                      finish; then the exit code is 1
  --queue-name NAME   the queue (default ${DEFAULT_QUEUE_NAME})
  --queue-timeout S   give up when nothing moved for S seconds (no worker, Redis down; default 300)
  --workers W         solve the chunks on W worker threads of this process (a SolverPool; at
                      most W chunks read ahead); default --chunk: the systems split evenly over
                      the workers. Per-system results equal those of the same --chunk here`;

export async function runChunkedSequence(c: ChunkedCommand): Promise<number> {
  const { p, files, rhs, fixed, sort, options, out, json } = c;
  const queueUrl = stringOption(p, 'queue');
  if (queueUrl !== undefined) checkRedisUrl(queueUrl, p.spelled.get('queue') ?? '--queue');
  for (const k of ['queue-name', 'queue-timeout']) {
    if (queueUrl === undefined && p.values.has(k)) throw new UsageError(`${p.spelled.get(k)} goes with --queue URL`);
  }
  const workers = p.values.has('workers') ? numberOption(p, 'workers', 1, { min: 1, integer: true }) : undefined;
  if (workers !== undefined && queueUrl !== undefined) throw new UsageError(`${p.spelled.get('workers')} and ${p.spelled.get('queue')} do not go together: the queue's workers are queue-worker processes`);
  const systemCount = fixed ? rhs!.length : files.length;
  const chunkSize = numberOption(p, 'chunk', workers !== undefined ? Math.max(1, Math.ceil(systemCount / workers)) : 100, { min: 1, integer: true });
  const timeoutMs = numberOption(p, 'queue-timeout', 300, { min: 0, minExclusive: true }) * 1000;
  const queueName = stringOption(p, 'queue-name') ?? DEFAULT_QUEUE_NAME;
  const sequence = absoluteSpec({ files, ...(rhs ? { rhs } : {}), fixed });
  const count = fixed ? rhs!.length : files.length;
  const names = Array.from({ length: count }, (_, i) => c.baseName(fixed ? rhs![i] : files[i]));
  const unique = new Set(names).size === names.length;
  const outputs = out === undefined ? undefined : names.map((n, i) => path.resolve(out, `${unique ? '' : `${i}-`}${n}.x.mtx`));
  const log = (line: string) => process.stderr.write(line + '\n');
  const started = performance.now();

  let results: (ChunkJobEntry | undefined)[];
  let order: number[];
  let chunks: number[][];
  let totals: ChunkTotals;
  let queueInfo: QueuedSequenceResult['queue'] | undefined;
  if (queueUrl !== undefined) {
    const r = await runQueuedSequence({ url: queueUrl, queueName, sequence, chunkSize, sort, options, outputs, timeoutMs, log });
    ({ results, order, chunks, totals } = r);
    queueInfo = r.queue;
  } else if (workers !== undefined) {
    ({ results, order, chunks, totals } = await runOnPool({ sequence, chunkSize, sort, options, outputs, workers, log, started }));
  } else {
    // the same jobs, processed here one after another: the reference of a queued run
    const plan = await planChunkJobs({ sequence, chunkSize, sort, options, outputs }, 'local');
    ({ order, chunks } = plan);
    results = new Array(order.length).fill(undefined);
    totals = { systems: 0, converged: 0, iterations: 0, setupMs: 0, solveMs: 0, guessMs: 0, sortMs: plan.sortMs, totalMs: 0, failed: 0 };
    for (let k = 0; k < chunks.length; k++) {
      // a job that cannot start (an unreadable fixed matrix) fails the whole command, as unchunked
      const r = await processChunkJob(plan.jobData(k), () => {});
      for (const e of r.entries) results[e.index] = e;
      for (const key of ['systems', 'converged', 'iterations', 'setupMs', 'solveMs', 'guessMs', 'failed'] as const) totals[key] += r.totals[key];
      log(`  chunk ${k + 1}/${chunks.length} done: ${r.totals.systems} solved, ${r.totals.failed} failed, ${r.totals.iterations} iterations (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
    totals.totalMs = performance.now() - started;
  }

  const chunkOf = new Map<number, number>();
  chunks.forEach((ch, k) => { for (const i of ch) chunkOf.set(i, k); });
  const outputErrors: string[] = [];
  const systems = results.map((r, i) => {
    const base = { file: fixed ? files[0] : files[i], ...(rhs ? { rhs: rhs[i] } : {}), position: r?.position, chunk: chunkOf.get(i) };
    if (r === undefined) return { ...base, error: { name: 'QueueError', message: 'no result' } };
    if (isFailedSystem(r)) return { ...base, error: r.error };
    if (r.outputError) outputErrors.push(r.outputError);
    return {
      ...base,
      iterations: r.iterations, converged: r.converged, reason: r.reason, relativeResidual: r.relativeResidual,
      setupMs: r.setupMs, solveMs: r.solveMs, guessMs: r.guessMs,
      ...(r.omega !== undefined ? { omega: r.omega } : {}),
      ...(r.output !== undefined ? { output: r.output } : {}),
    };
  });
  const first = results.find((r) => r !== undefined && !isFailedSystem(r)) as (ChunkJobEntry & { method?: string; precond?: string }) | undefined;
  const o = {
    systems, order,
    method: first?.method, precond: first?.precond,
    sort, initialGuess: options.initialGuess ?? 'galerkin', recycle: c.recycleText, rtol: options.rtol, maxIterations: options.maxIterations,
    totals,
    chunks: { size: chunkSize, count: chunks.length },
    ...(workers !== undefined ? { workers } : {}),
    ...(queueInfo ? { queue: queueInfo } : {}),
    ...(options.tune ? { tuning: { learner: 'model', grid: options.tune.omega } } : {}),
    ...(outputErrors.length ? { outputErrors } : {}),
  };
  if (json) process.stdout.write(JSON.stringify(o) + '\n');
  else {
    const w = Math.max(4, ...systems.map((s) => (s.rhs ?? s.file).length));
    process.stdout.write(`${'system'.padEnd(w)}  chunk  iterations  converged  rel. residual  setup ms  solve ms\n`);
    for (const s of systems) {
      const head = `${(s.rhs ?? s.file).padEnd(w)}  ${String(s.chunk ?? '-').padStart(5)}  `;
      if ('error' in s && s.error) process.stdout.write(`${head}FAILED: ${s.error.name}: ${s.error.message}\n`);
      else {
        const r = s as { iterations: number; converged: boolean; relativeResidual: number; setupMs: number; solveMs: number };
        process.stdout.write(
          `${head}${String(r.iterations).padStart(10)}  ${String(r.converged).padStart(9)}  ${r.relativeResidual.toExponential(2).padStart(13)}  ` +
            `${r.setupMs.toFixed(1).padStart(8)}  ${r.solveMs.toFixed(1).padStart(8)}\n`,
        );
      }
    }
    const t = totals;
    process.stdout.write(
      `total: ${t.systems + t.failed} systems (${t.converged} converged, ${t.failed} failed) in ${chunks.length} chunks of up to ${chunkSize}, ` +
        `${t.iterations} iterations; setup ${t.setupMs.toFixed(1)} ms, solve ${t.solveMs.toFixed(1)} ms, sort ${t.sortMs.toFixed(1)} ms, ` +
        `wall ${t.totalMs.toFixed(1)} ms (${o.method} + ${o.precond})` +
        `${queueInfo ? `; workers: ${Object.entries(queueInfo.workers).map(([w, n]) => `${w} (${n})`).join(', ')}` : ''}\n`,
    );
  }
  const failed = systems.filter((s) => 'error' in s && s.error);
  if (failed.length > 0) {
    const f = failed[0] as { file: string; rhs?: string; error: { name: string; message: string } };
    throw new FileError(`${failed.length} of ${systems.length} systems failed; the first: ${f.error.name}: ${f.error.message}`);
  }
  if (outputErrors.length) throw new FileError(outputErrors[0]);
  return 0;
}

/**
 * The chunks on a pool of worker threads: the systems of a chunk are read here (as a local chunked
 * run reads them: a system that cannot be read fails alone, with the same error), sent with the
 * chunk to a worker that runs it as runChunk does, and each solution comes back and is written here.
 */
async function runOnPool(o: {
  sequence: ReturnType<typeof absoluteSpec>; chunkSize: number; sort: 'none' | 'greedy'; options: ChunkSolveOptions;
  outputs: string[] | undefined; workers: number; log: (line: string) => void; started: number;
}): Promise<{ results: (ChunkJobEntry | undefined)[]; order: number[]; chunks: number[][]; totals: ChunkTotals }> {
  const plan = await planChunkJobs({ sequence: o.sequence, chunkSize: o.chunkSize, sort: o.sort, options: o.options, outputs: o.outputs }, 'pool');
  const { order, chunks, starts } = plan;
  const results: (ChunkJobEntry | undefined)[] = new Array(order.length).fill(undefined);
  const totals: ChunkTotals = { systems: 0, converged: 0, iterations: 0, setupMs: 0, solveMs: 0, guessMs: 0, sortMs: plan.sortMs, totalMs: 0, failed: 0 };
  const seq = await openFileSequence(o.sequence);
  const pool = await createSolverPool({ workers: o.workers });
  const writes: Promise<void>[] = [];
  try {
    const inflight = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    for (let k = 0; k < chunks.length && !failure; k++) {
      if (inflight.size >= o.workers) await Promise.race(inflight);
      if (failure) break;
      const chunk = chunks[k];
      const systems = await Promise.all(chunk.map((i) => seq.load(i).then(
        (s) => (s.A !== undefined ? { A: s.A as never, b: s.b as ArrayLike<number> } : { b: s.b as ArrayLike<number> }),
        (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
      )));
      const p: Promise<void> = pool
        .solveChunk(
          { systems, indices: chunk, start: starts[k], ...(seq.matrix ? { matrix: seq.matrix } : {}) },
          { ...o.options, keepSolutions: o.outputs !== undefined },
        )
        .then(
          (res) => {
            for (const e of res.results) {
              const { x, ...rest } = e as ChunkEntry & { x?: Float64Array };
              const entry: ChunkJobEntry = rest;
              results[e.index] = entry;
              const target = o.outputs?.[e.index];
              if (target === undefined || isFailedSystem(e) || !x) continue;
              if (!x.every(Number.isFinite)) { entry.outputError = `cannot write ${target}: the solution has non-finite entries (${e.reason})`; continue; }
              const text = formatMatrixMarketArray(x.length, 1, x, { comment: ` solution of system ${e.index} by sparse-wasm sequence --workers` });
              writes.push(writeAtomically(target, (tmp) => writeFile(tmp, text)).then(
                () => { entry.output = target; },
                (err) => { entry.outputError = writeFailure(target, err).message; },
              ));
            }
            for (const key of ['systems', 'converged', 'iterations', 'setupMs', 'solveMs', 'guessMs', 'failed'] as const) totals[key] += res.totals[key];
            o.log(`  chunk ${k + 1}/${chunks.length} done: ${res.totals.systems} solved, ${res.totals.failed} failed, ${res.totals.iterations} iterations (${((performance.now() - o.started) / 1000).toFixed(1)} s)`);
          },
          (e: unknown) => { failure ??= { error: e }; },
        )
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all(inflight);
    await Promise.all(writes);
    if (failure) throw failure.error;
  } finally {
    await pool.terminate();
    seq.dispose();
  }
  totals.totalMs = performance.now() - o.started;
  return { results, order, chunks, totals };
}
