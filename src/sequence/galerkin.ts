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
 * The products A s of the stored solutions are kept while the operator stays the same (the
 * same matrix object with the same values version, as for a fixed A and many right-hand sides),
 * so a guess then costs one SpMV (for the newest solution) instead of q; when the operator
 * changes they are recomputed. The basis always spans the last q solutions (not an accumulated
 * older space: dropping an old direction would drop the slow modes every solution shares).
 * Dependent solutions (a repeated system) are dropped, never divided by ~0. Nothing is allocated
 * after construction.
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
  /** what the basis was built for */
  private builtFor: { A: CsrMatrix; version: number } | null = null;
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
  }

  /** Forgets every stored solution (a new size or an unrelated system follows). */
  clear(): void {
    this.stored = this.next = this.r = 0;
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
    // A S is reused only for the very operator it was computed with
    if (!(f !== null && f.A === A && f.version === A.valuesVersion)) this.asValid.fill(false);
    this.builtFor = { A, version: A.valuesVersion };
    const oldest = (this.next - this.stored + this.q) % this.q;
    this.r = 0;
    for (let j = 0; j < this.stored; j++) this.append(A, (oldest + j) % this.q, kind);
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
