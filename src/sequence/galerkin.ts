// The Galerkin (or minimum-residual) initial guess from the span of the last q solutions.
import type { CsrMatrix } from '../matrix/csr.js';
import { WasmResource } from '../runtime/resource.js';
import type { SparseRuntime } from '../runtime/runtime.js';

/** A column whose squared norm falls below this fraction of its squared norm before projection is dependent. */
const DEPENDENT = 1e-16;

/**
 * Keeps the last q solutions of a sequence in wasm memory and turns them into an initial guess for
 * the next system A x = b:
 *  - 'energy' (A SPD): x0 = S (S^T A S)^-1 S^T b, the Galerkin projection, best in the A-norm;
 *  - 'residual' (any A): x0 = argmin over span(S) of ||b - A x||, the Petrov-Galerkin
 *    (least-squares) projection.
 * Both keep a basis Q of span(S) with AQ = A Q: for 'energy' Q is A-orthonormal (Q^T A Q = I),
 * so x0 = Q (Q^T b); for 'residual' AQ is orthonormal, so x0 = Q ((AQ)^T b). The basis is built by
 * classical Gram-Schmidt twice over the block kernels (one pass over the basis for all inner
 * products, one for the update), so a guess costs one SpMV per solution and O(q) passes over n.
 *
 * While the operator stays the same (the same matrix object with the same values version, as for
 * a fixed A and many right-hand sides), the products A s are kept and the basis grows by the new
 * solutions only (one SpMV and O(q) passes a system); when it holds q solutions it is rebuilt from
 * the newest half of them (rebuilding rather than dropping its oldest direction: that direction
 * carries the slow modes every solution shares). When the operator changes, the basis is rebuilt
 * from all q stored solutions (q SpMVs). Dependent solutions (a repeated system) are dropped,
 * never divided by ~0. Nothing is allocated after construction.
 */
export class GalerkinGuess extends WasmResource {
  readonly n: number;
  readonly q: number;
  /** solutions stored so far (<= q), the newest at slot (next - 1) mod q */
  private stored = 0;
  private next = 0;
  private readonly S: number;
  /** A S for the slots where asValid is true (for the operator in builtFor) */
  private readonly AS: number;
  private readonly asValid: boolean[];
  private readonly Q: number;
  private readonly AQ: number;
  /** q float64s of scratch for the block kernels' coefficients */
  private readonly coef: number;
  /** columns in the basis */
  private r = 0;
  /** solutions the basis was built from (some may have been dropped as dependent) */
  private covered = 0;
  /** solutions pushed since the last guess */
  private pending = 0;
  /** what the basis was built for */
  private builtFor: { A: CsrMatrix; version: number; kind: 'energy' | 'residual' } | null = null;
  /** basis vectors the last guess used (for results and tests) */
  rank = 0;

  constructor(runtime: SparseRuntime, n: number, q: number) {
    super(runtime);
    this.n = n;
    this.q = q;
    this.asValid = new Array<boolean>(q).fill(false);
    try {
      const block = Math.max(1, q * n) * 8;
      this.S = this.own(runtime.alloc(block));
      this.AS = this.own(runtime.alloc(block));
      this.Q = this.own(runtime.alloc(block));
      this.AQ = this.own(runtime.alloc(block));
      this.coef = this.own(runtime.alloc(Math.max(1, q) * 8));
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** Stores a solution (wasm pointer to n float64s), replacing the oldest when q are kept. */
  push(x: number): void {
    this.alive('GalerkinGuess');
    if (this.q === 0) return;
    this.runtime.kernels.copy(this.n, x, this.col(this.S, this.next));
    this.asValid[this.next] = false;
    this.next = (this.next + 1) % this.q;
    this.stored = Math.min(this.stored + 1, this.q);
    this.pending = Math.min(this.pending + 1, this.q);
  }

  /** Forgets every stored solution (a new size or an unrelated system follows). */
  clear(): void {
    this.stored = this.next = this.r = this.covered = this.pending = 0;
    this.asValid.fill(false);
    this.builtFor = null;
  }

  get size(): number {
    return this.stored;
  }

  private col(base: number, j: number): number {
    return base + j * this.n * 8;
  }

  /**
   * Appends the solution in slot `s` to the basis: A-orthonormalized ('energy') or with AQ
   * orthonormalized ('residual') against the columns already there, twice; dropped when dependent.
   */
  private append(A: CsrMatrix, s: number, kind: 'energy' | 'residual'): void {
    const k = this.runtime.kernels, n = this.n, r = this.r;
    const q = this.col(this.Q, r), aq = this.col(this.AQ, r);
    if (!this.asValid[s]) {
      A.multiplyPtr(this.col(this.S, s), this.col(this.AS, s));
      this.asValid[s] = true;
    }
    k.copy(n, this.col(this.S, s), q);
    k.copy(n, this.col(this.AS, s), aq);
    const norm0 = kind === 'energy' ? k.dot(n, q, aq) : k.dot(n, aq, aq);
    if (!(norm0 > 0) || !Number.isFinite(norm0)) return;
    if (r > 0) {
      for (let pass = 0; pass < 2; pass++) {
        // c = Q^T A q (A symmetric: = (AQ)^T q) or (AQ)^T aq; then q -= Q c, aq -= AQ c
        k.multiDot(kind === 'energy' ? this.Q : this.AQ, r, n, aq, this.coef);
        k.multiAxpy(this.Q, r, n, this.coef, q);
        k.multiAxpy(this.AQ, r, n, this.coef, aq);
      }
    }
    const norm = kind === 'energy' ? k.dot(n, q, aq) : k.dot(n, aq, aq);
    if (!(norm > DEPENDENT * norm0)) return;
    const scale = 1 / Math.sqrt(norm);
    k.scal(n, scale, q);
    k.scal(n, scale, aq);
    this.r++;
  }

  /**
   * Writes the guess for A x = b into x0 (wasm pointers); returns the number of basis vectors
   * used (0: x0 = 0, nothing stored or everything dependent).
   */
  guess(A: CsrMatrix, b: number, x0: number, kind: 'energy' | 'residual'): number {
    this.alive('GalerkinGuess');
    const k = this.runtime.kernels, n = this.n;
    const f = this.builtFor;
    const same = f !== null && f.A === A && f.version === A.valuesVersion && f.kind === kind;
    // A S is reused only for the very operator it was computed with
    if (!(f !== null && f.A === A && f.version === A.valuesVersion)) this.asValid.fill(false);
    this.builtFor = { A, version: A.valuesVersion, kind };
    const slot = (j: number) => (this.next - this.stored + j + this.q) % this.q; // j = 0: the oldest stored
    if (same && this.covered + this.pending <= this.q) {
      // the same operator and room left: the basis stays, the new solutions are appended to it
      for (let j = this.stored - this.pending; j < this.stored; j++) this.append(A, slot(j), kind);
      this.covered += this.pending;
    } else {
      // a new operator: the basis of all stored solutions; the same operator with a full basis:
      // of the newest half (then half a window of appends before the next rebuild, so a fixed A
      // costs O(q) passes a system instead of O(q^2))
      const keep = same ? Math.min(this.stored, Math.max(Math.ceil(this.q / 2), this.pending)) : this.stored;
      this.r = 0;
      for (let j = this.stored - keep; j < this.stored; j++) this.append(A, slot(j), kind);
      this.covered = keep;
    }
    this.pending = 0;
    k.fill(n, 0, x0);
    const r = this.r;
    if (r > 0) {
      k.multiDot(kind === 'energy' ? this.Q : this.AQ, r, n, b, this.coef);
      // x0 = Q c, written as x0 -= Q (-c)
      k.scal(r, -1, this.coef);
      k.multiAxpy(this.Q, r, n, this.coef, x0);
    }
    this.rank = r;
    return r;
  }
}
