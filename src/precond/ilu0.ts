import { FACTOR_NOT_FINITE, FACTOR_OK, FACTOR_OUT_BYTES, readFactorStatus } from '../runtime/status.js';
import { FactorizationError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { checkOptions } from '../options.js';
import { LuPreconditioner, type LuInfo } from './lu.js';
import type { TriangularAnalysis } from '../factor/analysis.js';
import { fmt, SHARED_ANALYSIS_OPTIONS, PIVOT_SHIFT, type SharedAnalysisOption } from './triangular.js';
import type { PivotPolicy } from './types.js';

export interface Ilu0Options extends SharedAnalysisOption {
  /**
   * What to do with a pivot |u_ii| <= 1e-12 max_j |a_ij| (zero, tiny, or a structurally missing
   * diagonal that stays 0) — default 'shift': replace it by sign(u_ii) max_j |a_ij| (1 for an
   * all-zero row), counted in info.shiftedPivots; 'error': throw FactorizationError naming the row.
   */
  pivot?: PivotPolicy;
}

/** ILU(0)'s setup facts. */
export type Ilu0Info = LuInfo & {
  /** rows without a stored diagonal entry (inserted as 0) */
  missingDiagonals: number;
};

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
 * The pattern analysis (analyzeIlu0) is made here, or given as `options.analysis` to share one
 * among factorizations of matrices with the same pattern.
 *
 * info (Ilu0Info): shiftedPivots, firstShiftedRow, negativePivots, firstNegativePivotRow,
 * missingDiagonals, nnz (entries of L and U, diagonal included), growth = max over entries of
 * |l_ij| and |u_ij| / max_k |a_ik| (about 1 for a stable factorization; 1e8 and more flags a
 * useless one, typical of shifted zero pivots), analysisMs, factorMs, setupMs.
 */
export class Ilu0Preconditioner extends LuPreconditioner<Ilu0Info> {
  readonly name = 'ilu0' as const;
  private readonly pivot: PivotPolicy;
  private readonly given: TriangularAnalysis | undefined;
  private analysis: TriangularAnalysis | undefined;
  private iw = 0;
  private out = 0;

  constructor(A: CsrMatrix, options: Ilu0Options = {}) {
    super(A);
    ({ pivot: this.pivot, analysis: this.given } = checkOptions('ilu0', options, SHARED_ANALYSIS_OPTIONS));
    this.setup(A);
  }

  /** The pattern analysis (shared when one was given); its L and U patterns; the value storage. */
  protected override analyze(A: CsrMatrix): void {
    const rt = this.runtime, n = this.n;
    const S = (this.analysis = this.patternAnalysis(A, 'lu', this.given));
    const { L, U } = this.lu;
    L.ptr = S.lPtr; L.col = S.lCol; U.ptr = S.uPtr; U.col = S.uCol;
    L.val = this.own(rt.alloc(S.nnzL * 8));
    U.val = this.own(rt.alloc(S.nnzU * 8));
    this.lu.d = this.own(rt.alloc(n * 8));
    this.iw = this.own(rt.alloc(n * 4));
    this.out = this.own(rt.alloc(FACTOR_OUT_BYTES));
    this.info.missingDiagonals = S.missingDiagonals;
    this.info.nnz = S.nnzL + S.nnzU + n;
    this.info.pivot = this.pivot;
  }

  protected factor(A: CsrMatrix): void {
    const rt = this.runtime, k = rt.kernels, n = this.n;
    const { rowPtr, colIdx, values } = A.pointers();
    const S = this.analysis!, { L, U, d } = this.lu;
    const shifted = k.ilu0Factor(
      n, rowPtr, colIdx, values, S.diagPos, L.ptr, L.col, L.val, U.ptr, U.col, U.val,
      d, this.iw, this.pivot === 'error' ? 1 : 0, PIVOT_SHIFT, this.out,
    );
    const st = readFactorStatus(rt, this.out);
    if (st.status !== FACTOR_OK) {
      const row = st.row, v = st.value;
      const missing = rt.i32(S.diagPos, this.n)[row] < 0;
      if (st.status === FACTOR_NOT_FINITE) throw new FactorizationError(`ilu0: a factor entry in row ${row} is not finite (${v}): the factorization overflowed`, row);
      throw new FactorizationError(
        `ilu0: zero or tiny pivot in row ${row} (value ${fmt(v)})` +
          (missing ? ': the diagonal entry is not stored and stays 0' : '') + '; pivot: "shift" replaces it',
        row,
      );
    }
    this.info.shiftedPivots = shifted;
    this.info.firstShiftedRow = st.firstShiftedRow;
    this.info.growth = st.growth;
    this.countNegativePivots();
  }
}
