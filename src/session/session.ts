import { DimensionMismatchError, DisposedError, FactorizationError, InvalidArgumentError, NonFiniteValueError, ReentrancyError, SingularMatrixError } from '../errors.js';
import { CsrMatrix } from '../matrix/csr.js';
import { createPreconditioner, checkPreconditionerOptions } from '../precond/factory.js';
import { FunctionPreconditioner } from '../precond/user.js';
import type { Preconditioner, PreconditionerName, PreconditionerOptions } from '../precond/types.js';
import { WasmResource } from '../runtime/resource.js';
import { DenseVector } from '../vector.js';
import { KrylovContext, type InnerResult } from '../solvers/context.js';
import type { SparseRuntime } from '../runtime/runtime.js';
import type { MethodDescriptor, MethodWorkspace } from '../solvers/method.js';
import { METHOD_NAMES, methodDescriptor, methodOptionSpecs } from '../solvers/registry.js';
import { RecycleSpace } from '../solvers/recycle.js';
import type { MethodName, SetupOptions, SolveOptions, SolveResult, StopReason } from '../solvers/types.js';
import { chooseDefaults, structuralSingularity } from './auto.js';

export interface SessionOptions extends SetupOptions, Omit<SolveOptions, 'x0'> {}

const METHOD_OPTIONS = methodOptionSpecs();
const SETUP_KEYS = ['method', 'precond', 'precondOptions', ...METHOD_OPTIONS.keys()];
const SOLVE_KEYS = ['rtol', 'atol', 'maxIterations', 'x0', 'onIteration', 'signal', 'history'];
const PRECONDS: PreconditionerName[] = ['none', 'jacobi', 'ssor', 'ic0', 'ilu0', 'ilut', 'chebyshev'];
/** times the recurrence may restart from the true residual before the solve gives up */
const MAX_REPLACEMENTS = 8;

/** `what` for messages: the value and, when not a number, its type ('42' and 42 read alike). */
function shown(v: unknown): string {
  return typeof v === 'string' ? `"${v}" (a string)` : typeof v === 'number' ? String(v) : `${String(v)} (${v === null ? 'null' : typeof v})`;
}

function checkOptionsObject(o: unknown, what: string): void {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new InvalidArgumentError(`${what} must be an object, got ${shown(o)}`);
}

function checkSolveOptions(o: SolveOptions, allowX0: boolean): void {
  // typeof first: '1e-8' >= 0 is true in JavaScript, a string must not pass for a number
  if (o.rtol !== undefined && !(typeof o.rtol === 'number' && o.rtol >= 0 && o.rtol < Infinity)) throw new InvalidArgumentError(`rtol must be a finite number >= 0, got ${shown(o.rtol)}`);
  if (o.atol !== undefined && !(typeof o.atol === 'number' && o.atol >= 0 && o.atol < Infinity)) throw new InvalidArgumentError(`atol must be a finite number >= 0, got ${shown(o.atol)}`);
  if (o.maxIterations !== undefined && !(Number.isInteger(o.maxIterations) && o.maxIterations >= 0)) {
    throw new InvalidArgumentError(`maxIterations must be an integer >= 0, got ${shown(o.maxIterations)}`);
  }
  if (o.history !== undefined && typeof o.history !== 'boolean') throw new InvalidArgumentError(`history must be true or false, got ${shown(o.history)}`);
  if (o.onIteration !== undefined && typeof o.onIteration !== 'function') throw new InvalidArgumentError('onIteration must be a function');
  if (o.signal !== undefined && (o.signal === null || typeof o.signal.aborted !== 'boolean')) throw new InvalidArgumentError('signal must be an AbortSignal');
  if (!allowX0 && o.x0 !== undefined) throw new InvalidArgumentError('x0 is given per solve, not when the session is made');
}

/**
 * A matrix, its preconditioner and all solver workspace, for solving A x = b many times.
 * Setup (method choice, preconditioner analysis and factorization, workspace allocation) happens
 * here once; `solve` allocates no wasm memory. If A's values change (A.setValues, A.scale or
 * `update`), the next solve refactors the preconditioner: a stale factorization is never used.
 * The session uses A, it does not own it: dispose A after the session.
 *
 * Refused when the session is made, before any work: a structurally singular A (an empty row or
 * column: SingularMatrixError with kind and index) for 'auto', CG and BiCGSTAB (GMRES and MINRES
 * by name return a minimum-residual answer instead); MINRES with a preconditioner that is not
 * SPD (ILU(0), ILUT, SSOR of a matrix that is not symmetric with a positive diagonal, any
 * Preconditioner whose `symmetric` is false: InvalidArgumentError); options of the wrong type.
 */
export class SolverSession extends WasmResource {
  readonly A: CsrMatrix;
  readonly method: MethodName;
  /** the preconditioner's name ('none', 'ic0', ..., 'user') */
  readonly precond: string;
  /** "method + precond: reason": the matrix facts behind each automatic choice, or that it was given */
  readonly choice: string;
  /** time of the setup in ms (preconditioner and workspace) */
  readonly setupMs: number;
  private M: Preconditioner | null;
  private readonly ownsM: boolean;
  private readonly descriptor: MethodDescriptor;
  /** the method's own options (restart, ...), defaults filled in */
  private readonly methodOptions: Record<string, unknown>;
  private readonly defaults: SolveOptions;
  private readonly x: number;
  private readonly b: number;
  private readonly r: number;
  private readonly ws: MethodWorkspace;
  /** the recycle space (null unless the method keeps one between solves); freed with the session */
  private recycleSpace: RecycleSpace | null = null;
  private pendingSetupMs = 0;

  constructor(A: CsrMatrix, options: SessionOptions = {}) {
    if (!(A instanceof CsrMatrix)) throw new InvalidArgumentError('SolverSession needs a CsrMatrix');
    super(A.runtime);
    const t0 = performance.now();
    checkOptionsObject(options, 'solver options');
    for (const k of Object.keys(options)) {
      if (!SETUP_KEYS.includes(k) && !SOLVE_KEYS.includes(k)) throw new InvalidArgumentError(`unknown solver option "${k}"`);
    }
    checkSolveOptions(options, false);
    if (A.rows !== A.cols) throw new DimensionMismatchError(`the matrix must be square to solve A x = b, got ${A.rows} x ${A.cols}`);
    const method = options.method ?? 'auto';
    if (method !== 'auto' && !METHOD_NAMES.includes(method)) {
      throw new InvalidArgumentError(`unknown method ${shown(method)}: expected 'auto', ${METHOD_NAMES.map((m) => `'${m}'`).join(', ')}`);
    }
    // every method option is checked, whatever the method (a wrong restart is a mistake even for CG)
    for (const [key, spec] of METHOD_OPTIONS) {
      const v = (options as Record<string, unknown>)[key];
      if (v !== undefined && !spec.valid(v)) throw new InvalidArgumentError(`${key} must be ${spec.expected}, got ${shown(v)}`);
    }
    const pcOpts: PreconditionerOptions = options.precondOptions ?? {};
    checkOptionsObject(pcOpts, 'precondOptions');
    checkPreconditionerOptions(pcOpts);
    this.A = A;
    const { onIteration, signal, rtol, atol, maxIterations, history } = options;
    this.defaults = { onIteration, signal, rtol, atol, maxIterations, history };

    const spec = options.precond ?? 'auto';
    let pcName: 'auto' | PreconditionerName = 'auto';
    if (typeof spec === 'string') {
      if (spec !== 'auto' && !PRECONDS.includes(spec)) {
        throw new InvalidArgumentError(`unknown preconditioner "${spec}": expected 'auto', ${PRECONDS.map((m) => `'${m}'`).join(', ')}`);
      }
      pcName = spec;
    } else if (typeof spec !== 'function' && (typeof spec !== 'object' || spec === null)) {
      // a number, boolean, null...: never read as 'none'
      throw new InvalidArgumentError(`precond must be a preconditioner name, a function or a Preconditioner, got ${shown(spec)}`);
    }
    const choice = chooseDefaults(A, method, typeof spec === 'string' ? pcName : 'none');
    this.method = choice.method;
    const d = methodDescriptor(this.method)!;
    this.descriptor = d;
    const mo: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(d.options)) mo[key] = (options as Record<string, unknown>)[key] ?? spec.default;
    this.methodOptions = mo;
    // Structural singularity (an empty row or column) is checked before any work: CG and BiCGSTAB
    // need a nonsingular matrix and would only run out of iterations. GMRES and MINRES minimise
    // the residual and give a least-squares answer on singular systems, so they are allowed when
    // asked for by name; 'auto' never picks a method for a singular matrix silently.
    const empty = structuralSingularity(A);
    if (empty && (method === 'auto' || d.requires.nonsingular)) {
      throw new SingularMatrixError(
        `the matrix is structurally singular: ${empty.kind} ${empty.index} has no stored entry, so A x = b has no unique solution` +
          (method === 'auto' ? '' : ` and ${this.method} cannot solve it`) +
          "; method 'gmres' or 'minres' (symmetric A) gives a minimum-residual (least-squares) answer",
        empty.kind, empty.index,
      );
    }
    const strictSpd = d.requires.preconditioner === 'spd-strict';
    if (strictSpd && (pcName === 'ilu0' || pcName === 'ilut')) {
      throw new InvalidArgumentError(
        `${this.method} needs a symmetric positive definite preconditioner, and ${pcName} (incomplete LU) is not symmetric: ` +
          `use 'jacobi' (|diag(A)|), 'ic0' (A positive definite), 'chebyshev' or 'none', or method 'gmres' with ${pcName}`,
      );
    }
    A.prepareSpmv();
    try {
      if (typeof spec === 'function') {
        this.M = new FunctionPreconditioner(this.runtime, A.rows, spec);
        this.ownsM = true;
      } else if (typeof spec === 'object' && spec !== null) {
        if (typeof spec.applyPtr !== 'function' || spec.n !== A.rows) {
          throw new InvalidArgumentError(`precond must be a name, a function or a Preconditioner for n = ${A.rows}`);
        }
        if (spec.runtime !== this.runtime) throw new InvalidArgumentError('the preconditioner belongs to another sparse-wasm runtime');
        if ((spec as { disposed?: boolean }).disposed === true) throw new DisposedError('the preconditioner given as precond was disposed');
        this.M = spec;
        this.ownsM = false;
      } else {
        try {
          this.M = createPreconditioner(A, choice.precond, pcOpts, strictSpd);
        } catch (e) {
          // with pivot: 'error' the caller asked for the failure itself
          if (!(e instanceof FactorizationError && choice.fallback && pcOpts.pivot !== 'error')) throw e;
          this.M = createPreconditioner(A, choice.fallback.precond, pcOpts, strictSpd);
          choice.because = choice.fallback.because;
        }
        this.ownsM = true;
      }
      // MINRES's Lanczos process needs M SPD: refuse one known not to be (SSOR of a matrix that
      // is not symmetric with a positive diagonal, Chebyshev with bad bounds, a declared one)
      if (strictSpd && this.M && !this.M.symmetric) {
        throw new InvalidArgumentError(
          `${this.method} needs a symmetric positive definite preconditioner, and this ${this.M.name} preconditioner is not one` +
            (this.M.name === 'ssor' ? ' (SSOR is SPD only for a symmetric matrix with a positive diagonal)' : '') +
            ": use 'jacobi' (|diag(A)|) or 'none', or method 'gmres'",
        );
      }
      this.precond = this.M ? this.M.name : 'none';
      this.choice = `${this.method} + ${this.precond}: ${choice.because}`;
      const n = A.rows;
      const vec = () => {
        const p = this.own(this.runtime.alloc(n * 8));
        this.runtime.exports.fill(n, 0, p); // touch now: first touch of fresh pages is slow
        return p;
      };
      this.x = vec();
      this.b = vec();
      this.r = vec();
      this.ws = this.allocateWorkspace(d, n);
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.setupMs = performance.now() - t0;
    this.pendingSetupMs = this.setupMs;
  }

  /** The memory the method asked for (WorkspaceSize), owned by the session. */
  private allocateWorkspace(d: MethodDescriptor, n: number): MethodWorkspace {
    const size = d.workspace(n, this.methodOptions);
    const rt = this.runtime;
    const block = (cols: number) => {
      const p = this.own(rt.alloc(Math.max(8, cols * n * 8)));
      rt.exports.fill(cols * n, 0, p); // touch now: first touch of fresh pages is slow
      return p;
    };
    const vectors = Array.from({ length: size.vectors }, () => block(1));
    const blocks = (size.blocks ?? []).map(block);
    const scratch = size.scratch ? this.own(rt.alloc(size.scratch * 8)) : 0;
    if (size.recycle) this.recycleSpace = new RecycleSpace(rt, n, size.recycle);
    const state = d.state?.(n, this.methodOptions);
    return { vectors, blocks, scratch, state, recycle: this.recycleSpace };
  }

  /** Facts about the preconditioner as built (shifts, eigenvalue bounds, fill...). */
  get precondInfo(): Record<string, number | string | boolean> {
    this.alive('SolverSession');
    return { ...(this.M?.info ?? {}) };
  }

  /**
   * Replaces the matrix values (same pattern; `values` in CSR order) and refactors the
   * preconditioner now, without a new analysis.
   */
  update(change: { values: ArrayLike<number> }): void {
    this.alive('SolverSession');
    this.notSolving('update');
    for (const k of Object.keys(change)) if (k !== 'values') throw new InvalidArgumentError(`unknown update key "${k}"`);
    this.A.setValues(change.values);
    this.refreshPreconditioner();
  }

  private refreshPreconditioner(): void {
    if (this.M && this.M.isStale(this.A)) {
      const t0 = performance.now();
      this.M.refactor(this.A);
      this.A.prepareSpmv();
      this.pendingSetupMs += performance.now() - t0;
    }
    this.A.prepareSpmv();
  }

  /**
   * Solves A x = b. `x0` is the initial guess (default 0). b and x0 may be plain arrays or
   * DenseVectors of this runtime (copied without leaving wasm). Never throws for non-convergence.
   */
  solve(b: ArrayLike<number> | DenseVector, x0?: ArrayLike<number> | DenseVector | null, options: SolveOptions = {}): SolveResult {
    this.alive('SolverSession');
    this.notSolving('solve');
    this.solving = true;
    try {
      return this.solveNow(b, x0, options);
    } finally {
      this.solving = false;
    }
  }

  /** true while solve() runs: user code it calls must not start another solve or update */
  private solving = false;

  private notSolving(what: string): void {
    if (this.solving) {
      throw new ReentrancyError(
        `SolverSession.${what}() was called from inside its own solve (onIteration or a preconditioner); ` +
          'it would overwrite the running solve\'s vectors: return false from onIteration to stop, then call it',
      );
    }
  }

  private solveNow(b: ArrayLike<number> | DenseVector, x0: ArrayLike<number> | DenseVector | null | undefined, options: SolveOptions): SolveResult {
    checkOptionsObject(options, 'solve options');
    for (const k of Object.keys(options)) if (!SOLVE_KEYS.includes(k)) throw new InvalidArgumentError(`unknown solve option "${k}"`);
    checkSolveOptions(options, true);
    const o = { ...this.defaults, ...options };
    const start = x0 ?? o.x0;
    const n = this.A.rows;
    const rt = this.runtime;
    checkVector(b, n, 'b', rt);
    if (start !== undefined) checkVector(start, n, 'x0', rt);
    this.refreshPreconditioner();
    const setupMs = this.pendingSetupMs;
    this.pendingSetupMs = 0;
    const t0 = performance.now();
    const rtol = o.rtol ?? 1e-8, atol = o.atol ?? 0;
    if (b instanceof DenseVector) rt.exports.copy(n, b.ptr, this.b);
    else rt.f64(this.b, n).set(b);
    if (start instanceof DenseVector) rt.exports.copy(n, start.ptr, this.x);
    else if (start !== undefined) rt.f64(this.x, n).set(start);
    else rt.exports.fill(n, 0, this.x);
    const ctx = new KrylovContext(rt, this.A, this.M, this.x, this.b, this.r, this);
    ctx.maxIterations = o.maxIterations ?? 10000;
    ctx.history = o.history === false ? undefined : [];
    ctx.onIteration = o.onIteration;
    ctx.signal = o.signal;
    ctx.residualKind = this.descriptor.residualKind;
    const bnorm = ctx.norm(this.b);
    ctx.bnorm = bnorm > 0 ? bnorm : 1;
    const target = Math.max(rtol * bnorm, atol);
    let reason: StopReason;
    let detail: string | undefined;
    let replacements = 0;
    if (bnorm === 0) {
      rt.exports.fill(n, 0, this.x);
      reason = 'converged-rtol';
      detail = 'b = 0: the solution is x = 0';
    } else {
      let estTarget = target;
      for (;;) {
        const rnorm = ctx.residual();
        if (!Number.isFinite(rnorm)) { reason = 'nan-or-inf'; detail = 'the residual b - A x is not finite'; break; }
        if (rnorm <= target) { reason = rnorm <= rtol * bnorm ? 'converged-rtol' : 'converged-atol'; break; }
        if (ctx.stopRequested()) { reason = 'aborted'; break; }
        if (ctx.exhausted()) { reason = 'max-iterations'; break; }
        ctx.target = estTarget;
        const res = this.run(ctx);
        if (res.status === 'restart') continue;
        if (res.status === 'converged') {
          const trueNorm = ctx.residual();
          if (trueNorm <= target) { reason = trueNorm <= rtol * bnorm ? 'converged-rtol' : 'converged-atol'; break; }
          // the recurrence's residual drifted from the true one: restart from the true residual
          // with a tighter estimate target
          if (++replacements > MAX_REPLACEMENTS) {
            reason = 'breakdown';
            detail = target === 0
              ? `rtol = 0 and atol = 0 ask for a residual of exactly 0; the true residual stalls at ${(trueNorm / bnorm).toExponential(3)} (relative), the rounding level of this solve`
              : `the true residual stalls at ${(trueNorm / bnorm).toExponential(3)} (relative) above the tolerance: accuracy is lost`;
            break;
          }
          estTarget = Math.max(estTarget * Math.max(1e-3, (0.5 * target) / trueNorm), 1e-300);
          continue;
        }
        reason = res.status;
        detail = res.detail;
        break;
      }
    }
    const residualNorm = ctx.residual();
    if (!Number.isFinite(residualNorm) && reason !== 'nan-or-inf') {
      // a NaN or Inf in x that the recurrence did not see: never report it as anything else
      reason = 'nan-or-inf';
      detail = `the iterate x has a NaN or infinite entry (after ${ctx.iterations} iterations)`;
    }
    const solveMs = performance.now() - t0;
    const converged = reason === 'converged-rtol' || reason === 'converged-atol';
    if (!converged && reason !== 'aborted') {
      const why = reason !== 'max-iterations'
        ? detail
        : ctx.iterations === 0
          ? `maxIterations is 0: no iteration was done (relative residual ${(residualNorm / ctx.bnorm).toExponential(2)})`
          : `no convergence in ${ctx.iterations} iterations (relative residual ${(residualNorm / ctx.bnorm).toExponential(2)})`;
      detail = [why, ...this.diagnose(reason, ctx.iterations)].filter(Boolean).join('; ');
    }
    return {
      x: rt.f64(this.x, n).slice(),
      converged,
      reason,
      ...(detail !== undefined ? { detail } : {}),
      iterations: ctx.iterations,
      relativeResidual: bnorm > 0 ? residualNorm / bnorm : residualNorm,
      residualNorm,
      history: ctx.history ?? [],
      residualKind: ctx.residualKind,
      method: this.method,
      precond: this.precond,
      precondInfo: this.precondInfo,
      setupMs,
      solveMs,
      residualReplacements: replacements,
    };
  }

  /**
   * Facts that explain a failure: empty rows or columns, zero diagonals, unstable or indefinite
   * factors, diagonal shifts. Computed per failed solve: the values may have changed since the last.
   */
  private diagnose(reason: StopReason, iterations: number): string[] {
    const A = this.A, n = A.rows, out: string[] = [];
    const empty = structuralSingularity(A);
    if (empty) out.push(`the matrix is structurally singular: ${empty.kind} ${empty.index} is empty`);
    // with no iteration allowed, nothing about the preconditioner can explain the result
    if (reason === 'max-iterations' && iterations === 0) return out;
    let zeroDiag = 0;
    for (const d of A.diagonal()) if (d === 0) zeroDiag++;
    const info = this.M?.info ?? {};
    if (zeroDiag > 0) {
      out.push(
        `${zeroDiag} of ${n} diagonal entries are zero or missing` +
          (this.precond.startsWith('ilu') || this.precond === 'ic0' || this.precond === 'ssor' || this.precond === 'jacobi'
            ? ` (${this.precond} replaced them; a row permutation that puts nonzeros on the diagonal is needed first)`
            : ''),
      );
    }
    const growth = info.growth;
    if (typeof growth === 'number' && growth > 1e6) out.push(`the incomplete factors grew by ${growth.toExponential(1)}: the preconditioner is unstable`);
    const neg = info.negativePivots;
    if (reason === 'indefinite-preconditioner' && (this.precond === 'ilu0' || this.precond === 'ilut')) {
      // why ILU fails under CG: for a symmetric A, ILU without pivot changes is M = L D L^T, SPD
      // exactly when every pivot is positive; an incomplete factorization of a positive definite
      // matrix can still produce negative pivots (the breakdown IC(0) meets and shifts away)
      out.push(
        typeof neg === 'number' && neg > 0
          ? `${this.precond} has ${neg} negative pivot${neg > 1 ? 's' : ''} (first in row ${info.firstNegativePivotRow}), so M = L U is indefinite: ` +
            'incomplete factorizations can break down this way even on positive definite matrices; ' +
            `${this.method} needs a symmetric positive definite preconditioner: use 'ic0', which shifts the diagonal until its pivots are positive`
          : `${this.precond} of a nonsymmetric matrix is not a symmetric operator, and ${this.method} needs a symmetric positive definite preconditioner`,
      );
    }
    if (typeof info.shift === 'number' && info.shift > 0) {
      const row = typeof info.firstBadPivotRow === 'number' && info.firstBadPivotRow >= 0 ? ` (first bad pivot in row ${info.firstBadPivotRow})` : '';
      out.push(
        reason === 'indefinite-matrix'
          ? `IC(0) needed a diagonal shift of ${info.shift}${row}, and p.Ap <= 0 shows that A is not positive definite`
          : `IC(0) needed a diagonal shift of ${info.shift}${row}: incomplete Cholesky can break down on positive definite matrices too, so this alone does not mean A is indefinite`,
      );
    }
    return out;
  }

  private run(ctx: KrylovContext): InnerResult {
    return this.descriptor.run(ctx, this.ws, this.methodOptions);
  }

  override dispose(): void {
    if (this.disposed) return;
    if (this.ownsM) this.M?.dispose();
    this.M = null;
    this.recycleSpace?.dispose();
    this.recycleSpace = null;
    super.dispose();
  }
}

function checkVector(v: ArrayLike<number> | DenseVector, n: number, what: string, rt: SparseRuntime): void {
  if (v instanceof DenseVector) {
    const p = v.check(n, what, rt);
    if (!rt.kernels.allFinite(n, p)) throw new NonFiniteValueError(`${what} has a NaN or infinite entry`);
    return;
  }
  if (v == null || typeof v.length !== 'number') throw new InvalidArgumentError(`${what} must be an array of numbers`);
  if (v.length !== n) throw new DimensionMismatchError(`${what} has length ${v.length}, the matrix has ${n} rows`);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new NonFiniteValueError(`${what}[${i}] = ${x} is not a finite number`);
  }
}

/** One-shot solve: builds a session, solves, frees it. Reports the method and preconditioner used. */
export function solve(A: CsrMatrix, b: ArrayLike<number> | DenseVector, options: SessionOptions & { x0?: ArrayLike<number> } = {}): SolveResult & { choice: string } {
  checkOptionsObject(options, 'solver options');
  const { x0, ...rest } = options;
  const s = new SolverSession(A, rest);
  try {
    return { ...s.solve(b, x0), choice: s.choice };
  } finally {
    s.dispose();
  }
}
