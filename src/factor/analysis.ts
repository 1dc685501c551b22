// Symbolic analysis of a sparsity pattern for the incomplete factorizations on A's own pattern
// (IC(0), ILU(0)), as an object that several factorizations of matrices with that pattern can
// share (CSparse's css, Eigen's analyzePattern): the diagonal positions and the patterns of the
// strictly lower (and, for LU, strictly upper) parts.
import { DimensionMismatchError, DisposedError, InvalidArgumentError, PatternMismatchError } from '../errors.js';
import { CsrMatrix } from '../matrix/csr.js';
import { WasmResource } from '../runtime/resource.js';

/**
 * 'cholesky': L's pattern (lower triangle of A) only; 'lu': L's and U's. An 'lu' analysis also
 * serves a Cholesky-type factorization (IC(0) reads only the lower part).
 */
export type AnalysisKind = 'cholesky' | 'lu';

/**
 * The pattern analysis of a square CSR matrix (made by `analyzeIc0` / `analyzeIlu0`). It is valid
 * for every matrix with the same pattern id (the matrix itself after setValues()/scale(), its
 * clones); any other matrix is refused with PatternMismatchError.
 *
 * Ownership: dispose() ends the caller's use; the memory stays until the last factorization
 * built on it is disposed too, so the two may be disposed in any order.
 */
export class TriangularAnalysis extends WasmResource {
  readonly kind: AnalysisKind;
  readonly n: number;
  /** the pattern id of the matrix analysed */
  readonly patternId: number;
  /** rows without a stored diagonal entry (inserted as 0 by the factorizations) */
  readonly missingDiagonals: number;
  /** entries of the strictly lower and (for 'lu') strictly upper parts; nnzU is 0 for 'cholesky' */
  readonly nnzL: number;
  readonly nnzU: number;
  /** @internal wasm pointers: diagonal positions (assembly/trsv.ts encoding), L and U patterns (0 if absent) */
  readonly diagPos: number;
  /** @internal */ readonly lPtr: number;
  /** @internal */ readonly lCol: number;
  /** @internal */ readonly uPtr: number;
  /** @internal */ readonly uCol: number;
  /** factorizations currently using this analysis */
  private users = 0;
  private closed = false;

  /** @internal use analyzeIc0 / analyzeIlu0 */
  constructor(A: CsrMatrix, kind: AnalysisKind) {
    if (!(A instanceof CsrMatrix)) throw new InvalidArgumentError(`a pattern analysis needs a CsrMatrix, got ${describe(A)}`);
    super(A.runtime);
    if (A.rows !== A.cols) throw new InvalidArgumentError(`a pattern analysis needs a square matrix, got ${A.rows} x ${A.cols}`);
    this.kind = kind;
    const n = (this.n = A.rows);
    this.patternId = A.patternId;
    const rt = this.runtime, k = rt.kernels, lu = kind === 'lu';
    try {
      const { rowPtr, colIdx } = A.pointers();
      this.diagPos = this.own(rt.alloc(n * 4));
      this.missingDiagonals = k.csrDiagonalSplit(n, rowPtr, colIdx, this.diagPos);
      this.lPtr = this.own(rt.alloc((n + 1) * 4));
      this.uPtr = lu ? this.own(rt.alloc((n + 1) * 4)) : 0;
      this.nnzL = k.csrTriangleRowPtr(n, rowPtr, this.diagPos, this.lPtr, this.uPtr);
      this.nnzU = lu ? A.nnz - this.nnzL - (n - this.missingDiagonals) : 0;
      this.lCol = this.own(rt.alloc(this.nnzL * 4));
      this.uCol = lu ? this.own(rt.alloc(this.nnzU * 4)) : 0;
      k.csrTriangleCols(n, rowPtr, colIdx, this.diagPos, this.lPtr, this.lCol, this.uPtr, this.uCol);
    } catch (e) {
      super.dispose(); // out of memory part-way: free what was allocated
      throw e;
    }
  }

  override get disposed(): boolean {
    return this.closed;
  }

  /**
   * Registers a factorization of A that uses this analysis. Throws DisposedError after dispose(),
   * InvalidArgumentError for an analysis of the wrong kind, PatternMismatchError for another pattern.
   * @internal
   */
  acquire(A: CsrMatrix, who: string, kind: AnalysisKind): void {
    if (this.closed) throw new DisposedError(`${who}: the pattern analysis was used after dispose()`);
    if (kind === 'lu' && this.kind !== 'lu') {
      throw new InvalidArgumentError(`${who} needs an LU pattern analysis (analyzeIlu0), got a Cholesky one (analyzeIc0)`);
    }
    if (A.runtime !== this.runtime) throw new InvalidArgumentError(`${who}: the pattern analysis belongs to another sparse-wasm runtime`);
    this.checkPattern(A, who);
    this.users++;
  }

  /** Throws unless A has the pattern analysed (the same pattern id). @internal */
  checkPattern(A: CsrMatrix, who: string): void {
    if (A.rows !== this.n || A.cols !== this.n) {
      throw new DimensionMismatchError(`${who}: the matrix is ${A.rows} x ${A.cols}, the pattern analysed is ${this.n} x ${this.n}`);
    }
    if (A.patternId !== this.patternId) {
      throw new PatternMismatchError(
        `${who}: the matrix has a different sparsity pattern than the one analysed (pattern ids ${A.patternId} and ${this.patternId}); ` +
          'analyse the new pattern (or build a new preconditioner)',
      );
    }
  }

  /** Ends one factorization's use; frees the memory if dispose() was called already. @internal */
  releaseUse(): void {
    if (this.users > 0) this.users--;
    if (this.closed && this.users === 0) super.dispose();
  }

  /** Ends the caller's use; the memory goes with the last factorization built on it. Idempotent. */
  override dispose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.users === 0) super.dispose();
  }
}

function describe(x: unknown): string {
  return x === null ? 'null' : typeof x === 'object' ? (x as object).constructor?.name ?? 'an object' : typeof x;
}

/** Pattern analysis for IC(0): the lower triangle of A and its diagonal positions. */
export function analyzeIc0(A: CsrMatrix): TriangularAnalysis {
  return new TriangularAnalysis(A, 'cholesky');
}

/** Pattern analysis for ILU(0): the strictly lower and strictly upper parts of A and its diagonal. */
export function analyzeIlu0(A: CsrMatrix): TriangularAnalysis {
  return new TriangularAnalysis(A, 'lu');
}
