import { InvalidArgumentError, StalePreconditionerError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { WasmResource } from '../runtime/resource.js';
import type { SparseRuntime } from '../runtime/runtime.js';
import type { Preconditioner, PreconditionerName } from './types.js';

/**
 * Common part of preconditioners built from a matrix: remembers the pattern id and values
 * version they were built for, so a stale one is detected instead of silently reused.
 */
export abstract class MatrixPreconditioner extends WasmResource implements Preconditioner {
  abstract readonly name: PreconditionerName;
  abstract readonly symmetric: boolean;
  readonly n: number;
  private readonly facts: Record<string, number | string | boolean> = {};
  private patternId: number;
  private valuesVersion: number;

  protected constructor(A: CsrMatrix) {
    super(A.runtime);
    if (A.rows !== A.cols) throw new InvalidArgumentError(`a preconditioner needs a square matrix, got ${A.rows} x ${A.cols}`);
    this.n = A.rows;
    this.patternId = A.patternId;
    this.valuesVersion = A.valuesVersion;
  }

  abstract applyPtr(r: number, z: number): void;

  /** Setup facts (shifts, fill, bounds, times); DisposedError after dispose(). */
  get info(): Record<string, number | string | boolean> {
    this.alive();
    return this.facts;
  }

  isStale(A: CsrMatrix): boolean {
    this.alive();
    return A.patternId !== this.patternId || A.valuesVersion !== this.valuesVersion;
  }

  /** Throws unless A has the pattern this was analysed for. */
  protected checkPattern(A: CsrMatrix): void {
    this.alive();
    if (A.patternId !== this.patternId) {
      throw new StalePreconditionerError(
        `${this.name}: the matrix has a different sparsity pattern than the one analysed; build a new preconditioner`,
      );
    }
  }

  /** Records that the numeric part now matches A's values. */
  protected markFresh(A: CsrMatrix): void {
    this.valuesVersion = A.valuesVersion;
  }

  refactor(A: CsrMatrix): void {
    this.checkPattern(A);
    const t0 = performance.now();
    this.factor(A);
    this.info.setupMs = performance.now() - t0;
    this.markFresh(A);
  }

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
      this.factor(A);
      const t2 = performance.now();
      this.info.analysisMs = t1 - t0;
      this.info.setupMs = t2 - t0;
    } catch (e) {
      this.dispose();
      throw e;
    }
  }
}

/** Allocates n float64s owned by `owner` through its runtime. */
export function allocF64(rt: SparseRuntime, n: number): number {
  return rt.alloc(n * 8);
}
