import { readSsorStatus, SSOR_OUT_BYTES } from '../runtime/status.js';
import { DisposedError, FactorizationError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { MatrixPreconditioner, type SetupTimes } from './base.js';
import { checkOptions } from '../options.js';
import { PIVOT_OPTION } from './triangular.js';
import type { PivotPolicy } from './types.js';

export interface SsorOptions {
  /** relaxation factor in (0, 2); default 1 (symmetric Gauss-Seidel) */
  omega?: number;
  /** a zero or missing diagonal entry: 'shift' (default) uses 1 there, 'error' throws FactorizationError */
  pivot?: PivotPolicy;
}

export const SSOR_OPTIONS = {
  omega: { kind: 'number', min: 0, max: 2, minOpen: true, maxOpen: true, default: 1 },
  pivot: PIVOT_OPTION,
} as const;

/** SSOR's setup facts. */
export type SsorInfo = SetupTimes & {
  omega: number;
  pivot: PivotPolicy;
  /** rows without a stored diagonal entry */
  missingDiagonals: number;
  /** zero or missing diagonal entries replaced by 1, and the first such row (-1 if none) */
  zeroDiagonals: number;
  firstZeroDiagonalRow: number;
  negativeDiagonals: number;
  /** A equals A^T exactly */
  symmetricMatrix: boolean;
};

/**
 * SSOR(omega) with A = L + D + U:  M = omega/(2-omega) (D/omega + L) D^-1 (D/omega + U).
 * z = M^-1 r is a forward and a backward Gauss-Seidel-like sweep straight over A's CSR arrays (A
 * is not copied: it must stay alive, and after changing its values call update(A)). Setup
 * precomputes the diagonal positions (pattern) and the inverse diagonal (values).
 *
 * A zero or missing diagonal entry is treated as Jacobi does: pivot 'shift' (default) uses 1 in its
 * place (counted in info.zeroDiagonals, first one in info.firstZeroDiagonalRow); 'error' throws
 * FactorizationError with the row.
 *
 * `symmetric` (M SPD, usable by CG) is true when A equals A^T exactly and every diagonal entry is
 * positive (or replaced by 1); info.symmetricMatrix and info.negativeDiagonals record the two facts.
 * info: see SsorInfo.
 */
export class SsorPreconditioner extends MatrixPreconditioner<SsorInfo> {
  readonly name = 'ssor' as const;
  readonly omega: number;
  private readonly pivot: PivotPolicy;
  private diagPos = 0;
  private invD = 0;
  private out = 0;
  private matrix: CsrMatrix;
  private ptrs: { rowPtr: number; colIdx: number; values: number };

  constructor(A: CsrMatrix, options: SsorOptions = {}) {
    super(A);
    const o = checkOptions('ssor', options, SSOR_OPTIONS);
    this.pivot = o.pivot;
    this.omega = o.omega;
    this.matrix = A;
    this.ptrs = A.pointers();
    this.setup(A);
  }

  get symmetric(): boolean {
    return this.info.symmetricMatrix === true && this.info.negativeDiagonals === 0;
  }

  /** Diagonal positions (the pattern) and the inverse diagonal's storage. */
  protected override analyze(A: CsrMatrix): void {
    const rt = this.runtime, n = this.n;
    const { rowPtr, colIdx } = A.pointers();
    this.diagPos = this.own(rt.alloc(n * 4));
    this.invD = this.own(rt.alloc(n * 8));
    this.out = this.own(rt.alloc(SSOR_OUT_BYTES));
    this.info.missingDiagonals = rt.kernels.csrDiagonalSplit(n, rowPtr, colIdx, this.diagPos);
    this.info.omega = this.omega;
    this.info.pivot = this.pivot;
  }

  protected factor(A: CsrMatrix): void {
    const rt = this.runtime, k = rt.kernels, n = this.n;
    this.matrix = A;
    this.ptrs = A.pointers();
    const stop = k.ssorDiagonal(n, this.ptrs.values, this.diagPos, this.invD, this.pivot === 'shift' ? 1 : 0, this.out);
    if (stop >= 0) throw new FactorizationError(`ssor: zero or missing diagonal entry in row ${stop}`, stop);
    const o = readSsorStatus(rt, this.out);
    this.info.zeroDiagonals = o.zeroDiagonals;
    this.info.negativeDiagonals = o.negativeDiagonals;
    this.info.firstZeroDiagonalRow = o.firstZeroRow;
    this.info.symmetricMatrix = k.csrIsSymmetric(n, this.ptrs.rowPtr, this.ptrs.colIdx, this.ptrs.values, this.diagPos) === 1;
  }

  protected solve(r: number, z: number): void {
    if (this.matrix.disposed) throw new DisposedError('ssor: the matrix it applies was disposed');
    const p = this.ptrs;
    this.runtime.kernels.ssorApply(this.n, p.rowPtr, p.colIdx, p.values, this.diagPos, this.invD, this.omega, r, z);
  }
}
