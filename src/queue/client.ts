// The client side of a queued sequence: sort, cut into chunks, one BullMQ job per chunk, then
// gather the per-system results as the jobs finish. It polls the jobs rather than listening to
// events, so that a Redis that restarted (and lost its data) is noticed: a job that vanished is
// submitted again under the same id, and results already gathered are kept.
import { randomBytes } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { planChunks, type ChunkEntry, type ChunkTotals, type ChunkedResult } from '../sequence/chunks.js';
import { sequenceOrder } from '../sequence/solve-sequence.js';
import { init } from '../runtime/runtime.js';
import { QueueError } from './errors.js';
import { openFileSequence, type FileSequenceSpec } from './files.js';
import { DEFAULT_QUEUE_NAME, JOB_FORMAT, type ChunkJobData, type ChunkJobEntry, type ChunkJobResult, type ChunkProgress, type ChunkSolveOptions } from './jobs.js';
import { connect, disconnect, safeUrl } from './redis.js';

export interface QueuedSequenceOptions {
  url: string;
  queueName?: string;
  /** the sequence by absolute path (see absoluteSpec) */
  sequence: FileSequenceSpec;
  chunkSize: number;
  sort?: 'none' | 'greedy';
  options: ChunkSolveOptions;
  /** per input index, where the worker writes the solution (absolute; absent: not written) */
  outputs?: (string | null)[];
  /**
   * give up when nothing moved (no system finished, no job changed) for this long (ms, default
   * 300,000): no worker running, or Redis unreachable; the error says which
   */
  timeoutMs?: number;
  /** job attempts when a job fails outright (default 3); a worker killed mid-job is a stall, retried apart */
  attempts?: number;
  /** poll interval (ms, default 500; a finished job wakes the client at once through BullMQ's events) */
  pollMs?: number;
  /** progress lines (stderr in the CLI) */
  log?: (line: string) => void;
}

export interface QueuedSequenceResult extends ChunkedResult {
  results: (ChunkJobEntry | undefined)[];
  queue: {
    url: string;
    name: string;
    run: string;
    chunkSize: number;
    jobs: number;
    /** jobs submitted again because Redis had lost them (a restart without persistence) */
    resubmitted: number;
    /** host:pid of each worker that returned a chunk, with its count */
    workers: Record<string, number>;
    /** per chunk: job wall time in the worker (ms) */
    jobMs: number[];
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `p`, or a rejection after `ms` (a Redis command never waits longer than that). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer from Redis within ${ms / 1000} s`)), ms); }),
  ]);
}

function emptyTotals(): ChunkTotals {
  return { systems: 0, converged: 0, iterations: 0, setupMs: 0, solveMs: 0, guessMs: 0, sortMs: 0, totalMs: 0, failed: 0 };
}

/**
 * Removes the temporary files a worker killed while writing a solution left beside it (the atomic
 * writer's `.HEX.tmp-NAME`, NAME one of this run's outputs): the output directory then holds each
 * solution once.
 */
async function removeStaleParts(outputs: (string | null)[]): Promise<void> {
  const byDir = new Map<string, Set<string>>();
  for (const f of outputs) {
    if (!f) continue;
    const d = path.dirname(f);
    if (!byDir.has(d)) byDir.set(d, new Set());
    byDir.get(d)!.add(path.basename(f));
  }
  for (const [dir, names] of byDir) {
    const entries = await readdir(dir).catch(() => [] as string[]);
    for (const e of entries) {
      const m = /^\.[0-9a-f]{12}\.tmp-(.+)$/.exec(e);
      if (m && names.has(m[1])) await unlink(path.join(dir, e)).catch(() => {});
    }
  }
}

/** What planChunkJobs needs: the sequence, its sorting and chunking, the solve options, the outputs. */
export type ChunkPlanOptions = Pick<QueuedSequenceOptions, 'sequence' | 'chunkSize' | 'sort' | 'options' | 'outputs'>;

/**
 * The order (sorting reads every system in this process; a system that cannot be read goes last
 * and fails alone), the chunks of `chunkSize` consecutive systems and each chunk's job data: what
 * the queue client submits, and what a local chunked run processes itself.
 */
export async function planChunkJobs(o: ChunkPlanOptions, run: string): Promise<{
  order: number[]; chunks: number[][]; starts: number[]; sortMs: number; jobData(c: number): ChunkJobData;
}> {
  const ts = performance.now();
  const sort = o.sort ?? 'none';
  let order: number[];
  if (sort === 'greedy') {
    await init();
    const seq = await openFileSequence(o.sequence);
    try {
      order = (await sequenceOrder(seq.matrix ? { count: seq.count, load: seq.load } : seq, { sort, matrix: seq.matrix, tolerant: true })).order;
    } finally {
      seq.dispose();
    }
  } else {
    order = Array.from({ length: o.sequence.fixed ? o.sequence.rhs!.length : o.sequence.files.length }, (_, i) => i);
  }
  const sortMs = sort === 'greedy' ? performance.now() - ts : 0;
  const chunks = planChunks(order, o.chunkSize);
  const starts: number[] = [];
  for (let c = 0, s = 0; c < chunks.length; s += chunks[c].length, c++) starts.push(s);
  const jobData = (c: number): ChunkJobData => ({
    format: JOB_FORMAT, run, chunk: c, start: starts[c], sequence: o.sequence, indices: chunks[c], options: o.options,
    ...(o.outputs ? { outputs: chunks[c].map((i) => o.outputs![i] ?? null) } : {}),
  });
  return { order, chunks, starts, sortMs, jobData };
}

/**
 * Runs a sequence through the queue: the order (sorting reads every system here; a system that
 * cannot be read goes last and fails alone), chunks of `chunkSize` consecutive systems, one job
 * each (id `RUN-CHUNK`), then gathering. Each system's entry is taken once, from the first
 * completed job of its chunk (a job that ran twice, after a stall, gives the same numbers).
 */
export async function runQueuedSequence(o: QueuedSequenceOptions): Promise<QueuedSequenceResult> {
  const t0 = performance.now();
  const { url, queueName = DEFAULT_QUEUE_NAME, chunkSize, timeoutMs = 300_000, attempts = 3, pollMs = 500, log = () => {} } = o;
  const run = `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

  const { order, chunks, starts, sortMs, jobData } = await planChunkJobs(o, run);
  // no Redis command waits longer than this (a dead connection must not outlast the run's timeout)
  const commandMs = Math.max(1000, Math.min(10_000, timeoutMs / 2));
  const seconds = `${+(timeoutMs / 1000).toFixed(1)} s`;
  const jobId = (c: number) => `${run}-${c}`;

  // -- submit ---------------------------------------------------------------------------------
  let lastError: { message: string; at: number } | undefined;
  const connection = connect(url, 'client', (e) => { lastError ??= { message: e.message, at: Date.now() }; });
  const queue = new Queue<ChunkJobData, ChunkJobResult>(queueName, { connection });
  queue.on('error', (e) => { lastError ??= { message: e.message, at: Date.now() }; });
  const where = `queue '${queueName}' at ${safeUrl(url)}`;
  // a finished job wakes the gathering loop at once (the polling stays the source of truth: the
  // events of a Redis that restarted are gone, the jobs' state is read again)
  const eventConnection = connect(url, 'worker', () => {});
  const events = new QueueEvents(queueName, { connection: eventConnection });
  events.on('error', () => {});
  let wake: (() => void) | undefined;
  const nap = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(() => { wake = undefined; resolve(); }, ms);
    wake = () => { clearTimeout(timer); wake = undefined; resolve(); };
  });
  events.on('completed', () => wake?.());
  events.on('failed', () => wake?.());
  const jobOptions = (c: number) => ({ jobId: jobId(c), attempts, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false });
  const results: (ChunkJobEntry | undefined)[] = new Array(order.length).fill(undefined);
  const totals = emptyTotals();
  totals.sortMs = sortMs;
  const info: QueuedSequenceResult['queue'] = { url: safeUrl(url), name: queueName, run, chunkSize, jobs: chunks.length, resubmitted: 0, workers: {}, jobMs: new Array(chunks.length).fill(0) };
  try {
    const submitBy = Date.now() + Math.min(timeoutMs, 30_000);
    for (;;) {
      try {
        await within(queue.addBulk(chunks.map((_, c) => ({ name: 'chunk', data: jobData(c), opts: jobOptions(c) }))), commandMs, 'submitting the jobs');
        break;
      } catch (e) {
        if (Date.now() > submitBy) throw new QueueError(`cannot submit the jobs to ${where}: ${(e as Error).message}${lastError ? ` (${lastError.message})` : ''}; is redis-server running there?`);
        await sleep(500);
      }
    }
    lastError = undefined;
    log(`  submitted ${chunks.length} job${chunks.length === 1 ? '' : 's'} of up to ${chunkSize} systems (run ${run}) to ${where}`);

    // -- gather -------------------------------------------------------------------------------
    const pending = new Set(chunks.map((_, c) => c));
    const progress = new Map<number, number>();
    let lastMove = Date.now();
    let lastStatus = Date.now();
    let redisDownSince: number | undefined;
    let doneSystems = 0;
    const take = (c: number, r: ChunkJobResult) => {
      for (const e of r.entries) {
        if (results[e.index] === undefined) results[e.index] = e;
      }
      for (const k of ['systems', 'converged', 'iterations', 'setupMs', 'solveMs', 'guessMs', 'failed'] as const) totals[k] += r.totals[k];
      info.workers[r.worker] = (info.workers[r.worker] ?? 0) + 1;
      info.jobMs[c] = r.ms;
      doneSystems += chunks[c].length;
      log(
        `  chunk ${c + 1}/${chunks.length} done: ${r.totals.systems} solved, ${r.totals.failed} failed, ${r.totals.iterations} iterations ` +
          `(worker ${r.worker}, ${(r.ms / 1000).toFixed(1)} s); ${doneSystems}/${order.length} systems (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
    };
    const failChunk = (c: number, reason: string) => {
      for (const [k, index] of chunks[c].entries()) {
        if (results[index] === undefined) results[index] = { index, position: starts[c] + k, error: { name: 'QueueError', message: `chunk ${c + 1}: ${reason}` } };
      }
      totals.failed += chunks[c].length;
      doneSystems += chunks[c].length;
      log(`  chunk ${c + 1}/${chunks.length} FAILED: ${reason}`);
    };
    while (pending.size > 0) {
      try {
        const ids = [...pending];
        const jobs = await within(Promise.all(ids.map((c) => queue.getJob(jobId(c)))), commandMs, 'reading the jobs');
        const lost: number[] = [];
        for (const [k, job] of jobs.entries()) {
          const c = ids[k];
          if (!job) { lost.push(c); continue; }
          if (job.finishedOn) {
            const state = await within(job.getState(), commandMs, 'reading a job state');
            if (state === 'completed') { take(c, job.returnvalue); pending.delete(c); lastMove = Date.now(); continue; }
            if (state === 'failed') { failChunk(c, job.failedReason ?? 'failed'); pending.delete(c); lastMove = Date.now(); continue; }
          }
          const p = (job as Job<ChunkJobData, ChunkJobResult>).progress as ChunkProgress | number | undefined;
          const done = typeof p === 'object' && p !== null ? p.done : 0;
          if (done !== (progress.get(c) ?? 0)) { progress.set(c, done); lastMove = Date.now(); }
        }
        if (lost.length > 0) {
          // Redis lost them (restarted without persistence, or flushed): submit them again
          await within(queue.addBulk(lost.map((c) => ({ name: 'chunk', data: jobData(c), opts: jobOptions(c) }))), commandMs, 'submitting lost jobs again');
          info.resubmitted += lost.length;
          for (const c of lost) progress.delete(c);
          lastMove = Date.now();
          log(`  ${lost.length} job${lost.length === 1 ? '' : 's'} missing from Redis (restarted without persistence?): submitted again`);
        }
        if (redisDownSince !== undefined) log(`  Redis reachable again after ${((Date.now() - redisDownSince) / 1000).toFixed(1)} s`);
        redisDownSince = undefined;
        lastError = undefined;
      } catch (e) {
        if (redisDownSince === undefined) {
          redisDownSince = Date.now();
          log(`  Redis at ${safeUrl(url)} unreachable (${(e as Error).message}); retrying for up to ${seconds}`);
        }
        lastError ??= { message: (e as Error).message, at: Date.now() };
      }
      if (pending.size === 0) break;
      const now = Date.now();
      if (now - lastMove > timeoutMs) {
        const s = seconds;
        if (redisDownSince !== undefined) {
          throw new QueueError(`no progress for ${s}: Redis at ${safeUrl(url)} unreachable since ${new Date(redisDownSince).toISOString()} (${lastError?.message ?? 'no answer'}); ${pending.size} of ${chunks.length} chunks unfinished`);
        }
        let counts = '';
        try {
          const c = await within(queue.getJobCounts('waiting', 'active', 'delayed'), 5000, 'counting jobs');
          counts = ` (${c.waiting ?? 0} waiting, ${c.active ?? 0} active, ${c.delayed ?? 0} delayed)`;
        } catch { /* the message stands without the counts */ }
        throw new QueueError(`no progress for ${s} on ${where}: ${pending.size} of ${chunks.length} chunks unfinished${counts}; is a worker running? start one with: sparse-wasm queue-worker --redis ${safeUrl(url)}`);
      }
      if (now - lastStatus > 10_000) {
        lastStatus = now;
        const running = [...progress.entries()].filter(([c]) => pending.has(c)).reduce((t, [, d]) => t + d, 0);
        log(`  ... ${doneSystems + running}/${order.length} systems done, ${pending.size} chunk${pending.size === 1 ? '' : 's'} unfinished (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      }
      await nap(pollMs);
    }
    if (o.outputs) await removeStaleParts(o.outputs);
    // the run's jobs are not needed any more
    await within(Promise.all(chunks.map(async (_, c) => { const j = await queue.getJob(jobId(c)); await j?.remove().catch(() => {}); })), 10_000, 'removing the jobs').catch(() => {});
  } finally {
    await within(Promise.all([queue.close(), events.close()]), commandMs, 'closing the queue').catch(() => {});
    await disconnect(connection);
    await disconnect(eventConnection);
  }
  totals.totalMs = performance.now() - t0;
  return { results, order, chunks, totals, aborted: false, queue: info };
}

export type { ChunkEntry };
