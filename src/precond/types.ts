import type { CsrMatrix } from '../matrix/csr.js';
import type { SparseRuntime } from '../runtime/runtime.js';

/** Preconditioner names accepted by `createPreconditioner` and the solvers' `precond` option. */
export type PreconditionerName = 'none' | 'jacobi' | 'ssor' | 'ic0' | 'ilu0' | 'ilut' | 'chebyshev' | 'cholesky' | 'lu';

/** What to do with a zero, tiny or (for IC) non-positive pivot. */
export type PivotPolicy = 'shift' | 'error';

export interface PreconditionerOptions {
  /** SSOR relaxation factor in (0, 2); 1 = symmetric Gauss-Seidel. Default 1. */
  omega?: number;
  /** ILUT: drop entries below dropTolerance * ||row||_2 (default 1e-4) */
  dropTolerance?: number;
  /** ILUT: keep at most this many entries per row in L and in U besides the diagonal (default 10) */
  maxFill?: number;
  /** Chebyshev polynomial degree (default 4) */
  degree?: number;
  /** Chebyshev: Lanczos steps for the eigenvalue bounds (default 20) */
  eigenSteps?: number;
  /** IC(0)/ILU(0)/ILUT zero-pivot handling; default 'shift' (reported in `info`) */
  pivot?: PivotPolicy;
  /**
   * ILU(0)/ILUT: first permute rows and scale by an MC64-style weighted matching (large entries
   * on the diagonal, |diag| = 1), then factor; for matrices with zero or small diagonals. Default false.
   */
  matching?: boolean;
  /**
   * cholesky/lu: keep the factorization when the matrix values change (a preconditioner for the
   * nearby matrices of a sequence) instead of refactoring. Default false.
   */
  frozen?: boolean;
}

/** A user preconditioner: write z = M^-1 r into z. r must not be modified. */
export type PreconditionerFunction = (r: Float64Array, z: Float64Array) => void;

/** Setup facts of a preconditioner (each class documents and types its own). */
export type PreconditionerInfo = Record<string, number | string | boolean>;

/**
 * z = M^-1 r. Setup (analysis of the pattern, numeric factorization) happens when the object is
 * made; `update(A)` redoes only the numeric part for new values with the same pattern.
 */
export interface Preconditioner {
  readonly name: PreconditionerName | 'user' | 'factor';
  readonly n: number;
  readonly runtime: SparseRuntime;
  /** true when M is symmetric positive definite as built (usable by CG and MINRES) */
  readonly symmetric: boolean;
  /** setup facts: shifts applied, fill, eigenvalue bounds, time (ms) */
  readonly info: PreconditionerInfo;
  /** z = M^-1 r for wasm pointers to n float64s each; r and z do not overlap; r is not modified. */
  applyPtr(r: number, z: number): void;
  /** true if A is not the pattern and values this was built from */
  isStale(A: CsrMatrix): boolean;
  /**
   * numeric refactorization for A's current values (same pattern); throws if the pattern differs.
   * Optional only for objects written before it existed, which have `refactor` instead.
   */
  update?(A: CsrMatrix): void;
  /** @deprecated the former name of update(A) */
  refactor?(A: CsrMatrix): void;
  dispose(): void;
}
