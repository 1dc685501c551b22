import { FactorizationError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { checkOptions } from '../options.js';
import { MatrixPreconditioner, type SetupTimes } from './base.js';
import { PIVOT_OPTION } from './triangular.js';
import type { PivotPolicy } from './types.js';

export interface JacobiOptions {
  /** a zero diagonal entry: 'shift' (default) uses 1 there, 'error' throws FactorizationError */
  pivot?: PivotPolicy;
  /** M = |diag(A)| instead of diag(A): SPD for any matrix, as MINRES requires */
  absolute?: boolean;
}

export const JACOBI_OPTIONS = {
  pivot: PIVOT_OPTION,
  absolute: { kind: 'boolean', default: false },
} as const;

/** Jacobi's setup facts. */
export type JacobiInfo = SetupTimes & {
  /** diagonal entries that were 0 (replaced by 1) */
  zeroDiagonals: number;
  /** diagonal entries of M below 0 (M is then not SPD) */
  negativeDiagonals: number;
};

/**
 * Jacobi (diagonal) preconditioning, M = diag(A). A zero diagonal entry is replaced by 1 (no
 * scaling of that row; counted in info.zeroDiagonals) or, with pivot: 'error', is an error.
 * With `absolute`, M = |diag(A)|: SPD for any nonzero diagonal, as MINRES requires.
 * A failed update keeps the previous M (computed aside), which stays usable but stale.
 */
export class JacobiPreconditioner extends MatrixPreconditioner<JacobiInfo> {
  readonly name = 'jacobi' as const;
  private invDiag = 0;
  private readonly pivot: PivotPolicy;
  private readonly absolute: boolean;

  constructor(A: CsrMatrix, options: JacobiOptions = {}) {
    super(A);
    const o = checkOptions('jacobi', options, JACOBI_OPTIONS);
    this.pivot = o.pivot;
    this.absolute = o.absolute;
    this.setup(A);
  }

  /** M is SPD when every (used) diagonal entry is positive. */
  get symmetric(): boolean {
    return this.absolute || this.info.negativeDiagonals === 0;
  }

  protected override get keepsFactorsOnFailure(): boolean {
    return true;
  }

  protected override analyze(): void {
    this.invDiag = this.own(this.runtime.alloc(this.n * 8));
  }

  protected factor(A: CsrMatrix): void {
    const d = A.diagonal();
    // computed aside and copied in at the end: an update that throws keeps the old, complete M
    const inv = new Float64Array(this.n);
    let zeros = 0, negatives = 0;
    for (let i = 0; i < this.n; i++) {
      let v = this.absolute ? Math.abs(d[i]) : d[i];
      if (v === 0) {
        if (this.pivot === 'error') throw new FactorizationError(`jacobi: zero diagonal entry in row ${i}`, i);
        zeros++;
        v = 1;
      }
      if (v < 0) negatives++;
      inv[i] = 1 / v;
    }
    this.runtime.f64(this.invDiag, this.n).set(inv);
    this.info.zeroDiagonals = zeros;
    this.info.negativeDiagonals = negatives;
  }

  protected solve(r: number, z: number): void {
    this.runtime.kernels.jacobiApply(this.n, this.invDiag, r, z);
  }

  protected override solveBlock(k: number, r: number, z: number): boolean {
    this.runtime.kernels.mvJacobi(this.n, k, this.invDiag, r, z);
    return true;
  }
}
