// Sparse LU with threshold partial pivoting: P A Q = L U, left-looking (Gilbert-Peierls, kernel in
// assembly/lu.ts). analyze() fixes the column order Q (fill-reducing, optionally inside a block
// triangular form); factor() finds the pivots and the fill; refactor() reuses both for new values
// of the same pattern without allocating; solve() is two sparse triangular solves (block
// back-substitution with the form), optionally with iterative refinement; rcond is a Hager-Higham
// estimate of 1 / (||A||_1 ||A^-1||_1).
import {
  DimensionMismatchError, FactorizationError, InvalidArgumentError, NonFiniteValueError, PatternMismatchError,
  WasmMemoryError, DisposedError,
} from '../errors.js';
import { checkOptions, describeValue } from '../options.js';
import { WasmResource } from '../runtime/resource.js';
import {
  FACTOR_OK, FACTOR_BAD_PIVOT, FACTOR_NOT_FINITE, FACTOR_OUTPUT_FULL,
  LU_OUT_BYTES, LU_OUT_CANDIDATES, LU_OUT_COLUMN, LU_OUT_MIN_RATIO, LU_OUT_UNSTABLE, LU_OUT_VALUE,
} from '../runtime/status.js';
import { checkOperand, CsrMatrix } from '../matrix/csr.js';
import { columnOrdering, type LuOrdering, type BlockForm, blockForm } from './lu-ordering.js';
import { choleskyFactorNnz, symmetricAdjacency } from './ordering/index.js';

export type { LuOrdering } from './lu-ordering.js';

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
/** Entries one wasm block can hold for the f64 value arrays (TLSF's 1 GiB block limit). */
const MAX_ENTRIES = Math.floor(((1 << 30) - 64) / 8);
const EPS = 2 ** -52;

export interface LuOptions {
  /**
   * Column pre-ordering Q: 'auto' (default: 'amd' for a mostly symmetric pattern with a nearly full
   * diagonal, else 'colamd'; see autoOrdering), 'amd' (approximate minimum degree on A + A^T),
   * 'colamd' (minimum degree on A^T A), 'rcm' (reverse Cuthill-McKee on A + A^T), 'natural', or a
   * permutation (q[k] = column of A placed at step k). With btf, 'auto'/'amd'/'colamd' order each
   * diagonal block on its own.
   */
  ordering?: LuOrdering;
  /**
   * Threshold partial pivoting: the preferred (diagonal) entry stays pivot while
   * |a_preferred| >= pivotThreshold * max |a_i| over the candidates of its column. 1 = plain partial
   * pivoting, 0 = always the diagonal if nonzero. Default 0.1.
   */
  pivotThreshold?: number;
  /**
   * Block triangular form (maximum transversal + strongly connected components): only the diagonal
   * blocks are factored, the off-diagonal ones are used as they are in a block back-substitution.
   * Pays for reducible matrices (circuits). Default false.
   */
  btf?: boolean;
  /** Iterative refinement steps solve() makes by default (stopping early at backward error ~eps). Default 0. */
  refine?: number;
}

const LU_OPTIONS = {
  ordering: {
    kind: 'custom',
    test: (v: unknown) => v === 'auto' || v === 'amd' || v === 'colamd' || v === 'rcm' || v === 'natural' || v instanceof Int32Array || Array.isArray(v),
    expected: `'auto', 'amd', 'colamd', 'rcm', 'natural' or a permutation (Int32Array or number[])`,
    default: 'auto',
  },
  pivotThreshold: { kind: 'number', min: 0, max: 1, default: 0.1 },
  btf: { kind: 'boolean', default: false },
  refine: { kind: 'integer', min: 0, max: 100, default: 0 },
} as const;

const SOLVE_OPTIONS = {
  refine: { kind: 'integer', min: 0, max: 100 },
  /** stop refining when the backward error is at most this (default 4 eps) */
  tolerance: { kind: 'number', min: 0, max: 1 },
} as const;

const REFACTOR_OPTIONS = {
  fallback: { kind: 'enum', values: ['repivot', 'none'], default: 'repivot' },
} as const;

/** What a factorization found; sizes count stored entries. */
export interface SparseLuInfo {
  n: number;
  nnzA: number;
  /** entries of L, its unit diagonal included */
  nnzL: number;
  /** entries of U, its diagonal included */
  nnzU: number;
  /** entries of the off-diagonal blocks kept from A (btf only; 0 otherwise) */
  nnzOffDiagonal: number;
  /** diagonal blocks of the block triangular form (1 without it) */
  blocks: number;
  /** the column ordering used ('given' for a permutation passed in) */
  ordering: string;
  pivotThreshold: number;
  /** pivots taken off the preferred (diagonal) row because it was too small or absent */
  offDiagonalPivots: number;
  /** min |u_kk| / max |u_kk|: a cheap hint of near-singularity (1e-16: about singular) */
  pivotRatio: number;
  /**
   * the analysis's fill prediction nnz(L) + nnz(U): twice the Cholesky fill of the pattern of
   * A + A^T in the column order (exact for a structurally symmetric matrix factored on its diagonal;
   * a guess otherwise; 0 with btf or colamd). The factor storage starts at this size.
   */
  predictedNnz: number;
  /** times the factor storage had to grow during the factorization (beyond the prediction) */
  regrowths: number;
  /** wall times in ms */
  timings: { analyze: number; factor: number; refactor?: number };
  /** set when the matrix looks near-singular (with the condition estimate) */
  warning?: string;
}

/** What refactor() found. */
export interface LuRefactorResult {
  /** every kept pivot passed the threshold test (|u_kk| >= pivotThreshold * max of its column) */
  stable: boolean;
  /** pivots that failed it, and the first one's column step (-1 if none) */
  unstablePivots: number;
  firstUnstableColumn: number;
  /** min over columns of |u_kk| / max(|u_kk|, max_i |l_ik u_kk|) with the kept pivots */
  minPivotRatio: number;
  /** true when the kept pivots were unstable (or a pivot was zero) and a fresh pivoting factorization replaced them */
  repivoted: boolean;
}

/** The result of solveDetailed(). */
export interface LuSolveResult {
  x: Float64Array;
  /** normwise backward error ||b - A x||_inf / (||A||_inf ||x||_inf + ||b||_inf) of the returned x */
  backwardError: number;
  refinementSteps: number;
}

/**
 * The sparse LU factorization P A Q = L U of a square matrix, with threshold partial pivoting
 * (with btf: P A Q = block upper triangular, L U on the diagonal blocks, the off-diagonal blocks F
 * kept from A). getFactors() gives pinv (row i of A -> pivot step) and q (step -> column of A).
 *
 *   const f = lu(A);                          // analyze (ordering) + factor
 *   const x = f.solve(b);                     // or f.solveDetailed(b, { refine: 2 }) with the backward error
 *   f.refactor(newValues);                    // same pattern: pivots and structure reused
 *   f.rcond; f.info.warning;                  // condition estimate, near-singularity warning
 *   f.dispose();
 */
export class SparseLu extends WasmResource {
  readonly n: number;
  readonly info: SparseLuInfo;
  private readonly opts: { pivotThreshold: number; refine: number };
  private readonly patternId: number;
  private readonly nnzA: number;
  /** CSR position of each CSC entry: Ax[k] = values[cscSource[k]] */
  private readonly cscSource: Int32Array;
  private readonly form: BlockForm;
  // wasm arrays (byte pointers); capacities in entries
  private Ap = 0; private Ai = 0; private Ax = 0;
  private q = 0; private pref = 0; private rowBlock = 0; private colBlock = 0; private blockStarts = 0;
  private Lp = 0; private Li = 0; private Lx = 0; private capL = 0;
  private Up = 0; private Ui = 0; private Ux = 0; private capU = 0;
  private Fp = 0; private Fi = 0; private Fx = 0;
  private pinv = 0; private x = 0; private tmp = 0; private snode = 0; private bBuf = 0; private xBuf = 0; private rBuf = 0; private out = 0;
  private factored = false;
  private normA1 = 0;
  private normAInf = 0;
  private rcondCache: number | undefined;
  /** the matrix given to analyze(), kept to factor() without an argument */
  private source: CsrMatrix | undefined;

  private constructor(A: CsrMatrix, o: { ordering: LuOrdering; pivotThreshold: number; btf: boolean; refine: number }) {
    super(A.runtime);
    const t0 = now();
    const n = A.rows;
    this.n = n;
    this.nnzA = A.nnz;
    this.patternId = A.patternId;
    this.opts = { pivotThreshold: o.pivotThreshold, refine: o.refine };
    const rt = this.runtime;
    // CSC copy of the pattern (and the CSR position of each entry, for new values)
    const rp = A.rowPtr, ci = A.colIdx;
    const colPtr = new Int32Array(n + 1);
    for (let p = 0; p < A.nnz; p++) colPtr[ci[p] + 1]++;
    for (let j = 0; j < n; j++) colPtr[j + 1] += colPtr[j];
    const next = colPtr.slice(0, n), rowIdx = new Int32Array(A.nnz), src = new Int32Array(A.nnz);
    for (let i = 0; i < n; i++) {
      for (let p = rp[i]; p < rp[i + 1]; p++) {
        const k = next[ci[p]]++;
        rowIdx[k] = i;
        src[k] = p;
      }
    }
    this.cscSource = src;
    this.source = A;
    checkStructure(n, rp, colPtr);
    let name: string;
    if (o.btf) {
      // a given permutation or a cheap global one orders inside the blocks; amd / colamd run per block
      const perBlock = o.ordering === 'auto' || o.ordering === 'amd' || o.ordering === 'colamd';
      const global = perBlock ? undefined : columnOrdering(A, o.ordering).q;
      this.form = blockForm(A, o.ordering, global);
      name = `btf + ${typeof o.ordering === 'string' ? o.ordering : 'given'}`;
    } else {
      const c = columnOrdering(A, o.ordering);
      name = c.name;
      this.form = { q: c.q, pref: c.q, rowBlock: undefined, colBlock: undefined, blocks: Int32Array.of(0, n) };
    }
    let predicted = 0;
    // (a colamd order says little about the fill of A + A^T's Cholesky factor: no prediction then)
    if (!o.btf && n > 0 && !name.endsWith('colamd')) {
      const { ptr, adj } = symmetricAdjacency(n, rp.slice(), ci.slice());
      predicted = 2 * choleskyFactorNnz(n, ptr, adj, this.form.q);
    }
    try {
      const i32 = (len: number) => this.own(rt.alloc(Math.max(len, 1) * 4));
      const f64 = (len: number) => this.own(rt.alloc(Math.max(len, 1) * 8));
      this.Ap = i32(n + 1); this.Ai = i32(A.nnz); this.Ax = f64(A.nnz);
      rt.i32(this.Ap, n + 1).set(colPtr);
      rt.i32(this.Ai, A.nnz).set(rowIdx);
      this.q = i32(n); this.pref = i32(n); this.pinv = i32(n);
      rt.i32(this.q, n).set(this.form.q);
      rt.i32(this.pref, n).set(this.form.pref);
      const nb = this.form.blocks.length - 1;
      this.blockStarts = i32(nb + 1);
      rt.i32(this.blockStarts, nb + 1).set(this.form.blocks);
      if (this.form.rowBlock && this.form.colBlock) {
        this.rowBlock = i32(n); this.colBlock = i32(n);
        rt.i32(this.rowBlock, n).set(this.form.rowBlock);
        rt.i32(this.colBlock, n).set(this.form.colBlock);
        this.Fp = i32(n + 1); this.Fi = i32(A.nnz); this.Fx = f64(A.nnz);
      }
      this.Lp = i32(n + 1); this.Up = i32(n + 1);
      this.x = f64(n); this.tmp = f64(n); this.snode = i32(2 * n); this.bBuf = f64(n); this.xBuf = f64(n); this.rBuf = f64(n);
      this.out = this.own(rt.alloc(LU_OUT_BYTES));
      rt.f64(this.x, n).fill(0);
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.info = {
      n, nnzA: A.nnz, nnzL: 0, nnzU: 0, nnzOffDiagonal: 0, blocks: this.form.blocks.length - 1, ordering: name,
      pivotThreshold: o.pivotThreshold, offDiagonalPivots: 0, pivotRatio: 1, predictedNnz: predicted, regrowths: 0,
      timings: { analyze: now() - t0, factor: 0 },
    };
  }

  /**
   * Symbolic phase: checks A (square, no empty row or column), computes the column ordering (and
   * the block triangular form with `btf`). The fill of LU depends on the pivots, so it is found by
   * factor().
   */
  static analyze(A: CsrMatrix, options: LuOptions = {}): SparseLu {
    const o = checkOptions('SparseLu.analyze', options, LU_OPTIONS);
    checkOperand(A, 'A');
    if (A.rows !== A.cols) {
      throw new DimensionMismatchError(
        `SparseLu needs a square matrix, got ${A.rows} x ${A.cols} (least squares is not supported: solve the normal equations A^T A x = A^T b with a Cholesky factorization, or use a Krylov method such as LSQR)`,
      );
    }
    return new SparseLu(A, o as { ordering: LuOrdering; pivotThreshold: number; btf: boolean; refine: number });
  }

  /** The numeric factorization with fresh pivoting, of `A` (the analysed matrix by default; same pattern). */
  factor(A?: CsrMatrix): this {
    this.alive();
    this.loadValues(A, 'factor');
    return this.factorLoaded();
  }

  /** factor() of the values already in the CSC copy. */
  private factorLoaded(): this {
    const rt = this.runtime, n = this.n;
    const t0 = now();
    this.factored = false;
    this.rcondCache = undefined;
    if (this.capL === 0) {
      // the predicted fill (10% more for off-diagonal pivots), or 4 nnz(A) + n without a
      // prediction; grown in large steps when exceeded. Allocated before the numeric phase, so a
      // prediction that cannot fit is a WasmMemoryError before any work.
      const half = this.info.predictedNnz / 2;
      const cap = Math.min(MAX_ENTRIES, half > 0 ? Math.ceil(1.1 * half) + 16 : 4 * this.nnzA + n + 16);
      try {
        this.growL(cap, 0);
        this.growU(cap, 0);
      } catch (e) {
        if (e instanceof WasmMemoryError) {
          throw new WasmMemoryError(
            `SparseLu: the factors are predicted to need about ${2 * cap} entries (${((2 * cap * 12) / 2 ** 20).toFixed(0)} MiB), more than wasm memory can hold: ${e.message}; try another ordering or a larger maximumMemoryMiB`,
          );
        }
        throw e;
      }
    }
    const work: number[] = [];
    try {
      const xi = rt.alloc(Math.max(3 * n, 1) * 4); work.push(xi);
      const marks = rt.alloc(Math.max(3 * n, 1) * 4); work.push(marks); // marks, Lpend, supernode row marks
      const k = rt.kernels;
      let start = 0;
      for (;;) {
        const status = k.luFactor(
          n, this.Ap, this.Ai, this.Ax, this.q, this.pref, this.rowBlock, this.colBlock, this.opts.pivotThreshold,
          this.Lp, this.Li, this.Lx, this.capL, this.Up, this.Ui, this.Ux, this.capU, this.Fp, this.Fi, this.Fx,
          this.pinv, this.x, this.tmp, xi, marks, this.snode, start, this.out,
        );
        if (status === FACTOR_OK) break;
        const col = this.outI32(LU_OUT_COLUMN);
        if (status !== FACTOR_OUTPUT_FULL) throw this.pivotError(status, col);
        // grow the full factor(s): at least double, or to an estimate of the total from the progress
        const usedL = rt.i32(this.Lp, n + 1)[col], usedU = rt.i32(this.Up, n + 1)[col];
        const want = (cap: number, used: number) =>
          Math.min(MAX_ENTRIES, Math.max(2 * cap, Math.ceil((used / Math.max(col, 1)) * n * 1.5), used + n + 16));
        const needL = usedL + n > this.capL, needU = usedU + n > this.capU;
        if ((needL && this.capL >= MAX_ENTRIES) || (needU && this.capU >= MAX_ENTRIES)) {
          throw new WasmMemoryError(`SparseLu: the factors need more than ${MAX_ENTRIES} entries at column ${col} (one wasm block holds at most 1 GiB): try another ordering`);
        }
        try {
          if (needL) this.growL(want(this.capL, usedL), usedL);
          if (needU) this.growU(want(this.capU, usedU), usedU);
        } catch (e) {
          if (e instanceof WasmMemoryError) {
            throw new WasmMemoryError(
              `SparseLu: out of wasm memory growing the factors at column ${col} of ${n} (L ${usedL} and U ${usedU} entries so far): ${e.message}; try another ordering or a larger maximumMemoryMiB`,
            );
          }
          throw e;
        }
        this.info.regrowths++;
        start = col;
      }
    } catch (e) {
      // the x workspace must be zero again for the next attempt (the kernel clears what it touched)
      rt.f64(this.x, n).fill(0);
      throw e;
    } finally {
      for (const p of work) rt.free(p);
    }
    this.factored = true;
    this.finishInfo();
    this.info.timings.factor = now() - t0;
    this.checkConditioning();
    return this;
  }

  /**
   * The numeric factorization for new values (same pattern), with the pivot order and the L/U
   * patterns of the last factor(): allocates nothing. A kept pivot below pivotThreshold times its
   * column's largest entry makes the result `stable: false`; with `fallback: 'repivot'` (default)
   * a fresh pivoting factorization then replaces it (this one allocates), with 'none' the
   * factors are kept as they are (a zero pivot then throws FactorizationError).
   */
  refactor(values: ArrayLike<number> | CsrMatrix, options: { fallback?: 'repivot' | 'none' } = {}): LuRefactorResult {
    this.alive();
    const { fallback } = checkOptions('SparseLu.refactor', options, REFACTOR_OPTIONS);
    if (!this.factored) throw new FactorizationError('SparseLu.refactor: no factorization to reuse: call factor() first (or after its error)', -1);
    if (values instanceof CsrMatrix) this.loadValues(values, 'refactor');
    else this.loadArray(values);
    const rt = this.runtime, n = this.n;
    const t0 = now();
    this.rcondCache = undefined;
    const status = rt.kernels.luRefactor(
      n, this.Ap, this.Ai, this.Ax, this.q, this.rowBlock, this.colBlock, this.opts.pivotThreshold,
      this.Lp, this.Li, this.Lx, this.Up, this.Ui, this.Ux, this.Fp, this.Fx, this.pinv, this.x, this.tmp, this.snode, this.out,
    );
    const result: LuRefactorResult = {
      stable: status === FACTOR_OK && this.outI32(LU_OUT_UNSTABLE) === 0,
      unstablePivots: this.outI32(LU_OUT_UNSTABLE),
      firstUnstableColumn: this.outI32(LU_OUT_COLUMN),
      minPivotRatio: status === FACTOR_OK ? this.outF64(LU_OUT_MIN_RATIO) : 0,
      repivoted: false,
    };
    if (status !== FACTOR_OK || (!result.stable && fallback === 'repivot')) {
      if (fallback === 'none' && status !== FACTOR_OK) {
        this.factored = false;
        const col = this.outI32(LU_OUT_COLUMN);
        const origCol = this.form.q[col];
        throw new FactorizationError(
          status === FACTOR_NOT_FINITE
            ? `SparseLu.refactor: a factor entry in column ${origCol} (step ${col}) is not finite: the factorization overflowed`
            : `SparseLu.refactor: zero pivot in column ${origCol} (step ${col}) with the kept pivot order; refactor with fallback: 'repivot' or factor() again`,
          -1, { column: origCol, reason: status === FACTOR_NOT_FINITE ? 'not-finite' : 'zero-pivot' },
        );
      }
      this.factorLoaded();
      result.repivoted = true;
      return result;
    }
    this.finishInfo();
    this.info.timings.refactor = now() - t0;
    this.checkConditioning();
    return result;
  }

  /** x = A^-1 b (with `refine` steps of iterative refinement when the options say so). */
  solve(b: ArrayLike<number>, x?: Float64Array): Float64Array {
    if (this.opts.refine > 0) {
      const r = this.solveDetailed(b, { refine: this.opts.refine });
      if (x) { x.set(r.x); return x; }
      return r.x;
    }
    this.ready();
    const n = this.n;
    this.loadVector(b, this.bBuf, 'b');
    this.kernelSolve(this.bBuf, this.xBuf, false);
    const out = x ?? new Float64Array(n);
    if (out.length !== n) throw new DimensionMismatchError(`x has length ${out.length}, expected ${n}`);
    out.set(this.runtime.f64(this.xBuf, n));
    return out;
  }

  /** x = A^-T b. */
  solveTransposed(b: ArrayLike<number>, x?: Float64Array): Float64Array {
    this.ready();
    const n = this.n;
    this.loadVector(b, this.bBuf, 'b');
    this.kernelSolve(this.bBuf, this.xBuf, true);
    const out = x ?? new Float64Array(n);
    if (out.length !== n) throw new DimensionMismatchError(`x has length ${out.length}, expected ${n}`);
    out.set(this.runtime.f64(this.xBuf, n));
    return out;
  }

  /**
   * x = A^-1 b with up to `refine` steps of iterative refinement (x += A^-1 (b - A x)), stopping
   * when the normwise backward error is at most `tolerance` (default 4 eps) or stops halving.
   * Reports the backward error of the returned x (computed with the factored values).
   */
  solveDetailed(b: ArrayLike<number>, options: { refine?: number; tolerance?: number } = {}): LuSolveResult {
    const o = checkOptions('SparseLu.solveDetailed', options, SOLVE_OPTIONS);
    this.ready();
    const rt = this.runtime, k = rt.kernels, n = this.n;
    const maxSteps = o.refine ?? this.opts.refine, tol = o.tolerance ?? 4 * EPS;
    this.loadVector(b, this.bBuf, 'b');
    this.kernelSolve(this.bBuf, this.xBuf, false);
    let berr = this.residual();
    let steps = 0;
    while (steps < maxSteps && berr > tol) {
      const previous = rt.f64(this.xBuf, n).slice();
      this.kernelSolve(this.rBuf, this.rBuf, false); // d = A^-1 r (the kernel reads r before writing d)
      k.axpy(n, 1, this.rBuf, this.xBuf); // x += d
      steps++;
      const prev = berr;
      berr = this.residual();
      if (berr > prev / 2) {
        if (berr > prev) { // the step made it worse (rounding level reached): keep the previous x
          rt.f64(this.xBuf, n).set(previous);
          berr = prev;
        }
        break;
      }
    }
    return { x: rt.f64(this.xBuf, n).slice(), backwardError: berr, refinementSteps: steps };
  }

  /**
   * Estimate of the reciprocal condition number 1 / (||A||_1 ||A^-1||_1) (Hager's method with
   * Higham's refinements, as LAPACK's xGECON and KLU's condest: a few solves with A and A^T; a
   * lower bound of ||A^-1||_1, usually within a factor 3). 0 for a singular factorization.
   */
  get rcond(): number {
    this.ready();
    if (this.rcondCache === undefined) this.rcondCache = this.estimateRcond();
    return this.rcondCache;
  }

  /** The factors as CSC arrays: L (unit diagonal first), U (pivot last), pinv (row i -> step) and q (step -> column). */
  getFactors(): { L: CscArrays; U: CscArrays; pinv: Int32Array; q: Int32Array; blocks: Int32Array; F?: CscArrays } {
    this.ready();
    const rt = this.runtime, n = this.n;
    const read = (p: number, i: number, x: number): CscArrays => {
      const ptr = rt.i32(p, n + 1).slice();
      const nnz = ptr[n];
      return { indptr: ptr, indices: rt.i32(i, nnz).slice(), data: rt.f64(x, nnz).slice() };
    };
    return {
      L: read(this.Lp, this.Li, this.Lx), U: read(this.Up, this.Ui, this.Ux),
      pinv: rt.i32(this.pinv, n).slice(), q: this.form.q.slice(), blocks: this.form.blocks.slice(),
      ...(this.Fp ? { F: read(this.Fp, this.Fi, this.Fx) } : {}),
    };
  }

  // ---------- internals ----------

  private ready(): void {
    this.alive();
    if (!this.factored) throw new FactorizationError('SparseLu: not factored (call factor(), or its last attempt failed)', -1);
  }

  protected override alive(what = 'SparseLu'): void {
    if (this.disposed) throw new DisposedError(`${what} was used after dispose()`);
  }

  private outI32(off: number): number { return this.runtime.i32(this.out + off, 1)[0]; }
  private outF64(off: number): number { return this.runtime.f64(this.out + off, 1)[0]; }

  /** Copies A's values (or the analysed matrix's) into the CSC value array. */
  private loadValues(A: CsrMatrix | undefined, where: string): void {
    if (A === undefined) {
      if (!this.source || this.source.disposed) {
        throw new InvalidArgumentError(`SparseLu.${where}: pass the matrix (the analysed one was disposed)`);
      }
      A = this.source;
    }
    checkOperand(A, 'A', this.runtime);
    if (A.rows !== this.n || A.cols !== this.n || A.nnz !== this.nnzA) {
      throw new PatternMismatchError(`SparseLu.${where}: A is ${A.rows} x ${A.cols} with ${A.nnz} entries, analysed for ${this.n} x ${this.n} with ${this.nnzA}`);
    }
    if (A.patternId !== this.patternId && !this.samePattern(A)) {
      throw new PatternMismatchError(`SparseLu.${where}: A has another sparsity pattern than the analysed matrix: analyze it`);
    }
    this.gather(A.values);
  }


  private samePattern(A: CsrMatrix): boolean {
    const src = this.cscSource, n = this.n, rt = this.runtime;
    const ap = rt.i32(this.Ap, n + 1), ai = rt.i32(this.Ai, this.nnzA);
    const rp = A.rowPtr, ci = A.colIdx;
    for (let j = 0; j < n; j++) {
      for (let k = ap[j]; k < ap[j + 1]; k++) {
        const p = src[k], i = ai[k];
        if (ci[p] !== j || p < rp[i] || p >= rp[i + 1]) return false;
      }
    }
    return true;
  }

  private loadArray(values: ArrayLike<number>): void {
    if (values == null || typeof (values as ArrayLike<number>).length !== 'number') {
      throw new InvalidArgumentError(`SparseLu.refactor: values must be an array of ${this.nnzA} numbers or a CsrMatrix, got ${describeValue(values)}`);
    }
    if (values.length !== this.nnzA) throw new DimensionMismatchError(`SparseLu.refactor: ${values.length} values for a pattern of ${this.nnzA} entries`);
    for (let p = 0; p < values.length; p++) {
      const v = values[p];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new NonFiniteValueError(`SparseLu.refactor: value ${p} is ${v}, not a finite number`);
    }
    this.gather(values);
  }

  private gather(values: ArrayLike<number>): void {
    const ax = this.runtime.f64(this.Ax, this.nnzA), src = this.cscSource, n = this.n;
    for (let k = 0; k < ax.length; k++) ax[k] = values[src[k]];
    // norms for rcond and the backward error
    const ap = this.runtime.i32(this.Ap, n + 1), ai = this.runtime.i32(this.Ai, this.nnzA);
    const rowSum = new Float64Array(n);
    let n1 = 0;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = ap[j]; k < ap[j + 1]; k++) { const a = Math.abs(ax[k]); s += a; rowSum[ai[k]] += a; }
      if (s > n1) n1 = s;
    }
    let ninf = 0;
    for (let i = 0; i < n; i++) if (rowSum[i] > ninf) ninf = rowSum[i];
    this.normA1 = n1;
    this.normAInf = ninf;
  }

  private growL(cap: number, used: number): void {
    [this.Li, this.Lx] = this.grow(this.Li, this.Lx, cap, used);
    this.capL = cap;
  }

  private growU(cap: number, used: number): void {
    [this.Ui, this.Ux] = this.grow(this.Ui, this.Ux, cap, used);
    this.capU = cap;
  }

  /** New index and value arrays of `cap` entries holding the first `used` of the old ones. */
  private grow(oi: number, ox: number, cap: number, used: number): [number, number] {
    const rt = this.runtime;
    const ni = rt.alloc(cap * 4);
    let nx: number;
    try {
      nx = rt.alloc(cap * 8);
    } catch (e) {
      rt.free(ni);
      throw e;
    }
    if (used > 0) {
      rt.i32(ni, used).set(rt.i32(oi, used));
      rt.f64(nx, used).set(rt.f64(ox, used));
    }
    if (oi) this.release(oi);
    if (ox) this.release(ox);
    return [this.own(ni), this.own(nx)];
  }

  private pivotError(status: number, step: number): FactorizationError {
    const col = this.form.q[step];
    if (status === FACTOR_NOT_FINITE) {
      return new FactorizationError(`SparseLu: a factor entry in column ${col} (step ${step}) is not finite: the factorization overflowed`, -1, { column: col, reason: 'not-finite' });
    }
    const candidates = this.outI32(LU_OUT_CANDIDATES), value = this.outF64(LU_OUT_VALUE);
    if (candidates === 0) {
      return new FactorizationError(
        `SparseLu: the matrix is structurally singular: column ${col} (step ${step}) has no entry in a row not already used as a pivot (no perfect matching of rows to columns)`,
        -1, { column: col, reason: 'structurally-singular' },
      );
    }
    return new FactorizationError(
      `SparseLu: the matrix is numerically singular: column ${col} (step ${step}) has no nonzero pivot candidate (${candidates} candidate rows, largest |value| ${value})`,
      -1, { column: col, reason: 'zero-pivot' },
    );
  }

  private finishInfo(): void {
    const rt = this.runtime, n = this.n;
    const lp = rt.i32(this.Lp, n + 1), up = rt.i32(this.Up, n + 1);
    this.info.nnzL = lp[n];
    this.info.nnzU = up[n];
    this.info.nnzOffDiagonal = this.Fp ? rt.i32(this.Fp, n + 1)[n] : 0;
    const ux = rt.f64(this.Ux, up[n]), pinv = rt.i32(this.pinv, n), pref = this.form.pref;
    let lo = Infinity, hi = 0, off = 0;
    for (let k = 0; k < n; k++) {
      const a = Math.abs(ux[up[k + 1] - 1]);
      if (a < lo) lo = a;
      if (a > hi) hi = a;
      if (pref[k] < 0 || pinv[pref[k]] !== k) off++;
    }
    this.info.offDiagonalPivots = off;
    this.info.pivotRatio = n === 0 ? 1 : hi > 0 ? lo / hi : 0;
  }

  /**
   * Near-singularity warning: the condition estimate costs a few solves, so it is computed only
   * when the pivots already hint at trouble (min/max pivot ratio below 1e-6); the warning is set
   * when the estimated rcond is below 1e-12 (about 4 significant digits left).
   */
  private checkConditioning(): void {
    delete this.info.warning;
    if (this.info.pivotRatio >= 1e-6) return;
    const rc = this.rcond;
    if (rc < 1e-12) {
      this.info.warning = `near-singular: estimated reciprocal condition number ${rc.toExponential(2)} (condition ~${(1 / rc).toExponential(1)}): expect to lose about ${Math.min(16, Math.round(-Math.log10(rc)))} significant digits`;
    }
  }

  private kernelSolve(b: number, x: number, transposed: boolean): void {
    const k = this.runtime.kernels, nb = this.form.blocks.length - 1;
    const f = transposed ? k.luSolveTransposed : k.luSolve;
    f(this.n, nb, this.blockStarts, this.Lp, this.Li, this.Lx, this.Up, this.Ui, this.Ux,
      this.Fp, this.Fi, this.Fx, this.pinv, this.q, b, x, this.x);
  }

  /** rBuf = b - A x for the factored values; returns the normwise backward error. */
  private residual(): number {
    const rt = this.runtime, n = this.n;
    rt.kernels.copy(n, this.bBuf, this.rBuf);
    // the CSC arrays of A are the CSR arrays of A^T: (A^T)^T x = A x
    rt.kernels.csrSpmvTransposed(n, n, this.Ap, this.Ai, this.Ax, this.xBuf, this.rBuf, -1, 1);
    const r = rt.f64(this.rBuf, n), x = rt.f64(this.xBuf, n), b = rt.f64(this.bBuf, n);
    let rn = 0, xn = 0, bn = 0;
    for (let i = 0; i < n; i++) {
      const ra = Math.abs(r[i]), xa = Math.abs(x[i]), ba = Math.abs(b[i]);
      if (ra > rn) rn = ra;
      if (xa > xn) xn = xa;
      if (ba > bn) bn = ba;
    }
    const d = this.normAInf * xn + bn;
    return d > 0 ? rn / d : rn > 0 ? Infinity : 0;
  }

  private loadVector(v: ArrayLike<number>, ptr: number, name: string): void {
    if (v == null || typeof (v as ArrayLike<number>).length !== 'number') throw new InvalidArgumentError(`${name} must be an array of numbers`);
    if (v.length !== this.n) throw new DimensionMismatchError(`${name} has length ${v.length}, expected ${this.n}`);
    const view = this.runtime.f64(ptr, this.n);
    view.set(v);
    for (let i = 0; i < this.n; i++) {
      if (!Number.isFinite(view[i])) throw new NonFiniteValueError(`${name}[${i}] is ${view[i]}, not a finite number`);
    }
  }

  private estimateRcond(): number {
    const n = this.n;
    if (n === 0) return Infinity;
    const rt = this.runtime;
    const solveInPlace = (v: Float64Array, transposed: boolean): Float64Array => {
      rt.f64(this.bBuf, n).set(v);
      this.kernelSolve(this.bBuf, this.rBuf, transposed);
      return rt.f64(this.rBuf, n).slice();
    };
    const norm1 = (v: Float64Array) => { let s = 0; for (let i = 0; i < n; i++) s += Math.abs(v[i]); return s; };
    const sign = (v: Float64Array) => { const s = new Float64Array(n); for (let i = 0; i < n; i++) s[i] = v[i] >= 0 ? 1 : -1; return s; };
    const argmaxAbs = (v: Float64Array) => { let j = 0; for (let i = 1; i < n; i++) if (Math.abs(v[i]) > Math.abs(v[j])) j = i; return j; };
    // Hager (1984) with Higham's (1988) safeguards, as LAPACK's xLACN2
    let v = solveInPlace(new Float64Array(n).fill(1 / n), false);
    let est = norm1(v);
    if (n > 1 && Number.isFinite(est)) {
      let xi = sign(v);
      let z = solveInPlace(xi, true);
      let j = argmaxAbs(z);
      for (let iter = 0; iter < 5; iter++) {
        const e = new Float64Array(n); e[j] = 1;
        v = solveInPlace(e, false);
        const old = est;
        est = norm1(v);
        const s = sign(v);
        let same = true;
        for (let i = 0; i < n; i++) if (s[i] !== xi[i]) { same = false; break; }
        if (same || est <= old) { est = Math.max(est, old); break; }
        xi = s;
        z = solveInPlace(xi, true);
        const jlast = j;
        j = argmaxAbs(z);
        if (Math.abs(z[jlast]) === Math.abs(z[j])) break;
      }
      // Higham's alternative vector guards against the cases the iteration underestimates badly
      const alt = new Float64Array(n);
      for (let i = 0; i < n; i++) alt[i] = (i % 2 === 0 ? 1 : -1) * (1 + i / (n - 1));
      const t = (2 * norm1(solveInPlace(alt, false))) / (3 * n);
      if (t > est) est = t;
    }
    if (!Number.isFinite(est) || est === 0 || this.normA1 === 0) return 0;
    return 1 / (this.normA1 * est);
  }
}

/** Compressed sparse column arrays. */
export interface CscArrays { indptr: Int32Array; indices: Int32Array; data: Float64Array }

/** Throws FactorizationError naming the first empty row or column (structurally singular). */
function checkStructure(n: number, rowPtr: Int32Array, colPtr: Int32Array): void {
  for (let i = 0; i < n; i++) {
    if (rowPtr[i + 1] === rowPtr[i]) {
      throw new FactorizationError(`SparseLu: the matrix is structurally singular: row ${i} is empty`, i, { column: -1, reason: 'empty-row' });
    }
  }
  for (let j = 0; j < n; j++) {
    if (colPtr[j + 1] === colPtr[j]) {
      throw new FactorizationError(`SparseLu: the matrix is structurally singular: column ${j} is empty`, -1, { column: j, reason: 'empty-column' });
    }
  }
}

/** Analyze + factor: the LU factorization of A, ready to solve. */
export function lu(A: CsrMatrix, options: LuOptions = {}): SparseLu {
  const f = SparseLu.analyze(A, options);
  try {
    return f.factor(A);
  } catch (e) {
    f.dispose();
    throw e;
  }
}

