import { StalePreconditionerError } from '../errors.js';
import { MatrixPreconditioner } from './base.js';
import { kernels, readTriangle, type CsrArrays } from './triangular.js';

/**
 * Storage and apply shared by ILU(0) and ILUT: L unit lower (strictly lower part in CSR) and U
 * upper (strictly upper part with its rows scaled by d_i = 1/u_ii), so z = U^-1 L^-1 r is two
 * row-wise triangular solves. Subclasses fill the arrays in analyze()/factor().
 */
export abstract class LuPreconditioner extends MatrixPreconditioner {
  readonly symmetric = false;
  protected lPtr = 0;
  protected lCol = 0;
  protected lVal = 0;
  protected uPtr = 0;
  protected uCol = 0;
  protected uVal = 0;
  protected d = 0;
  /** set when the last factorization threw: applying stale factors is refused */
  protected failed = false;

  /**
   * Records info.negativePivots and info.firstNegativePivotRow (-1 if none): for a symmetric A,
   * M = L U is L D L^T, SPD exactly when no pivot is negative (why CG may reject it).
   */
  protected countNegativePivots(): void {
    const d = this.runtime.f64(this.d, this.n); // 1/u_ii: same sign as the pivot
    let count = 0, first = -1;
    for (let i = 0; i < d.length; i++) {
      if (d[i] < 0) {
        count++;
        if (first < 0) first = i;
      }
    }
    this.info.negativePivots = count;
    this.info.firstNegativePivotRow = first;
  }

  applyPtr(r: number, z: number): void {
    this.alive();
    if (this.failed) throw new StalePreconditionerError(`${this.name}: the last factorization failed; refactor or build a new preconditioner`);
    const k = kernels(this.runtime), n = this.n;
    k.trsvLowerUnit(n, this.lPtr, this.lCol, this.lVal, r, z); // z = L^-1 r
    k.trsvUpperScaled(n, this.uPtr, this.uCol, this.uVal, this.d, z, z); // z = U^-1 z
  }

  /** L (strictly lower part; its diagonal is 1) and U (diagonal first in each row) as CSR arrays. */
  getFactors(): { L: CsrArrays; U: CsrArrays } {
    this.alive();
    const rt = this.runtime;
    return {
      L: readTriangle(rt, this.n, this.lPtr, this.lCol, this.lVal, this.d, { scaled: false, diagonal: 'none' }),
      U: readTriangle(rt, this.n, this.uPtr, this.uCol, this.uVal, this.d, { scaled: true, diagonal: 'first' }),
    };
  }
}
