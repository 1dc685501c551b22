// solveSequence: many related systems through one reused SolverSession, with similarity sorting,
// initial guesses from earlier solutions, recycling carried to the session and learned relaxation.
import { DimensionMismatchError, InvalidArgumentError, NonFiniteValueError } from '../errors.js';
import { CsrMatrix } from '../matrix/csr.js';
import { getRuntime, type SparseRuntime } from '../runtime/runtime.js';
import { SolverSession, type SessionOptions } from '../session/session.js';
import { methodDescriptor } from '../solvers/registry.js';
import type { SolveResult } from '../solvers/types.js';
import { DenseVector } from '../vector.js';
import { ContextualLearner, TsallisInf, type ArmLearner } from './bandit.js';
import { SequenceError } from './errors.js';
import { FINGERPRINT_DIM, fingerprintInto, frobenius } from './fingerprint.js';
import { GalerkinGuess } from './galerkin.js';
import type { CsrArrays } from './generators.js';
import { greedyOrder } from './sort.js';

/** One system: A (a CsrMatrix the caller keeps owning, or CSR arrays) and b; or b alone with `matrix`. */
export interface SequenceSystem {
  A?: CsrMatrix | CsrArrays;
  b: ArrayLike<number> | DenseVector;
}
type SystemInput = SequenceSystem | ArrayLike<number> | DenseVector;

/** Systems given lazily: an iterable, an async iterable, or random access by index. */
export type SequenceSource =
  | Iterable<SystemInput>
  | AsyncIterable<SystemInput>
  | { count: number; load(i: number): SystemInput | Promise<SystemInput> };

export interface TuneOptions {
  /** the grid of relaxation factors in (0, 2) to choose from per system */
  omega: readonly number[];
  /** a context vector per system (input index): the model learner then uses it (learner 'contextual') */
  context?: (i: number) => ArrayLike<number>;
  /**
   * 'model' (default): one regression of log(iterations) on Chebyshev features of omega (and of
   * the context, when given), played optimistically; it learns from every solve about the
   * neighbouring factors too, so it needs few systems (ContextualLearner). 'tsallis-inf': the
   * adversarial bandit of Learning to Relax (TsallisInf), which assumes nothing about how the
   * cost varies with omega but needs many more systems; not with a context.
   */
  learner?: 'model' | 'tsallis-inf';
  /** [lo, hi] per context coordinate; default: the range of all contexts (needs `count` or a sorted, collected sequence) */
  contextRange?: ReadonlyArray<readonly [number, number]>;
  /** seed of Tsallis-INF's random choices (default 1) */
  seed?: number;
}

/**
 * Options: the session's (method, precond, precondOptions, tolerances, method-specific keys such as
 * restart or omega: any key not listed below goes to the SolverSession, which checks it) plus the
 * sequence's own.
 */
export interface SequenceOptions {
  method?: SessionOptions['method'];
  precond?: SessionOptions['precond'];
  precondOptions?: SessionOptions['precondOptions'];
  rtol?: number;
  atol?: number;
  maxIterations?: number;
  signal?: AbortSignal;
  history?: boolean;
  /** GMRES-type restart length (method option) */
  restart?: number;
  /** SOR's relaxation factor (method option) */
  omega?: number;
  /** the fixed matrix of a sequence of right-hand sides (systems are then b alone, or { b }) */
  matrix?: CsrMatrix;
  /** 'greedy': solve in nearest-neighbour order of `features` or of fingerprints (default 'none') */
  sort?: 'none' | 'greedy';
  /** per input index, the feature vector sorting compares (e.g. the PDE parameters) */
  features?: (i: number) => ArrayLike<number>;
  /** carried to the session when the method keeps a recycle space ('gcrodr', recycled CG); false: none */
  recycle?: 'auto' | number | false;
  /** 'zero', 'previous' (the last solution) or 'galerkin' (default: projection on the last solutions) */
  initialGuess?: 'zero' | 'previous' | 'galerkin';
  /** solutions the Galerkin guess projects on (default 8) */
  galerkinSize?: number;
  /**
   * the projection of the 'galerkin' guess: 'residual' (default, any A: least ||b - A x0|| over
   * the span) or 'energy' (A SPD: least A-norm error, x0 = S (S^T A S)^-1 S^T b)
   */
  projection?: 'residual' | 'energy';
  /**
   * learned relaxation: SSOR's omega (precond 'ssor') or SOR's (method 'sor') chosen per system;
   * a change of omega makes a new session (a recycle space does not survive it)
   */
  tune?: TuneOptions;
  /** called after each system, in solve order; an exception stops the sequence (SequenceError) */
  onSystem?: (result: SequenceSystemResult) => void;
  /** keep every x in the results (default true; false for long sequences that use onSystem) */
  keepSolutions?: boolean;
}

export interface SequenceSystemResult extends Omit<SolveResult, 'x'> {
  /** the system's input index */
  index: number;
  /** its place in the solve order */
  position: number;
  /** the solution (absent with keepSolutions: false, except in onSystem) */
  x?: Float64Array;
  /** the initial guess used and, for 'galerkin', how many solutions it projected on */
  initialGuess: 'zero' | 'previous' | 'galerkin';
  guessRank: number;
  /** time building the initial guess (ms); loading and copying the system are in setupMs */
  guessMs: number;
  /** the relaxation factor played (with `tune`) */
  omega?: number;
}

export interface SequenceTotals {
  systems: number;
  converged: number;
  iterations: number;
  /** preconditioner and session setup, matrix copies */
  setupMs: number;
  solveMs: number;
  guessMs: number;
  /** fingerprints or features and the greedy order */
  sortMs: number;
  /** wall time of the whole call */
  totalMs: number;
}

export interface SequenceResult {
  /** per input index (undefined for systems not solved: an abort, or before an error) */
  results: (SequenceSystemResult | undefined)[];
  /** input indices in the order they were solved */
  order: number[];
  totals: SequenceTotals;
  /** with `tune`: the learner and its choices in solve order */
  tuning?: { learner: 'model' | 'contextual' | 'tsallis-inf'; grid: number[]; trace: { index: number; omega: number; iterations: number }[] };
  /** true when `signal` stopped the sequence */
  aborted: boolean;
}

function isAsyncIterable(s: unknown): s is AsyncIterable<SystemInput> {
  return s != null && typeof (s as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}
function isIterable(s: unknown): s is Iterable<SystemInput> {
  return s != null && typeof (s as Iterable<unknown>)[Symbol.iterator] === 'function';
}

/** Reads systems one at a time by input index, whatever the source. */
interface Reader {
  count: number | undefined;
  /** the system with input index i (random access), or the next one (sequential: i is the next index) */
  get(i: number): Promise<SystemInput | undefined>;
  close(): Promise<void>;
}

function reader(source: SequenceSource): Reader {
  if (source != null && typeof (source as { load?: unknown }).load === 'function') {
    const s = source as { count: number; load(i: number): SystemInput | Promise<SystemInput> };
    if (!Number.isInteger(s.count) || s.count < 0) throw new InvalidArgumentError(`systems.count must be an integer >= 0, got ${String(s.count)}`);
    return { count: s.count, get: async (i) => await s.load(i), close: async () => {} };
  }
  // an array is read by index: sorting reads every system once for its fingerprint, then again in order
  if (Array.isArray(source)) {
    return { count: source.length, get: async (i) => source[i], close: async () => {} };
  }
  if (isAsyncIterable(source)) {
    const it = source[Symbol.asyncIterator]();
    return {
      count: undefined,
      get: async () => { const r = await it.next(); return r.done ? undefined : r.value; },
      close: async () => { await it.return?.(); },
    };
  }
  if (isIterable(source) && typeof source !== 'string') {
    const it = source[Symbol.iterator]();
    return {
      count: undefined,
      get: async () => { const r = it.next(); return r.done ? undefined : r.value; },
      close: async () => { it.return?.(); },
    };
  }
  throw new InvalidArgumentError('systems must be an iterable, an async iterable or { count, load(i) }');
}

function isCsrArrays(a: unknown): a is CsrArrays {
  const o = a as CsrArrays;
  return o != null && typeof o === 'object' && Number.isInteger(o.rows) && o.indptr != null && o.indices != null && o.data != null;
}

/** Splits a system input into A (or undefined) and b; checks shapes against n. */
function unpack(sys: SystemInput, fixed: CsrMatrix | undefined): { A: CsrMatrix | CsrArrays | undefined; b: ArrayLike<number> | DenseVector } {
  if (sys instanceof DenseVector || ArrayBuffer.isView(sys) || Array.isArray(sys)) {
    if (!fixed) throw new InvalidArgumentError('a system given as b alone needs the option matrix (the fixed A)');
    return { A: undefined, b: sys as ArrayLike<number> };
  }
  if (sys == null || typeof sys !== 'object' || !('b' in sys)) throw new InvalidArgumentError('a system must be { A, b }, { b } or b');
  const A = (sys as SequenceSystem).A;
  if (A === undefined && !fixed) throw new InvalidArgumentError('a system without A needs the option matrix (the fixed A)');
  if (A !== undefined && fixed) throw new InvalidArgumentError('a system with its own A cannot be combined with the option matrix');
  if (A !== undefined && !(A instanceof CsrMatrix) && !isCsrArrays(A)) throw new InvalidArgumentError('A must be a CsrMatrix or CSR arrays { rows, cols, indptr, indices, data }');
  return { A, b: (sys as SequenceSystem).b };
}

function rowsOf(A: CsrMatrix | CsrArrays): number {
  return A.rows;
}

function checkFinite(v: ArrayLike<number>, what: string): Float64Array {
  const out = new Float64Array(v.length);
  for (let k = 0; k < v.length; k++) {
    const x = v[k];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new NonFiniteValueError(`${what}[${k}] = ${String(x)} is not a finite number`);
    out[k] = x;
  }
  return out;
}

/** The values of A as CSR arrays (copied out of wasm for a CsrMatrix). */
function arraysOf(A: CsrMatrix | CsrArrays): CsrArrays {
  return A instanceof CsrMatrix ? { rows: A.rows, cols: A.cols, indptr: A.rowPtr.slice(), indices: A.colIdx.slice(), data: A.values.slice() } : A;
}

function samePattern(W: CsrMatrix, A: CsrMatrix | CsrArrays): boolean {
  if (A instanceof CsrMatrix) {
    if (A.patternId === W.patternId) return true;
    if (A.nnz !== W.nnz || A.rows !== W.rows) return false;
  } else if (A.data.length !== W.nnz || A.rows !== W.rows || A.cols !== W.cols) return false;
  const p = W.rowPtr, c = W.colIdx;
  const ap = A instanceof CsrMatrix ? A.rowPtr : A.indptr, ac = A instanceof CsrMatrix ? A.colIdx : A.indices;
  for (let i = 0; i < p.length; i++) if (p[i] !== ap[i]) return false;
  for (let k = 0; k < c.length; k++) if (c[k] !== ac[k]) return false;
  return true;
}

/** A system that could not be read or fingerprinted, left out of the sorting (tolerant mode). */
export interface UnreadableSystem {
  index: number;
  error: unknown;
}

/**
 * The greedy nearest-neighbour order of a sequence (by `features` or by fingerprints of A and b).
 * Strict mode: a system that cannot be read throws (through `fail`). Tolerant mode: it is left
 * out of the sorting, reported in `unreadable` and placed at the end of the order, so that a
 * caller solving systems independently (chunks) can still fail that system alone.
 */
async function greedySequenceOrder(
  src: Reader, matrix: CsrMatrix | undefined, features: ((i: number) => ArrayLike<number>) | undefined,
  fail: (index: number, cause: unknown) => Error, tolerant: boolean,
): Promise<{ order: number[]; collected: SystemInput[] | undefined; unreadable: UnreadableSystem[] }> {
  let collected: SystemInput[] | undefined;
  let count = src.count;
  if (count === undefined) {
    // an iterable of unknown length: sorting needs every system, so they are collected
    collected = [];
    for (;;) {
      let s: SystemInput | undefined;
      try { s = await src.get(collected.length); } catch (e) { throw fail(collected.length, e); }
      if (s === undefined) break;
      collected.push(s);
    }
    count = collected.length;
  }
  const unreadable: UnreadableSystem[] = [];
  /** input index of each sorted point (all systems, or the readable ones in tolerant mode) */
  const ids: number[] = [];
  let dim = FINGERPRINT_DIM;
  let points: Float64Array;
  if (features) {
    let first: Float64Array | undefined;
    points = new Float64Array(0);
    for (let i = 0; i < count; i++) {
      let f: Float64Array;
      try { f = checkFinite(features(i), `features(${i})`); } catch (e) { throw fail(i, e); }
      if (!first) { first = f; dim = Math.max(1, f.length); points = new Float64Array(count * dim); }
      if (f.length !== first.length) throw fail(i, new DimensionMismatchError(`features(${i}) has ${f.length} entries, features(0) has ${first.length}`));
      points.set(f, i * dim);
      ids.push(i);
    }
  } else {
    points = new Float64Array(count * dim);
    let scaleA = 0, scaleB = 0;
    for (let i = 0; i < count; i++) {
      let A: CsrArrays | null, b: Float64Array;
      try {
        const sys = collected ? collected[i] : await src.get(i);
        if (sys === undefined) throw new InvalidArgumentError(`load(${i}) returned nothing`);
        const u = unpack(sys, matrix);
        A = u.A ? arraysOf(u.A) : null;
        b = u.b instanceof DenseVector ? u.b.data.slice() : checkFinite(u.b, 'b');
      } catch (e) {
        if (!tolerant) throw fail(i, e);
        unreadable.push({ index: i, error: e });
        continue;
      }
      // the scales of the first readable system
      if (ids.length === 0) { scaleA = A ? frobenius(A.data) : 1; scaleB = frobenius(b) || 1; }
      fingerprintInto(A, b, scaleA, scaleB, points, ids.length * dim);
      ids.push(i);
    }
  }
  const order = Array.from(greedyOrder(points, ids.length, dim), (k) => ids[k]);
  for (const u of unreadable) order.push(u.index);
  return { order, collected, unreadable };
}

/**
 * The order in which solveSequence would solve `systems` with these sort options: the input
 * order (sort 'none'), or the greedy nearest-neighbour order. With `tolerant`, a system that
 * cannot be read does not stop the sorting: it is listed in `unreadable` and placed last (the
 * chunked solvers then fail that system alone).
 */
export async function sequenceOrder(
  systems: SequenceSource,
  options: { sort?: 'none' | 'greedy'; features?: (i: number) => ArrayLike<number>; matrix?: CsrMatrix; tolerant?: boolean } = {},
): Promise<{ order: number[]; unreadable: UnreadableSystem[]; sortMs: number }> {
  const { sort = 'none', features, matrix, tolerant = false } = options;
  if (sort !== 'none' && sort !== 'greedy') throw new InvalidArgumentError(`sort must be 'none' or 'greedy', got ${String(sort)}`);
  if (features !== undefined && typeof features !== 'function') throw new InvalidArgumentError('features must be a function (i) => number[]');
  if (matrix !== undefined && !(matrix instanceof CsrMatrix)) throw new InvalidArgumentError('matrix must be a CsrMatrix');
  const t0 = performance.now();
  const src = reader(systems);
  const fail = (index: number, cause: unknown): Error => {
    const what = cause instanceof Error ? cause.message : String(cause);
    return new SequenceError(`system ${index}: ${what}`, index, cause, {
      results: [], order: [], aborted: false,
      totals: { systems: 0, converged: 0, iterations: 0, setupMs: 0, solveMs: 0, guessMs: 0, sortMs: 0, totalMs: 0 },
    });
  };
  try {
    if (sort === 'none') {
      let count = src.count;
      if (count === undefined) for (count = 0; (await src.get(count)) !== undefined; count++);
      return { order: Array.from({ length: count }, (_, i) => i), unreadable: [], sortMs: 0 };
    }
    const { order, unreadable } = await greedySequenceOrder(src, matrix, features, fail, tolerant);
    return { order, unreadable, sortMs: performance.now() - t0 };
  } finally {
    await src.close().catch(() => {});
  }
}

/**
 * Solves a sequence of related systems A_i x_i = b_i through one SolverSession: the setup
 * (workspace, preconditioner analysis) is done once and only refactored when the values change.
 * Systems are read lazily from `systems`, so 10,000 systems never sit in memory at once (except
 * with sort 'greedy' on an iterable without `count`: sorting needs them all, so they are
 * collected; give `{ count, load(i) }` to have them loaded twice instead).
 *
 * Per system: a matrix with the session's pattern has its values copied into the session's
 * matrix (the caller's matrices are never modified; the next solve refactors the preconditioner
 * numerically); another pattern of the same size is copied into a new matrix the session switches
 * to with update({ matrix }) (a new analysis; a recycle space is carried over); another size is
 * a SequenceError. The initial guess is 'galerkin' by default: the combination of the last
 * `galerkinSize` solutions with the least residual ||b - A x0|| (never worse than zero or the
 * previous solution in that norm); `projection: 'energy'` takes the A-norm-best one instead
 * (A SPD). Measured on the varcoef sequence with CG + IC(0): the residual projection keeps
 * improving up to ~10 solutions, the energy one gets worse beyond ~7, where the new directions
 * are mostly the earlier solves' errors (CG then has to remove their residual again).
 *
 * Errors while reading or solving system i throw SequenceError with `index` i, the `cause`, and
 * `partial` results of the systems solved before; all wasm memory of the call is freed first.
 */
export async function solveSequence(systems: SequenceSource, options: SequenceOptions = {}): Promise<SequenceResult> {
  const t0 = performance.now();
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('solveSequence options must be an object');
  const {
    matrix, sort = 'none', features, recycle, initialGuess = 'galerkin', galerkinSize = 8, projection = 'residual', tune, onSystem, keepSolutions = true,
    ...rest
  } = options;
  const sessionOptions = rest as SessionOptions;
  for (const k of Object.keys(options)) if (k === 'onIteration') throw new InvalidArgumentError('solveSequence: onIteration is per solve; use onSystem for progress');
  if (sort !== 'none' && sort !== 'greedy') throw new InvalidArgumentError(`sort must be 'none' or 'greedy', got ${String(sort)}`);
  if (!['zero', 'previous', 'galerkin'].includes(initialGuess)) throw new InvalidArgumentError(`initialGuess must be 'zero', 'previous' or 'galerkin', got ${String(initialGuess)}`);
  if (projection !== 'residual' && projection !== 'energy') throw new InvalidArgumentError(`projection must be 'residual' or 'energy', got ${String(projection)}`);
  if (!Number.isInteger(galerkinSize) || galerkinSize < 1 || galerkinSize > 64) throw new InvalidArgumentError(`galerkinSize must be an integer in [1, 64], got ${String(galerkinSize)}`);
  if (features !== undefined && typeof features !== 'function') throw new InvalidArgumentError('features must be a function (i) => number[]');
  if (onSystem !== undefined && typeof onSystem !== 'function') throw new InvalidArgumentError('onSystem must be a function');
  if (recycle !== undefined && recycle !== false && recycle !== 'auto' && !(Number.isInteger(recycle) && (recycle as number) >= 0)) {
    throw new InvalidArgumentError(`recycle must be 'auto', an integer >= 0 or false, got ${String(recycle)}`);
  }
  if (matrix !== undefined && !(matrix instanceof CsrMatrix)) throw new InvalidArgumentError('matrix must be a CsrMatrix');
  const method: string = sessionOptions.method ?? 'auto';
  if (tune !== undefined) {
    if (tune === null || typeof tune !== 'object' || !Array.isArray(tune.omega) || tune.omega.length === 0) throw new InvalidArgumentError('tune.omega must be a non-empty array of relaxation factors');
    for (const w of tune.omega) if (!(typeof w === 'number' && w > 0 && w < 2)) throw new InvalidArgumentError(`tune.omega: every factor must be in (0, 2), got ${String(w)}`);
    if (method !== 'sor' && sessionOptions.precond !== 'ssor') throw new InvalidArgumentError("tune.omega tunes SSOR (precond 'ssor') or SOR (method 'sor'): give one of them");
    if (tune.context !== undefined && typeof tune.context !== 'function') throw new InvalidArgumentError('tune.context must be a function (i) => number[]');
    if (tune.learner !== undefined && tune.learner !== 'model' && tune.learner !== 'tsallis-inf') throw new InvalidArgumentError(`tune.learner must be 'model' or 'tsallis-inf', got ${String(tune.learner)}`);
    if (tune.learner === 'tsallis-inf' && tune.context !== undefined) throw new InvalidArgumentError("tune.learner 'tsallis-inf' takes no context; use the default learner 'model' with tune.context");
  }
  const rt: SparseRuntime = matrix ? matrix.runtime : getRuntime();
  const src = reader(systems);
  const result: SequenceResult = {
    results: [], order: [],
    totals: { systems: 0, converged: 0, iterations: 0, setupMs: 0, solveMs: 0, guessMs: 0, sortMs: 0, totalMs: 0 },
    aborted: false,
  };
  const fail = (index: number, cause: unknown): SequenceError => {
    const what = cause instanceof Error ? cause.message : String(cause);
    return new SequenceError(`system ${index}: ${what}`, index, cause, result);
  };

  // what is alive and freed in `finally`
  let session: SolverSession | null = null;
  let W: CsrMatrix | null = null;
  let galerkin: GalerkinGuess | null = null;
  let bVec: DenseVector | null = null, xVec: DenseVector | null = null;
  let n = matrix ? matrix.rows : -1;
  let sessionOmega: number | undefined;

  try {
    // -- the order --------------------------------------------------------------------------
    let collected: SystemInput[] | undefined;
    let order: number[] | undefined;
    if (sort === 'greedy') {
      const ts = performance.now();
      const sorted = await greedySequenceOrder(src, matrix, features, fail, false);
      order = sorted.order;
      collected = sorted.collected;
      result.totals.sortMs = performance.now() - ts;
    } else if (src.count !== undefined && src.count >= 0) {
      order = undefined; // input order, read lazily
    }

    // -- the learner ------------------------------------------------------------------------
    let learner: ArmLearner | undefined;
    if (tune) {
      if (tune.context) {
        let ranges = tune.contextRange;
        if (!ranges) {
          const count = order ? order.length : src.count;
          if (count === undefined) throw new InvalidArgumentError('tune.context on a sequence of unknown length needs tune.contextRange');
          const lo: number[] = [], hi: number[] = [];
          for (let i = 0; i < count; i++) {
            let c: Float64Array;
            try { c = checkFinite(tune.context(i), `tune.context(${i})`); } catch (e) { throw fail(i, e); }
            for (let d = 0; d < c.length; d++) { lo[d] = Math.min(lo[d] ?? Infinity, c[d]); hi[d] = Math.max(hi[d] ?? -Infinity, c[d]); }
          }
          ranges = lo.map((l, d) => [l, hi[d]] as const);
        }
        learner = new ContextualLearner(tune.omega.length, ranges, { armValues: tune.omega });
      } else if (tune.learner === 'tsallis-inf') learner = new TsallisInf(tune.omega.length, tune.seed ?? 1);
      else learner = new ContextualLearner(tune.omega.length, [], { armValues: tune.omega });
      result.tuning = { learner: tune.context ? 'contextual' : tune.learner ?? 'model', grid: [...tune.omega], trace: [] };
    }

    // -- the solves -------------------------------------------------------------------------
    const makeSession = (A: CsrMatrix, omega: number | undefined): SolverSession => {
      const o: Record<string, unknown> = { ...sessionOptions };
      if (recycle !== undefined && recycle !== false) o.recycle = recycle;
      if (omega !== undefined) {
        if (method === 'sor') o.omega = omega;
        else o.precondOptions = { ...(sessionOptions.precondOptions ?? {}), omega };
      }
      // the recycle option only reaches methods that declare it
      if (o.recycle !== undefined && method !== 'auto' && !methodDescriptor(method)?.options?.recycle) {
        throw new InvalidArgumentError(`recycle: method '${method}' keeps no recycle space; use 'gcrodr' or a recycled CG method, or recycle: false`);
      }
      return new SolverSession(A, o as SessionOptions);
    };

    for (let pos = 0; ; pos++) {
      if (sessionOptions.signal?.aborted) { result.aborted = true; break; }
      const index = order ? order[pos] : pos;
      if (order && pos >= order.length) break;
      if (!order && src.count !== undefined && pos >= src.count) break;
      const tLoad = performance.now();
      let sys: SystemInput | undefined;
      try { sys = collected ? collected[index] : await src.get(index); } catch (e) { throw fail(index, e); }
      if (sys === undefined) {
        if (order || src.count !== undefined) throw fail(index, new InvalidArgumentError(`load(${index}) returned nothing`));
        break;
      }
      let omega: number | undefined;
      let sysSetup = 0;
      let guessRank = 0, guessMs = 0;
      let solved: SolveResult;
      try {
        const { A, b } = unpack(sys, matrix);
        const rows = A ? rowsOf(A) : matrix!.rows;
        if (A && A.cols !== rows) throw new DimensionMismatchError(`A is ${rows} x ${A.cols}, not square`);
        if (n < 0) n = rows;
        if (rows !== n) throw new DimensionMismatchError(`A is ${rows} x ${rows}, the sequence's systems are ${n} x ${n}`);
        const blen = b instanceof DenseVector ? b.length : (b as ArrayLike<number>)?.length;
        if (blen !== n) throw new DimensionMismatchError(`b has length ${String(blen)}, the matrix has ${n} rows`);
        if (!bVec) { bVec = DenseVector.zeros(n, { runtime: rt }); xVec = DenseVector.zeros(n, { runtime: rt }); }
        if (b instanceof DenseVector) rt.exports.copy(n, b.check(n, 'b', rt), bVec.ptr);
        else bVec.data.set(checkFinite(b, 'b'));

        if (learner) {
          let ctx: Float64Array | undefined;
          if (tune!.context) ctx = checkFinite(tune!.context(index), `tune.context(${index})`);
          omega = tune!.omega[learner.choose(ctx)];
        }
        // the operator: the fixed matrix, or the caller's values copied into our own matrix
        let rebuild = session === null || omega !== sessionOmega;
        if (A) {
          if (W && samePattern(W, A)) {
            if (A instanceof CsrMatrix) { rt.exports.copy(W.nnz, A.pointers().values, W.pointers().values); W.markValuesChanged(); }
            else W.setValues(A.data);
          } else {
            // another pattern: a new matrix of our own; the session switches to it with
            // update({ matrix }) (new analysis, the recycle space carried over as vectors)
            const next = A instanceof CsrMatrix ? A.clone() : CsrMatrix.fromCsr(A.rows, A.cols, A.indptr, A.indices, A.data, { runtime: rt });
            if (session && !rebuild) {
              try {
                session.update({ matrix: next });
              } catch (e) {
                next.dispose();
                throw e;
              }
            } else {
              session?.dispose(); session = null;
              rebuild = true;
            }
            W?.dispose();
            W = next;
          }
        }
        if (rebuild) {
          session?.dispose(); session = null;
          const ts = performance.now();
          session = makeSession(matrix ?? W!, omega);
          sessionOmega = omega;
          sysSetup -= performance.now() - ts; // the session reports its own setup time in the solve
        }
        sysSetup += performance.now() - tLoad;

        const tg = performance.now();
        let x0: DenseVector | null = null;
        if (initialGuess === 'previous' && result.order.length > 0) x0 = xVec!;
        else if (initialGuess === 'galerkin') {
          galerkin ??= new GalerkinGuess(rt, n, galerkinSize);
          if (galerkin.size > 0) {
            guessRank = galerkin.guess(matrix ?? W!, bVec.ptr, xVec!.ptr, projection);
            if (guessRank > 0) x0 = xVec!;
          }
        }
        guessMs = performance.now() - tg;
        solved = session!.solve(bVec, x0);
      } catch (e) {
        throw fail(index, e);
      }
      const { x, ...rest } = solved;
      const r: SequenceSystemResult = {
        ...rest, index, position: pos, initialGuess, guessRank, guessMs,
        setupMs: solved.setupMs + Math.max(0, sysSetup),
        ...(omega !== undefined ? { omega } : {}),
      };
      if (learner) {
        learner.observe(solved.iterations);
        result.tuning!.trace.push({ index, omega: omega!, iterations: solved.iterations });
      }
      xVec!.data.set(x);
      galerkin?.push(xVec!.ptr);
      const t = result.totals;
      t.systems++;
      if (solved.converged) t.converged++;
      t.iterations += solved.iterations;
      t.setupMs += r.setupMs;
      t.solveMs += solved.solveMs;
      t.guessMs += guessMs;
      result.order.push(index);
      result.results[index] = keepSolutions ? { ...r, x } : r;
      if (onSystem) {
        try { onSystem({ ...r, x }); } catch (e) { throw fail(index, e); }
      }
    }
    if (order) result.results.length = Math.max(result.results.length, order.length);
    return result;
  } finally {
    session?.dispose();
    W?.dispose();
    galerkin?.dispose();
    bVec?.dispose();
    xVec?.dispose();
    await src.close().catch(() => {});
    result.totals.totalMs = performance.now() - t0;
  }
}
