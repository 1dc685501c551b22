import { FactorizationFailedError, InvalidArgumentError, PatternMismatchError } from '../errors.js';
import type { AnalysisKind, TriangularAnalysis } from '../factor/analysis.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { WasmResource } from '../runtime/resource.js';
import { useAnalysis } from './triangular.js';
import type { Preconditioner, PreconditionerInfo, PreconditionerName } from './types.js';

/** Times (ms) every built-in preconditioner records in its info. */
export type SetupTimes = {
  /** pattern analysis and allocation (0 when there is little to analyse) */
  analysisMs: number;
  /** the last numeric factorization (constructor or update) */
  factorMs: number;
  /** the constructor's analysis + factorization; after update(), that update's time */
  setupMs: number;
};

/**
 * The one lifecycle of the preconditioners built from a matrix:
 *   constructor → setup(A): analyze(A) (pattern, allocation) then factor(A) (values);
 *   update(A): factor(A) again for new values of the same pattern;
 *   applyPtr(r, z): solve(r, z), refused while the last factorization is the one that failed;
 *   dispose(): frees everything, and setup() disposes before rethrowing, so a throwing
 *   constructor leaks nothing.
 * It remembers the pattern id and values version it was built for, so a stale preconditioner is
 * detected instead of silently reused.
 */
export abstract class MatrixPreconditioner<I extends PreconditionerInfo = PreconditionerInfo>
  extends WasmResource implements Preconditioner {
  abstract readonly name: PreconditionerName | 'factor';
  abstract readonly symmetric: boolean;
  readonly n: number;
  private readonly facts = {} as I;
  private readonly patternId: number;
  private valuesVersion: number;
  /** the error of the last factorization if it threw (its factors are then incomplete) */
  private failure: unknown = undefined;
  /** the pattern analysis this factorization uses (IC(0), ILU(0)), released by dispose() */
  private analysisInUse: TriangularAnalysis | undefined;

  protected constructor(A: CsrMatrix) {
    super(A.runtime);
    if (A.rows !== A.cols) throw new InvalidArgumentError(`a preconditioner needs a square matrix, got ${A.rows} x ${A.cols}`);
    this.n = A.rows;
    this.patternId = A.patternId;
    this.valuesVersion = A.valuesVersion;
  }

  /**
   * true when factor() computes aside and copies in at the end, so that a failed update keeps the
   * previous, complete M usable (it stays stale). Otherwise a failed factorization refuses applies.
   */
  protected get keepsFactorsOnFailure(): boolean {
    return false;
  }

  /** Setup facts (shifts, fill, bounds, times); DisposedError after dispose(). */
  get info(): I {
    this.alive();
    return this.facts;
  }

  isStale(A: CsrMatrix): boolean {
    this.alive();
    return A.patternId !== this.patternId || A.valuesVersion !== this.valuesVersion;
  }

  /** Throws PatternMismatchError unless A has the pattern this was analysed for. */
  protected checkPattern(A: CsrMatrix): void {
    this.alive();
    if (A.patternId !== this.patternId) {
      throw new PatternMismatchError(
        `${this.name}: the matrix has a different sparsity pattern than the one analysed; build a new preconditioner`,
      );
    }
  }

  /**
   * Numeric refactorization for A's current values (same pattern as analysed, else
   * PatternMismatchError); no new analysis, and (but for ILUT's growth) no allocation.
   */
  update(A: CsrMatrix): void {
    this.checkPattern(A);
    const t0 = performance.now();
    this.factorRecorded(A);
    const info = this.facts as PreconditionerInfo;
    info.factorMs = info.setupMs = performance.now() - t0;
    this.valuesVersion = A.valuesVersion;
  }

  /** @deprecated the former name of update(A); calls it. */
  refactor(A: CsrMatrix): void {
    this.update(A);
  }

  /** z = M^-1 r; FactorizationFailedError while the last factorization is one that failed. */
  applyPtr(r: number, z: number): void {
    this.refuseFailed();
    this.solve(r, z);
  }

  /**
   * Z = M^-1 R for k vectors at once (row-major n x k blocks on wasm pointers, not overlapping),
   * each column bitwise what applyPtr gives it. Returns false, having done nothing, when this
   * preconditioner has no block apply (IC(0), ILU(0), ILUT and Jacobi have one): the caller then
   * applies it column by column.
   * @internal
   */
  applyBlockPtr(k: number, r: number, z: number): boolean {
    this.refuseFailed();
    return this.solveBlock(k, r, z);
  }

  private refuseFailed(): void {
    this.alive();
    if (this.failure !== undefined) {
      const why = this.failure instanceof Error ? ` (${this.failure.message})` : '';
      throw new FactorizationFailedError(
        `${this.name}: the last factorization failed${why}; update(A) with other values or build a new preconditioner`,
        this.failure,
      );
    }
  }

  /** The block apply proper (see applyBlockPtr); none by default. */
  protected solveBlock(_k: number, _r: number, _z: number): boolean {
    return false;
  }

  /** The apply proper, on factors known to be complete. */
  protected abstract solve(r: number, z: number): void;

  /** Numeric setup for A's current values (pattern already analysed). */
  protected abstract factor(A: CsrMatrix): void;

  /** Analysis of A's pattern, allocating the factor storage (none by default). */
  protected analyze(_A: CsrMatrix): void {}

  /**
   * analyze + factor with their times in info; frees everything if either throws. Subclasses
   * call it at the end of their constructor (not from here: their fields are set after super()).
   */
  protected setup(A: CsrMatrix): void {
    try {
      const t0 = performance.now();
      this.analyze(A);
      const t1 = performance.now();
      this.factorRecorded(A);
      const t2 = performance.now();
      const info = this.facts as PreconditionerInfo;
      info.analysisMs = t1 - t0;
      info.factorMs = t2 - t1;
      info.setupMs = t2 - t0;
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /**
   * For analyze(): the pattern analysis of A to factor on, `given` (shared, checked against A) or
   * a new one held by this preconditioner alone; dispose() releases it.
   */
  protected patternAnalysis(A: CsrMatrix, kind: AnalysisKind, given: TriangularAnalysis | undefined): TriangularAnalysis {
    const S = useAnalysis(A, this.name, kind, given);
    this.analysisInUse = S;
    return S;
  }

  /** Frees the memory this preconditioner owns and ends its use of a pattern analysis. */
  override dispose(): void {
    if (this.disposed) return;
    super.dispose();
    this.analysisInUse?.releaseUse();
    this.analysisInUse = undefined;
  }

  /** factor(A), recording whether it failed (the `failed` state of every preconditioner). */
  private factorRecorded(A: CsrMatrix): void {
    try {
      this.factor(A);
    } catch (e) {
      if (!this.keepsFactorsOnFailure) this.failure = e ?? new Error('unknown');
      throw e;
    }
    this.failure = undefined;
  }
}


/**
 * Brings M up to date with A's values: M.update(A), or the deprecated M.refactor(A) of a user
 * object written before update() existed; nothing when M has neither.
 */
export function updatePreconditioner(M: Preconditioner, A: CsrMatrix): void {
  if (typeof M.update === 'function') M.update(A);
  else if (typeof M.refactor === 'function') M.refactor(A);
}
