// The sparse direct factorizations (src/direct/) as preconditioners: M = L L^T (SparseCholesky)
// or M = P^T L U Q^T (SparseLu) of A itself, so M^-1 is A^-1 up to rounding, or of a nearby
// matrix: with `frozen: true` the factorization of the matrix it was built from is kept when
// the values change (isStale reports only a new pattern), the use in a sequence of matrices
// whose values drift, where refactoring at every step costs more than the extra iterations.
import { SparseCholesky } from '../direct/cholesky.js';
import { SparseLu } from '../direct/lu.js';
import { PatternMismatchError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { WasmResource } from '../runtime/resource.js';
import type { Preconditioner, PreconditionerInfo } from './types.js';

export type DirectKind = 'cholesky' | 'lu';

export interface DirectPreconditionerOptions {
  /**
   * keep the factorization when A's values change (a preconditioner for the nearby matrices of a
   * sequence) instead of refactoring; default false
   */
  frozen?: boolean;
}

/** M^-1 = A^-1 by a sparse Cholesky or LU factorization (of A, or of the matrix it was built from when frozen). */
export class DirectPreconditioner extends WasmResource implements Preconditioner {
  readonly name: DirectKind;
  readonly n: number;
  readonly symmetric: boolean;
  private readonly factorization: SparseCholesky | SparseLu;
  private readonly frozen: boolean;
  private readonly patternId: number;
  private valuesVersion: number;
  private readonly out: Float64Array;
  private readonly facts: PreconditionerInfo;

  constructor(A: CsrMatrix, kind: DirectKind, options: DirectPreconditionerOptions = {}) {
    super(A.runtime);
    const t0 = performance.now();
    this.name = kind;
    this.n = A.rows;
    this.symmetric = kind === 'cholesky';
    this.frozen = options.frozen === true;
    this.patternId = A.patternId;
    this.valuesVersion = A.valuesVersion;
    this.out = new Float64Array(this.n);
    const f = kind === 'cholesky' ? SparseCholesky.analyze(A) : SparseLu.analyze(A);
    try {
      f.factor(A);
    } catch (e) {
      f.dispose();
      throw e;
    }
    this.factorization = f;
    this.facts = { frozen: this.frozen, factorizations: 1 };
    this.record(performance.now() - t0);
  }

  private record(ms: number): void {
    const f = this.factorization;
    if (f instanceof SparseCholesky) {
      const i = f.info;
      Object.assign(this.facts, { nnz: i.nnzL, nnzL: i.nnzL, supernodes: i.supernodes, ordering: i.ordering, setupMs: ms });
    } else {
      const i = f.info;
      Object.assign(this.facts, {
        nnz: i.nnzL + i.nnzU, nnzL: i.nnzL, nnzU: i.nnzU, ordering: i.ordering, blocks: i.blocks,
        offDiagonalPivots: i.offDiagonalPivots, pivotRatio: i.pivotRatio, setupMs: ms,
        ...(i.warning ? { warning: i.warning } : {}),
      });
    }
  }

  /** nnz of the factors, ordering, setup time, factorizations so far, frozen. */
  get info(): PreconditionerInfo {
    this.alive();
    return { ...this.facts };
  }

  /** The factorization itself (owned by this preconditioner). */
  get factors(): SparseCholesky | SparseLu {
    this.alive();
    return this.factorization;
  }

  isStale(A: CsrMatrix): boolean {
    this.alive();
    if (A.patternId !== this.patternId) return true;
    return !this.frozen && A.valuesVersion !== this.valuesVersion;
  }

  /** Refactors for A's values (same pattern); a frozen one keeps its factorization. */
  update(A: CsrMatrix): void {
    this.alive();
    if (A.patternId !== this.patternId) {
      throw new PatternMismatchError(`${this.name}: the matrix has a different sparsity pattern than the one factored; build a new preconditioner`);
    }
    if (this.frozen) return;
    const t0 = performance.now();
    this.factorization.refactor(A);
    this.valuesVersion = A.valuesVersion;
    this.facts.factorizations = (this.facts.factorizations as number) + 1;
    this.record(performance.now() - t0);
  }

  /** @deprecated the former name of update(A); calls it. */
  refactor(A: CsrMatrix): void {
    this.update(A);
  }

  applyPtr(r: number, z: number): void {
    this.alive();
    const rt = this.runtime, n = this.n;
    // the factorization reads r before it may grow memory; z's view is taken afterwards
    this.factorization.solve(rt.f64(r, n), this.out);
    rt.f64(z, n).set(this.out);
  }

  override dispose(): void {
    if (this.disposed) return;
    this.factorization.dispose();
    super.dispose();
  }
}
