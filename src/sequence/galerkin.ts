// The Galerkin (or minimum-residual) initial guess from the span of the last q solutions.
import type { CsrMatrix } from '../matrix/csr.js';
import { WasmResource } from '../runtime/resource.js';
import type { SparseRuntime } from '../runtime/runtime.js';

/** A column whose squared norm falls below this fraction of its squared norm before projection is dependent. */
const DEPENDENT = 1e-16;

/**
 * Keeps the last q solutions of a sequence in wasm memory and turns them into an initial guess for
 * the next system A x = b:
 *  - 'galerkin' (A SPD): x0 = S (S^T A S)^-1 S^T b, the A-norm-best x in span(S);
 *  - 'minres' (any A): x0 = argmin over span(S) of ||b - A x||.
 * Both build an orthonormal basis of the image side in one pass of Gram-Schmidt (twice, for
 * orthogonality to rounding): for 'galerkin' Q is made A-orthonormal (Q^T A Q = I), so
 * x0 = Q (Q^T b); for 'minres' AQ is made orthonormal with Q carried along by the same column
 * operations, so x0 = Q ((AQ)^T b). Cost per system: q SpMVs and O(q^2) fused dot/axpy passes
 * over n, all wasm kernels; nothing is allocated after construction. Dependent solutions (a
 * repeated system, a sequence in a subspace of dimension < q) are dropped, never divided by ~0.
 */
export class GalerkinGuess extends WasmResource {
  readonly n: number;
  readonly q: number;
  /** solutions stored so far (<= q), the newest at slot (next - 1) mod q */
  private stored = 0;
  private next = 0;
  private readonly S: number;
  private readonly Q: number;
  private readonly AQ: number;
  /** basis vectors kept by the last guess (for results and tests) */
  rank = 0;

  constructor(runtime: SparseRuntime, n: number, q: number) {
    super(runtime);
    this.n = n;
    this.q = q;
    try {
      this.S = this.own(runtime.alloc(Math.max(1, q * n) * 8));
      this.Q = this.own(runtime.alloc(Math.max(1, q * n) * 8));
      this.AQ = this.own(runtime.alloc(Math.max(1, q * n) * 8));
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** Stores a solution (wasm pointer to n float64s), replacing the oldest when q are kept. */
  push(x: number): void {
    this.alive('GalerkinGuess');
    if (this.q === 0) return;
    this.runtime.exports.copy(this.n, x, this.S + this.next * this.n * 8);
    this.next = (this.next + 1) % this.q;
    this.stored = Math.min(this.stored + 1, this.q);
  }

  /** Forgets every stored solution (a new size or an unrelated system follows). */
  clear(): void {
    this.stored = 0;
    this.next = 0;
  }

  get size(): number {
    return this.stored;
  }

  /**
   * Writes the guess for A x = b into x0 (wasm pointers); returns the number of basis vectors
   * used (0: x0 = 0, nothing stored or everything dependent).
   */
  guess(A: CsrMatrix, b: number, x0: number, kind: 'galerkin' | 'minres'): number {
    this.alive('GalerkinGuess');
    const k = this.runtime.exports, n = this.n, col = (base: number, j: number) => base + j * n * 8;
    k.fill(n, 0, x0);
    let r = 0;
    for (let j = 0; j < this.stored; j++) {
      const q = col(this.Q, r), aq = col(this.AQ, r);
      k.copy(n, col(this.S, j), q);
      A.multiplyPtr(q, aq);
      // the norm the basis is made orthonormal in: A-norm (galerkin) or 2-norm of AQ (minres)
      const norm0 = kind === 'galerkin' ? k.dot(n, q, aq) : k.dot(n, aq, aq);
      if (!(norm0 > 0) || !Number.isFinite(norm0)) continue;
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i < r; i++) {
          const c = kind === 'galerkin' ? k.dot(n, col(this.Q, i), aq) : k.dot(n, col(this.AQ, i), aq);
          k.axpy(n, -c, col(this.Q, i), q);
          k.axpy(n, -c, col(this.AQ, i), aq);
        }
      }
      const norm = kind === 'galerkin' ? k.dot(n, q, aq) : k.dot(n, aq, aq);
      if (!(norm > DEPENDENT * norm0)) continue;
      const s = 1 / Math.sqrt(norm);
      k.scal(n, s, q);
      k.scal(n, s, aq);
      r++;
    }
    for (let i = 0; i < r; i++) {
      const c = kind === 'galerkin' ? k.dot(n, col(this.Q, i), b) : k.dot(n, col(this.AQ, i), b);
      k.axpy(n, c, col(this.Q, i), x0);
    }
    this.rank = r;
    return r;
  }
}
