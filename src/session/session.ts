import { DimensionMismatchError, DisposedError, FactorizationError, InvalidArgumentError, NonFiniteValueError, SingularMatrixError, SparseError } from '../errors.js';
import { matrixProperties } from '../matrix/properties.js';
import { CsrMatrix } from '../matrix/csr.js';
import { createPreconditioner, checkPreconditionerOptions } from '../precond/factory.js';
import { FunctionPreconditioner } from '../precond/user.js';
import type { Preconditioner, PreconditionerName, PreconditionerOptions } from '../precond/types.js';
import { WasmResource } from '../runtime/resource.js';
import { DenseVector } from '../vector.js';
import { KrylovContext, KrylovOperator, SolveMonitor, StoppingCriteria, type InnerResult } from '../solvers/context.js';
import { solveResult } from '../solvers/result.js';
import type { SparseRuntime } from '../runtime/runtime.js';
import type { MethodDescriptor, MethodWorkspace } from '../solvers/method.js';
import { methodDescriptor } from '../solvers/registry.js';
import { RecycleSpace } from '../solvers/recycle.js';
import type { MethodName, SetupOptions, SolveOptions, SolveResult, StopReason } from '../solvers/types.js';
import { chooseDefaults, structuralSingularity } from './auto.js';
import { RecyclePolicy } from './recycle-policy.js';
import { checkOptions, checkOptionsObject, describeValue } from '../options.js';
import { preconditionerDescriptor } from '../precond/registry.js';
import { checkSessionOptions, checkSessionSpec, checkSolveOptions, type SessionHooks, type SessionSpec } from './spec.js';
import { checkSolveManyOptions, solveMany, type BlockLike, type SolveManyOptions, type SolveManyResult } from '../solvers/many.js';

export interface SessionOptions extends SetupOptions, Omit<SolveOptions, 'x0'> {}

/** Cumulative times of a session, in ms. */
export interface SessionTimings {
  /** making the session: method choice, preconditioner analysis and factorization, workspace */
  setupMs: number;
  /** update() calls and preconditioner refactorizations found stale by a solve */
  updateMs: number;
  /** all solves (iterating; the setup time each solve reports is in updateMs or setupMs) */
  solveMs: number;
}

/** How a session was asked to build its preconditioner, kept to rebuild it for a new matrix. */
interface PrecondRecipe {
  name: PreconditionerName;
  options: PreconditionerOptions;
  strictSpd: boolean;
}

/** Refactors M for A's current values (same pattern); the verb is `update` since issue 8, `refactor` before. */
function refreshNumeric(M: Preconditioner, A: CsrMatrix): void {
  const m = M as Preconditioner & { update?(A: CsrMatrix): void; refactor?(A: CsrMatrix): void };
  if (typeof m.update === 'function') m.update(A);
  else m.refactor!(A);
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
 *
 * Options are plain data (a SessionSpec: method, preconditioner name and options, tolerances,
 * method options) plus live hooks (callbacks, signal, a user preconditioner); both may be given
 * mixed, or apart through `SolverSession.fromSpec(A, spec, hooks)`.
 */
export class SolverSession extends WasmResource {
  private methodNow: MethodName;
  private precondNow: string;
  private choiceNow: string;
  private matrix: CsrMatrix;
  private M: Preconditioner | null;
  private readonly ownsM: boolean;
  private recipe: PrecondRecipe | null = null;
  private descriptor: MethodDescriptor;
  /** the method's own options (restart, ...), defaults filled in */
  private methodOptions: Record<string, unknown>;
  private specGiven: SessionSpec;
  private readonly defaults: SolveOptions;
  private readonly x: number;
  private readonly b: number;
  private readonly r: number;
  private ws: MethodWorkspace;
  /**
   * method and preconditioner both automatic: a failed iterative solve falls back to a direct
   * factorization (cholesky for a symmetric matrix with a positive diagonal, else lu) once
   */
  private fallbackAllowed: boolean;
  /** the recycle space (null unless the method keeps one between solves); freed with the session */
  private recycleSpace: RecycleSpace | null = null;
  private readonly stopping = new StoppingCriteria();
  private readonly monitor: SolveMonitor;
  private op: KrylovOperator;
  private ctx: KrylovContext;
  /** bumped whenever M is rebuilt or refactored (a recycle space's C depends on it) */
  private precondVersion = 0;
  private pendingSetupMs = 0;
  /** recycle: 'auto': decides per solve whether the method recycles (recycle-policy.ts) */
  private readonly recyclePolicy: RecyclePolicy | null = null;
  /** the method options of the solve running now (recycle set by the policy) */
  private runOptions: Record<string, unknown> = {};
  private readonly times: SessionTimings = { setupMs: 0, updateMs: 0, solveMs: 0 };

  /** Makes a session from a plain-data spec (as a worker receives it) and the live hooks. */
  static fromSpec(A: CsrMatrix, spec: SessionSpec, hooks: SessionHooks = {}): SolverSession {
    checkSessionSpec(spec);
    // the kinds are checked by the constructor, with the rest
    checkOptions('session hooks', hooks, { precond: { kind: 'any' }, onIteration: { kind: 'any' }, signal: { kind: 'any' } });
    if (hooks.precond !== undefined && spec.precond !== undefined) {
      throw new InvalidArgumentError('precond is given twice: a name in the spec and an object or function in the hooks');
    }
    return new SolverSession(A, { ...spec, ...hooks } as SessionOptions);
  }

  constructor(A: CsrMatrix, options: SessionOptions = {}) {
    if (!(A instanceof CsrMatrix)) throw new InvalidArgumentError('SolverSession needs a CsrMatrix');
    super(A.runtime);
    const t0 = performance.now();
    checkSessionOptions('SolverSession', options);
    if (A.rows !== A.cols) throw new DimensionMismatchError(`the matrix must be square to solve A x = b, got ${A.rows} x ${A.cols}`);
    const method = options.method ?? 'auto';
    const pcOpts: PreconditionerOptions = options.precondOptions ?? {};
    checkPreconditionerOptions(pcOpts);
    this.matrix = A;
    const { onIteration, signal, rtol, atol, maxIterations, history } = options;
    this.defaults = { onIteration, signal, rtol, atol, maxIterations, history };

    const spec = options.precond ?? 'auto';
    let pcName: 'auto' | PreconditionerName = 'auto';
    if (typeof spec === 'string') {
      pcName = spec; // a known name (checkSessionOptions)
    } else if (typeof spec !== 'function' && (typeof spec !== 'object' || spec === null)) {
      // a number, boolean, null...: never read as 'none'
      throw new InvalidArgumentError(`SolverSession: option precond must be a preconditioner name, a function or a Preconditioner, got ${describeValue(spec)}`);
    }
    const own = method !== 'auto' ? methodDescriptor(method)?.factorization : undefined;
    if (own && typeof spec !== 'string') {
      throw new InvalidArgumentError(`method ${method} solves with its own ${own} factorization of A and takes no other preconditioner (got a ${typeof spec === 'function' ? 'function' : 'Preconditioner object'}): leave precond 'auto'`);
    }
    const choice = chooseDefaults(A, method, typeof spec === 'string' ? pcName : 'none');
    this.methodNow = choice.method;
    this.fallbackAllowed = method === 'auto' && spec === 'auto' && !methodDescriptor(choice.method)!.factorization;
    const d = methodDescriptor(this.method)!;
    this.descriptor = d;
    const mo: Record<string, unknown> = {};
    for (const [key, o] of Object.entries(d.options)) mo[key] = (options as Record<string, unknown>)[key] ?? o.default;
    this.methodOptions = mo;
    if (mo.recycle === 'auto') this.recyclePolicy = new RecyclePolicy();
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
    if (d.requires.preconditioner === 'none' && !(spec === 'none' || (spec === 'auto' && choice.precond === 'none'))) {
      const given = typeof spec === 'string' ? spec === 'auto' ? choice.precond : spec : typeof spec === 'function' ? 'a function' : 'a Preconditioner object';
      throw new InvalidArgumentError(`${this.method} takes no preconditioner (got ${given}): pass precond 'none'`);
    }
    const strictSpd = d.requires.preconditioner === 'spd-strict';
    if (strictSpd && preconditionerDescriptor(pcName)?.spd === 'never') {
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
        let built = choice.precond;
        try {
          this.M = createPreconditioner(A, built, pcOpts, strictSpd);
        } catch (e) {
          // with pivot: 'error' the caller asked for the failure itself
          if (!(e instanceof FactorizationError && choice.fallback && pcOpts.pivot !== 'error')) throw e;
          built = choice.fallback.precond;
          this.M = createPreconditioner(A, built, pcOpts, strictSpd);
          choice.because = choice.fallback.because;
        }
        this.ownsM = true;
        this.recipe = { name: built, options: pcOpts, strictSpd };
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
      this.precondNow = this.M ? this.M.name : 'none';
      this.choiceNow = `${this.method} + ${this.precond}: ${choice.because}`;
      const given: Record<string, unknown> = { method: this.method, precondOptions: { ...pcOpts }, ...mo };
      if (this.recipe) given.precond = this.recipe.name;
      for (const k of ['rtol', 'atol', 'maxIterations', 'history'] as const) if (options[k] !== undefined) given[k] = options[k];
      this.specGiven = given as SessionSpec;
      const n = A.rows;
      const vec = () => {
        const p = this.own(this.runtime.alloc(n * 8));
        this.runtime.kernels.fill(n, 0, p); // touch now: first touch of fresh pages is slow
        return p;
      };
      this.x = vec();
      this.b = vec();
      this.r = vec();
      this.ws = this.allocateWorkspace(d, n);
      this.monitor = new SolveMonitor(this);
      this.op = this.operator();
      this.ctx = new KrylovContext(this.op, this.stopping, this.monitor, this.x, this.b, this.r);
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.times.setupMs = performance.now() - t0;
    this.pendingSetupMs = this.times.setupMs;
  }

  /** the method solving now (an automatic iterative one is replaced by 'cholesky' or 'lu' after a failed solve) */
  get method(): MethodName {
    return this.methodNow;
  }

  /** the preconditioner's name ('none', 'ic0', ..., 'user'; 'cholesky' or 'lu' for the direct methods) */
  get precond(): string {
    return this.precondNow;
  }

  /** "method + precond: reason": the matrix facts behind each automatic choice, or that it was given */
  get choice(): string {
    return this.choiceNow;
  }

  /** The matrix the session solves with (replaced by update({ matrix })). The session does not own it. */
  get A(): CsrMatrix {
    return this.matrix;
  }

  /** Cumulative times (a copy). */
  get timings(): SessionTimings {
    return { ...this.times };
  }

  /** @deprecated use `timings.setupMs` */
  get setupMs(): number {
    return this.times.setupMs;
  }

  /**
   * The session as plain data (method and preconditioner as chosen, their options with defaults,
   * the tolerances given): `SolverSession.fromSpec(B, session.spec, hooks)` on another thread
   * makes the same session for a matrix B without choosing again. No `precond` when the
   * preconditioner is the caller's object or function (give it in the hooks there).
   */
  get spec(): SessionSpec {
    this.alive('SolverSession');
    return JSON.parse(JSON.stringify(this.specGiven)) as SessionSpec;
  }

  /**
   * The recycle space kept between solves (U, C, k, what they were built for), or null when the
   * method keeps none. Owned by the session: freed by dispose(); `invalidate()` drops its content.
   */
  get recycle(): RecycleSpace | null {
    this.alive('SolverSession');
    return this.recycleSpace;
  }

  private operator(): KrylovOperator {
    const op = new KrylovOperator(this.runtime, this.matrix, this.M, this.monitor, this.precondVersion);
    this.monitor.watch(op);
    return op;
  }

  /** The memory the method asked for (WorkspaceSize), owned by the session. */
  private allocateWorkspace(d: MethodDescriptor, n: number): MethodWorkspace {
    const size = d.workspace(n, this.methodOptions);
    const rt = this.runtime;
    const block = (cols: number) => {
      const p = this.own(rt.alloc(Math.max(8, cols * n * 8)));
      rt.kernels.fill(cols * n, 0, p); // touch now: first touch of fresh pages is slow
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
   * `{ values }`: replaces the matrix values (same pattern; `values` in CSR order) and refactors
   * the preconditioner now, without a new analysis.
   *
   * `{ matrix }`: solves with another matrix of the same size from now on (new values, or a new
   * pattern): the preconditioner is built again for it (same name and options; a caller's
   * Preconditioner object is updated, which fails if it cannot follow a new pattern), the method
   * and the workspace stay, and a recycle space keeps its vectors but reports 'matrix-changed'
   * (its C must be recomputed). The session does not own the new matrix either. If the new matrix
   * is refused or its preconditioner fails, the session is left as it was.
   */
  update(change: { values: ArrayLike<number> } | { matrix: CsrMatrix }): void {
    this.alive('SolverSession');
    this.monitor.refuseReentry('update');
    checkOptions('SolverSession.update', change, { values: { kind: 'any' }, matrix: { kind: 'any' } });
    const keys = Object.keys(change);
    if (keys.length !== 1) throw new InvalidArgumentError('update takes one of { values } or { matrix }');
    const t0 = performance.now();
    if ('matrix' in change) this.replaceMatrix(change.matrix);
    else {
      this.matrix.setValues(change.values);
      this.refreshPreconditioner();
    }
    this.addUpdateTime(performance.now() - t0);
  }

  private replaceMatrix(B: CsrMatrix): void {
    if (!(B instanceof CsrMatrix)) throw new InvalidArgumentError('update({ matrix }) needs a CsrMatrix');
    if (B.disposed) throw new DisposedError('the matrix given to update({ matrix }) was disposed');
    if (B.runtime !== this.runtime) throw new InvalidArgumentError('the matrix belongs to another sparse-wasm runtime');
    const A = this.matrix;
    if (B.rows !== A.rows || B.cols !== A.cols) {
      throw new DimensionMismatchError(`update({ matrix }): the session solves ${A.rows} x ${A.cols} systems, the new matrix is ${B.rows} x ${B.cols}`);
    }
    if (this.descriptor.requires.nonsingular) {
      const empty = structuralSingularity(B);
      if (empty) {
        throw new SingularMatrixError(
          `update({ matrix }): the new matrix is structurally singular: ${empty.kind} ${empty.index} has no stored entry, and ${this.method} cannot solve it`,
          empty.kind, empty.index,
        );
      }
    }
    B.prepareSpmv();
    let M = this.M;
    if (this.recipe) {
      // a new analysis for the new pattern; the old M is freed only once the new one exists
      M = createPreconditioner(B, this.recipe.name, this.recipe.options, this.recipe.strictSpd);
      if (this.recipe.strictSpd && M && !M.symmetric) {
        M.dispose();
        throw new InvalidArgumentError(`update({ matrix }): ${this.method} needs a symmetric positive definite preconditioner, and ${this.recipe.name} of the new matrix is not one`);
      }
      this.M?.dispose();
      this.M = M;
    } else if (M && M.isStale(B)) {
      refreshNumeric(M, B); // a caller's object: it throws if it cannot follow a new pattern
    }
    B.prepareSpmv();
    this.matrix = B;
    this.precondVersion++;
    this.op = this.operator();
    this.ctx = new KrylovContext(this.op, this.stopping, this.monitor, this.x, this.b, this.r);
  }

  /** Refactors M if A's values changed since it was built; returns true if it did. */
  private refreshPreconditioner(): boolean {
    const A = this.matrix;
    let refreshed = false;
    if (this.M && this.M.isStale(A)) {
      refreshNumeric(this.M, A);
      this.precondVersion++;
      this.op = this.operator();
      this.ctx = new KrylovContext(this.op, this.stopping, this.monitor, this.x, this.b, this.r);
      refreshed = true;
    }
    A.prepareSpmv();
    return refreshed;
  }

  /** Counts time spent rebuilding: the session's update time, and the next solve's setup time. */
  private addUpdateTime(ms: number): void {
    this.times.updateMs += ms;
    this.pendingSetupMs += ms;
  }

  /**
   * Solves A x = b. `x0` is the initial guess (default 0). b and x0 may be plain arrays or
   * DenseVectors of this runtime (copied without leaving wasm). Never throws for non-convergence.
   */
  solve(b: ArrayLike<number> | DenseVector, x0?: ArrayLike<number> | DenseVector | null, options: SolveOptions = {}): SolveResult {
    this.alive('SolverSession');
    return this.monitor.exclusive('solve', () => this.solveNow(b, x0, options));
  }

  /**
   * Solves A x_j = b_j for k right-hand sides: B as k columns or an n x k DenseBlock (row-major),
   * options as solve()'s plus x0 (a block like B) and activeSet. With CG the k recurrences run in
   * lock-step, reading A and the preconditioner once per iteration for all k (block apply for
   * IC(0), ILU(0), ILUT and Jacobi; others column by column), each column stopping on its own;
   * every result is bitwise the one solve(b_j, x0_j) gives. Other methods solve the columns one
   * after the other (result.mode 'sequential', with a note). See SolveManyResult
   * (src/solvers/many.ts). Allocates its block workspace (4-5 n x k blocks) per call.
   */
  solveMany(B: BlockLike, options: SolveManyOptions = {}): SolveManyResult {
    this.alive('SolverSession');
    return this.monitor.exclusive('solveMany', () => {
      checkSolveManyOptions(options);
      const t1 = performance.now();
      if (this.refreshPreconditioner()) this.addUpdateTime(performance.now() - t1);
      const setupMs = this.pendingSetupMs;
      this.pendingSetupMs = 0;
      const before = this.times.solveMs;
      const out = solveMany({
        method: this.method, precond: this.precond, residualKind: this.descriptor.residualKind, op: this.op,
        x: this.x, b: this.b, r: this.r, owner: this,
        precondInfo: () => this.precondInfo,
        diagnose: (reason, iterations) => this.diagnose(reason, iterations),
        solveOne: (b, x0, o) => this.solveNow(b, x0, o),
      }, B, { ...this.defaults, ...options } as SolveManyOptions, setupMs);
      this.times.solveMs = before + out.totals.solveMs;
      return out;
    });
  }

  private solveNow(b: ArrayLike<number> | DenseVector, x0: ArrayLike<number> | DenseVector | null | undefined, options: SolveOptions): SolveResult {
    checkSolveOptions('SolverSession.solve', options);
    const o = { ...this.defaults, ...options };
    const start = x0 ?? o.x0;
    const n = this.matrix.rows;
    const rt = this.runtime;
    checkVector(b, n, 'b', rt);
    if (start !== undefined) checkVector(start, n, 'x0', rt);
    const t1 = performance.now();
    if (this.refreshPreconditioner()) this.addUpdateTime(performance.now() - t1);
    const setupMs = this.pendingSetupMs;
    this.pendingSetupMs = 0;
    const t0 = performance.now();
    if (b instanceof DenseVector) rt.kernels.copy(n, b.ptr, this.b);
    else rt.f64(this.b, n).set(b);
    if (start instanceof DenseVector) rt.kernels.copy(n, start.ptr, this.x);
    else if (start !== undefined) rt.f64(this.x, n).set(start);
    else rt.kernels.fill(n, 0, this.x);
    const policy = this.recyclePolicy;
    this.runOptions = policy ? { ...this.methodOptions, recycle: policy.begin() ? 'auto' : 0 } : this.methodOptions;
    const { ctx, stopping: stop, monitor } = this;
    const bnorm = ctx.norm(this.b);
    stop.reset(o, bnorm);
    monitor.reset(o, this.descriptor.residualKind, stop.bnorm);
    let { reason, detail } = this.iterate(bnorm);
    let fallback: SolveResult['fallback'];
    if (this.fallbackAllowed && this.fallbackFits(reason, o)) {
      // the automatic iterative solve failed: factor A (once) and solve again from the same start
      const failed = { method: this.method, precond: this.precond, reason, ...(detail !== undefined ? { detail } : {}), iterations: monitor.iterations, solveMs: performance.now() - t0 };
      const t2 = performance.now();
      const why = this.switchToDirect(reason, detail);
      this.addUpdateTime(performance.now() - t2);
      if (why === null) {
        fallback = failed;
        if (start instanceof DenseVector) rt.kernels.copy(n, start.ptr, this.x);
        else if (start !== undefined) rt.f64(this.x, n).set(start);
        else rt.kernels.fill(n, 0, this.x);
        stop.reset(o, bnorm);
        monitor.reset(o, this.descriptor.residualKind, stop.bnorm);
        ({ reason, detail } = this.iterate(bnorm));
      } else {
        detail = [detail, why].filter(Boolean).join('; ');
      }
    }
    const residualNorm = this.ctx.residual();
    const solveMs = performance.now() - t0;
    this.times.solveMs += solveMs;
    const recycleDecision = policy?.end(monitor.iterations);
    return {
      ...solveResult({
        x: rt.f64(this.x, n).slice(), reason, detail, residualNorm, monitor, stop,
        diagnose: (r, its) => this.diagnose(r, its),
        method: this.method, precond: this.precond, precondInfo: this.precondInfo, setupMs, solveMs,
      }),
      ...this.descriptor.report?.(this.ws),
      ...(recycleDecision ? { recycleDecision } : {}),
      ...(fallback ? { fallback } : {}),
    };
  }

  /**
   * Whether a failed automatic solve should fall back to a direct factorization: when the method
   * broke down, met an indefinite operator or a NaN, or ran out of the default iteration budget.
   * Not when the caller set maxIterations (a budget is a choice) or asked for rtol = atol = 0 (no
   * method reaches a zero residual, the failure says so), nor after an abort.
   */
  private fallbackFits(reason: StopReason, o: SolveOptions): boolean {
    switch (reason) {
      case 'breakdown': case 'indefinite-matrix': case 'indefinite-preconditioner': case 'nan-or-inf': break;
      case 'max-iterations': if (o.maxIterations !== undefined) return false; break;
      default: return false;
    }
    return !(o.rtol === 0 && (o.atol ?? 0) === 0);
  }

  /**
   * After a failed automatic iterative solve: factors A directly (Cholesky for a symmetric matrix
   * with a positive diagonal, LU otherwise or when Cholesky meets a non-positive pivot) and makes
   * it the session's method from now on. Returns null, or why the factorization failed (the
   * session then stays as it was, and does not try again).
   */
  private switchToDirect(reason: StopReason, detail: string | undefined): string | null {
    this.fallbackAllowed = false;
    const A = this.matrix;
    const from = `${this.method} + ${this.precond}`;
    const p = matrixProperties(A);
    const kinds: ('cholesky' | 'lu')[] = p.numericallySymmetric && p.diagonalSign === 'positive' ? ['cholesky', 'lu'] : ['lu'];
    let M: Preconditioner | null = null;
    let kind: 'cholesky' | 'lu' = kinds[0]!;
    const errors: string[] = [];
    for (const k of kinds) {
      try {
        M = createPreconditioner(A, k, {});
        kind = k;
        break;
      } catch (e) {
        if (!(e instanceof SparseError)) throw e;
        errors.push(`${k}: ${e.message}`);
      }
    }
    if (!M) return `the direct fallback failed too (${errors.join('; ')})`;
    const d = methodDescriptor(kind)!;
    if (this.ownsM) this.M?.dispose();
    this.M = M;
    this.recipe = { name: kind, options: {}, strictSpd: false };
    this.descriptor = d;
    this.methodOptions = {};
    this.runOptions = {};
    this.ws = this.allocateWorkspace(d, A.rows);
    this.methodNow = kind;
    this.precondNow = kind;
    const why = `${reason}${detail ? ` (${detail.split(';')[0]})` : ''}`;
    this.choiceNow = `${kind} + ${kind}: fallback: ${from} failed on this matrix: ${why}` +
      (errors.length ? `; ${errors.join('; ')}` : '') + `; a direct ${kind === 'cholesky' ? 'Cholesky' : 'LU'} factorization solves it`;
    const tolerances: Record<string, unknown> = {};
    for (const k of ['rtol', 'atol', 'maxIterations', 'history'] as const) if (this.specGiven[k] !== undefined) tolerances[k] = this.specGiven[k];
    this.specGiven = { method: kind, precond: kind, precondOptions: {}, ...tolerances } as SessionSpec;
    this.precondVersion++;
    this.op = this.operator();
    this.ctx = new KrylovContext(this.op, this.stopping, this.monitor, this.x, this.b, this.r);
    return null;
  }

  /** The session's solve loop: runs the method (restarts, true-residual checks) until it stops. */
  private iterate(bnorm: number): { reason: StopReason; detail: string | undefined } {
    const { ctx, stopping: stop, monitor } = this;
    let reason: StopReason;
    let detail: string | undefined;
    if (bnorm === 0) {
      this.runtime.kernels.fill(this.matrix.rows, 0, this.x);
      reason = 'converged-rtol';
      detail = 'b = 0: the solution is x = 0';
    } else {
      for (;;) {
        const rnorm = ctx.residual();
        if (!Number.isFinite(rnorm)) { reason = 'nan-or-inf'; detail = 'the residual b - A x is not finite'; break; }
        const met = stop.met(rnorm);
        if (met) { reason = met; break; }
        if (monitor.stopRequested()) { reason = 'aborted'; break; }
        if (ctx.exhausted()) { reason = 'max-iterations'; break; }
        const res = this.run(ctx);
        if (res.status === 'restart') continue;
        if (res.status === 'converged') {
          const trueNorm = ctx.residual();
          const ok = stop.met(trueNorm);
          if (ok) { reason = ok; break; }
          // the recurrence's residual drifted from the true one: restart from the true residual
          // with a tighter estimate target
          const stall = stop.replace(trueNorm);
          if (stall !== undefined) { reason = 'breakdown'; detail = stall; break; }
          continue;
        }
        reason = res.status;
        detail = res.detail;
        break;
      }
    }
    return { reason, detail };
  }

  /**
   * Facts that explain a failure: empty rows or columns, zero diagonals, unstable or indefinite
   * factors, diagonal shifts. Computed per failed solve: the values may have changed since the last.
   */
  private diagnose(reason: StopReason, iterations: number): string[] {
    const A = this.matrix, n = A.rows, out: string[] = [];
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
    if (reason === 'indefinite-preconditioner' && preconditionerDescriptor(this.precond)?.spd === 'never') {
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
    return this.descriptor.run(ctx, this.ws, this.runOptions);
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
  checkOptionsObject('solve', options);
  const { x0, ...rest } = options;
  const s = new SolverSession(A, rest);
  try {
    return { ...s.solve(b, x0), choice: s.choice };
  } finally {
    s.dispose();
  }
}
