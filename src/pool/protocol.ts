// The messages between a SolverPool (main side, pool.ts) and its workers (worker.ts), and the
// error transport: an error crosses the boundary as plain data (name, message, own fields) and is
// rebuilt on the main side as the library's named class, so `instanceof DimensionMismatchError`
// and `e.row` work on a pool's rejections as on a local call.
import * as errors from '../errors.js';
import { SequenceError } from '../sequence/errors.js';
import type { SessionSpec } from '../session/spec.js';
import type { SolveResult } from '../solvers/types.js';

/** What each worker gets once, before any task. */
export interface InitMessage {
  op: 'init';
  /** the compiled wasm (compiled once on the main side; WebAssembly.Module is cloneable) */
  module: WebAssembly.Module;
  /** Int32Array(1) on a SharedArrayBuffer: the id of the task to stop; null without SharedArrayBuffer */
  abortFlag: Int32Array | null;
  initialMemoryMiB?: number;
  maximumMemoryMiB?: number;
}

export interface LoadTask {
  op: 'load';
  handle: number;
  rows: number;
  cols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

export interface UpdateTask {
  op: 'update';
  handle: number;
  values: Float64Array;
}

export interface DisposeTask {
  op: 'dispose';
  handle: number;
}

/** The per-solve options that are plain data (hooks stay on the main side). */
export interface SolveLimits {
  rtol?: number;
  atol?: number;
  maxIterations?: number;
  history?: boolean;
}

export interface SolveTask {
  op: 'solve';
  handle: number;
  b: Float64Array;
  x0?: Float64Array;
  /** how the session is set up (method, preconditioner, method options): sessions are kept per spec */
  spec: SessionSpec;
  limits: SolveLimits;
  /** post progress at most this often (ms); undefined: no progress messages */
  progressIntervalMs?: number;
  /** aborted while it was queued, in a pool without shared memory (with it, the flag says so) */
  aborted?: boolean;
}

/** CSR arrays under SciPy's names (what the sequence generators and CsrMatrix.toCsrArrays give). */
export interface CsrData {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
}

/** A chunk of a sequence (sequence/chunks.ts runChunk) run in a worker. */
export interface ChunkTask {
  op: 'chunk';
  /** the chunk's systems in solve order; { b } alone with `matrix`; { error }: a system that could not be read (it fails alone) */
  systems: { A?: CsrData; b?: Float64Array; error?: ErrorData }[];
  /** the input index of each system (reported as `index`) */
  indices: number[];
  /** position of the chunk's first system in the whole order */
  start: number;
  /** the fixed matrix of a sequence of right-hand sides */
  matrix?: CsrData;
  /** runChunk's options, plain data only (no onSystem, signal, features or tune.context) */
  options: Record<string, unknown>;
  /** post each system's entry (without x) as an event */
  events: boolean;
  /** aborted while it was queued, in a pool without shared memory */
  aborted?: boolean;
}

/** Sends the payload back (transferred): the pool's transport cost without any solving. */
export interface EchoTask {
  op: 'echo';
  payload: Float64Array;
}

export interface StatsTask {
  op: 'stats';
}

/** Diagnostics for the pool's own tests: end the worker in a given way while it runs a task. */
export interface CrashTask {
  op: 'crash';
  how: 'exit' | 'throw' | 'oom' | 'trap';
}

export type TaskBody = LoadTask | UpdateTask | DisposeTask | SolveTask | ChunkTask | EchoTask | StatsTask | CrashTask;
export type TaskMessage = TaskBody & { id: number };

/** A worker's memory and what it holds. */
export interface WorkerStats {
  /** the pool's index of the worker */
  worker: number;
  liveAllocations: number;
  liveBytes: number;
  memoryBytes: number;
  /** resident matrices */
  matrices: number;
  /** sessions kept (at most a few per matrix, one per setup spec) */
  sessions: number;
  /** tasks this worker has run */
  tasks: number;
}

/** An error as plain data. */
export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
  /** the error's own enumerable fields that are plain data (line, row, kind, index, url, status, ...) */
  fields: Record<string, unknown>;
  cause?: ErrorData;
}

export type WorkerReply =
  | { op: 'ready' }
  | { op: 'init-failed'; error: ErrorData }
  | { op: 'progress'; id: number; iteration: number; residual: number; at: number }
  | { op: 'event'; id: number; data: unknown }
  | { op: 'done'; id: number; value: unknown }
  | { op: 'failed'; id: number; error: ErrorData; fatal: boolean };

export type SolveReply = SolveResult;

function isPlain(v: unknown, depth = 0): boolean {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return true;
  if (depth > 3) return false;
  if (Array.isArray(v)) return v.every((x) => isPlain(x, depth + 1));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.values(v as object).every((x) => isPlain(x, depth + 1));
  }
  return false;
}

/** An error (or anything thrown) as plain data. */
export function errorToData(e: unknown, depth = 0): ErrorData {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    // a SequenceError's partial results can be large and hold typed arrays: sent as they are
    if (k === 'cause' || k === 'name' || k === 'message') continue;
    if (isPlain(v) || k === 'partial') fields[k] = v;
  }
  const data: ErrorData = { name: e.name, message: e.message, stack: e.stack, fields };
  if (e.cause !== undefined && depth < 3) data.cause = errorToData(e.cause, depth + 1);
  return data;
}

type ErrorClass = { prototype: Error };
const CLASSES = new Map<string, ErrorClass>();
for (const v of Object.values(errors)) {
  if (typeof v === 'function' && v.prototype instanceof Error) CLASSES.set((v.prototype as Error).name, v as ErrorClass);
}
CLASSES.set('SequenceError', SequenceError);
const BUILTIN: Record<string, ErrorClass> = {
  TypeError, RangeError, SyntaxError, ReferenceError,
  RuntimeError: WebAssembly.RuntimeError, CompileError: WebAssembly.CompileError, LinkError: WebAssembly.LinkError,
};

/**
 * Rebuilds an error sent as data: the library's class of that name (so instanceof works), a
 * built-in error class, or a plain Error carrying the name. The worker's stack is kept below the
 * main side's ("--- in the worker ---"), so both places show.
 */
export function errorFromData(d: ErrorData): Error {
  const cls = CLASSES.get(d.name) ?? BUILTIN[d.name];
  const e: Error = cls ? Object.create(cls.prototype) : new Error(d.message);
  const here = new Error(d.message).stack ?? '';
  Object.defineProperty(e, 'message', { value: d.message, writable: true, enumerable: false, configurable: true });
  if (!cls) Object.defineProperty(e, 'name', { value: d.name, writable: true, enumerable: false, configurable: true });
  const mainFrames = here.split('\n').slice(1).join('\n');
  Object.defineProperty(e, 'stack', {
    value: `${d.name}: ${d.message}\n${mainFrames}\n--- in the worker ---\n${(d.stack ?? '').split('\n').slice(1).join('\n')}`,
    writable: true, enumerable: false, configurable: true,
  });
  for (const [k, v] of Object.entries(d.fields)) Object.defineProperty(e, k, { value: v, writable: false, enumerable: true, configurable: true });
  if (d.cause) Object.defineProperty(e, 'cause', { value: errorFromData(d.cause), writable: true, enumerable: false, configurable: true });
  return e;
}
