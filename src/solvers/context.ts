import { DisposedError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import type { Preconditioner } from '../precond/types.js';
import { FunctionPreconditioner } from '../precond/user.js';
import type { Kernels } from '../runtime/kernels.js';
import type { SparseRuntime } from '../runtime/runtime.js';
import type { IterationState, ResidualKind, StopReason } from './types.js';

/** How one run of a method's recurrence ended. */
export interface InnerResult {
  status: 'converged' | 'restart' | Exclude<StopReason, 'converged-rtol' | 'converged-atol'>;
  detail?: string;
}

/**
 * Everything a method's inner loop needs: the operator, the preconditioner, the iterate x and
 * the residual r (both in wasm memory), the stopping target and the iteration bookkeeping.
 * Methods read `x`, `r` and work vectors as pointers and never allocate.
 */
export class KrylovContext {
  readonly k: Kernels;
  readonly n: number;
  /** the estimate target for this run: ||r|| <= target ends it as 'converged' */
  target = 0;
  bnorm = 1;
  iterations = 0;
  maxIterations = 0;
  history: number[] | undefined;
  onIteration: ((s: IterationState) => boolean | void) | undefined;
  signal: AbortSignal | undefined;
  residualKind: ResidualKind = 'recursive-2-norm';
  /** set when onIteration or the signal stopped the solve */
  aborted = false;

  constructor(
    readonly rt: SparseRuntime,
    readonly A: CsrMatrix,
    readonly M: Preconditioner | null,
    /** iterate, right-hand side, residual */
    readonly x: number,
    readonly b: number,
    readonly r: number,
    /** the object that owns x, b, r and the work vectors (the session); checked after user code ran */
    readonly owner?: { readonly disposed: boolean },
  ) {
    this.k = rt.kernels;
    this.n = A.rows;
  }

  /**
   * Throws DisposedError if user code run from inside the solve (onIteration, a preconditioner
   * function or object, an abort listener) disposed the session, A or M. Their memory may be
   * freed, and TLSF keeps its free lists inside freed blocks: not one more write may happen.
   */
  guard(): void {
    const where = '(from onIteration, a preconditioner or an abort listener); the solve was stopped';
    if (this.owner?.disposed) throw new DisposedError(`the SolverSession was disposed during its own solve ${where}`);
    if (this.A.disposed) throw new DisposedError(`the matrix A was disposed during the solve ${where}`);
    if (this.M && (this.M as { disposed?: boolean }).disposed === true) {
      throw new DisposedError(`the preconditioner was disposed during the solve ${where}`);
    }
  }

  /** true when the solve must stop as 'aborted' (onIteration said so, or the signal fired); throws as guard() does */
  stopRequested(): boolean {
    if (this.signal?.aborted) this.aborted = true;
    this.guard();
    return this.aborted;
  }

  /** y = A x */
  spmv(x: number, y: number): void {
    this.A.multiplyPtr(x, y);
  }

  /** z = M^-1 r (a copy without preconditioner) */
  precond(r: number, z: number): void {
    const M = this.M;
    if (M instanceof FunctionPreconditioner) M.applyGuarded(r, z, this); // checks before it writes z
    else if (M) {
      M.applyPtr(r, z);
      this.guard(); // a user's Preconditioner object may run arbitrary code
    } else if (r !== z) this.k.copy(this.n, r, z);
  }

  dot(x: number, y: number): number {
    return this.k.dot(this.n, x, y);
  }

  norm(x: number): number {
    return this.k.nrm2(this.n, x);
  }

  /** r = b - A x; returns ||r|| */
  residual(): number {
    this.spmv(this.x, this.r);
    this.k.sub(this.n, this.b, this.r, this.r);
    return this.norm(this.r);
  }

  /** Counts an iteration and reports it; returns true when the solve must stop (aborted). */
  tick(residualNorm: number): boolean {
    this.iterations++;
    this.history?.push(residualNorm);
    if (this.onIteration) {
      const go = this.onIteration({
        iteration: this.iterations,
        residualNorm,
        relativeResidual: residualNorm / this.bnorm,
        residualKind: this.residualKind,
      });
      if (go === false) this.aborted = true;
    }
    return this.stopRequested();
  }

  /** true when the iteration budget is spent */
  exhausted(): boolean {
    return this.iterations >= this.maxIterations;
  }
}
