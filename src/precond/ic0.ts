import { FACTOR_OUT_BYTES, readFactorStatus } from '../runtime/status.js';
import { FactorizationError, StalePreconditionerError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { MatrixPreconditioner } from './base.js';
import { checkOptions, fmt, kernels, pivotPolicy, readTriangle, type CsrArrays } from './triangular.js';
import type { PivotPolicy } from './types.js';

export interface Ic0Options {
  /**
   * What to do with a pivot l_ii^2 that is not finite or <= 1e-14 |a_ii| (default 'shift'):
   * 'shift' refactors A + alpha diag(|A|) for alpha = 1e-3, 2e-3, 4e-3, ... (at most 30 times);
   * 'error' throws FactorizationError naming the row.
   */
  pivot?: PivotPolicy;
}

const OPTIONS = ['pivot'] as const;
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
 * info: shift, restarts, firstBadPivotRow (-1 if none), missingDiagonals, nnz (entries of L with
 * its diagonal), analysisMs, factorMs, setupMs.
 */
export class Ic0Preconditioner extends MatrixPreconditioner {
  readonly name = 'ic0' as const;
  readonly symmetric = true;
  private readonly pivot: PivotPolicy;
  private diagPos = 0;
  private lPtr = 0;
  private lCol = 0;
  private lVal = 0;
  private d = 0;
  private out = 0;
  private failed = false;

  constructor(A: CsrMatrix, options: Ic0Options = {}) {
    super(A);
    checkOptions('ic0', options, OPTIONS);
    this.pivot = pivotPolicy('ic0', options.pivot);
    this.setup(A);
  }

  /** Pattern of L (lower triangle of A plus the diagonal); allocates everything. */
  protected override analyze(A: CsrMatrix): void {
    const rt = this.runtime, k = kernels(rt), n = this.n;
    const { rowPtr, colIdx } = A.pointers();
    this.diagPos = this.own(rt.alloc(n * 4));
    const missing = k.csrDiagonalSplit(n, rowPtr, colIdx, this.diagPos);
    this.lPtr = this.own(rt.alloc((n + 1) * 4));
    const nnzL = k.csrTriangleRowPtr(n, rowPtr, this.diagPos, this.lPtr, 0);
    this.lCol = this.own(rt.alloc(nnzL * 4));
    this.lVal = this.own(rt.alloc(nnzL * 8));
    k.csrTriangleCols(n, rowPtr, colIdx, this.diagPos, this.lPtr, this.lCol, 0, 0);
    this.d = this.own(rt.alloc(n * 8));
    this.out = this.own(rt.alloc(FACTOR_OUT_BYTES));
    this.info.missingDiagonals = missing;
    this.info.nnz = nnzL + n;
    this.info.pivot = this.pivot;
  }

  protected factor(A: CsrMatrix): void {
    const t0 = performance.now();
    const rt = this.runtime, k = kernels(rt), n = this.n;
    const { rowPtr, values } = A.pointers();
    let alpha = 0, restarts = 0, firstBad = -1;
    this.failed = true;
    for (;;) {
      const row = k.ic0Factor(n, rowPtr, values, this.diagPos, this.lPtr, this.lCol, this.lVal, this.d, alpha, this.out);
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
    this.failed = false;
    this.info.shift = alpha;
    this.info.restarts = restarts;
    this.info.firstBadPivotRow = firstBad;
    this.info.factorMs = performance.now() - t0;
  }

  applyPtr(r: number, z: number): void {
    this.alive();
    if (this.failed) throw new StalePreconditionerError('ic0: the last factorization failed; refactor or build a new preconditioner');
    const k = kernels(this.runtime), n = this.n;
    k.trsvLowerScaled(n, this.lPtr, this.lCol, this.lVal, this.d, r, z); // z = L^-1 r
    k.trsvLowerTransposedScaled(n, this.lPtr, this.lCol, this.lVal, this.d, z, z); // z = L^-T z
  }

  /** The factor L (lower triangular, with its diagonal last in each row) as CSR arrays. */
  getFactor(): CsrArrays {
    this.alive();
    return readTriangle(this.runtime, this.n, this.lPtr, this.lCol, this.lVal, this.d, { scaled: true, diagonal: 'last' });
  }
}

/** a_ii from the CSR arrays (0 when not stored), without the runtime's scratch memory. */
function diagonalEntry(A: CsrMatrix, i: number): number {
  const rp = A.rowPtr, ci = A.colIdx, v = A.values;
  for (let p = rp[i]; p < rp[i + 1]; p++) if (ci[p] === i) return v[p];
  return 0;
}
