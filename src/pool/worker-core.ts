// What a worker of a SolverPool does, whatever its kind (worker-node.ts: a Node worker thread;
// worker.ts: a browser module Web Worker): its own wasm instance, the matrices loaded into it (by handle) with a few sessions each,
// one task at a time. Tasks come as messages from pool.ts; replies are plain data, with the
// solution's buffer transferred. A solve stops when the main side writes its task id into the
// shared abort flag, which the session's monitor reads every iteration.
import { initWith, type SparseRuntime } from '../runtime/runtime.js';
import { CsrMatrix } from '../matrix/csr.js';
import { SolverSession } from '../session/session.js';
import { InvalidArgumentError } from '../errors.js';
import { runChunk, type ChunkEntry } from '../sequence/chunks.js';
import type { SolveOptions } from '../solvers/types.js';
import { errorFromData, errorToData, type ChunkTask, type InitMessage, type SolveTask, type TaskMessage, type WorkerReply, type WorkerStats } from './protocol.js';

export interface Port {
  post(message: WorkerReply, transfer?: Transferable[]): void;
  listen(handler: (message: unknown) => void): void;
  exit(code: number): void;
}

/** sessions kept per matrix (one per setup spec: method, preconditioner, method options), least recently used dropped */
const SESSIONS_PER_MATRIX = 4;

interface Resident {
  A: CsrMatrix;
  /** keyed by the spec's canonical JSON, most recently used last */
  sessions: Map<string, SolverSession>;
}

let rt: SparseRuntime | undefined;
let abortFlag: Int32Array | null = null;
const resident = new Map<number, Resident>();
let tasksRun = 0;
let workerIndex = -1;

/** JSON with sorted keys: two specs that differ only in key order share a session. */
function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

function matrixOf(handle: number): Resident {
  const r = resident.get(handle);
  if (!r) throw new InvalidArgumentError(`matrix handle ${handle} is not loaded in this worker (disposed?)`);
  return r;
}

function disposeResident(r: Resident): void {
  for (const s of r.sessions.values()) s.dispose();
  r.sessions.clear();
  r.A.dispose();
}

function sessionFor(r: Resident, task: SolveTask): SolverSession {
  const key = canonicalJson(task.spec);
  let s = r.sessions.get(key);
  if (s) {
    r.sessions.delete(key); // re-inserted below: most recently used last
  } else {
    s = SolverSession.fromSpec(r.A, task.spec);
    if (r.sessions.size >= SESSIONS_PER_MATRIX) {
      const [oldKey, old] = r.sessions.entries().next().value!;
      r.sessions.delete(oldKey);
      old.dispose();
    }
  }
  r.sessions.set(key, s);
  return s;
}

function solve(port: Port, id: number, task: SolveTask): { value: unknown; transfer: Transferable[] } {
  const r = matrixOf(task.handle);
  const session = sessionFor(r, task);
  const flag = abortFlag;
  // read by SolveMonitor every iteration (options.ts accepts anything with a boolean `aborted`);
  // without shared memory only a solve aborted while it was queued can be told (`aborted` in the task)
  const signal = task.aborted ? { aborted: true } : flag ? { get aborted(): boolean { return Atomics.load(flag, 0) === id; } } : undefined;
  let onIteration: SolveOptions['onIteration'];
  const every = task.progressIntervalMs;
  if (every !== undefined) {
    let last = -Infinity;
    onIteration = (s) => {
      const now = performance.now();
      if (now - last >= every) {
        last = now;
        port.post({ op: 'progress', id, iteration: s.iteration, residual: s.residualNorm, at: performance.timeOrigin + now });
      }
    };
  }
  const result = session.solve(task.b, task.x0 ?? null, {
    ...task.limits,
    ...(signal ? { signal: signal as unknown as AbortSignal } : {}),
    ...(onIteration ? { onIteration } : {}),
  });
  return { value: result, transfer: [result.x.buffer] };
}

/** Runs a chunk of a sequence: its own session and recycle space, as runChunk does anywhere. */
async function chunk(port: Port, id: number, task: ChunkTask): Promise<{ value: unknown; transfer: Transferable[] }> {
  const flag = abortFlag;
  const signal = task.aborted ? { aborted: true } : flag ? { get aborted(): boolean { return Atomics.load(flag, 0) === id; } } : undefined;
  const matrix = task.matrix ? CsrMatrix.fromCsr(task.matrix.rows, task.matrix.cols, task.matrix.indptr, task.matrix.indices, task.matrix.data, { runtime: rt }) : undefined;
  const label = (e: ChunkEntry): ChunkEntry => ({ ...e, index: task.indices[e.index] });
  try {
    const systems = {
      count: task.systems.length,
      load: (k: number) => {
        const s = task.systems[k];
        if (s.error) throw errorFromData(s.error); // unreadable on the main side: fails alone, as it would locally
        return s.A ? { A: s.A, b: s.b! } : { b: s.b! };
      },
    };
    const res = await runChunk(systems, task.systems.map((_, k) => k), {
      ...task.options,
      start: task.start,
      ...(matrix ? { matrix } : {}),
      ...(signal ? { signal: signal as unknown as AbortSignal } : {}),
      ...(task.events ? { onSystem: (e: ChunkEntry) => {
        const { x: _x, ...rest } = label(e) as ChunkEntry & { x?: Float64Array };
        port.post({ op: 'event', id, data: rest });
      } } : {}),
    });
    const results = res.results.map(label);
    const transfer: Transferable[] = [];
    for (const e of results) {
      const x = (e as { x?: Float64Array }).x;
      if (x && x.byteOffset === 0 && x.byteLength === x.buffer.byteLength) transfer.push(x.buffer);
    }
    return { value: { ...res, results }, transfer };
  } finally {
    matrix?.dispose();
  }
}

function stats(): WorkerStats {
  const s = rt!.stats();
  let sessions = 0;
  for (const r of resident.values()) sessions += r.sessions.size;
  return { worker: workerIndex, ...s, matrices: resident.size, sessions, tasks: tasksRun };
}

function crash(port: Port, how: 'exit' | 'throw' | 'oom' | 'trap'): void {
  if (how === 'exit') port.exit(3);
  else if (how === 'throw') setTimeout(() => { throw new Error('deliberate uncaught error (pool test)'); }, 0);
  else if (how === 'trap') rt!.kernels.copy(1 << 28, 0xfffffff0, 0); // out-of-bounds access: a wasm trap
  else {
    // grows the JS heap until the worker's resourceLimits end it
    const keep: number[][] = [];
    for (;;) keep.push(new Array(1 << 20).fill(keep.length));
  }
}

async function run(port: Port, msg: TaskMessage): Promise<void> {
  const { id } = msg;
  try {
    let value: unknown;
    let transfer: Transferable[] = [];
    tasksRun++;
    switch (msg.op) {
      case 'load': {
        const A = CsrMatrix.fromCsr(msg.rows, msg.cols, msg.rowPtr, msg.colIdx, msg.values, { runtime: rt });
        const old = resident.get(msg.handle);
        if (old) disposeResident(old);
        resident.set(msg.handle, { A, sessions: new Map() });
        value = { rows: A.rows, cols: A.cols, nnz: A.nnz };
        break;
      }
      case 'update':
        // sessions see the new values and refactor their preconditioner at their next solve
        matrixOf(msg.handle).A.setValues(msg.values);
        value = null;
        break;
      case 'dispose': {
        const r = resident.get(msg.handle);
        if (r) disposeResident(r);
        resident.delete(msg.handle);
        value = null;
        break;
      }
      case 'solve':
        ({ value, transfer } = solve(port, id, msg));
        break;
      case 'chunk':
        ({ value, transfer } = await chunk(port, id, msg));
        break;
      case 'echo':
        value = msg.payload;
        transfer = [msg.payload.buffer];
        break;
      case 'stats':
        value = stats();
        break;
      case 'crash':
        // never replies: the worker dies with this task running (a throw: from a timer, uncaught)
        crash(port, msg.how);
        return;
    }
    port.post({ op: 'done', id, value }, transfer);
  } catch (e) {
    // a wasm trap may have left the instance inconsistent: the pool replaces this worker
    const fatal = e instanceof WebAssembly.RuntimeError;
    port.post({ op: 'failed', id, error: errorToData(e), fatal });
  }
}

/** Serves the pool's messages on `port` (the entry files make it from parentPort or the worker scope). */
export async function serve(port: Port): Promise<void> {
  let ready: Promise<void> | undefined;
  const pending: TaskMessage[] = [];
  // one task at a time, in arrival order (a chunk task awaits inside; the pool sends one task at
  // a time anyway, this keeps the worker safe without relying on it)
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (m: TaskMessage) => {
    chain = chain.then(() => run(port, m));
  };
  port.listen((data) => {
    const msg = data as (InitMessage & { worker: number }) | TaskMessage;
    if (msg.op === 'init') {
      workerIndex = msg.worker;
      abortFlag = msg.abortFlag;
      const { module, initialMemoryMiB, maximumMemoryMiB } = msg;
      // the default runtime of this thread: library calls without a runtime option (a sequence's) use it
      ready = initWith({ source: module, initialMemoryMiB, maximumMemoryMiB }, () => module).then(
        (runtime) => {
          rt = runtime;
          port.post({ op: 'ready' });
          for (const m of pending.splice(0)) enqueue(m);
        },
        (e) => port.post({ op: 'init-failed', error: errorToData(e) }),
      );
      return;
    }
    if (!rt) pending.push(msg);
    else enqueue(msg);
  });
  await ready;
}
