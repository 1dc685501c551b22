import { FactorizationError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { MatrixPreconditioner } from './base.js';
import type { PivotPolicy } from './types.js';

/**
 * Jacobi (diagonal) preconditioning, M = diag(A). A zero diagonal entry is replaced by 1 (no
 * scaling of that row; counted in info.zeroDiagonals) or, with pivot: 'error', is an error.
 * With `absolute`, M = |diag(A)|: SPD for any nonzero diagonal, as MINRES requires.
 */
export class JacobiPreconditioner extends MatrixPreconditioner {
  readonly name = 'jacobi' as const;
  private readonly invDiag: number;
  private readonly pivot: PivotPolicy;
  private readonly absolute: boolean;

  constructor(A: CsrMatrix, options: { pivot?: PivotPolicy; absolute?: boolean } = {}) {
    super(A);
    this.pivot = options.pivot ?? 'shift';
    this.absolute = options.absolute ?? false;
    try {
      this.invDiag = this.own(this.runtime.alloc(this.n * 8));
      const t0 = performance.now();
      this.factor(A);
      this.info.setupMs = performance.now() - t0;
    } catch (e) {
      this.dispose(); // a throwing constructor must not leave its block to the GC
      throw e;
    }
  }

  /** M is SPD when every (used) diagonal entry is positive. */
  get symmetric(): boolean {
    return this.absolute || this.info.negativeDiagonals === 0;
  }

  protected factor(A: CsrMatrix): void {
    const d = A.diagonal();
    // computed aside and copied in at the end: a refactor that throws keeps the old, complete M
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

  applyPtr(r: number, z: number): void {
    this.alive();
    this.runtime.kernels.jacobiApply(this.n, this.invDiag, r, z);
  }
}
