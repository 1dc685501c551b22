import { DisposedError, ReentrancyError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import type { Preconditioner } from '../precond/types.js';
import { FunctionPreconditioner } from '../precond/user.js';
import type { Kernels } from '../runtime/kernels.js';
import type { SparseRuntime } from '../runtime/runtime.js';
import type { RecycleOperator } from './recycle.js';
import type { IterationState, ResidualKind, StopReason } from './types.js';

/** How one run of a method's recurrence ended. */
export interface InnerResult {
  status: 'converged' | 'restart' | Exclude<StopReason, 'converged-rtol' | 'converged-atol'>;
  detail?: string;
}

/** Something that must run after user code (a preconditioner function) and before writing memory. */
export interface Guard {
  guard(): void;
}

const DURING = '(from onIteration, a preconditioner or an abort listener); the solve was stopped';

/**
 * The operator of a solve: A and the preconditioner M, applied through wasm pointers. Built when
 * the session is made and again only when the matrix is replaced (update({ matrix })).
 */
export class KrylovOperator implements RecycleOperator {
  readonly k: Kernels;
  readonly n: number;

  constructor(
    readonly rt: SparseRuntime,
    readonly A: CsrMatrix,
    readonly M: Preconditioner | null,
    /** run after user code inside M (a function or a user's object): the monitor's guard */
    private readonly after: Guard,
    /** bumped by the owner whenever M is rebuilt or refactored (a recycle space's C depends on M) */
    readonly precondVersion = 0,
  ) {
    this.k = rt.kernels;
    this.n = A.rows;
  }

  /** Throws DisposedError if A or M was disposed by user code during the solve. */
  checkOperands(): void {
    if (this.A.disposed) throw new DisposedError(`the matrix A was disposed during the solve ${DURING}`);
    if (this.M && (this.M as { disposed?: boolean }).disposed === true) {
      throw new DisposedError(`the preconditioner was disposed during the solve ${DURING}`);
    }
  }

  /** y = A x */
  spmv(x: number, y: number): void {
    this.A.multiplyPtr(x, y);
  }

  /** z = M^-1 r (a copy without preconditioner) */
  precond(r: number, z: number): void {
    const M = this.M;
    if (M instanceof FunctionPreconditioner) M.applyGuarded(r, z, this.after); // checks before it writes z
    else if (M) {
      M.applyPtr(r, z);
      this.after.guard(); // a user's Preconditioner object may run arbitrary code
    } else if (r !== z) this.k.copy(this.n, r, z);
  }

  dot(x: number, y: number): number {
    return this.k.dot(this.n, x, y);
  }

  norm(x: number): number {
    return this.k.nrm2(this.n, x);
  }
}

/** Plain-data limits of one solve. */
export interface StoppingOptions {
  /** default 1e-8 */
  rtol?: number;
  /** default 0 */
  atol?: number;
  /** default 10000 */
  maxIterations?: number;
}

/** times the recurrence may restart from the true residual before the solve gives up */
export const MAX_REPLACEMENTS = 8;

/**
 * When a solve stops: ||b - A x|| <= max(rtol ||b||, atol) on the TRUE residual, within
 * maxIterations. A method stops on its own estimate (`estimateTarget`); the session then verifies
 * the true residual and, if the estimate drifted, restarts with a tighter estimate target.
 */
export class StoppingCriteria {
  // changed only by reset() and replace(): read-only to methods
  private s = { rtol: 1e-8, atol: 0, maxIterations: 10000, normB: 0, bnorm: 1, target: 0, estimateTarget: 0, replacements: 0 };

  constructor(readonly maxReplacements = MAX_REPLACEMENTS) {}

  get rtol(): number { return this.s.rtol; }
  get atol(): number { return this.s.atol; }
  get maxIterations(): number { return this.s.maxIterations; }
  /** ||b|| as computed */
  get normB(): number { return this.s.normB; }
  /** ||b||, or 1 when b = 0 (so relative figures stay defined) */
  get bnorm(): number { return this.s.bnorm; }
  /** the true-residual target max(rtol ||b||, atol) */
  get target(): number { return this.s.target; }
  /** what the method's estimate must reach in this run */
  get estimateTarget(): number { return this.s.estimateTarget; }
  /** times the true residual refused an estimate's convergence */
  get replacements(): number { return this.s.replacements; }

  /** Starts a solve for a right-hand side of norm `normB`. */
  reset(o: StoppingOptions, normB: number): void {
    const rtol = o.rtol ?? 1e-8, atol = o.atol ?? 0;
    const target = Math.max(rtol * normB, atol);
    this.s = {
      rtol, atol, maxIterations: o.maxIterations ?? 10000, normB, bnorm: normB > 0 ? normB : 1,
      target, estimateTarget: target, replacements: 0,
    };
  }

  /** The converged reason when the true residual norm meets the target, else undefined. */
  met(trueNorm: number): 'converged-rtol' | 'converged-atol' | undefined {
    if (!(trueNorm <= this.target)) return undefined;
    return trueNorm <= this.rtol * this.normB ? 'converged-rtol' : 'converged-atol';
  }

  /**
   * The estimate converged but the true residual did not (the recurrence drifted): tighten the
   * estimate target for a restart from the true residual. Returns why the solve must stop
   * instead ('breakdown') once the replacements are used up, else undefined.
   */
  replace(trueNorm: number): string | undefined {
    const s = this.s;
    if (++s.replacements > this.maxReplacements) {
      const rel = (trueNorm / this.normB).toExponential(3);
      return this.target === 0
        ? `rtol = 0 and atol = 0 ask for a residual of exactly 0; the true residual stalls at ${rel} (relative), the rounding level of this solve`
        : `the true residual stalls at ${rel} (relative) above the tolerance: accuracy is lost`;
    }
    s.estimateTarget = Math.max(s.estimateTarget * Math.max(1e-3, (0.5 * s.target) / trueNorm), 1e-300);
    return undefined;
  }
}

/** The live objects that watch a solve (never plain data: they stay on the thread that solves). */
export interface MonitorHooks {
  /** called after every iteration; return false to stop (reason 'aborted') */
  onIteration?: (state: IterationState) => boolean | void;
  signal?: AbortSignal;
  /** record the residual history (default true) */
  history?: boolean;
}

/**
 * Watches a solve: counts and records iterations, calls onIteration, honours the signal, and
 * guards the owner's memory against user code that disposes the session, A or M from inside the
 * solve, or re-enters it.
 */
export class SolveMonitor implements Guard {
  private count = 0;
  private record: number[] | undefined;
  private kind: ResidualKind = 'recursive-2-norm';
  private stopped = false;
  private onIteration: MonitorHooks['onIteration'];
  private signal: AbortSignal | undefined;
  private bnorm = 1;
  private operands: { checkOperands(): void } | undefined;
  private running = false;

  constructor(
    /** the object that owns x, b, r and the work vectors (the session); checked after user code ran */
    private readonly owner?: { readonly disposed: boolean },
    /** its class name, for messages */
    private readonly ownerName = 'SolverSession',
  ) {}

  /** iterations so far in this solve */
  get iterations(): number { return this.count; }
  /** the residual norms so far (undefined when history is off) */
  get history(): number[] | undefined { return this.record; }
  get residualKind(): ResidualKind { return this.kind; }
  /** true when onIteration or the signal stopped the solve */
  get aborted(): boolean { return this.stopped; }

  /** The operator whose A and M guard() checks too. */
  watch(operands: { checkOperands(): void }): void {
    this.operands = operands;
  }

  /** Starts a solve: counters cleared, hooks and the residual kind of the method set. */
  reset(hooks: MonitorHooks, residualKind: ResidualKind, bnorm: number): void {
    this.count = 0;
    this.record = hooks.history === false ? undefined : [];
    this.onIteration = hooks.onIteration;
    this.signal = hooks.signal;
    this.kind = residualKind;
    this.bnorm = bnorm;
    this.stopped = false;
  }

  /**
   * Throws DisposedError if user code run from inside the solve (onIteration, a preconditioner
   * function or object, an abort listener) disposed the session, A or M. Their memory may be
   * freed, and TLSF keeps its free lists inside freed blocks: not one more write may happen.
   */
  guard(): void {
    if (this.owner?.disposed) throw new DisposedError(`the ${this.ownerName} was disposed during its own solve ${DURING}`);
    this.operands?.checkOperands();
  }

  /** true when the solve must stop as 'aborted' (onIteration said so, or the signal fired); throws as guard() does */
  stopRequested(): boolean {
    if (this.signal?.aborted) this.stopped = true;
    this.guard();
    return this.stopped;
  }

  /** Counts an iteration and reports it; returns true when the solve must stop (aborted). */
  tick(residualNorm: number): boolean {
    this.count++;
    this.record?.push(residualNorm);
    if (this.onIteration) {
      const go = this.onIteration({
        iteration: this.count,
        residualNorm,
        relativeResidual: residualNorm / this.bnorm,
        residualKind: this.kind,
      });
      if (go === false) this.stopped = true;
    }
    return this.stopRequested();
  }

  /** Throws ReentrancyError if called from inside the running solve (user code must not start another). */
  refuseReentry(what: string): void {
    if (this.running) {
      throw new ReentrancyError(
        `${this.ownerName}.${what}() was called from inside its own solve (onIteration or a preconditioner); ` +
          'it would overwrite the running solve\'s vectors: return false from onIteration to stop, then call it',
      );
    }
  }

  /** Runs `body` as the solve: re-entry refused while it runs. */
  exclusive<T>(what: string, body: () => T): T {
    this.refuseReentry(what);
    this.running = true;
    try {
      return body();
    } finally {
      this.running = false;
    }
  }
}

/**
 * What a method's inner loop sees: the operator, the stopping target and the monitor, with the
 * iterate x, the right-hand side b and the residual r in wasm memory. Methods read `x`, `r` and
 * work vectors as pointers and never allocate. Built once per operator (not per solve).
 */
export class KrylovContext {
  readonly k: Kernels;
  readonly n: number;
  readonly rt: SparseRuntime;
  readonly A: CsrMatrix;
  readonly M: Preconditioner | null;

  constructor(
    readonly op: KrylovOperator,
    readonly stop: StoppingCriteria,
    readonly monitor: SolveMonitor,
    /** iterate, right-hand side, residual */
    readonly x: number,
    readonly b: number,
    readonly r: number,
  ) {
    this.k = op.k;
    this.n = op.n;
    this.rt = op.rt;
    this.A = op.A;
    this.M = op.M;
  }

  /** the estimate target for this run: ||r|| <= target ends it as 'converged' */
  get target(): number {
    return this.stop.estimateTarget;
  }

  /** ||b|| (1 when b = 0) */
  get bnorm(): number {
    return this.stop.bnorm;
  }

  /** iterations so far in this solve */
  get iterations(): number {
    return this.monitor.iterations;
  }

  guard(): void {
    this.monitor.guard();
  }

  stopRequested(): boolean {
    return this.monitor.stopRequested();
  }

  spmv(x: number, y: number): void {
    this.op.spmv(x, y);
  }

  precond(r: number, z: number): void {
    this.op.precond(r, z);
  }

  dot(x: number, y: number): number {
    return this.op.dot(x, y);
  }

  norm(x: number): number {
    return this.op.norm(x);
  }

  /** r = b - A x; returns ||r|| */
  residual(): number {
    this.op.spmv(this.x, this.r);
    this.k.sub(this.n, this.b, this.r, this.r);
    return this.op.norm(this.r);
  }

  /** Counts an iteration and reports it; returns true when the solve must stop (aborted). */
  tick(residualNorm: number): boolean {
    return this.monitor.tick(residualNorm);
  }

  /** true when the iteration budget is spent */
  exhausted(): boolean {
    return this.monitor.iterations >= this.stop.maxIterations;
  }
}
