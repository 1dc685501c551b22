import { FACTOR_BAD_PIVOT, FACTOR_NOT_FINITE, FACTOR_OK, FACTOR_OUT_BYTES, readFactorStatus } from '../runtime/status.js';
import { FactorizationError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { LuPreconditioner, type LuInfo } from './lu.js';
import { checkOptions } from '../options.js';
import { fmt, PIVOT_OPTION, PIVOT_SHIFT } from './triangular.js';
import type { PivotPolicy } from './types.js';

export interface IlutOptions {
  /** drop entries below dropTolerance * ||a_i||_2 (row i of A); default 1e-4; 0 drops nothing */
  dropTolerance?: number;
  /** keep at most this many entries per row in L and in U, besides the diagonal; default 10 */
  maxFill?: number;
  /** zero/tiny pivot handling, as for ILU(0): 'shift' (default) or 'error' */
  pivot?: PivotPolicy;
}

export const ILUT_OPTIONS = {
  dropTolerance: { kind: 'number', min: 0, finite: true, default: 1e-4 },
  maxFill: { kind: 'integer', min: 0, allowInfinity: true, default: 10 },
  pivot: PIVOT_OPTION,
} as const;
/** ILUT's setup facts. */
export type IlutInfo = LuInfo & {
  dropTolerance: number;
  maxFill: number;
  /** nnz / nnz(A) */
  fillRatio: number;
  /** times the factor storage grew */
  regrowths: number;
};

/** one allocation holds at most this many float64s (TLSF's 1 GiB block limit) */
const MAX_ENTRIES = Math.floor(((1 << 30) - 64) / 8);

/**
 * ILUT(tau, p), Saad's dual-threshold incomplete LU: row by row, an entry of L (after division by
 * its pivot) or of U below tau * ||a_i||_2 is dropped, and only the p largest remaining entries of
 * the L part and of the U part of each row are kept, plus the diagonal. No pivoting: for a matrix
 * with a zero diagonal prefer a reordering. The apply is the same forward/backward solve as ILU(0).
 *
 * Pivot policy exactly as ILU(0): |u_ii| <= 1e-12 max_j |a_ij| or not finite is replaced by
 * sign(u_ii) max_j |a_ij| ('shift', counted in info.shiftedPivots / info.firstShiftedRow) or
 * throws FactorizationError naming the row ('error').
 *
 * The pattern depends on the values, so there is no separate analysis: update(A) reruns the
 * whole factorization (reusing the factor buffers when they are large enough; the O(n) work rows
 * are allocated for the duration of each factorization).
 *
 * info (IlutInfo): dropTolerance, maxFill, nnz (entries of L and U, diagonal included), fillRatio
 * (nnz / nnz(A)), shiftedPivots, firstShiftedRow, negativePivots, firstNegativePivotRow, growth
 * (as for ILU(0)), regrowths (times the factor storage grew),
 * factorMs, setupMs.
 */
export class IlutPreconditioner extends LuPreconditioner<IlutInfo> {
  readonly name = 'ilut' as const;
  private readonly pivot: PivotPolicy;
  private readonly tau: number;
  private readonly fill: number;
  private readonly maxFill: number;
  private capL = 0;
  private capU = 0;
  private boundL = 0;
  private out = 0;

  constructor(A: CsrMatrix, options: IlutOptions = {}) {
    super(A);
    const o = checkOptions('ilut', options, ILUT_OPTIONS);
    this.pivot = o.pivot;
    const tau = o.dropTolerance;
    const p = o.maxFill;
    this.tau = tau;
    this.maxFill = p;
    const n = this.n;
    this.fill = Math.min(p, Math.max(n - 1, 0));
    // the most entries a triangle can get: sum_i min(p, i)
    const f = this.fill;
    this.boundL = f >= n - 1 ? (n * (n - 1)) / 2 : (f * (f - 1)) / 2 + (n - f) * f;
    this.setup(A);
  }

  /** No pattern to analyse (it depends on the values): allocates the factor storage for a first guess of the fill. */
  protected override analyze(A: CsrMatrix): void {
    const rt = this.runtime, n = this.n, { L, U } = this.lu;
    L.ptr = this.own(rt.alloc((n + 1) * 4));
    U.ptr = this.own(rt.alloc((n + 1) * 4));
    this.lu.d = this.own(rt.alloc(n * 8));
    this.out = this.own(rt.alloc(FACTOR_OUT_BYTES));
    const cap = Math.min(this.boundL, MAX_ENTRIES, A.nnz + n);
    this.capL = this.capU = cap;
    L.col = this.own(rt.alloc(cap * 4));
    L.val = this.own(rt.alloc(cap * 8));
    U.col = this.own(rt.alloc(cap * 4));
    U.val = this.own(rt.alloc(cap * 8));
    this.info.dropTolerance = this.tau;
    this.info.maxFill = this.maxFill;
    this.info.pivot = this.pivot;
    this.info.regrowths = 0;
  }

  /** Replaces the L (which = 'L') or U storage by one of `cap` entries, keeping the first `used`. */
  private grow(which: 'L' | 'U', cap: number, used: number): void {
    const rt = this.runtime;
    const col = rt.alloc(cap * 4);
    let val: number;
    try {
      val = rt.alloc(cap * 8);
    } catch (e) {
      rt.free(col);
      throw e;
    }
    const T = which === 'L' ? this.lu.L : this.lu.U;
    const oc = T.col, ov = T.val;
    rt.i32(col, used).set(rt.i32(oc, used));
    rt.f64(val, used).set(rt.f64(ov, used));
    this.release(oc);
    this.release(ov);
    this.own(col);
    this.own(val);
    T.col = col;
    T.val = val;
    if (which === 'L') this.capL = cap;
    else this.capU = cap;
    this.info.regrowths++;
  }

  protected factor(A: CsrMatrix): void {
    const rt = this.runtime, k = rt.kernels, n = this.n, { L, U } = this.lu;
    const { rowPtr, colIdx, values } = A.pointers();
    const work: number[] = [];
    try {
      const w = rt.alloc(n * 8); work.push(w);
      const marks = rt.alloc(n); work.push(marks);
      const heap = rt.alloc(n * 4); work.push(heap);
      const lst = rt.alloc(n * 4); work.push(lst);
      const ulst = rt.alloc(n * 4); work.push(ulst);
      let start = 0;
      for (;;) {
        const status = k.ilutFactor(
          n, rowPtr, colIdx, values, this.tau, this.fill,
          L.ptr, L.col, L.val, this.capL, U.ptr, U.col, U.val, this.capU, this.lu.d,
          w, marks, heap, lst, ulst, start, this.pivot === 'error' ? 1 : 0, PIVOT_SHIFT, this.out,
        );
        if (status === FACTOR_OK) break;
        const { row, value: v } = readFactorStatus(rt, this.out);
        if (status === FACTOR_BAD_PIVOT) {
          throw new FactorizationError(`ilut: zero or tiny pivot in row ${row} (value ${fmt(v)}); pivot: "shift" replaces it`, row);
        }
        if (status === FACTOR_NOT_FINITE) throw new FactorizationError(`ilut: a factor entry in row ${row} is not finite (${v}): the factorization overflowed`, row);
        // FACTOR_OUTPUT_FULL: the output is full at `row`: grow to an estimate of the total from the rows done
        const ptrs = rt.i32(L.ptr, n + 1), uptrs = rt.i32(U.ptr, n + 1);
        const usedL = ptrs[row], usedU = uptrs[row];
        const est = (used: number) => Math.ceil((used / Math.max(row, 1)) * n * 1.2) + 2 * this.fill + 16;
        const next = (cap: number, used: number) => Math.min(this.boundL, MAX_ENTRIES, Math.max(Math.ceil(cap * 1.5), est(used)));
        const needL = usedL + this.fill > this.capL, needU = usedU + this.fill > this.capU;
        if ((needL && this.capL >= Math.min(this.boundL, MAX_ENTRIES)) || (needU && this.capU >= Math.min(this.boundL, MAX_ENTRIES))) {
          throw new FactorizationError(`ilut: the factor does not fit in one wasm allocation at row ${row}; lower maxFill`, row);
        }
        if (needL) this.grow('L', next(this.capL, usedL), usedL);
        if (needU) this.grow('U', next(this.capU, usedU), usedU);
        start = row;
      }
    } finally {
      for (const p of work) rt.free(p);
    }
    const st = readFactorStatus(rt, this.out);
    const nnz = rt.i32(L.ptr, n + 1)[n] + rt.i32(U.ptr, n + 1)[n] + n;
    this.info.nnz = nnz;
    this.info.fillRatio = A.nnz > 0 ? nnz / A.nnz : 0;
    this.info.shiftedPivots = st.shiftedPivots;
    this.info.firstShiftedRow = st.firstShiftedRow;
    this.info.growth = st.growth;
    this.countNegativePivots();
  }
}
