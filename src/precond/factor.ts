import { FactorizationError, InvalidArgumentError, NonFiniteValueError } from '../errors.js';
import { CsrMatrix } from '../matrix/csr.js';
import { WasmResource } from '../runtime/resource.js';
import { kernels } from './triangular.js';
import type { Preconditioner } from './types.js';

/**
 * A preconditioner from a given sparse lower-triangular factor L (e.g. one computed elsewhere or
 * learned): M = L L^T, applied as z = L^-T L^-1 r by two row-wise triangular solves. L is copied
 * (rows scaled by 1/L_ii, and its transpose built once), so it may be disposed afterwards.
 * L must be square, lower triangular, with a nonzero diagonal entry in every row.
 */
export class FactorPreconditioner extends WasmResource implements Preconditioner {
  readonly name = 'factor' as const;
  readonly symmetric = true;
  readonly n: number;
  private readonly facts: Record<string, number | string | boolean>;
  private readonly lPtr: number;
  private readonly lCol: number;
  private readonly lVal: number;
  private readonly tPtr: number;
  private readonly tCol: number;
  private readonly tVal: number;
  private readonly d: number;
  private readonly tmp: number;

  constructor(L: CsrMatrix) {
    if (!(L instanceof CsrMatrix)) throw new InvalidArgumentError('FactorPreconditioner needs a CsrMatrix L');
    super(L.runtime);
    const t0 = performance.now();
    if (L.rows !== L.cols) throw new InvalidArgumentError(`the factor L must be square, got ${L.rows} x ${L.cols}`);
    const n = (this.n = L.rows);
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
    try {
      this.lPtr = put32(lp); this.lCol = put32(lc); this.lVal = put64(lv);
      this.tPtr = put32(tp); this.tCol = put32(tc); this.tVal = put64(tv);
      this.d = put64(d);
      this.tmp = this.own(rt.alloc(n * 8));
    } catch (e) {
      this.dispose(); // out of memory part-way: free the copies made so far
      throw e;
    }
    this.facts = { nnz: m + n, setupMs: performance.now() - t0 };
  }

  /** nnz of L and the setup time; DisposedError after dispose(). */
  get info(): Record<string, number | string | boolean> {
    this.alive('FactorPreconditioner');
    return this.facts;
  }

  applyPtr(r: number, z: number): void {
    this.alive('FactorPreconditioner');
    const k = kernels(this.runtime);
    k.trsvLowerScaled(this.n, this.lPtr, this.lCol, this.lVal, this.d, r, this.tmp);
    k.trsvUpperScaled(this.n, this.tPtr, this.tCol, this.tVal, this.d, this.tmp, z);
  }

  /** The factor is fixed: it never goes stale with A's values. */
  isStale(): boolean {
    this.alive('FactorPreconditioner');
    return false;
  }

  /** The factor is fixed: nothing to redo for new values of A. */
  update(): void {
    this.alive('FactorPreconditioner');
  }

  /** @deprecated the former name of update() */
  refactor(): void {
    this.update();
  }
}
