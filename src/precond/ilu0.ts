import { FACTOR_NOT_FINITE, FACTOR_OK, FACTOR_OUT_BYTES, readFactorStatus } from '../runtime/status.js';
import { FactorizationError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { LuPreconditioner } from './lu.js';
import { checkOptions, fmt, kernels, pivotPolicy, PIVOT_SHIFT } from './triangular.js';
import type { PivotPolicy } from './types.js';

export interface Ilu0Options {
  /**
   * What to do with a pivot |u_ii| <= 1e-12 max_j |a_ij| (zero, tiny, or a structurally missing
   * diagonal that stays 0) — default 'shift': replace it by sign(u_ii) max_j |a_ij| (1 for an
   * all-zero row), counted in info.shiftedPivots; 'error': throw FactorizationError naming the row.
   */
  pivot?: PivotPolicy;
}

const OPTIONS = ['pivot'] as const;

/**
 * Incomplete LU ILU(0): L U ~ A on A's own pattern plus the diagonal (missing diagonal entries
 * are inserted structurally, as 0). L is unit lower triangular, U upper triangular; apply
 * z = U^-1 L^-1 r by a forward and a backward row-wise solve over their own CSR copies.
 *
 * Pivot policy (the same for ILUT): a pivot is bad when |u_ii| <= 1e-12 * max_j |a_ij| (the row of
 * A) or it is not finite. pivot: 'shift' (default) replaces it by sign(u_ii) * max_j |a_ij|
 * (+1 for an all-zero row) and goes on; info.shiftedPivots counts them and info.firstShiftedRow
 * (-1 if none) names the first. pivot: 'error' throws FactorizationError with the row. A factor
 * entry that overflows to Inf/NaN always throws FactorizationError.
 *
 * info: shiftedPivots, firstShiftedRow, negativePivots, firstNegativePivotRow, missingDiagonals, nnz (entries of L and U, diagonal
 * included), growth = max over entries of |l_ij| and |u_ij| / max_k |a_ik| (about 1 for a stable
 * factorization; 1e8 and more flags a useless one, typical of shifted zero pivots), analysisMs,
 * factorMs, setupMs.
 */
export class Ilu0Preconditioner extends LuPreconditioner {
  readonly name = 'ilu0' as const;
  private readonly pivot: PivotPolicy;
  private diagPos = 0;
  private iw = 0;
  private out = 0;

  constructor(A: CsrMatrix, options: Ilu0Options = {}) {
    super(A);
    checkOptions('ilu0', options, OPTIONS);
    this.pivot = pivotPolicy('ilu0', options.pivot);
    this.setup(A);
  }

  /** Patterns of L (strictly lower part of A) and U (strictly upper part); allocates everything. */
  protected override analyze(A: CsrMatrix): void {
    const rt = this.runtime, k = kernels(rt), n = this.n;
    const { rowPtr, colIdx } = A.pointers();
    this.diagPos = this.own(rt.alloc(n * 4));
    const missing = k.csrDiagonalSplit(n, rowPtr, colIdx, this.diagPos);
    this.lPtr = this.own(rt.alloc((n + 1) * 4));
    this.uPtr = this.own(rt.alloc((n + 1) * 4));
    const nnzL = k.csrTriangleRowPtr(n, rowPtr, this.diagPos, this.lPtr, this.uPtr);
    const nnzU = A.nnz - nnzL - (n - missing);
    this.lCol = this.own(rt.alloc(nnzL * 4));
    this.lVal = this.own(rt.alloc(nnzL * 8));
    this.uCol = this.own(rt.alloc(nnzU * 4));
    this.uVal = this.own(rt.alloc(nnzU * 8));
    k.csrTriangleCols(n, rowPtr, colIdx, this.diagPos, this.lPtr, this.lCol, this.uPtr, this.uCol);
    this.d = this.own(rt.alloc(n * 8));
    this.iw = this.own(rt.alloc(n * 4));
    this.out = this.own(rt.alloc(FACTOR_OUT_BYTES));
    this.info.missingDiagonals = missing;
    this.info.nnz = nnzL + nnzU + n;
    this.info.pivot = this.pivot;
  }

  protected factor(A: CsrMatrix): void {
    const t0 = performance.now();
    const rt = this.runtime, k = kernels(rt), n = this.n;
    const { rowPtr, colIdx, values } = A.pointers();
    this.failed = true;
    const shifted = k.ilu0Factor(
      n, rowPtr, colIdx, values, this.diagPos, this.lPtr, this.lCol, this.lVal, this.uPtr, this.uCol, this.uVal,
      this.d, this.iw, this.pivot === 'error' ? 1 : 0, PIVOT_SHIFT, this.out,
    );
    const st = readFactorStatus(rt, this.out);
    if (st.status !== FACTOR_OK) {
      const row = st.row, v = st.value;
      const missing = rt.i32(this.diagPos, this.n)[row] < 0;
      if (st.status === FACTOR_NOT_FINITE) throw new FactorizationError(`ilu0: a factor entry in row ${row} is not finite (${v}): the factorization overflowed`, row);
      throw new FactorizationError(
        `ilu0: zero or tiny pivot in row ${row} (value ${fmt(v)})` +
          (missing ? ': the diagonal entry is not stored and stays 0' : '') + '; pivot: "shift" replaces it',
        row,
      );
    }
    this.failed = false;
    this.info.shiftedPivots = shifted;
    this.info.firstShiftedRow = st.firstShiftedRow;
    this.info.growth = st.growth;
    this.countNegativePivots();
    this.info.factorMs = performance.now() - t0;
  }
}
