// What travels through Redis: one job per chunk. Matrices and solutions go by path (a directory
// every worker and the client share), the job carries only paths, options and, back, the
// per-system statistics: a job stays a few kilobytes whatever the matrix size, so Redis (which
// keeps everything in memory) never holds the numerical data, and a retried job reads the same
// files again.
import type { FileSequenceSpec } from './files.js';
import type { ChunkEntry, ChunkTotals } from '../sequence/chunks.js';
import type { SequenceOptions } from '../sequence/solve-sequence.js';

/** The default queue name (workers and clients must agree; --queue-name changes it). */
export const DEFAULT_QUEUE_NAME = 'sparse-wasm-sequence';
/** The version of the job data below; a worker refuses jobs of another version. */
export const JOB_FORMAT = 1;

/** The solve options a job carries: plain data only (no functions, no matrices). */
export type ChunkSolveOptions = Pick<
  SequenceOptions,
  'method' | 'precond' | 'rtol' | 'atol' | 'maxIterations' | 'restart' | 'recycle' | 'initialGuess' | 'galerkinSize' | 'projection'
> & { tune?: { omega: number[] } };

export interface ChunkJobData {
  format: number;
  /** the run (one `sequence --queue` call) and the chunk's number in it */
  run: string;
  chunk: number;
  /** the position of the chunk's first system in the whole solve order */
  start: number;
  /** the whole sequence by path (absolute); the chunk reads only its own systems */
  sequence: FileSequenceSpec;
  /** input indices of the chunk's systems, in solve order */
  indices: number[];
  /** per system of the chunk: where to write its solution (absent: not written) */
  outputs?: (string | null)[];
  options: ChunkSolveOptions;
}

/** A system's entry as it comes back: the result without x (written to its output path instead). */
export type ChunkJobEntry = ChunkEntry & { output?: string; outputError?: string };

export interface ChunkJobResult {
  format: number;
  entries: ChunkJobEntry[];
  totals: ChunkTotals;
  /** host:pid of the worker process that solved it */
  worker: string;
  /** wall time of the job in the worker (ms) */
  ms: number;
}

/** The job's progress, updated by the worker after each system. */
export interface ChunkProgress {
  done: number;
  total: number;
}
