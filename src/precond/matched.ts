// An incomplete factorization of the matched and scaled matrix: MC64-style weighted matching
// (src/direct/ordering/matching.ts) gives a row permutation P and scalings Dr, Dc such that
// B = P Dr A Dc has entries of magnitude 1 on its diagonal and at most 1 elsewhere; the inner
// preconditioner (ILU(0), ILUT) factors B, which has no zero pivots to shift. Since
// A = Dr^-1 P^T B Dc^-1, the apply is z = Dc M_B^-1 P Dr r.
import { weightedMatching } from '../direct/ordering/matching.js';
import { CsrMatrix } from '../matrix/csr.js';
import { permuteRows } from '../matrix/ops.js';
import { WasmResource } from '../runtime/resource.js';
import type { Preconditioner, PreconditionerInfo } from './types.js';

/** A preconditioner of B built by the wrapped class. */
export type InnerBuilder = (B: CsrMatrix) => Preconditioner;

export class MatchedPreconditioner extends WasmResource implements Preconditioner {
  readonly name: Preconditioner['name'];
  readonly n: number;
  readonly symmetric = false;
  private readonly B: CsrMatrix;
  private readonly inner: Preconditioner;
  private readonly rowPerm: Int32Array;
  private readonly rowScale: Float64Array;
  private readonly colScale: Float64Array;
  /** for update(): B's entry q is A's entry source[q] times scale[q] */
  private readonly source: Int32Array;
  private readonly scale: Float64Array;
  private readonly tmp: number;
  private readonly patternId: number;
  private valuesVersion: number;
  private readonly extra: { matching: boolean; matchingMs: number; matchedLogProduct: number };

  constructor(A: CsrMatrix, build: InnerBuilder) {
    super(A.runtime);
    const t0 = performance.now();
    const m = weightedMatching(A);
    this.n = A.rows;
    this.rowPerm = m.rowPerm;
    this.rowScale = m.rowScale;
    this.colScale = m.colScale;
    this.patternId = A.patternId;
    this.valuesVersion = A.valuesVersion;
    const n = this.n;
    const rp = A.rowPtr, ci = A.colIdx;
    this.source = new Int32Array(A.nnz);
    this.scale = new Float64Array(A.nnz);
    // B's rows are A's rows rowPerm[k], in order, their columns kept
    for (let k = 0, q = 0; k < n; k++) {
      const i = m.rowPerm[k], ri = m.rowScale[i];
      for (let p = rp[i]; p < rp[i + 1]; p++, q++) {
        this.source[q] = p;
        this.scale[q] = ri * m.colScale[ci[p]];
      }
    }
    this.B = permuteRows(A, m.rowPerm);
    this.B.setValues(this.scaledValues(A));
    const matchingMs = performance.now() - t0;
    try {
      this.inner = build(this.B);
    } catch (e) {
      this.B.dispose();
      throw e;
    }
    this.name = this.inner.name;
    this.tmp = this.own(this.runtime.alloc(Math.max(n, 1) * 8));
    this.extra = { matching: true, matchingMs, matchedLogProduct: m.logProduct };
  }

  private scaledValues(A: CsrMatrix): Float64Array {
    const v = A.values, out = new Float64Array(this.source.length);
    for (let q = 0; q < out.length; q++) out[q] = v[this.source[q]] * this.scale[q];
    return out;
  }

  /** The inner preconditioner's facts plus matching: true, matchingMs, matchedLogProduct. */
  get info(): PreconditionerInfo {
    this.alive();
    return { ...this.inner.info, ...this.extra };
  }

  isStale(A: CsrMatrix): boolean {
    this.alive();
    return A.patternId !== this.patternId || A.valuesVersion !== this.valuesVersion;
  }

  /** New values, same pattern: the matching and scalings are kept, B refactored. */
  update(A: CsrMatrix): void {
    this.alive();
    if (A.patternId !== this.patternId) {
      // let the inner preconditioner report the mismatch in its own words
      this.inner.update?.(A);
    }
    this.B.setValues(this.scaledValues(A));
    this.inner.update?.(this.B);
    this.valuesVersion = A.valuesVersion;
  }

  /** @deprecated the former name of update(A); calls it. */
  refactor(A: CsrMatrix): void {
    this.update(A);
  }

  applyPtr(r: number, z: number): void {
    this.alive();
    const rt = this.runtime, n = this.n;
    {
      const rv = rt.f64(r, n), tv = rt.f64(this.tmp, n);
      const p = this.rowPerm, dr = this.rowScale;
      for (let k = 0; k < n; k++) tv[k] = dr[p[k]] * rv[p[k]];
    }
    this.inner.applyPtr(this.tmp, z);
    const zv = rt.f64(z, n), dc = this.colScale;
    for (let j = 0; j < n; j++) zv[j] *= dc[j];
  }

  override dispose(): void {
    if (this.disposed) return;
    this.inner.dispose();
    this.B.dispose();
    super.dispose();
  }
}
