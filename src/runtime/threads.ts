// The threads build at run time: one shared WebAssembly.Memory, the calling thread's instance and
// T - 1 workers, each instantiating the same module over that memory (its own globals, the same
// bytes), and a fork/join protocol over a control block in that memory (Atomics.wait/notify).
//
// How it fits the runtime: a ThreadedRuntime IS a SparseRuntime (same allocator, same objects on
// top), whose kernel table runs the large calls of the memory-bound kernels on the team: SpMV (CSR
// and SELL-8, rows split by nonzeros), dot, nrm2, axpy, scal, copy, fill, and the fused Krylov
// updates (xpby, axpby, sub, cgStep) and Jacobi. Everything built on the runtime (CsrMatrix
// multiply, the sessions' CG/BiCGSTAB/GMRES loops, Jacobi and Chebyshev preconditioners) goes
// through that table, so it runs threaded without a line of its own. Triangular solves (IC, ILU,
// SSOR) and factorizations stay on the calling thread.
//
// Allocation happens only on the calling thread's instance (each instance keeps its own allocator
// globals), after every worker is instantiated (instantiation re-applies the data segments, which
// hold constants only). Results: SpMV rows are computed by the same kernel code whichever thread
// runs them, so products are bitwise those of one thread; reductions (dot, nrm2, cgStep's r.r) sum
// per-thread partials in thread order: deterministic for a given team size, and within rounding of
// the one-thread value.
//
// Waiting: workers spin briefly, then Atomics.wait. The calling thread runs share 0 itself, then
// waits for the others the same way; where it may not block (a page's main thread), it spins.
import { InvalidArgumentError, ThreadError, WasmLoadError, WasmMemoryError } from '../errors.js';
import type { Kernels } from './kernels.js';
import { SparseRuntime, simdSupported } from './runtime.js';
import { THREAD_WORKER_SOURCE } from './thread-worker-source.js';

/** Layout of the control block (i32 slots, f64 slots, bytes); mirrored in thread-worker-source.ts. */
const GEN = 0, DONE = 1, OP = 2, ERROR = 3, SPIN = 4, ARGS = 8, BOUNDS = 64;
const F_ARGS = 16, PARTIALS = 96;
const MESSAGE = 1280, MESSAGE_BYTES = 1024, CTRL_BYTES = 2560;
const OP_EXIT = 99;
const Op = {
  csrSpmv: 1, csrSpmvScaled: 2, sellSpmv: 3, dot: 4, axpy: 5, scal: 6, copy: 7, fill: 8, nrm2: 9,
  xpby: 10, axpby: 11, sub: 12, cgStep: 13, jacobiApply: 14,
} as const;
/** Vector shares start on multiples of this many elements (128 bytes: no cache line is written by two threads). */
const ALIGN = 16;
/** An SpMV row costs about this many nonzeros beyond its entries (its y store and row pointer). */
const ROW_COST = 2;
/** Spin iterations before a thread sleeps in Atomics.wait (about 50-100 µs): back-to-back calls of one solve never sleep. */
const SPIN_ITERATIONS = 20_000;

const isNode = typeof process !== 'undefined' && !!(process as { versions?: { node?: string } }).versions?.node;

/**
 * Why threads cannot run here, or undefined when they can: Node always (worker_threads), browsers
 * when the page is cross-origin isolated (COOP/COEP headers), which SharedArrayBuffer needs.
 */
export function threadsUnavailableReason(): string | undefined {
  if (typeof SharedArrayBuffer === 'undefined') {
    return 'SharedArrayBuffer is not available (a page needs the COOP/COEP headers of cross-origin isolation)';
  }
  if (!isNode) {
    if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) return 'the page is not cross-origin isolated (COOP/COEP headers)';
    if (typeof Worker === 'undefined') return 'Web Workers are not available';
  }
  if (!simdSupported()) return 'this WebAssembly engine has no SIMD (the threads build uses it)';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'this WebAssembly engine has no shared memory';
  }
  return undefined;
}

/** true when `init({ threads })` gets the threads build here (see threadsUnavailableReason). */
export function threadsSupported(): boolean {
  return threadsUnavailableReason() === undefined;
}

/** A worker of either kind, reduced to what the team uses. */
interface TeamWorker {
  post(message: unknown): void;
  /** resolves with the first message, rejects on an error or exit before it */
  next(): Promise<{ type: string; message?: string }>;
  /** stops the worker; resolves when it is gone */
  stop(): Promise<void>;
  /** lets the process exit while this worker is idle (Node; started workers only) */
  detach(): void;
}

let liveWorkers = 0;

/** Workers of all thread teams in this process that have started and not yet exited (for tests and leak checks). */
export function threadWorkerCount(): number {
  return liveWorkers;
}

async function spawnWorker(): Promise<TeamWorker> {
  const queue: { type: string; message?: string }[] = [];
  const waiting: { resolve: (m: { type: string; message?: string }) => void; reject: (e: Error) => void }[] = [];
  let failure: Error | undefined;
  const deliver = (m: { type: string; message?: string }) => {
    const w = waiting.shift();
    if (w) w.resolve(m);
    else queue.push(m);
  };
  const fail = (e: Error) => {
    failure ??= e;
    for (const w of waiting.splice(0)) w.reject(e);
  };
  const next = () => {
    const m = queue.shift();
    if (m) return Promise.resolve(m);
    if (failure) return Promise.reject(failure);
    return new Promise<{ type: string; message?: string }>((resolve, reject) => waiting.push({ resolve, reject }));
  };
  if (isNode) {
    const { Worker } = await import(/* @vite-ignore */ 'node:worker_threads');
    const w = new Worker(THREAD_WORKER_SOURCE, { eval: true, name: 'sparse-wasm thread' });
    liveWorkers++;
    let exited = false;
    const gone = new Promise<void>((resolve) =>
      w.once('exit', (code) => {
        exited = true;
        liveWorkers--;
        fail(new ThreadError(`a thread worker exited (code ${code})`));
        resolve();
      }),
    );
    w.on('message', deliver);
    w.on('error', (e) => fail(new ThreadError(`a thread worker failed: ${e.message}`)));
    return {
      post: (m) => w.postMessage(m),
      next,
      // a started team never keeps the process alive: its workers are idle unless the caller is
      // inside a call (during startup the replies awaited must keep it alive)
      detach: () => w.unref(),
      stop: async () => {
        if (!exited) await w.terminate();
        await gone;
      },
    };
  }
  const url = URL.createObjectURL(new Blob([THREAD_WORKER_SOURCE], { type: 'text/javascript' }));
  const w = new Worker(url, { name: 'sparse-wasm thread' });
  URL.revokeObjectURL(url);
  liveWorkers++;
  let stopped = false;
  w.onmessage = (e: MessageEvent) => deliver(e.data as { type: string });
  w.onerror = (e: ErrorEvent) => fail(new ThreadError(`a thread worker failed: ${e.message}`));
  return {
    post: (m) => w.postMessage(m),
    next,
    detach: () => {},
    stop: async () => {
      if (stopped) return;
      stopped = true;
      w.terminate(); // immediate in browsers
      liveWorkers--;
    },
  };
}

/** The workers and the control block of one runtime: fork a call, run share 0, join. @internal */
export class ThreadTeam {
  private readonly I: Int32Array;
  private readonly U: Uint32Array;
  private readonly F: Float64Array;
  private readonly canBlock: boolean;
  private stopping: Promise<void> | undefined;
  private size_: number;

  constructor(
    memory: WebAssembly.Memory,
    private readonly ctrl: number,
    private readonly workers: TeamWorker[],
  ) {
    this.I = new Int32Array(memory.buffer, ctrl, CTRL_BYTES / 4);
    this.U = new Uint32Array(memory.buffer, ctrl, CTRL_BYTES / 4);
    this.F = new Float64Array(memory.buffer, ctrl, CTRL_BYTES / 8);
    this.I[SPIN] = SPIN_ITERATIONS;
    this.size_ = workers.length + 1;
    this.canBlock = blockingAllowed(this.I);
  }

  /** Threads taking part in a call, the calling one included (1 once terminated). */
  get size(): number {
    return this.size_;
  }

  get workerCount(): number {
    return this.stopping ? 0 : this.workers.length;
  }

  /** Splits n elements into `size` shares starting on multiples of ALIGN. */
  vectorBounds(n: number): void {
    const T = this.size_, I = this.I;
    const per = Math.ceil(n / T / ALIGN) * ALIGN;
    for (let t = 0; t < T; t++) I[BOUNDS + t] = Math.min(n, t * per);
    I[BOUNDS + T] = n;
  }

  /**
   * Splits `count` rows (or SELL chunks of `rowsPer` rows) so that every share has about the
   * same nonzeros plus row costs; `ptr` is the row (chunk) pointer array, count + 1 entries.
   */
  weightedBounds(ptr: Int32Array, count: number, rowsPer: number): void {
    const T = this.size_, I = this.I;
    const base = ptr[0]!;
    const weight = (r: number) => ptr[r]! - base + r * rowsPer * ROW_COST;
    const total = weight(count);
    I[BOUNDS] = 0;
    let lo = 0;
    for (let t = 1; t < T; t++) {
      const target = (total * t) / T;
      let hi = count;
      // smallest r >= lo with weight(r) >= target
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (weight(mid) < target) lo = mid + 1;
        else hi = mid;
      }
      I[BOUNDS + t] = lo;
    }
    I[BOUNDS + T] = count;
  }

  /** End of share 0 (the calling thread's share starts at 0). */
  get firstEnd(): number {
    return this.I[BOUNDS + 1]!;
  }

  setPointers(...ptrs: number[]): void {
    for (let i = 0; i < ptrs.length; i++) this.U[ARGS + i] = ptrs[i]!;
  }

  setScalars(a: number, b = 0): void {
    this.F[F_ARGS] = a;
    this.F[F_ARGS + 1] = b;
  }

  /**
   * Runs `op` on every worker's share and `mine` (share 0) here; returns mine's result once every
   * thread is done. A failure anywhere is thrown only after the whole team has finished the call.
   */
  call<R>(op: number, name: string, mine: () => R): R {
    const I = this.I;
    I[OP] = op;
    I[ERROR] = 0;
    Atomics.store(I, DONE, 0);
    Atomics.add(I, GEN, 1);
    Atomics.notify(I, GEN);
    let result: R | undefined;
    let failure: unknown;
    try {
      result = mine();
    } catch (e) {
      failure = e;
    }
    this.join();
    if (failure !== undefined) throw failure;
    const bad = Atomics.load(I, ERROR);
    if (bad !== 0) {
      const bytes = new Uint8Array(this.I.buffer, this.ctrl + MESSAGE, MESSAGE_BYTES).slice();
      const end = bytes.indexOf(0);
      const text = new TextDecoder().decode(bytes.subarray(0, end < 0 ? bytes.length : end));
      throw new ThreadError(`${name} failed on worker thread ${bad - 1}: ${text}`);
    }
    return result as R;
  }

  /** partials[0..size) summed in thread order, starting from the caller's own `mine` */
  sumPartials(mine: number): number {
    let s = mine;
    for (let t = 1; t < this.size_; t++) s += this.F[PARTIALS + t]!;
    return s;
  }

  /** the 2-norm of the per-thread 2-norms, scaled by their largest so no square overflows */
  normPartials(mine: number): number {
    let m = mine;
    for (let t = 1; t < this.size_; t++) {
      const p = this.F[PARTIALS + t]!;
      if (p !== p) return p;
      if (p > m) m = p;
    }
    if (mine !== mine) return mine;
    if (m === 0 || m === Infinity) return m;
    let s = (mine / m) * (mine / m);
    for (let t = 1; t < this.size_; t++) {
      const q = this.F[PARTIALS + t]! / m;
      s += q * q;
    }
    return m * Math.sqrt(s);
  }

  private join(): void {
    const I = this.I, want = this.size_ - 1;
    let spins = SPIN_ITERATIONS;
    for (;;) {
      const done = Atomics.load(I, DONE);
      if (done >= want) return;
      if (--spins < 0 && this.canBlock) Atomics.wait(I, DONE, done);
    }
  }

  /** Stops the workers (idempotent); later calls run on the calling thread alone. */
  terminate(): Promise<void> {
    if (!this.stopping) {
      this.size_ = 1;
      const I = this.I;
      I[OP] = OP_EXIT;
      Atomics.add(I, GEN, 1);
      Atomics.notify(I, GEN);
      this.stopping = Promise.all(this.workers.map((w) => w.stop())).then(() => undefined);
    }
    return this.stopping;
  }
}

/** Atomics.wait is refused on a browser's main thread; everywhere else the join may sleep. */
function blockingAllowed(I: Int32Array): boolean {
  try {
    Atomics.wait(I, ERROR, 12345, 0); // the slot is never 12345: returns 'not-equal' at once
    return true;
  } catch {
    return false;
  }
}

/**
 * The kernel table of a threaded runtime: the wasm exports, with the parallel kernels replaced by
 * versions that fork calls of at least `threshold()` elements (rows + nonzeros for SpMV) to the team.
 */
function threadedKernels(base: Kernels, team: ThreadTeam, memory: WebAssembly.Memory, threshold: () => number): Kernels {
  const k = { ...base } as Kernels;
  const serial = (n: number) => team.size === 1 || n < threshold();
  const ptrView = (p: number, count: number) => new Int32Array(memory.buffer, p, count + 1);

  k.csrSpmv = (rows, rowPtr, colIdx, vals, x, y) => {
    if (rows <= 0) return base.csrSpmv(rows, rowPtr, colIdx, vals, x, y);
    const rp = ptrView(rowPtr, rows);
    if (serial(rows + rp[rows]! - rp[0]!)) return base.csrSpmv(rows, rowPtr, colIdx, vals, x, y);
    team.weightedBounds(rp, rows, 1);
    team.setPointers(rowPtr, colIdx, vals, x, y);
    const end = team.firstEnd;
    team.call(Op.csrSpmv, 'csrSpmv', () => base.csrSpmv(end, rowPtr, colIdx, vals, x, y));
  };
  k.csrSpmvScaled = (rows, rowPtr, colIdx, vals, x, y, alpha, beta) => {
    if (rows <= 0) return base.csrSpmvScaled(rows, rowPtr, colIdx, vals, x, y, alpha, beta);
    const rp = ptrView(rowPtr, rows);
    if (serial(rows + rp[rows]! - rp[0]!)) return base.csrSpmvScaled(rows, rowPtr, colIdx, vals, x, y, alpha, beta);
    team.weightedBounds(rp, rows, 1);
    team.setPointers(rowPtr, colIdx, vals, x, y);
    team.setScalars(alpha, beta);
    const end = team.firstEnd;
    team.call(Op.csrSpmvScaled, 'csrSpmvScaled', () => base.csrSpmvScaled(end, rowPtr, colIdx, vals, x, y, alpha, beta));
  };
  k.sellSpmv = (rows, chunks, chunkPtr, cols, vals, perm, x, y, rowPtr, colIdx, csrVals) => {
    if (chunks <= 0) return base.sellSpmv(rows, chunks, chunkPtr, cols, vals, perm, x, y, rowPtr, colIdx, csrVals);
    const cp = ptrView(chunkPtr, chunks);
    if (serial(rows + cp[chunks]!)) return base.sellSpmv(rows, chunks, chunkPtr, cols, vals, perm, x, y, rowPtr, colIdx, csrVals);
    team.weightedBounds(cp, chunks, 8);
    team.setPointers(rows, chunks, chunkPtr, cols, vals, perm, x, y, rowPtr, colIdx, csrVals);
    const end = team.firstEnd;
    team.call(Op.sellSpmv, 'sellSpmv', () => base.sellSpmvRange(rows, chunks, 0, end, chunkPtr, cols, vals, perm, x, y, rowPtr, colIdx, csrVals));
  };

  /** runs a vector kernel on shares of n elements: `mine(len)` is share 0 */
  const vector = <R>(op: number, name: string, n: number, mine: (len: number) => R): R => {
    team.vectorBounds(n);
    const end = team.firstEnd;
    return team.call(op, name, () => mine(end));
  };

  k.dot = (n, x, y) => {
    if (serial(n)) return base.dot(n, x, y);
    team.setPointers(x, y);
    return team.sumPartials(vector(Op.dot, 'dot', n, (m) => base.dot(m, x, y)));
  };
  k.nrm2 = (n, x) => {
    if (serial(n)) return base.nrm2(n, x);
    team.setPointers(x);
    return team.normPartials(vector(Op.nrm2, 'nrm2', n, (m) => base.nrm2(m, x)));
  };
  k.cgStep = (n, alpha, p, q, x, r) => {
    if (serial(n)) return base.cgStep(n, alpha, p, q, x, r);
    team.setPointers(p, q, x, r);
    team.setScalars(alpha);
    return team.sumPartials(vector(Op.cgStep, 'cgStep', n, (m) => base.cgStep(m, alpha, p, q, x, r)));
  };
  k.axpy = (n, alpha, x, y) => {
    if (serial(n)) return base.axpy(n, alpha, x, y);
    team.setPointers(x, y);
    team.setScalars(alpha);
    vector(Op.axpy, 'axpy', n, (m) => base.axpy(m, alpha, x, y));
  };
  k.scal = (n, alpha, x) => {
    if (serial(n)) return base.scal(n, alpha, x);
    team.setPointers(x);
    team.setScalars(alpha);
    vector(Op.scal, 'scal', n, (m) => base.scal(m, alpha, x));
  };
  k.copy = (n, x, y) => {
    if (serial(n)) return base.copy(n, x, y);
    team.setPointers(x, y);
    vector(Op.copy, 'copy', n, (m) => base.copy(m, x, y));
  };
  k.fill = (n, value, x) => {
    if (serial(n)) return base.fill(n, value, x);
    team.setPointers(x);
    team.setScalars(value);
    vector(Op.fill, 'fill', n, (m) => base.fill(m, value, x));
  };
  k.xpby = (n, x, beta, y) => {
    if (serial(n)) return base.xpby(n, x, beta, y);
    team.setPointers(x, y);
    team.setScalars(beta);
    vector(Op.xpby, 'xpby', n, (m) => base.xpby(m, x, beta, y));
  };
  k.axpby = (n, a, x, b, y) => {
    if (serial(n)) return base.axpby(n, a, x, b, y);
    team.setPointers(x, y);
    team.setScalars(a, b);
    vector(Op.axpby, 'axpby', n, (m) => base.axpby(m, a, x, b, y));
  };
  k.sub = (n, x, y, z) => {
    if (serial(n)) return base.sub(n, x, y, z);
    team.setPointers(x, y, z);
    vector(Op.sub, 'sub', n, (m) => base.sub(m, x, y, z));
  };
  k.jacobiApply = (n, invDiag, r, z) => {
    if (serial(n)) return base.jacobiApply(n, invDiag, r, z);
    team.setPointers(invDiag, r, z);
    vector(Op.jacobiApply, 'jacobiApply', n, (m) => base.jacobiApply(m, invDiag, r, z));
  };
  return k;
}

/**
 * A runtime over the threads build: a SparseRuntime whose large SpMV, BLAS-1 and Krylov-update
 * calls run on `threads` threads (see the file comment). Made by `init({ threads })` or
 * `createRuntime({ threads })`. `terminate()` stops the workers; the runtime and every object on
 * it stay usable afterwards, on the calling thread alone.
 */
export class ThreadedRuntime extends SparseRuntime {
  private readonly settings: { threshold: number };

  /** @internal */
  constructor(
    instance: WebAssembly.Instance,
    memory: WebAssembly.Memory,
    private readonly team: ThreadTeam,
    parallelThreshold: number,
    maximumBytes: number,
  ) {
    const settings = { threshold: parallelThreshold };
    super(instance, memory, maximumBytes, threadedKernels(instance.exports as unknown as Kernels, team, memory, () => settings.threshold));
    this.settings = settings;
  }

  /** calls on fewer elements (vector length; rows + nonzeros for SpMV) stay on the calling thread */
  get parallelThreshold(): number {
    return this.settings.threshold;
  }

  set parallelThreshold(v: number) {
    if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(`parallelThreshold must be an integer >= 0, got ${v}`);
    this.settings.threshold = v;
  }

  /** threads that run large calls, the calling one included (1 after terminate) */
  override get threads(): number {
    return this.team.size;
  }

  /** workers this runtime has running (threads - 1; 0 after terminate) */
  get workerCount(): number {
    return this.team.workerCount;
  }

  /** Stops the workers and resolves when they are gone; idempotent. Objects on the runtime stay usable (one thread). */
  terminate(): Promise<void> {
    return this.team.terminate();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.terminate();
  }
}

const PAGE = 65536;

/**
 * Instantiates the threads build over a new shared memory with `threads - 1` workers. Called by
 * createRuntimeWith (runtime.ts) after it checked the options and that threads are available.
 * @internal
 */
export async function createThreadedRuntime(
  module: WebAssembly.Module,
  o: { threads: number; parallelThreshold: number; initMiB: number; maxMiB: number },
): Promise<ThreadedRuntime> {
  if (!Number.isInteger(o.threads) || o.threads < 1) throw new InvalidArgumentError(`threads must be an integer >= 1, got ${o.threads}`);
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({
      initial: Math.ceil((o.initMiB * 2 ** 20) / PAGE),
      maximum: Math.ceil((o.maxMiB * 2 ** 20) / PAGE),
      shared: true,
    });
  } catch (e) {
    throw new WasmMemoryError(`cannot reserve ${o.initMiB} MiB of shared wasm memory (maximum ${o.maxMiB} MiB): ${(e as Error).message}`);
  }
  const abort = () => {
    throw new Error('sparse-wasm kernel abort');
  };
  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(module, { env: { memory, abort } });
  } catch (e) {
    throw new WasmLoadError(`cannot instantiate the threads build over a shared memory (is the source build/sparse-threads.wasm?): ${(e as Error).message}`, { cause: e });
  }
  const workers: TeamWorker[] = [];
  try {
    for (let t = 1; t < o.threads; t++) workers.push(await spawnWorker());
    // every worker instantiates before the first allocation (WASM-NOTES pitfall 11)
    workers.forEach((w, i) => w.post({ type: 'init', module, memory, tid: i + 1 }));
    for (const w of workers) {
      const m = await w.next();
      if (m.type !== 'ready') throw new WasmLoadError(`a thread worker could not instantiate the threads build: ${m.message ?? m.type}`);
    }
  } catch (e) {
    await Promise.all(workers.map((w) => w.stop()));
    throw e instanceof WasmLoadError ? e : new WasmLoadError(`cannot start the thread workers: ${(e as Error).message}`, { cause: e });
  }
  const kernels = instance.exports as unknown as Kernels;
  const ctrl = kernels.alloc(CTRL_BYTES) >>> 0;
  new Uint8Array(memory.buffer, ctrl, CTRL_BYTES).fill(0);
  const team = new ThreadTeam(memory, ctrl, workers);
  for (const w of workers) {
    w.post({ type: 'start', ctrl, gen: 0 }); // GEN of the zeroed block; the first call makes it 1
    w.detach();
  }
  return new ThreadedRuntime(instance, memory, team, o.parallelThreshold, Math.ceil((o.maxMiB * 2 ** 20) / PAGE) * PAGE);
}
