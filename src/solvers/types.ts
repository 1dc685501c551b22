import type { Preconditioner, PreconditionerFunction, PreconditionerName, PreconditionerOptions } from '../precond/types.js';
import type { MethodName, MethodOptions } from './registry.js';
import type { RecycleDecision } from './recycle-option.js';

/** The methods of registry.ts ('cg' | 'bicgstab' | 'gmres' | 'minres' | ...). */
export type { MethodName, MethodOptions };

/** Why a solve ended: a closed set. */
export type StopReason =
  | 'converged-rtol'
  | 'converged-atol'
  | 'max-iterations'
  /**
   * the method cannot go on: a Krylov breakdown (BiCGSTAB), A M^-1 singular on the Krylov space
   * (GMRES: x is then the best iterate, a least-squares answer), a GMRES(m) cycle that cannot
   * reduce the residual (stagnation: restarting would repeat it), or a true residual that stalls
   */
  | 'breakdown'
  | 'indefinite-matrix'
  | 'indefinite-preconditioner'
  | 'nan-or-inf'
  | 'aborted';

/** Which residual norm `history` and `onIteration` report. */
export type ResidualKind =
  | 'recursive-2-norm' // ||r_k||_2 of the recurrence (CG, BiCGSTAB); equals ||b - A x_k|| in exact arithmetic
  | 'gmres-estimate' // |g_{k+1}| of the least-squares problem (right preconditioning: the true residual in exact arithmetic)
  | 'minres-estimate' // phi_k: ||r_k|| in the M^-1 norm (the 2-norm when unpreconditioned)
  | 'true-2-norm'; // ||b - A x_k||_2 computed from x_k (the direct methods' refinement)

export interface IterationState {
  iteration: number;
  residualNorm: number;
  /** residualNorm / ||b|| */
  relativeResidual: number;
  residualKind: ResidualKind;
}

// Defined with the preconditioners (precond/user.ts wraps it), re-exported for the solvers' API.
export type { PreconditionerFunction } from '../precond/types.js';

export type PreconditionerSpec =
  | 'auto'
  | PreconditionerName
  | Preconditioner
  | PreconditionerFunction;

/**
 * Options fixed when a session is made (setup). The method-specific keys (GMRES's `restart`,
 * default 30, ...) come from the method descriptors of registry.ts.
 */
export interface SetupOptions extends MethodOptions {
  method?: 'auto' | MethodName;
  precond?: PreconditionerSpec;
  precondOptions?: PreconditionerOptions;
}

/** Options of one solve (also accepted when a session is made, as its defaults). */
export interface SolveOptions {
  /** stop when ||b - A x|| <= max(rtol ||b||, atol); default rtol 1e-8, atol 0 */
  rtol?: number;
  atol?: number;
  /** default 10000 */
  maxIterations?: number;
  /** initial guess (default 0) */
  x0?: ArrayLike<number>;
  /**
   * called after every iteration; return false to stop (reason 'aborted'). It may not call the
   * session's solve() or update() (ReentrancyError); disposing the session, A or the
   * preconditioner from it stops the solve with DisposedError.
   */
  onIteration?: (state: IterationState) => boolean | void;
  signal?: AbortSignal;
  /** record the residual history (default true) */
  history?: boolean;
}

/** The recycle space in one solve of a recycling method (`SolveResult.recycle`). */
export interface RecycleReport {
  /** recycled columns used from the start of the solve (0: none yet, or dropped) */
  used: number;
  /** columns kept for the next solve */
  kept: number;
  /**
   * what was done with the space found at the start: 'none' (empty), 'reused' (only b changed),
   * 'recomputed' (the values, the matrix or the preconditioner changed: C = A M^-1 U redone and
   * re-orthonormalized), 'dropped' (built for another size, or no column independent)
   */
  action: 'none' | 'reused' | 'recomputed' | 'dropped';
  /** columns left out in this solve because they were numerically dependent (rank-deficient C) */
  dropped: number;
}

/** Times of one solve, in ms. */
export interface SolveTimings {
  /**
   * building or refactoring the preconditioner for this solve (0 when reused as it was): the
   * session's setup for its first solve, then update() calls and refactorizations since the last
   */
  setupMs: number;
  /** iterating, including the true-residual checks */
  solveMs: number;
}

export interface SolveResult {
  x: Float64Array;
  converged: boolean;
  reason: StopReason;
  /** human explanation for anything but a plain convergence */
  detail?: string;
  iterations: number;
  /** ||b - A x|| / ||b|| recomputed from the returned x (||b - A x|| when b = 0) */
  relativeResidual: number;
  /** ||b - A x||, recomputed */
  residualNorm: number;
  history: number[];
  residualKind: ResidualKind;
  method: MethodName;
  precond: string;
  /** preconditioner facts (shifts, bounds, fill) */
  precondInfo: Record<string, number | string | boolean>;
  /** times of this solve, in ms */
  timings: SolveTimings;
  /** @deprecated use `timings.setupMs` */
  setupMs: number;
  /** @deprecated use `timings.solveMs` */
  solveMs: number;
  /** times the recurrence was restarted from the true residual */
  residualReplacements: number;
  /** what a recycling method (GCRO-DR) did with its recycle space in this solve */
  recycle?: RecycleReport;
  /** with recycle: 'auto': whether this solve recycled, and why (measured cost per iteration and iterations, with and without) */
  recycleDecision?: RecycleDecision;
  /**
   * method 'auto' only: the automatic iterative solve that failed before the session fell back to
   * a direct factorization (method and precond above are then the direct ones)
   */
  fallback?: { method: MethodName; precond: string; reason: StopReason; detail?: string; iterations: number; solveMs: number };
}
