// SolverPool: solves on worker threads (Node worker_threads, browser module Web Workers), each
// worker with its own wasm instance. The main side keeps one FIFO queue per worker and one task
// in flight per worker, so that
//   - a matrix handle's tasks (load, solves, update, dispose) run in the order they were given on
//     every worker that holds it (a solve given before an update sees the old values);
//   - the task a dying worker was running is known exactly (rejected with WorkerCrashedError),
//     and the tasks queued behind it run on its replacement;
//   - an abort of a running solve is a store into that worker's shared flag (its task id), read
//     by the solve's monitor every iteration.
// A thin layer of our own over postMessage rather than workerpool (evaluated, not a dependency) or comlink:
//   - resident matrices need routing to the worker that holds them; workerpool hands a task to
//     whichever worker is free (no affinity), comlink is one proxy per worker (no pool at all);
//   - cancellation must leave the worker alive: workerpool's cancel() and timeout() terminate it;
//   - bundlers (Vite) rewrite only a literal `new Worker(new URL(...), { type: 'module' })` in our
//     own code; workerpool constructs its workers from a script URL inside its own code, and ships
//     CommonJS/UMD only, which a module worker served as is (no bundler) cannot import;
//   - crash handling and error transport need the library's typed errors (protocol.ts) anyway.
import {
  DimensionMismatchError, DisposedError, InvalidArgumentError, NonFiniteValueError, PoolClosedError, QueueFullError,
  SolveAbortedError, WorkerCrashedError,
} from '../errors.js';
import { checkOption, checkOptions, describeValue } from '../options.js';
import { CsrMatrix } from '../matrix/csr.js';
import { compileWasmWith, type DefaultWasmSource, type InitOptions, type WasmSource } from '../runtime/runtime.js';
import { checkSessionSpec, SESSION_OPTIONS, type SessionSpec } from '../session/spec.js';
import type { SolveResult } from '../solvers/types.js';
import type { ChunkEntry, ChunkOptions, ChunkResult } from '../sequence/chunks.js';
import { errorFromData, errorToData, type CsrData, type InitMessage, type SolveLimits, type TaskBody, type WorkerReply, type WorkerStats } from './protocol.js';
import { spawnPoolWorker, type PoolWorkerPort } from './spawn.js';

export type { WorkerStats } from './protocol.js';

export interface SolverPoolOptions {
  /**
   * Number of workers. Default: the cores available minus one (the main thread keeps one), at
   * least 1 (Node: os.availableParallelism(); browsers: navigator.hardwareConcurrency).
   */
  workers?: number;
  /**
   * Solves that may wait in the queues (not counting the one running on each worker); default
   * Infinity. Loads, updates and disposes are never refused (they are small and order-bound).
   */
  maxQueue?: number;
  /**
   * When `maxQueue` solves already wait: 'reject' (default) rejects the new solve at once with
   * QueueFullError; 'wait' holds it (its promise stays pending) until a queued solve starts.
   */
  queueFull?: 'reject' | 'wait';
  /** The wasm every worker instantiates (compiled once here); default: the entry point's own. */
  source?: WasmSource;
  build?: InitOptions['build'];
  /** each worker's initial wasm memory in MiB (default: init()'s default) */
  initialMemoryMiB?: number;
  maximumMemoryMiB?: number;
  /** Node only: worker_threads resourceLimits of each worker (e.g. { maxOldGenerationSizeMb: 256 }) */
  resourceLimits?: Record<string, number>;
}

/**
 * A matrix to load: a CsrMatrix (its arrays are copied out) or CSR arrays, under this library's
 * names (rowPtr, colIdx, values) or SciPy's (indptr, indices, data: what the generators and
 * CsrMatrix.toCsrArrays give).
 */
export type PoolMatrixSource =
  | CsrMatrix
  | { rows: number; cols: number; rowPtr: ArrayLike<number>; colIdx: ArrayLike<number>; values: ArrayLike<number> }
  | { rows: number; cols: number; indptr: ArrayLike<number>; indices: ArrayLike<number>; data: ArrayLike<number> };

export interface LoadOptions {
  /**
   * 'one' (default): the matrix lives in one worker (the one holding the fewest matrices); its
   * solves run there, in order. 'all': a copy in every worker; each solve goes to the worker with
   * the shortest queue (many right-hand sides for one matrix spread over all cores).
   */
  placement?: 'one' | 'all';
  /**
   * true: the CSR arrays given (Int32Array/Float64Array) are transferred to the worker (they are
   * detached here) and the pool keeps no copy; a matrix whose worker dies is then lost (its solves
   * reject with WorkerCrashedError). Default false: the pool keeps a copy, re-sent to a worker
   * that replaces a dead one. Only with placement 'one'.
   */
  transfer?: boolean;
}

/** A chunk of a sequence for `SolverPool.solveChunk`: the systems themselves, in solve order. */
export interface PoolChunk {
  /**
   * { A, b } with A as CSR arrays (SciPy names: indptr, indices, data) or a CsrMatrix; { b } with
   * `matrix`; an Error in place of a system that could not be read: it fails alone with that
   * error (name and message), as a load that threw does in a local runChunk
   */
  systems: ReadonlyArray<{ A?: CsrData | CsrMatrix; b: ArrayLike<number> } | Error>;
  /** the input index of each system, reported as `index` (default 0, 1, ...) */
  indices?: ReadonlyArray<number>;
  /** the position of the chunk's first system in the whole solve order (default 0) */
  start?: number;
  /** the fixed matrix of a sequence of right-hand sides */
  matrix?: CsrData | CsrMatrix;
}

/** runChunk's options that are plain data, plus the main side's hooks. */
export type PoolChunkOptions = Omit<ChunkOptions, 'start' | 'matrix' | 'signal' | 'onSystem' | 'tune'> & {
  /** learned relaxation; plain data only (no `context` function) */
  tune?: Omit<NonNullable<ChunkOptions['tune']>, 'context'>;
  /** called on the main thread after each system of the chunk (its entry without x) */
  onSystem?: (entry: ChunkEntry) => void;
  /** stops the chunk between (and, through the shared flag, inside) solves: `aborted` in the result */
  signal?: AbortSignal;
  timeoutMs?: number;
};

/** Progress of a running pool solve (see PoolSolveOptions.onProgress). */
export interface PoolProgress {
  iteration: number;
  /** the method's residual norm at that iteration (the kind the result's residualKind names) */
  residual: number;
  /** when the worker reached it: ms since the epoch (performance.timeOrigin + performance.now() there) */
  at: number;
}

/** Options of one pool solve: the session spec (plain data) plus the main side's hooks. */
export interface PoolSolveOptions extends SessionSpec {
  /** initial guess (default 0) */
  x0?: ArrayLike<number>;
  /** stops the solve: reason 'aborted' (or SolveAbortedError where the worker had to be terminated) */
  signal?: AbortSignal;
  /** aborts the solve this many ms after the call (queue wait included); reason 'aborted' */
  timeoutMs?: number;
  /** called on the main thread with the solve's progress, at most every progressIntervalMs */
  onProgress?: (p: PoolProgress) => void;
  /** default 50 (ms); 0 reports every iteration */
  progressIntervalMs?: number;
  /** true: b and x0 (Float64Arrays) are transferred to the worker, not copied: they are detached here */
  transfer?: boolean;
}

const LIMIT_KEYS = ['rtol', 'atol', 'maxIterations', 'history'] as const;
const SOLVE_HOOKS = {
  x0: { kind: 'any' },
  signal: { kind: 'signal' },
  timeoutMs: { kind: 'number', min: 0, finite: true },
  onProgress: { kind: 'function' },
  progressIntervalMs: { kind: 'number', min: 0, finite: true },
  transfer: { kind: 'boolean' },
} as const;
const SPEC_KEYS = Object.keys(SESSION_OPTIONS).filter((k) => k !== 'onIteration' && k !== 'signal');
const POOL_SOLVE_OPTIONS = {
  ...Object.fromEntries(SPEC_KEYS.map((k) => [k, { kind: 'any' } as const])),
  ...SOLVE_HOOKS,
};

const POOL_OPTIONS = {
  workers: { kind: 'integer', min: 1, max: 256 },
  maxQueue: { kind: 'integer', min: 0, allowInfinity: true, default: Infinity },
  queueFull: { kind: 'enum', values: ['reject', 'wait'], default: 'reject' },
  source: { kind: 'any' },
  build: { kind: 'enum', values: ['auto', 'simd', 'scalar'] },
  initialMemoryMiB: { kind: 'number', min: 0, max: 4096, minOpen: true },
  maximumMemoryMiB: { kind: 'number', min: 0, max: 4096, minOpen: true },
  resourceLimits: { kind: 'object' },
} as const;

const isNode = typeof process !== 'undefined' && !!(process as { versions?: { node?: string } }).versions?.node;

/** true when a running solve can be stopped through a shared flag (Node; browsers when crossOriginIsolated). */
function sharedFlagAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  return isNode || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

async function defaultWorkerCount(): Promise<number> {
  let cores = 2;
  if (isNode) {
    const os = await import(/* @vite-ignore */ 'node:os');
    cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  } else {
    cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
  }
  return Math.max(1, cores - 1);
}

interface Task {
  id: number;
  body: TaskBody;
  transfer: Transferable[];
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** a solve counts toward maxQueue while it waits */
  solve: boolean;
  handle?: HandleState;
  onProgress?: (p: PoolProgress) => void;
  /** per-system events of a chunk */
  onEvent?: (data: unknown) => void;
  /** why the solve was stopped (signal or timeout), when it was */
  abortedBy?: string;
  /** removes the abort listener and the timer */
  cleanup?: () => void;
  /** the worker it was given to, once assigned */
  slot?: Slot;
}

/** The main side's view of one worker. */
interface Slot {
  index: number;
  port: PoolWorkerPort | null;
  flag: Int32Array | null;
  ready: boolean;
  queue: Task[];
  running: Task | null;
  /** handles resident in this worker */
  handles: Set<HandleState>;
  /** replacements in a row that died before they were ready */
  failedStarts: number;
  /** resolves when the worker is ready (or failed for good) */
  started: Promise<void>;
  /** the worker has been ready at least once (a replacement may then be retried) */
  everReady: boolean;
  /** set when the worker cannot be (re)started: its tasks fail with this */
  dead?: Error;
}

interface HandleState {
  id: number;
  rows: number;
  cols: number;
  nnz: number;
  placement: 'one' | 'all';
  /** the arrays as last loaded or updated, re-sent to a replacement worker; null with transfer */
  copy: { rowPtr: Int32Array; colIdx: Int32Array; values: Float64Array } | null;
  slots: Set<Slot>;
  disposed: boolean;
  /** set when a worker holding it died and no copy could be re-sent */
  lost?: string;
}

let nextTaskId = 1;
const nextId = (): number => {
  const id = nextTaskId;
  nextTaskId = nextTaskId >= 0x7ffffff0 ? 1 : nextTaskId + 1; // ids live in an Int32Array; 0 means "none"
  return id;
};

/**
 * A matrix resident in a pool's worker(s). Solve with `pool.solve(handle, b, options)`; change
 * values with `update({ values })`; free with `dispose()`.
 */
export class PoolMatrix {
  /** @internal */
  readonly state: HandleState;
  /** @internal */
  readonly pool: SolverPool;

  /** @internal */
  constructor(pool: SolverPool, state: HandleState) {
    this.pool = pool;
    this.state = state;
  }

  get rows(): number { return this.state.rows; }
  get cols(): number { return this.state.cols; }
  get nnz(): number { return this.state.nnz; }
  get placement(): 'one' | 'all' { return this.state.placement; }
  get disposed(): boolean { return this.state.disposed; }
  /** the pool indices of the workers holding the matrix */
  get workers(): number[] { return [...this.state.slots].map((s) => s.index).sort((a, b) => a - b); }

  /**
   * Replaces the values (same pattern, CSR order of the matrix as loaded, canonical: columns sorted
   * in each row). Applies to solves given after this call; solves given before see the old values.
   * Sessions in the worker refactor their preconditioner at their next solve.
   */
  update(change: { values: ArrayLike<number> }): Promise<void> {
    return this.pool.updateMatrix(this, change);
  }

  /** Frees the matrix in its worker(s) after the solves already given. Idempotent. */
  dispose(): Promise<void> {
    return this.pool.disposeMatrix(this);
  }

  [Symbol.dispose](): void {
    void this.dispose();
  }
}

/**
 * A pool of workers, each with its own wasm instance; solves return promises. Make it with
 * `createSolverPool(options)`; finish with `close()` (after the tasks given) or `terminate()` (now).
 */
export class SolverPool {
  private readonly slots: Slot[] = [];
  private readonly module: WebAssembly.Module;
  private readonly init: Omit<InitMessage, 'op' | 'module' | 'abortFlag'>;
  private readonly maxQueue: number;
  private readonly queueFull: 'reject' | 'wait';
  private readonly resourceLimits: Record<string, number> | undefined;
  /** solves in the worker queues that have not started */
  private waitingSolves = 0;
  /** solves held back by queueFull: 'wait' */
  private readonly held: { admit: () => void; reject: (e: unknown) => void }[] = [];
  private nextHandle = 1;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closed: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];
  /** 'shared-flag': an abort stops a running solve within an iteration; 'terminate': its worker is replaced */
  readonly cancellation: 'shared-flag' | 'terminate';

  /** @internal use createSolverPool */
  constructor(module: WebAssembly.Module, workers: number, o: {
    maxQueue: number; queueFull: 'reject' | 'wait'; initialMemoryMiB?: number; maximumMemoryMiB?: number; resourceLimits?: Record<string, number>;
  }) {
    this.module = module;
    this.init = { initialMemoryMiB: o.initialMemoryMiB, maximumMemoryMiB: o.maximumMemoryMiB };
    this.maxQueue = o.maxQueue;
    this.queueFull = o.queueFull;
    this.resourceLimits = o.resourceLimits;
    this.cancellation = sharedFlagAvailable() ? 'shared-flag' : 'terminate';
    for (let i = 0; i < workers; i++) {
      const slot: Slot = {
        index: i, port: null, flag: null, ready: false, queue: [], running: null, handles: new Set(), failedStarts: 0,
        started: Promise.resolve(), everReady: false,
      };
      this.slots.push(slot);
      this.startWorker(slot);
    }
  }

  /** Number of workers. */
  get size(): number {
    return this.slots.length;
  }

  /** Solves given and not finished (waiting, held back or running). */
  get pending(): number {
    let n = this.held.length + this.waitingSolves;
    for (const s of this.slots) if (s.running?.solve) n++;
    return n;
  }

  /** Resolves when every worker is ready (each has instantiated its wasm); rejects if one cannot start. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.started));
  }

  private startWorker(slot: Slot): void {
    slot.ready = false;
    slot.flag = this.cancellation === 'shared-flag' ? new Int32Array(new SharedArrayBuffer(4)) : null;
    slot.started = (async () => {
      const port = await spawnPoolWorker({ resourceLimits: this.resourceLimits });
      if (this.state === 'closed') {
        await port.terminate();
        return;
      }
      slot.port = port;
      await new Promise<void>((resolve, reject) => {
        port.onMessage((m) => {
          const reply = m as WorkerReply;
          if (reply.op === 'ready') {
            slot.ready = true;
            slot.everReady = true;
            slot.failedStarts = 0;
            resolve();
            this.dispatch(slot);
          } else if (reply.op === 'init-failed') {
            reject(errorFromData(reply.error));
          } else this.onReply(slot, reply);
        });
        port.onExit((why) => {
          if (!slot.ready) reject(new WorkerCrashedError(`pool worker ${slot.index} ended before it was ready${describeExit(why)}`, slot.index, why.error));
          this.onWorkerGone(slot, port, why);
        });
        const init: InitMessage & { worker: number } = { op: 'init', module: this.module, abortFlag: slot.flag, ...this.init, worker: slot.index };
        port.post(init);
      });
    })();
    slot.started.catch((e) => {
      slot.failedStarts++;
      if (slot.port) void slot.port.terminate();
      slot.port = null;
      if (this.state === 'closed') return;
      if (slot.everReady && slot.failedStarts < 3) {
        this.startWorker(slot); // a replacement that died starting: try again, the queue waits
        return;
      }
      // a worker that cannot start: the tasks waiting for it cannot run anywhere else (their
      // matrices live there), so they fail with the reason
      slot.dead = e instanceof Error ? e : new Error(String(e));
      for (const t of slot.queue.splice(0)) {
        if (t.solve) this.waitingSolves--;
        this.fail(t, slot.dead);
      }
    });
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const t = slot.running;
    if (reply.op === 'progress') {
      if (t && t.id === reply.id) {
        try {
          t.onProgress?.({ iteration: reply.iteration, residual: reply.residual, at: reply.at });
        } catch {
          // a throwing progress callback must not break the pool; the solve goes on
        }
      }
      return;
    }
    if (reply.op === 'event') {
      if (t && t.id === reply.id) {
        try {
          t.onEvent?.(reply.data);
        } catch {
          // the caller's callback must not break the pool
        }
      }
      return;
    }
    if (reply.op !== 'done' && reply.op !== 'failed') return;
    if (!t || t.id !== reply.id) return; // a task already settled (aborted by terminate)
    slot.running = null;
    if (reply.op === 'done') {
      let value = reply.value;
      if (t.abortedBy && (value as SolveResult | null)?.reason === 'aborted') value = { ...(value as SolveResult), detail: t.abortedBy };
      this.settle(t, value);
    } else {
      this.fail(t, errorFromData(reply.error));
      if (reply.fatal) {
        // a wasm trap: the instance may be inconsistent; replace the worker (the queued tasks wait for it)
        this.replace(slot, undefined);
        return;
      }
    }
    this.dispatch(slot);
  }

  private onWorkerGone(slot: Slot, port: PoolWorkerPort, why: { code?: number; error?: unknown }): void {
    if (slot.port !== port) return; // an old worker, already replaced
    const wasReady = slot.ready;
    slot.port = null;
    slot.ready = false;
    if (this.state === 'closed') return;
    if (!wasReady) return; // the start failure path rejects the queue
    const t = slot.running;
    slot.running = null;
    if (t) {
      this.fail(t, new WorkerCrashedError(
        `pool worker ${slot.index} died while running this task${describeExit(why)}; the pool replaced it`, slot.index, why.error,
      ));
    }
    this.replace(slot, why);
  }

  /** Starts a new worker in the slot, re-loading the matrices it held before the queued tasks. */
  private replace(slot: Slot, why: { code?: number; error?: unknown } | undefined): void {
    const old = slot.port;
    slot.port = null;
    slot.ready = false;
    if (old) void old.terminate();
    const reloads: Task[] = [];
    for (const h of slot.handles) {
      if (h.disposed) continue;
      if (h.copy) {
        reloads.push(this.makeTask({ op: 'load', handle: h.id, rows: h.rows, cols: h.cols, ...h.copy }, [], false, h));
      } else {
        h.lost = `the matrix was resident only in pool worker ${slot.index}, which died${why ? describeExit(why) : ''}, and was loaded with transfer: true (no copy to re-send): load it again`;
      }
    }
    // queued tasks of a lost matrix cannot run
    const keep: Task[] = [];
    for (const t of slot.queue) {
      if (t.handle?.lost && t.body.op !== 'dispose') {
        if (t.solve) this.waitingSolves--;
        this.fail(t, new WorkerCrashedError(t.handle.lost, slot.index));
      } else keep.push(t);
    }
    // a reload that fails leaves the matrix unusable there: its solves will say so
    for (const r of reloads) r.slot = slot;
    slot.queue = [...reloads, ...keep];
    if (this.state === 'closed') return;
    this.startWorker(slot);
  }

  private makeTask(body: TaskBody, transfer: Transferable[], solve: boolean, handle?: HandleState): Task {
    return { id: nextId(), body, transfer, solve, handle, resolve: () => {}, reject: () => {} };
  }

  /** Puts a task on a worker's queue; returns its promise. */
  private enqueue<T>(slot: Slot, task: Task): Promise<T> {
    const p = new Promise<T>((resolve, reject) => {
      task.resolve = resolve as (v: unknown) => void;
      task.reject = reject;
    });
    task.slot = slot;
    if (slot.dead) {
      this.fail(task, slot.dead);
      return p;
    }
    slot.queue.push(task);
    if (task.solve) this.waitingSolves++;
    this.dispatch(slot);
    return p;
  }

  private dispatch(slot: Slot): void {
    if (!slot.ready || slot.running || !slot.port) return;
    const t = slot.queue.shift();
    if (!t) {
      this.checkIdle();
      return;
    }
    if (t.solve) {
      this.waitingSolves--;
      this.admitHeld();
    }
    slot.running = t;
    // a solve aborted while it waited: the flag says so from its first iteration check
    if (t.abortedBy !== undefined && slot.flag) Atomics.store(slot.flag, 0, t.id);
    try {
      slot.port.post({ ...t.body, id: t.id, ...(t.abortedBy !== undefined && !slot.flag ? { aborted: true } : {}) }, t.transfer);
    } catch (e) {
      // e.g. a DataCloneError: the task cannot be sent
      slot.running = null;
      this.fail(t, e);
      this.dispatch(slot);
    }
  }

  private settle(t: Task, value: unknown): void {
    t.cleanup?.();
    t.resolve(value);
    this.checkIdle();
  }

  private fail(t: Task, e: unknown): void {
    t.cleanup?.();
    t.reject(e);
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0) return;
    if (this.held.length > 0 || this.slots.some((s) => s.running || s.queue.length > 0)) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private admitHeld(): void {
    while (this.held.length > 0 && this.waitingSolves < this.maxQueue) this.held.shift()!.admit();
  }

  private refuseIfClosed(what: string): void {
    if (this.state !== 'open') throw new PoolClosedError(`SolverPool.${what}: the pool is ${this.state === 'closing' ? 'closing' : 'closed'}`);
  }

  private liveSlots(): Slot[] {
    const live = this.slots.filter((s) => !s.dead);
    if (live.length === 0) throw new WorkerCrashedError('every worker of the pool failed to start', -1, this.slots[0]?.dead);
    return live;
  }

  private backlog(slot: Slot): number {
    return slot.queue.length + (slot.running ? 1 : 0);
  }

  /**
   * Sends a matrix to the worker(s) once; resolves to its handle when the worker(s) built it
   * (validated as CsrMatrix.fromCsr does: bad arrays reject with SparseFormatError etc.).
   */
  async load(matrix: PoolMatrixSource, options: LoadOptions = {}): Promise<PoolMatrix> {
    this.refuseIfClosed('load');
    const { placement, transfer } = checkOptions('SolverPool.load', options, {
      placement: { kind: 'enum', values: ['one', 'all'], default: 'one' },
      transfer: { kind: 'boolean', default: false },
    } as const);
    if (transfer && placement === 'all') throw new InvalidArgumentError('SolverPool.load: transfer: true needs placement \'one\' (a copy is sent to every worker)');
    let arrays: { rows: number; cols: number; rowPtr: Int32Array; colIdx: Int32Array; values: Float64Array };
    if (matrix instanceof CsrMatrix) {
      if (matrix.disposed) throw new DisposedError('SolverPool.load: the CsrMatrix was disposed');
      arrays = { rows: matrix.rows, cols: matrix.cols, rowPtr: matrix.rowPtr.slice(), colIdx: matrix.colIdx.slice(), values: matrix.values.slice() };
    } else {
      if (matrix === null || typeof matrix !== 'object') {
        throw new InvalidArgumentError(`SolverPool.load needs a CsrMatrix or { rows, cols, rowPtr, colIdx, values }, got ${describeValue(matrix)}`);
      }
      const m = matrix as Record<string, unknown>;
      const scipy = m.rowPtr === undefined && m.indptr !== undefined;
      const rows = m.rows as number, cols = m.cols as number;
      const rowPtr = (scipy ? m.indptr : m.rowPtr) as ArrayLike<number>;
      const colIdx = (scipy ? m.indices : m.colIdx) as ArrayLike<number>;
      const values = (scipy ? m.data : m.values) as ArrayLike<number>;
      for (const [k, v] of Object.entries({ rowPtr, colIdx, values })) {
        if (v == null || typeof (v as ArrayLike<number>).length !== 'number') throw new InvalidArgumentError(`SolverPool.load: ${k} must be an array of numbers (CSR arrays as { rows, cols, rowPtr, colIdx, values } or { rows, cols, indptr, indices, data }), got ${describeValue(v)}`);
      }
      const own = <T extends Int32Array | Float64Array>(v: ArrayLike<number>, C: { new (v: ArrayLike<number>): T; prototype: T }): T =>
        transfer && v instanceof C ? v : new C(v);
      arrays = { rows, cols, rowPtr: own(rowPtr, Int32Array), colIdx: own(colIdx, Int32Array), values: own(values, Float64Array) };
      if (transfer) {
        for (const [k, v] of Object.entries({ rowPtr: arrays.rowPtr, colIdx: arrays.colIdx, values: arrays.values })) {
          if (v.byteOffset !== 0 || v.byteLength !== v.buffer.byteLength || isShared(v.buffer)) {
            throw new InvalidArgumentError(`SolverPool.load: with transfer: true, ${k} must be a typed array over a whole (non-shared) ArrayBuffer`);
          }
        }
      }
    }
    const nnz = arrays.values.length;
    const h: HandleState = {
      id: this.nextHandle++, rows: arrays.rows, cols: arrays.cols, nnz, placement,
      copy: transfer ? null : { rowPtr: arrays.rowPtr, colIdx: arrays.colIdx, values: arrays.values }, slots: new Set(), disposed: false,
    };
    const targets = placement === 'all'
      ? this.liveSlots()
      : [this.liveSlots().reduce((best, s) => (s.handles.size < best.handles.size || (s.handles.size === best.handles.size && this.backlog(s) < this.backlog(best)) ? s : best))];
    const body = { op: 'load' as const, handle: h.id, rows: arrays.rows, cols: arrays.cols, rowPtr: arrays.rowPtr, colIdx: arrays.colIdx, values: arrays.values };
    const done = targets.map((s) => {
      h.slots.add(s);
      s.handles.add(h);
      return this.enqueue<{ rows: number; cols: number; nnz: number }>(s, this.makeTask(body, transfer ? [arrays.rowPtr.buffer, arrays.colIdx.buffer, arrays.values.buffer] : [], false, h));
    });
    try {
      const info = await Promise.all(done);
      h.nnz = info[0].nnz; // canonical (duplicates summed)
    } catch (e) {
      // refused (bad arrays): nothing stays resident
      h.disposed = true;
      for (const s of h.slots) {
        s.handles.delete(h);
        void this.enqueue(s, this.makeTask({ op: 'dispose', handle: h.id }, [], false, h)).catch(() => {});
      }
      throw e;
    }
    return new PoolMatrix(this, h);
  }

  /** @internal */
  async updateMatrix(m: PoolMatrix, change: { values: ArrayLike<number> }): Promise<void> {
    this.refuseIfClosed('update');
    const h = this.own(m, 'update');
    const { values } = checkOptions('PoolMatrix.update', change, { values: { kind: 'any' } } as const);
    if (values == null || typeof (values as ArrayLike<number>).length !== 'number') throw new InvalidArgumentError('PoolMatrix.update needs { values }: an array of numbers');
    const v = values as ArrayLike<number>;
    if (v.length !== h.nnz) throw new DimensionMismatchError(`PoolMatrix.update needs ${h.nnz} values, got ${v.length}`);
    const copy = new Float64Array(v);
    for (let k = 0; k < copy.length; k++) {
      if (!Number.isFinite(copy[k])) throw new NonFiniteValueError(`value ${k} is ${v[k]}, not a finite number`);
    }
    if (h.copy) h.copy = { ...h.copy, values: copy };
    await Promise.all([...h.slots].map((s) => this.enqueue(s, this.makeTask({ op: 'update', handle: h.id, values: copy }, [], false, h))));
  }

  /** @internal */
  async disposeMatrix(m: PoolMatrix): Promise<void> {
    const h = m.state;
    if (m.pool !== this || h.disposed) return;
    h.disposed = true;
    h.copy = null;
    const slots = [...h.slots];
    for (const s of slots) s.handles.delete(h);
    if (this.state === 'closed') return;
    await Promise.all(slots.map((s) => this.enqueue(s, this.makeTask({ op: 'dispose', handle: h.id }, [], false, h)).catch(() => {})));
  }

  private own(m: PoolMatrix, what: string): HandleState {
    if (!(m instanceof PoolMatrix) || m.pool !== this) throw new InvalidArgumentError(`SolverPool.${what} needs a matrix handle of this pool (from pool.load), got ${describeValue(m)}`);
    if (m.state.disposed) throw new DisposedError(`SolverPool.${what}: the matrix handle was disposed`);
    if (m.state.lost) throw new WorkerCrashedError(m.state.lost, [...m.state.slots][0]?.index ?? -1);
    return m.state;
  }

  /**
   * Solves A x = b in a worker holding A; resolves to the session's SolveResult (x a
   * Float64Array). The worker keeps a session per setup spec (method, preconditioner, method
   * options) for each matrix, so repeated solves reuse the preconditioner, and a recycling
   * method its recycle space. Bad input rejects with the typed error; a solve stopped by the
   * signal or timeout resolves with reason 'aborted'.
   */
  async solve(A: PoolMatrix, b: ArrayLike<number>, options: PoolSolveOptions = {}): Promise<SolveResult> {
    this.refuseIfClosed('solve');
    const h = this.own(A, 'solve');
    const o = checkOptions('SolverPool.solve', options, POOL_SOLVE_OPTIONS) as PoolSolveOptions;
    const specAll: Record<string, unknown> = {};
    for (const k of SPEC_KEYS) if ((o as Record<string, unknown>)[k] !== undefined) specAll[k] = (o as Record<string, unknown>)[k];
    checkSessionSpec(specAll);
    const limits: SolveLimits = {};
    const spec: Record<string, unknown> = { ...specAll };
    for (const k of LIMIT_KEYS) {
      if (spec[k] !== undefined) (limits as Record<string, unknown>)[k] = spec[k];
      delete spec[k];
    }
    const transfer: Transferable[] = [];
    const vector = (v: unknown, what: string): Float64Array => {
      if (v == null || typeof (v as ArrayLike<number>).length !== 'number') throw new InvalidArgumentError(`SolverPool.solve: ${what} must be an array of numbers, got ${describeValue(v)}`);
      const a = v as ArrayLike<number>;
      if (a.length !== h.rows) throw new DimensionMismatchError(`${what} has length ${a.length}, the matrix has ${h.rows} rows`);
      if (o.transfer && a instanceof Float64Array && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && !isShared(a.buffer)) {
        transfer.push(a.buffer);
        return a;
      }
      const copy = Float64Array.from(a);
      transfer.push(copy.buffer); // our own copy: moved to the worker, not copied again
      return copy;
    };
    const bv = vector(b, 'b');
    const x0 = o.x0 !== undefined ? vector(o.x0, 'x0') : undefined;
    const body: TaskBody = {
      op: 'solve', handle: h.id, b: bv, ...(x0 ? { x0 } : {}), spec: spec as SessionSpec, limits,
      ...(o.onProgress ? { progressIntervalMs: o.progressIntervalMs ?? 50 } : {}),
    };
    const task = this.makeTask(body, transfer, true, h);
    task.onProgress = o.onProgress;
    // back-pressure: the queues are full
    if (this.waitingSolves >= this.maxQueue) {
      if (this.queueFull === 'reject') {
        throw new QueueFullError(`SolverPool.solve: ${this.waitingSolves} solves are waiting (maxQueue ${this.maxQueue}); await some before giving more, or make the pool with queueFull: 'wait'`);
      }
      await new Promise<void>((admit, reject) => this.held.push({ admit, reject }));
      if (h.disposed) throw new DisposedError('SolverPool.solve: the matrix handle was disposed while the solve was held back');
    }
    // the worker with the shortest queue among those holding A
    let slot: Slot | undefined;
    for (const s of h.slots) if (!slot || this.backlog(s) < this.backlog(slot)) slot = s;
    if (!slot) throw new WorkerCrashedError('SolverPool.solve: no worker holds the matrix', -1);
    this.watchAbort(task, o.signal, o.timeoutMs);
    return this.enqueue<SolveResult>(slot, task);
  }

  /**
   * Runs a chunk of a sequence in a worker, as `runChunk` (sequence/chunks.ts) does locally: one
   * session, recycle space and Galerkin history for the chunk, so the per-system results equal a
   * local run of the same chunk. The systems are sent with the task (nothing stays resident).
   * Counts as a solve for maxQueue. Resolves to the ChunkResult (entries labelled with `indices`).
   */
  async solveChunk(chunk: PoolChunk, options: PoolChunkOptions = {}): Promise<ChunkResult> {
    this.refuseIfClosed('solveChunk');
    const c = checkOptions('SolverPool.solveChunk', chunk, {
      systems: { kind: 'any' }, indices: { kind: 'any' }, start: { kind: 'integer', min: 0, default: 0 }, matrix: { kind: 'any' },
    } as const);
    if (!Array.isArray(c.systems)) throw new InvalidArgumentError('SolverPool.solveChunk: chunk.systems must be an array of { A, b } or { b }');
    const systems = c.systems as PoolChunk['systems'];
    const indices = (c.indices as number[] | undefined) ?? systems.map((_, k) => k);
    if (!Array.isArray(indices) || indices.length !== systems.length || !indices.every((i) => Number.isInteger(i) && i >= 0)) {
      throw new InvalidArgumentError(`SolverPool.solveChunk: chunk.indices must be ${systems.length} integers >= 0, one per system`);
    }
    const { onSystem, signal, timeoutMs, ...rest } = checkOptionsObjectAnd(options);
    if (onSystem !== undefined && typeof onSystem !== 'function') throw new InvalidArgumentError('SolverPool.solveChunk: onSystem must be a function');
    if (timeoutMs !== undefined) checkOption('SolverPool.solveChunk', 'timeoutMs', timeoutMs, { kind: 'number', min: 0, finite: true });
    if (signal !== undefined) checkOption('SolverPool.solveChunk', 'signal', signal, { kind: 'signal' });
    const bad = functionPath(rest, 'options');
    if (bad) throw new InvalidArgumentError(`SolverPool.solveChunk: ${bad} is a function: a worker cannot receive it (tune.context and features are local-only)`);
    const transfer: Transferable[] = [];
    const csr = (A: CsrData | CsrMatrix, where: string): CsrData => {
      if (A instanceof CsrMatrix) {
        if (A.disposed) throw new DisposedError(`SolverPool.solveChunk: ${where} was disposed`);
        return A.toCsrArrays();
      }
      if (A === null || typeof A !== 'object') throw new InvalidArgumentError(`SolverPool.solveChunk: ${where} must be CSR arrays { rows, cols, indptr, indices, data } or a CsrMatrix`);
      return A;
    };
    const sent = systems.map((s, k) => {
      if (s instanceof Error) return { error: errorToData(s) };
      if (s === null || typeof s !== 'object' || s.b == null || typeof s.b.length !== 'number') {
        throw new InvalidArgumentError(`SolverPool.solveChunk: system ${indices[k]} must be { A, b } or { b }`);
      }
      const b = Float64Array.from(s.b);
      transfer.push(b.buffer);
      return s.A !== undefined ? { A: csr(s.A, `system ${indices[k]}'s A`), b } : { b };
    });
    const body: TaskBody = {
      op: 'chunk', systems: sent, indices: [...indices], start: c.start, options: rest, events: onSystem !== undefined,
      ...(c.matrix !== undefined ? { matrix: csr(c.matrix as CsrData | CsrMatrix, 'chunk.matrix') } : {}),
    };
    const task = this.makeTask(body, transfer, true);
    if (onSystem) task.onEvent = (data) => onSystem(data as ChunkEntry);
    if (this.waitingSolves >= this.maxQueue) {
      if (this.queueFull === 'reject') throw new QueueFullError(`SolverPool.solveChunk: ${this.waitingSolves} tasks are waiting (maxQueue ${this.maxQueue})`);
      await new Promise<void>((admit, reject) => this.held.push({ admit, reject }));
    }
    const live = this.liveSlots();
    const slot = live.reduce((best, s) => (this.backlog(s) < this.backlog(best) ? s : best));
    this.watchAbort(task, signal as AbortSignal | undefined, timeoutMs as number | undefined);
    return this.enqueue<ChunkResult>(slot, task);
  }

  /** Arms the signal and the timeout of a solve task. */
  private watchAbort(task: Task, signal: AbortSignal | undefined, timeoutMs: number | undefined): void {
    const abort = (why: string) => {
      if (task.abortedBy !== undefined) return;
      task.abortedBy = why;
      const slot = task.slot;
      if (!slot || slot.running !== task) return; // still queued: dispatch() marks it
      if (slot.flag) {
        Atomics.store(slot.flag, 0, task.id);
      } else {
        // no shared memory (a page that is not crossOriginIsolated): the running solve cannot be
        // told to stop; the worker is ended and replaced (its matrices re-sent from the copies)
        slot.running = null;
        this.fail(task, new SolveAbortedError(`the solve was stopped (${why}) by terminating its worker: without SharedArrayBuffer (crossOriginIsolated) there is no partial result`));
        this.replace(slot, undefined);
      }
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    if (timeoutMs !== undefined) timer = setTimeout(() => abort(`timed out after ${timeoutMs} ms`), timeoutMs);
    if (signal) {
      onAbort = () => abort(`aborted by the signal${signal.reason !== undefined ? `: ${String((signal.reason as Error)?.message ?? signal.reason)}` : ''}`);
      if (signal.aborted) onAbort();
      else signal.addEventListener?.('abort', onAbort, { once: true });
    }
    task.cleanup = () => {
      if (timer !== undefined) clearTimeout(timer);
      if (onAbort) signal?.removeEventListener?.('abort', onAbort);
    };
  }

  /**
   * Sends `payload` to a worker (the one with the shortest queue) and back, with no work there:
   * the pool's transport and scheduling cost for a message of that size (what the benchmark
   * compares with a solve). Resolves to the returned copy.
   */
  ping(payload: Float64Array = new Float64Array(0)): Promise<Float64Array> {
    this.refuseIfClosed('ping');
    if (!(payload instanceof Float64Array)) throw new InvalidArgumentError(`SolverPool.ping takes a Float64Array, got ${describeValue(payload)}`);
    const live = this.liveSlots();
    const slot = live.reduce((best, s) => (this.backlog(s) < this.backlog(best) ? s : best));
    const copy = payload.slice();
    return this.enqueue<Float64Array>(slot, this.makeTask({ op: 'echo', payload: copy }, [copy.buffer], false));
  }

  /** Each worker's wasm memory, resident matrices and sessions (after the tasks given before). */
  async stats(): Promise<WorkerStats[]> {
    this.refuseIfClosed('stats');
    return Promise.all(this.slots.map((s) => this.enqueue<WorkerStats>(s, this.makeTask({ op: 'stats' }, [], false))));
  }

  /**
   * Ends a worker as a crash would ('exit': process exit; 'throw': an uncaught error; 'trap': a
   * wasm trap inside a task; 'oom': the JS heap exhausted, with resourceLimits). For tests.
   * @internal
   */
  crashWorkerForTesting(index: number, how: 'exit' | 'throw' | 'trap' | 'oom'): Promise<unknown> {
    checkOption('crashWorkerForTesting', 'index', index, { kind: 'integer', min: 0, max: this.slots.length - 1 });
    return this.enqueue(this.slots[index], this.makeTask({ op: 'crash', how }, [], false));
  }

  /** Resolves when no task is queued, held back or running. */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  /**
   * Drains: refuses new tasks (PoolClosedError), lets every task already given finish, then ends
   * the workers. Resolves when they are gone. Idempotent.
   */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.state = 'closing';
    this.closed = (async () => {
      await Promise.allSettled(this.slots.map((s) => s.started));
      await this.idle();
      await this.endWorkers();
    })();
    return this.closed;
  }

  /**
   * Stops now: running and queued tasks reject with PoolClosedError, the workers are ended.
   * Resolves when they are gone. Idempotent (also after close()).
   */
  terminate(): Promise<void> {
    if (this.state === 'closed' && this.closed) return this.closed;
    this.state = 'closing';
    const e = new PoolClosedError('the pool was terminated before this task finished');
    for (const h of this.held.splice(0)) h.reject(e);
    for (const s of this.slots) {
      const t = s.running;
      s.running = null;
      if (t) this.fail(t, e);
      for (const q of s.queue.splice(0)) this.fail(q, e);
    }
    this.waitingSolves = 0;
    this.closed = this.endWorkers();
    return this.closed;
  }

  private async endWorkers(): Promise<void> {
    this.state = 'closed';
    for (const w of this.idleWaiters.splice(0)) w();
    await Promise.allSettled(this.slots.map((s) => s.started));
    await Promise.all(this.slots.map(async (s) => {
      const p = s.port;
      s.port = null;
      s.ready = false;
      if (p) await p.terminate();
    }));
  }
}

function checkOptionsObjectAnd(options: unknown): Record<string, unknown> {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new InvalidArgumentError(`SolverPool.solveChunk: options must be an object, got ${describeValue(options)}`);
  }
  return { ...(options as Record<string, unknown> | undefined) };
}

/** The path of the first function inside plain options, or null. */
function functionPath(v: unknown, path: string, depth = 0): string | null {
  if (typeof v === 'function') return path;
  if (v === null || typeof v !== 'object' || depth > 4 || ArrayBuffer.isView(v)) return null;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const bad = functionPath(x, `${path}.${k}`, depth + 1);
    if (bad) return bad;
  }
  return null;
}

function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}

function describeExit(why: { code?: number; error?: unknown }): string {
  const parts: string[] = [];
  if (why.code !== undefined) parts.push(`exit code ${why.code}`);
  if (why.error !== undefined) parts.push(String((why.error as Error)?.message ?? why.error));
  return parts.length ? ` (${parts.join(': ')})` : '';
}

/**
 * Starts a pool of `workers` workers (see SolverPoolOptions), compiling the wasm once here;
 * resolves when every worker has instantiated it. `defaultSource` gives the wasm when the options
 * do not (each package entry passes its own).
 */
export async function createSolverPoolWith(options: SolverPoolOptions, defaultSource: DefaultWasmSource): Promise<SolverPool> {
  const o = checkOptions('createSolverPool', options, POOL_OPTIONS);
  const module = await compileWasmWith({ source: o.source as WasmSource | undefined, build: o.build, initialMemoryMiB: o.initialMemoryMiB, maximumMemoryMiB: o.maximumMemoryMiB }, defaultSource);
  const workers = o.workers ?? (await defaultWorkerCount());
  const pool = new SolverPool(module, workers, {
    maxQueue: o.maxQueue, queueFull: o.queueFull, initialMemoryMiB: o.initialMemoryMiB, maximumMemoryMiB: o.maximumMemoryMiB,
    resourceLimits: o.resourceLimits as Record<string, number> | undefined,
  });
  try {
    await pool.ready();
  } catch (e) {
    await pool.terminate();
    throw e;
  }
  return pool;
}
