import { FACTOR_OUT_BYTES, readFactorStatus } from '../runtime/status.js';
import { FactorizationError } from '../errors.js';
import type { TriangularAnalysis } from '../factor/analysis.js';
import { choleskySolve, choleskySolveBlock, readCholesky, type CholeskyStorage, type FactorArrays } from '../factor/triangle.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { checkOptions } from '../options.js';
import { MatrixPreconditioner, type SetupTimes } from './base.js';
import { fmt, SHARED_ANALYSIS_OPTIONS, type SharedAnalysisOption } from './triangular.js';
import type { PivotPolicy } from './types.js';

export interface Ic0Options extends SharedAnalysisOption {
  /**
   * What to do with a pivot l_ii^2 that is not finite or <= 1e-14 |a_ii| (default 'shift'):
   * 'shift' refactors A + alpha diag(|A|) for alpha = 1e-3, 2e-3, 4e-3, ... (at most 30 times);
   * 'error' throws FactorizationError naming the row.
   */
  pivot?: PivotPolicy;
}

/** IC(0)'s setup facts. */
export type Ic0Info = SetupTimes & {
  pivot: PivotPolicy;
  /** the alpha of the diagonal shift used (0: none) and the restarts it took */
  shift: number;
  restarts: number;
  /** the first row with a bad pivot before any shift (-1 if none) */
  firstBadPivotRow: number;
  /** rows without a stored diagonal entry (inserted as 0) */
  missingDiagonals: number;
  /** entries of L, diagonal included */
  nnz: number;
};
/** the first Manteuffel shift and the number of doublings tried before giving up */
const FIRST_SHIFT = 1e-3;
const MAX_RESTARTS = 30;

/**
 * Incomplete Cholesky IC(0) for symmetric positive definite A: L L^T ~ A with L on the pattern of
 * the lower triangle of A (only the lower triangle and the diagonal of A are read; a missing
 * diagonal entry is inserted as 0). Apply: z = L^-T L^-1 r by a forward solve with L (row-wise)
 * and a backward solve with L^T (column-wise over the rows of L): only L (strictly lower CSR, its
 * rows scaled by 1/l_ii) and the inverted pivots are stored, no copy of L^T, which halves the
 * memory (first touches of fresh memory are expensive).
 *
 * Pivots: a pivot l_ii^2 <= 1e-14 |a_ii| (or not finite) means A (or its incomplete factor) is not
 * positive definite. With pivot: 'shift' (default) the factorization restarts on
 * A + alpha diag(s), s_i = |a_ii| (the largest |a_ij| of the row where a_ii = 0, 1 for an empty
 * row), alpha = 1e-3 doubling until it succeeds (Manteuffel's shift); info.shift is the alpha
 * used (0: none) and info.restarts the number of restarts. After 30 restarts, or at once with
 * pivot: 'error', it throws FactorizationError with the row.
 *
 * The pattern analysis (analyzeIc0) is made here, or given as `options.analysis` to share one
 * among factorizations of matrices with the same pattern.
 *
 * info (Ic0Info): shift, restarts, firstBadPivotRow (-1 if none), missingDiagonals, nnz (entries
 * of L with its diagonal), analysisMs, factorMs, setupMs.
 */
export class Ic0Preconditioner extends MatrixPreconditioner<Ic0Info> {
  readonly name = 'ic0' as const;
  readonly symmetric = true;
  private readonly pivot: PivotPolicy;
  private readonly given: TriangularAnalysis | undefined;
  private analysis: TriangularAnalysis | undefined;
  private readonly chol: CholeskyStorage;
  private out = 0;

  constructor(A: CsrMatrix, options: Ic0Options = {}) {
    super(A);
    ({ pivot: this.pivot, analysis: this.given } = checkOptions('ic0', options, SHARED_ANALYSIS_OPTIONS));
    this.chol = { n: this.n, L: { ptr: 0, col: 0, val: 0 }, d: 0 };
    this.setup(A);
  }

  /** The pattern of L (lower triangle of A plus the diagonal; shared when given); the value storage. */
  protected override analyze(A: CsrMatrix): void {
    const rt = this.runtime, n = this.n;
    const S = (this.analysis = this.patternAnalysis(A, 'cholesky', this.given));
    const { L } = this.chol;
    L.ptr = S.lPtr;
    L.col = S.lCol;
    L.val = this.own(rt.alloc(S.nnzL * 8));
    this.chol.d = this.own(rt.alloc(n * 8));
    this.out = this.own(rt.alloc(FACTOR_OUT_BYTES));
    this.info.missingDiagonals = S.missingDiagonals;
    this.info.nnz = S.nnzL + n;
    this.info.pivot = this.pivot;
  }

  protected factor(A: CsrMatrix): void {
    const rt = this.runtime, k = rt.kernels, n = this.n;
    const { rowPtr, values } = A.pointers();
    const { L, d } = this.chol, diagPos = this.analysis!.diagPos;
    let alpha = 0, restarts = 0, firstBad = -1;
    for (;;) {
      const row = k.ic0Factor(n, rowPtr, values, diagPos, L.ptr, L.col, L.val, d, alpha, this.out);
      if (row < 0) break;
      if (firstBad < 0) firstBad = row;
      const v = readFactorStatus(rt, this.out).value;
      const what = Number.isNaN(v)
        ? `non-finite factor entry in row ${row}`
        : `${v <= 0 ? 'non-positive' : 'tiny'} pivot in row ${row} (value ${fmt(v)})`;
      if (this.pivot === 'error') {
        // a_ii <= 0 proves A indefinite; otherwise the dropped fill may be the cause, as
        // incomplete Cholesky can break down on positive definite matrices too
        const aii = diagonalEntry(A, row);
        throw new FactorizationError(
          `ic0: ${what}: ` + (aii > 0
            ? `the incomplete factorization broke down (a_ii = ${fmt(aii)} > 0: A may still be positive definite, ` +
              "incomplete Cholesky can fail on SPD matrices; pivot: 'shift' shifts the diagonal)"
            : 'the matrix is not positive definite'),
          row,
        );
      }
      if (restarts >= MAX_RESTARTS) {
        throw new FactorizationError(
          `ic0: ${what} even after ${restarts} diagonal shifts (A + ${fmt(alpha)} diag(|A|)): ` +
            'the matrix is far from positive definite',
          row,
        );
      }
      alpha = alpha === 0 ? FIRST_SHIFT : alpha * 2;
      restarts++;
    }
    this.info.shift = alpha;
    this.info.restarts = restarts;
    this.info.firstBadPivotRow = firstBad;
  }

  protected solve(r: number, z: number): void {
    choleskySolve(this.runtime, this.chol, r, z);
  }

  protected override solveBlock(k: number, r: number, z: number): boolean {
    choleskySolveBlock(this.runtime, this.chol, k, r, z);
    return true;
  }

  /** The factor L of M = L L^T (lower triangular, its diagonal last in each row) as CSR arrays. */
  getFactors(): { L: FactorArrays } {
    this.alive();
    return { L: readCholesky(this.runtime, this.chol) };
  }

  /** @deprecated getFactors().L */
  getFactor(): FactorArrays {
    return this.getFactors().L;
  }
}

/** a_ii from the CSR arrays (0 when not stored), without the runtime's scratch memory. */
function diagonalEntry(A: CsrMatrix, i: number): number {
  const rp = A.rowPtr, ci = A.colIdx, v = A.values;
  for (let p = rp[i]; p < rp[i + 1]; p++) if (ci[p] === i) return v[p];
  return 0;
}
