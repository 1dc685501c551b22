// Chunks of a sequence (SKR's scale-out): the sorted order cut into runs of consecutive systems,
// each solved on its own (its own session, recycle space and Galerkin history), so that chunks can
// go to different workers or machines and still give the same per-system results as a local run
// with the same chunking.
import { InvalidArgumentError } from '../errors.js';
import { SequenceError } from './errors.js';
import {
  sequenceOrder, solveSequence,
  type SequenceOptions, type SequenceSource, type SequenceSystem, type SequenceSystemResult, type SequenceTotals,
} from './solve-sequence.js';
import type { DenseVector } from '../vector.js';

type SystemInput = SequenceSystem | ArrayLike<number> | DenseVector;

/** Systems by input index: an array, or { count, load(i) } (a chunk loads only its own). */
export type ChunkSource = ReadonlyArray<SystemInput> | { count: number; load(i: number): SystemInput | Promise<SystemInput> };

/** A system of a chunk that could not be read or solved: its error, named, as plain data. */
export interface FailedSystem {
  index: number;
  position: number;
  /** the error's class name (e.g. 'SparseFormatError', 'DimensionMismatchError') and message */
  error: { name: string; message: string };
}

/** A chunk's entry for one system: its result, or its failure (has `error`). */
export type ChunkEntry = SequenceSystemResult | FailedSystem;

export function isFailedSystem(r: ChunkEntry | undefined): r is FailedSystem {
  return r !== undefined && (r as FailedSystem).error !== undefined;
}

export interface ChunkTotals extends SequenceTotals {
  /** systems that failed (read or solve errors) */
  failed: number;
}

export interface ChunkOptions extends Omit<SequenceOptions, 'sort' | 'features' | 'onSystem'> {
  /** the position of the chunk's first system in the whole solve order (default 0) */
  start?: number;
  /** called after each system of the chunk (solved or failed), in solve order */
  onSystem?: (entry: ChunkEntry) => void;
}

export interface ChunkResult {
  /** one entry per system of the chunk, in the chunk's (solve) order; cut short by an abort */
  results: ChunkEntry[];
  totals: ChunkTotals;
  aborted: boolean;
}

function checkIndex(i: unknown, where: string): number {
  if (!Number.isInteger(i) || (i as number) < 0) throw new InvalidArgumentError(`${where}: system indices must be integers >= 0, got ${String(i)}`);
  return i as number;
}

/**
 * Cuts a solve order (input indices, e.g. a sorted sequence's) into chunks of `chunkSize`
 * consecutive systems; the last chunk holds the remainder. Neighbours in the order stay together,
 * which is what makes recycling within a chunk pay.
 */
export function planChunks(order: ArrayLike<number>, chunkSize: number): number[][] {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new InvalidArgumentError(`planChunks: chunkSize must be an integer >= 1, got ${String(chunkSize)}`);
  if (order == null || typeof order.length !== 'number') throw new InvalidArgumentError('planChunks: order must be an array of system indices');
  const seen = new Set<number>();
  const chunks: number[][] = [];
  for (let k = 0; k < order.length; k++) {
    const i = checkIndex(order[k], 'planChunks');
    if (seen.has(i)) throw new InvalidArgumentError(`planChunks: system ${i} appears twice in the order`);
    seen.add(i);
    if (k % chunkSize === 0) chunks.push([]);
    chunks[chunks.length - 1].push(i);
  }
  return chunks;
}

function errorData(e: unknown): { name: string; message: string } {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

function emptyTotals(): ChunkTotals {
  return { systems: 0, converged: 0, iterations: 0, setupMs: 0, solveMs: 0, guessMs: 0, sortMs: 0, totalMs: 0, failed: 0 };
}

/**
 * Solves the systems `chunk` (input indices, in this order) of `systems` as one sequence: one
 * session, recycle space and Galerkin history for the chunk, none carried in from elsewhere, so
 * the chunk gives the same results wherever it runs. Entries carry the input `index` and the
 * `position` in the whole order (`start` + place in the chunk).
 *
 * A system that cannot be read or solved fails alone: its entry holds the error's name and
 * message, and the chunk goes on with the next system in a fresh session (the recycle space and
 * the solutions for the guess start over, as they would at a chunk start). Errors of the options
 * themselves (found before any system) throw.
 */
export async function runChunk(systems: ChunkSource, chunk: ReadonlyArray<number>, options: ChunkOptions = {}): Promise<ChunkResult> {
  const t0 = performance.now();
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('runChunk options must be an object');
  const { start = 0, onSystem, ...rest } = options;
  for (const k of ['sort', 'features'] as const) {
    if ((options as Record<string, unknown>)[k] !== undefined) throw new InvalidArgumentError(`runChunk: ${k} is not an option of a chunk (the chunk keeps the order it is given; sort before planChunks)`);
  }
  if (!Number.isInteger(start) || start < 0) throw new InvalidArgumentError(`runChunk: start must be an integer >= 0, got ${String(start)}`);
  if (onSystem !== undefined && typeof onSystem !== 'function') throw new InvalidArgumentError('runChunk: onSystem must be a function');
  if (chunk == null || typeof chunk.length !== 'number') throw new InvalidArgumentError('runChunk: chunk must be an array of system indices');
  let count: number;
  let load: (i: number) => SystemInput | Promise<SystemInput>;
  if (Array.isArray(systems)) {
    count = systems.length;
    load = (i) => systems[i];
  } else if (systems != null && typeof (systems as { load?: unknown }).load === 'function') {
    const s = systems as { count: number; load(i: number): SystemInput | Promise<SystemInput> };
    count = s.count;
    load = (i) => s.load(i);
  } else throw new InvalidArgumentError('runChunk: systems must be an array or { count, load(i) }');
  for (const i of chunk) {
    checkIndex(i, 'runChunk');
    if (Number.isInteger(count) && i >= count) throw new InvalidArgumentError(`runChunk: system ${i} is out of range (the sequence has ${count})`);
  }
  const tune = rest.tune;
  const results: ChunkEntry[] = [];
  const totals = emptyTotals();
  let aborted = false;
  /** an exception of the caller's onSystem: it stops the chunk (it is not the system's failure) */
  let callerError: { error: unknown } | undefined;
  const report = (entry: ChunkEntry) => {
    try { onSystem!(entry); } catch (e) { callerError = { error: e }; throw e; }
  };
  // from `from` on, a sequence of its own; restarted after a failed system
  for (let from = 0; from < chunk.length && !aborted;) {
    const part = chunk.slice(from);
    const offset = from;
    const subOptions: SequenceOptions = {
      ...rest,
      sort: 'none',
      // the learner's context speaks of input indices
      ...(tune?.context ? { tune: { ...tune, context: (k: number) => tune.context!(part[k]) } } : {}),
      onSystem: onSystem ? (r) => report({ ...r, index: part[r.index], position: start + offset + r.position }) : undefined,
    };
    const add = (r: SequenceSystemResult) => {
      results.push({ ...r, index: part[r.index], position: start + offset + r.position });
    };
    const addTotals = (t: SequenceTotals) => {
      totals.systems += t.systems; totals.converged += t.converged; totals.iterations += t.iterations;
      totals.setupMs += t.setupMs; totals.solveMs += t.solveMs; totals.guessMs += t.guessMs;
    };
    try {
      const res = await solveSequence({ count: part.length, load: (k) => load(part[k]) }, subOptions);
      for (const k of res.order) add(res.results[k]!);
      addTotals(res.totals);
      aborted = res.aborted;
      break;
    } catch (e) {
      if (callerError) throw callerError.error;
      if (!(e instanceof SequenceError)) throw e;
      // the systems solved before the failed one, then the failure; go on after it
      for (const k of e.partial.order) add(e.partial.results[k]!);
      addTotals(e.partial.totals);
      const failed: FailedSystem = { index: part[e.index], position: start + offset + e.index, error: errorData(e.cause) };
      results.push(failed);
      totals.failed++;
      if (onSystem) report(failed);
      from = offset + e.index + 1;
    }
  }
  totals.totalMs = performance.now() - t0;
  return { results, totals, aborted };
}

export interface ChunkedOptions extends Omit<ChunkOptions, 'start'> {
  /** systems per chunk */
  chunkSize: number;
  /** the order before chunking: 'none' (input order) or 'greedy' (as solveSequence sorts) */
  sort?: 'none' | 'greedy';
  features?: (i: number) => ArrayLike<number>;
}

export interface ChunkedResult {
  /** per input index: the system's result or failure (undefined when an abort stopped before it) */
  results: (ChunkEntry | undefined)[];
  /** input indices in solve order */
  order: number[];
  chunks: number[][];
  totals: ChunkTotals;
  aborted: boolean;
}

/**
 * The local reference of a chunked run: sorts (a system that cannot be read is placed last and
 * fails alone), cuts the order into chunks of `chunkSize` and runs them one after another in this
 * thread. A queue or a worker pool running the same chunks gives the same per-system results.
 */
export async function solveChunked(systems: ChunkSource, options: ChunkedOptions): Promise<ChunkedResult> {
  const t0 = performance.now();
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('solveChunked options must be an object');
  const { chunkSize, sort = 'none', features, ...chunkOptions } = options;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new InvalidArgumentError(`solveChunked: chunkSize must be an integer >= 1, got ${String(chunkSize)}`);
  const source: SequenceSource = Array.isArray(systems) ? systems : (systems as Exclude<ChunkSource, ReadonlyArray<SystemInput>>);
  const { order, sortMs } = await sequenceOrder(source, { sort, features, matrix: chunkOptions.matrix, tolerant: true });
  const chunks = planChunks(order, chunkSize);
  const results: (ChunkEntry | undefined)[] = new Array(order.length).fill(undefined);
  const totals = emptyTotals();
  totals.sortMs = sortMs;
  let aborted = false;
  let start = 0;
  for (const chunk of chunks) {
    const r = await runChunk(systems, chunk, { ...chunkOptions, start });
    for (const e of r.results) results[e.index] = e;
    for (const k of ['systems', 'converged', 'iterations', 'setupMs', 'solveMs', 'guessMs', 'failed'] as const) totals[k] += r.totals[k];
    start += chunk.length;
    if (r.aborted) { aborted = true; break; }
  }
  totals.totalMs = performance.now() - t0;
  return { results, order, chunks, totals, aborted };
}
