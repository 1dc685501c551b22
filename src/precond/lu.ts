import type { CsrMatrix } from '../matrix/csr.js';
import { countNegative, luSolve, luSolveBlock, readLu, type FactorArrays, type LuStorage } from '../factor/triangle.js';
import { MatrixPreconditioner, type SetupTimes } from './base.js';
import type { PivotPolicy } from './types.js';

/** The setup facts ILU(0) and ILUT share. */
export type LuInfo = SetupTimes & {
  pivot: PivotPolicy;
  /** entries of L and U, diagonal included */
  nnz: number;
  /** bad pivots replaced (pivot: 'shift'), and the first such row (-1 if none) */
  shiftedPivots: number;
  firstShiftedRow: number;
  /** pivots u_ii < 0, and the first such row (-1 if none): for symmetric A, M is SPD iff 0 */
  negativePivots: number;
  firstNegativePivotRow: number;
  /** max over entries of |l_ij| and |u_ij| / max_k |a_ik|: about 1 when stable, 1e8+ flags a useless factor */
  growth: number;
};

/**
 * Storage and apply shared by ILU(0) and ILUT (src/factor/triangle.ts's LuStorage): L unit lower
 * (strictly lower part in CSR) and U upper (strictly upper part with its rows scaled by
 * d_i = 1/u_ii), so z = U^-1 L^-1 r is two row-wise triangular solves. Subclasses fill the
 * storage in analyze()/factor().
 */
export abstract class LuPreconditioner<I extends LuInfo> extends MatrixPreconditioner<I> {
  readonly symmetric = false;
  protected readonly lu: LuStorage;

  protected constructor(A: CsrMatrix) {
    super(A);
    this.lu = { n: this.n, L: { ptr: 0, col: 0, val: 0 }, U: { ptr: 0, col: 0, val: 0 }, d: 0 };
  }

  /**
   * Records info.negativePivots and info.firstNegativePivotRow (-1 if none): for a symmetric A,
   * M = L U is L D L^T, SPD exactly when no pivot is negative (why CG may reject it).
   */
  protected countNegativePivots(): void {
    const { count, first } = countNegative(this.runtime, this.n, this.lu.d); // 1/u_ii: the pivot's sign
    this.info.negativePivots = count;
    this.info.firstNegativePivotRow = first;
  }

  protected solve(r: number, z: number): void {
    luSolve(this.runtime, this.lu, r, z);
  }

  protected override solveBlock(k: number, r: number, z: number): boolean {
    luSolveBlock(this.runtime, this.lu, k, r, z);
    return true;
  }

  /** L (strictly lower part; its diagonal is 1) and U (diagonal first in each row) as CSR arrays. */
  getFactors(): { L: FactorArrays; U: FactorArrays } {
    this.alive();
    return readLu(this.runtime, this.lu);
  }
}
