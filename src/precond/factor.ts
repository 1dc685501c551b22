import { FactorizationError, InvalidArgumentError, NonFiniteValueError } from '../errors.js';
import { CsrMatrix } from '../matrix/csr.js';
import { MatrixPreconditioner, type SetupTimes } from './base.js';

/** FactorPreconditioner's setup facts. */
export type FactorInfo = SetupTimes & {
  /** entries of L, diagonal included */
  nnz: number;
};

/**
 * A preconditioner from a given sparse lower-triangular factor L (e.g. one computed elsewhere or
 * learned): M = L L^T, applied as z = L^-T L^-1 r by two row-wise triangular solves. L is copied
 * (rows scaled by 1/L_ii, and its transpose built once), so it may be disposed afterwards.
 * L must be square, lower triangular, with a nonzero diagonal entry in every row. Built through
 * the common lifecycle (MatrixPreconditioner): checked and copied as its analysis, nothing to factor.
 */
export class FactorPreconditioner extends MatrixPreconditioner<FactorInfo> {
  readonly name = 'factor' as const;
  readonly symmetric = true;
  private lPtr = 0;
  private lCol = 0;
  private lVal = 0;
  private tPtr = 0;
  private tCol = 0;
  private tVal = 0;
  private d = 0;
  private tmp = 0;

  constructor(L: CsrMatrix) {
    if (!(L instanceof CsrMatrix)) throw new InvalidArgumentError('FactorPreconditioner needs a CsrMatrix L');
    if (L.rows !== L.cols) throw new InvalidArgumentError(`the factor L must be square, got ${L.rows} x ${L.cols}`);
    super(L);
    this.setup(L);
  }

  /** Checks L and copies it (and its transpose) into storage of its own. */
  protected override analyze(L: CsrMatrix): void {
    const n = this.n;
    const rp = L.rowPtr, ci = L.colIdx, v = L.values;
    // strictly lower part scaled by 1/L_ii (rows), and its transpose scaled by 1/L_jj
    const d = new Float64Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      let diag = 0;
      for (let p = rp[i]; p < rp[i + 1]; p++) {
        const j = ci[p];
        if (j > i) throw new InvalidArgumentError(`the factor L is not lower triangular: entry (${i}, ${j})`);
        if (!Number.isFinite(v[p])) throw new NonFiniteValueError(`L(${i}, ${j}) = ${v[p]}`);
        if (j === i) diag = v[p];
        else m++;
      }
      if (diag === 0) throw new FactorizationError(`the factor L has a zero or missing diagonal entry in row ${i}`, i);
      d[i] = 1 / diag;
    }
    const lp = new Int32Array(n + 1), lc = new Int32Array(m), lv = new Float64Array(m);
    const tp = new Int32Array(n + 1), tc = new Int32Array(m), tv = new Float64Array(m);
    for (let i = 0, q = 0; i < n; i++) {
      for (let p = rp[i]; p < rp[i + 1]; p++) {
        const j = ci[p];
        if (j === i) continue;
        lc[q] = j; lv[q] = v[p] * d[i]; q++;
        tp[j + 1]++;
      }
      lp[i + 1] = q;
    }
    for (let j = 0; j < n; j++) tp[j + 1] += tp[j];
    const next = tp.slice(0, n);
    for (let i = 0; i < n; i++) {
      for (let p = lp[i]; p < lp[i + 1]; p++) {
        const j = lc[p];
        const q = next[j]++;
        tc[q] = i; // row j of L^T holds L(i, j) for i > j, in increasing i
        tv[q] = (lv[p] / d[i]) * d[j];
      }
    }
    const rt = this.runtime;
    const put32 = (a: Int32Array) => { const p = this.own(rt.alloc(a.length * 4)); rt.i32(p, a.length).set(a); return p; };
    const put64 = (a: Float64Array) => { const p = this.own(rt.alloc(a.length * 8)); rt.f64(p, a.length).set(a); return p; };
    this.lPtr = put32(lp); this.lCol = put32(lc); this.lVal = put64(lv);
    this.tPtr = put32(tp); this.tCol = put32(tc); this.tVal = put64(tv);
    this.d = put64(d);
    this.tmp = this.own(rt.alloc(n * 8));
    this.info.nnz = m + n;
  }

  /** Nothing numeric to do: the factor is given. */
  protected factor(): void {}

  protected solve(r: number, z: number): void {
    const k = this.runtime.kernels;
    k.trsvLowerScaled(this.n, this.lPtr, this.lCol, this.lVal, this.d, r, this.tmp);
    k.trsvUpperScaled(this.n, this.tPtr, this.tCol, this.tVal, this.d, this.tmp, z);
  }

  /** The factor is fixed: it never goes stale with A's values. */
  override isStale(): boolean {
    this.alive();
    return false;
  }

  /** The factor is fixed: nothing to redo for new values of A. */
  override update(): void {
    this.alive();
  }
}
