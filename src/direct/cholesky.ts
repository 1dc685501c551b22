// Sparse Cholesky: A = P^T L L^T P (kind 'llt', symmetric positive definite A) or
// A = P^T L D L^T P (kind 'ldlt', symmetric quasi-definite A: no pivoting, D may have both signs).
// analyze (ordering + symbolic, src/direct/symbolic.ts) -> factor (supernodal multifrontal with
// dense SIMD kernels, assembly/cholesky.ts + assembly/dense_front.ts) -> solve. refactor() with new
// values of the same pattern reuses every allocation.
import {
  DimensionMismatchError, FactorizationError, InvalidArgumentError, NonFiniteValueError, PatternMismatchError,
  WasmMemoryError,
} from '../errors.js';
import { checkOperand, CsrMatrix } from '../matrix/csr.js';
import { reverseCuthillMcKee } from '../matrix/ordering.js';
import { inversePermutation } from '../matrix/ops.js';
import { checkOptions } from '../options.js';
import { WasmResource } from '../runtime/resource.js';
import type { SparseRuntime } from '../runtime/runtime.js';
import { FACTOR_OUT_BYTES, FACTOR_NOT_FINITE, readFactorStatus } from '../runtime/status.js';
import { DenseVector, checkFiniteEntries, checkVectorArray, type VectorLike } from '../vector.js';
import { analyzeSymbolic, type SymbolicFactor } from './symbolic.js';
import { amd } from './ordering/amd.js';

/** The fill-reducing ordering: a name, or a permutation (new index k <- old index perm[k]). */
export type CholeskyOrdering = 'amd' | 'rcm' | 'natural' | Int32Array | number[];

export interface CholeskyOptions {
  /** fill-reducing ordering (default 'amd') */
  ordering?: CholeskyOrdering;
  /** 'llt' (default): A SPD, A = L L^T; 'ldlt': A symmetric quasi-definite, A = L D L^T */
  kind?: 'llt' | 'ldlt';
  /** relaxed supernode amalgamation (default true): fewer, larger supernodes, some explicit zeros */
  relax?: boolean;
  /**
   * steps of iterative refinement in every solve (default 0): r = b - A x with the values last
   * factored (the permuted lower triangle, kept in wasm), x += A^-1 r
   */
  refine?: number;
}

export interface CholeskyInfo {
  n: number;
  /** entries of A read (its lower triangle, diagonal included) */
  nnzLower: number;
  /** nnz(L) with the diagonal: exact, from the column counts (explicit zeros of amalgamation excluded) */
  nnzL: number;
  /** doubles stored for L (supernode blocks: amalgamation zeros and the unused upper triangles included) */
  storedEntries: number;
  supernodes: number;
  /** widest supernode (columns) and largest frontal matrix (rows) */
  maxSupernode: number;
  maxFront: number;
  /** sum over the columns of L of count^2: about the flops of the numeric factorization */
  flops: number;
  /** the ordering used ('amd', 'rcm', 'natural' or 'given') */
  ordering: string;
  kind: 'llt' | 'ldlt';
  /** A had only its lower triangle stored ('lower') or both, checked symmetric ('full') */
  storage: 'lower' | 'full';
  /** predicted bytes of wasm memory the factorization holds (symbolic arrays, L, workspace) */
  predictedBytes: number;
  /** numeric factorizations done (factor and refactor) */
  factorizations: number;
  timings: { orderingMs: number; symbolicMs: number; analyzeMs: number; factorMs: number; solveMs: number };
}

const OPTIONS = {
  ordering: {
    kind: 'custom',
    test: (v: unknown) => v === 'amd' || v === 'rcm' || v === 'natural' || v instanceof Int32Array || Array.isArray(v),
    expected: "'amd', 'rcm', 'natural' or a permutation (Int32Array or array)",
    default: 'amd',
  },
  kind: { kind: 'enum', values: ['llt', 'ldlt'], default: 'llt' },
  relax: { kind: 'boolean', default: true },
  refine: { kind: 'integer', min: 0, max: 100, default: 0 },
} as const;

/** wasm allocations of the symbolic analysis and of the numeric factorization */
interface Pointers {
  perm: number; superCol: number; superRowPtr: number; rowIdx: number; lOff: number; nchild: number;
  Cp: number; Ci: number; src: number;
  Cx: number; Lx: number; map: number; rel: number; W: number; stack: number; stackIds: number;
  packA: number; packB: number; out: number; x: number; tmp: number; rb: number; rr: number;
}

/**
 * A sparse Cholesky factorization of a symmetric matrix: `SparseCholesky.analyze(A, options)`
 * orders and analyses the pattern, `factor()` computes L, `solve(b)` solves A x = b,
 * `refactor(values)` recomputes L for new values of the same pattern without allocating.
 *
 * Only the lower triangle of A (entries i >= j) is used. A may store just its lower triangle; if
 * it stores entries above the diagonal too, A must be symmetric (pattern checked by analyze,
 * values by every factorization: InvalidArgumentError naming the first entry that differs).
 * Errors: non-square A → DimensionMismatchError; non-finite values → NonFiniteValueError naming
 * the entry; a pivot that is not > 0 (llt) or is zero (ldlt) → FactorizationError whose `row` and
 * `column` are the failing column in A's own numbering and `value` the pivot; a factorization
 * the wasm memory cannot hold → WasmMemoryError from analyze (predicted), before any numeric work.
 */
export class SparseCholesky extends WasmResource {
  readonly n: number;
  readonly info: CholeskyInfo;
  /** the permutation used: row/column k of the factored matrix is row/column perm[k] of A */
  readonly perm: Int32Array;
  private readonly A: CsrMatrix;
  private readonly patternId: number;
  private readonly sym: SymbolicFactor;
  private readonly ldlt: boolean;
  private readonly refine: number;
  private readonly ptr: Pointers;
  /** lower-entry positions p (i > j) and the matching upper positions, to check value symmetry */
  private readonly mirror: { lower: Int32Array; upper: Int32Array } | undefined;
  private numericReady = false;
  private factored = false;

  private constructor(rt: SparseRuntime, A: CsrMatrix, options: CholeskyOptions) {
    super(rt);
    try {
      ({ n: this.n, info: this.info, perm: this.perm, A: this.A, patternId: this.patternId, sym: this.sym, ldlt: this.ldlt, ptr: this.ptr,
        mirror: this.mirror, refine: this.refine } = this.analysis(rt, A, options));
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  private analysis(rt: SparseRuntime, A: CsrMatrix, options: CholeskyOptions) {
    const t0 = performance.now();
    const o = checkOptions('SparseCholesky.analyze', options, OPTIONS);
    if (A.rows !== A.cols) {
      throw new DimensionMismatchError(`SparseCholesky needs a square matrix, got ${A.rows} x ${A.cols} (least squares is not supported)`);
    }
    const n = A.rows;
    const ldlt = o.kind === 'ldlt';
    const rowPtr = A.rowPtr, colIdx = A.colIdx;
    const mirror = symmetricPattern(n, rowPtr, colIdx);
    const { perm: order, name } = orderingOf(A, o.ordering as CholeskyOrdering);
    const t1 = performance.now();
    // views again: the ordering may have grown wasm memory, which detaches the earlier ones
    const S = analyzeSymbolic(n, A.rowPtr, A.colIdx, order, o.relax, mirror !== undefined);
    if (S.storedEntries > 0x7fffffff) {
      throw new WasmMemoryError(`SparseCholesky: L would need ${S.storedEntries} stored entries, beyond the 2^31 a wasm32 factorization can index`);
    }
    const nnzC = S.lower.rowIdx.length;
    const pack = rt.kernels.frontPackSize(S.maxFront);
    const ints = 4 * (n + 2 * (S.supernodes + 1) + S.superRows.length + 2 * S.supernodes + 1 + n + 1 + 2 * nnzC + n + S.maxUpdate);
    const doubles = 8 * (nnzC + S.storedEntries + S.maxUpdate * S.maxUpdate + S.stackPeak + 2 * pack + 2 * n + S.maxUpdate);
    const predicted = ints + doubles + 64 * 24;
    const stats = rt.stats();
    const room = rt.maximumBytes - stats.liveBytes;
    const largest = 8 * Math.max(S.storedEntries, S.stackPeak, S.maxUpdate * S.maxUpdate);
    if (predicted > room || largest > 2 ** 30 - 64) {
      throw new WasmMemoryError(
        `SparseCholesky: the factorization needs about ${mib(predicted)} of wasm memory (L: ${S.storedEntries} stored entries, ` +
          `${mib(8 * S.storedEntries)}; largest block ${mib(largest)}), but only ${mib(room)} can be had ` +
          `(maximum ${mib(rt.maximumBytes)}, ${mib(stats.liveBytes)} in use; one block is limited to 1 GiB)` +
          (name === 'amd' ? '' : `: the '${name}' ordering may give much more fill than 'amd'`),
      );
    }
    const ptr = {} as Pointers;
    const i32 = (a: Int32Array) => { const p = this.own(rt.alloc(Math.max(a.length, 1) * 4)); rt.i32(p, a.length).set(a); return p; };
    ptr.perm = i32(S.perm);
    ptr.superCol = i32(S.superCol);
    ptr.superRowPtr = i32(S.superRowPtr);
    ptr.rowIdx = i32(S.superRows);
    ptr.lOff = i32(S.lOff);
    ptr.nchild = i32(S.nchild);
    ptr.Cp = i32(S.lower.colPtr);
    ptr.Ci = i32(S.lower.rowIdx);
    ptr.src = i32(S.lower.src);
    ptr.out = this.own(rt.alloc(FACTOR_OUT_BYTES));
    const t3 = performance.now();
    const info: CholeskyInfo = {
      n, nnzLower: nnzC, nnzL: S.nnzL, storedEntries: S.storedEntries, supernodes: S.supernodes,
      maxSupernode: S.maxColumns, maxFront: S.maxFront, flops: S.flops, ordering: name, kind: o.kind as 'llt' | 'ldlt',
      storage: mirror ? 'full' : 'lower', predictedBytes: predicted, factorizations: 0,
      timings: { orderingMs: t1 - t0, symbolicMs: t3 - t1, analyzeMs: t3 - t0, factorMs: 0, solveMs: 0 },
    };
    return { n, info, perm: S.perm, A, patternId: A.patternId, sym: S, ldlt, ptr, mirror, refine: o.refine as number };
  }

  /** Orders A and analyses its pattern (no numeric work). */
  static analyze(A: CsrMatrix, options: CholeskyOptions = {}): SparseCholesky {
    const rt = checkOperand(A, 'A');
    return new SparseCholesky(rt, A, options);
  }

  /** The numeric storage and workspace, allocated once at the first factorization. */
  private allocateNumeric(): void {
    if (this.numericReady) return;
    const rt = this.runtime, S = this.sym, p = this.ptr;
    const f64 = (len: number) => this.own(rt.alloc(Math.max(len, 2) * 8));
    const i32 = (len: number) => this.own(rt.alloc(Math.max(len, 1) * 4));
    const pack = rt.kernels.frontPackSize(S.maxFront);
    p.Cx = f64(S.lower.rowIdx.length);
    p.Lx = f64(S.storedEntries);
    p.W = f64(S.maxUpdate * S.maxUpdate);
    p.stack = f64(S.stackPeak);
    p.packA = f64(pack);
    p.packB = this.ldlt ? f64(pack) : p.packA;
    p.map = i32(this.n);
    p.rel = i32(S.maxUpdate);
    p.stackIds = i32(S.supernodes);
    p.x = f64(this.n);
    p.tmp = f64(S.maxUpdate);
    if (this.refine > 0) { p.rb = f64(this.n); p.rr = f64(this.n); }
    this.numericReady = true;
  }

  /**
   * Numeric factorization of A (default: the matrix given to analyze; another matrix must have
   * the same pattern, else PatternMismatchError).
   */
  factor(A: CsrMatrix = this.A): this {
    this.alive('SparseCholesky');
    checkOperand(A, 'A', this.runtime);
    if (A !== this.A && A.patternId !== this.patternId && !samePattern(A, this.A)) {
      throw new PatternMismatchError('SparseCholesky.factor: A has another sparsity pattern than the analysed matrix: analyze it anew');
    }
    this.allocateNumeric();
    const rt = this.runtime, p = this.ptr;
    const values = A.pointers().values;
    if (this.mirror) checkSymmetricValues(this.mirror, rt.f64(values, A.nnz), A);
    const nnzC = this.sym.lower.rowIdx.length;
    const bad = rt.kernels.cholGather(nnzC, p.src, values, p.Cx);
    if (bad >= 0) this.nonFinite(bad, rt.f64(values, A.nnz)[this.sym.lower.src[bad]]);
    return this.numeric();
  }

  /**
   * Factors again for new values of the analysed pattern, reusing every allocation: `values` in
   * the CSR order of the analysed matrix (length nnz), or a CsrMatrix with the same pattern.
   */
  refactor(valuesOrMatrix: CsrMatrix | ArrayLike<number>): this {
    this.alive('SparseCholesky');
    if (valuesOrMatrix instanceof CsrMatrix) return this.factor(valuesOrMatrix);
    const v = valuesOrMatrix;
    checkVectorArray(v, 'SparseCholesky.refactor values');
    if (v.length !== this.A.nnz) throw new DimensionMismatchError(`SparseCholesky.refactor: ${v.length} values, the pattern has ${this.A.nnz}`);
    this.allocateNumeric();
    if (this.mirror) checkSymmetricValues(this.mirror, v, this.A);
    const rt = this.runtime, src = this.sym.lower.src;
    const Cx = rt.f64(this.ptr.Cx, src.length);
    for (let k = 0; k < src.length; k++) {
      const x = v[src[k]];
      if (!(typeof x === 'number' && Number.isFinite(x))) {
        if (typeof x !== 'number') checkFiniteEntries(v, 'SparseCholesky.refactor values');
        this.nonFinite(k, x);
      }
      Cx[k] = x;
    }
    return this.numeric();
  }

  private nonFinite(k: number, value: number): never {
    this.factored = false;
    const p = this.sym.lower.src[k];
    const { row, col } = entryAt(this.A, p);
    throw new NonFiniteValueError(`SparseCholesky: A(${row}, ${col}) = ${value} is not finite`);
  }

  private numeric(): this {
    const rt = this.runtime, k = rt.kernels, S = this.sym, p = this.ptr;
    const t0 = performance.now();
    this.factored = false;
    const col = k.cholFactor(
      S.supernodes, p.superCol, p.superRowPtr, p.rowIdx, p.lOff, p.Lx, p.nchild, p.Cp, p.Ci, p.Cx, p.map, p.rel,
      p.W, p.stack, p.stackIds, p.packA, p.packB, this.ldlt ? 1 : 0, p.out,
    );
    this.info.timings.factorMs = performance.now() - t0;
    if (col >= 0) {
      const st = readFactorStatus(rt, p.out);
      const orig = S.perm[col];
      const v = st.value;
      const why = st.status === FACTOR_NOT_FINITE
        ? `the pivot is not finite (${v}): the factorization overflowed or A holds huge values`
        : this.ldlt
          ? `zero pivot (${v}): A is singular or not quasi-definite in this ordering`
          : `the pivot ${v} is not positive: A is not positive definite` + (v === 0 ? ' (or is singular)' : '');
      throw new FactorizationError(
        `SparseCholesky (${this.info.kind}): ${why}, at column ${orig} of A (step ${col} of the elimination)`,
        orig, { column: orig, value: v },
      );
    }
    this.factored = true;
    this.info.factorizations++;
    return this;
  }

  /** true once a factorization succeeded (and no later one failed) */
  get isFactored(): boolean {
    return this.factored;
  }

  /** x = A^-1 b. b: a vector of length n (Float64Array, array or DenseVector); x: optional output. */
  solve(b: VectorLike, x?: Float64Array): Float64Array {
    this.alive('SparseCholesky');
    if (!this.factored) throw new FactorizationError('SparseCholesky.solve: no factorization (call factor(); the last one failed or never ran)', -1);
    const n = this.n, rt = this.runtime, k = rt.kernels, p = this.ptr, S = this.sym;
    const out = x ?? new Float64Array(n);
    if (out.length !== n) throw new DimensionMismatchError(`SparseCholesky.solve: x has length ${out.length}, expected ${n}`);
    const t0 = performance.now();
    if (b instanceof DenseVector) {
      const bp = b.check(n, 'b', rt);
      k.cholPermute(n, p.perm, bp, p.x, 1);
    } else {
      checkVectorArray(b, 'b');
      if (b.length !== n) throw new DimensionMismatchError(`b has length ${b.length}, expected ${n}`);
      const xv = rt.f64(p.x, n), perm = this.perm;
      for (let i = 0; i < n; i++) xv[i] = b[perm[i]];
      if (!ArrayBuffer.isView(b) || !allFinite(xv)) checkFiniteEntries(b, 'b');
    }
    if (this.refine > 0) rt.f64(p.rb, n).set(rt.f64(p.x, n));
    k.cholSolve(S.supernodes, p.superCol, p.superRowPtr, p.rowIdx, p.lOff, p.Lx, this.ldlt ? 1 : 0, p.x, p.tmp);
    for (let step = 0; step < this.refine; step++) {
      this.permutedResidual();
      k.cholSolve(S.supernodes, p.superCol, p.superRowPtr, p.rowIdx, p.lOff, p.Lx, this.ldlt ? 1 : 0, p.rr, p.tmp);
      k.axpy(n, 1, p.rr, p.x);
    }
    const xv = rt.f64(p.x, n), perm = this.perm;
    for (let i = 0; i < n; i++) out[perm[i]] = xv[i];
    this.info.timings.solveMs = performance.now() - t0;
    return out;
  }

  /** rr = rb - C x for C = P A P^T from its lower triangle (Cp, Ci, Cx): the refinement residual */
  private permutedResidual(): void {
    const rt = this.runtime, p = this.ptr, n = this.n, C = this.sym.lower;
    const x = rt.f64(p.x, n), r = rt.f64(p.rr, n), Cx = rt.f64(p.Cx, C.rowIdx.length);
    r.set(rt.f64(p.rb, n));
    const cp = C.colPtr, ci = C.rowIdx;
    for (let j = 0; j < n; j++) {
      const xj = x[j];
      let s = 0;
      for (let q = cp[j]; q < cp[j + 1]; q++) {
        const i = ci[q], a = Cx[q];
        r[i] -= a * xj;
        if (i !== j) s += a * x[i];
      }
      r[j] -= s;
    }
  }

  /** Solves for several right-hand sides, one after another: X[j] = A^-1 B[j]. */
  solveMany(B: readonly VectorLike[]): Float64Array[] {
    this.alive('SparseCholesky');
    if (!Array.isArray(B)) throw new InvalidArgumentError('SparseCholesky.solveMany: B must be an array of vectors');
    return B.map((b) => this.solve(b));
  }

  /**
   * L as CSR arrays (lower triangular, n x n, in the permuted numbering: A(perm, perm) = L L^T, or
   * L D L^T with L unit lower and D returned separately). Explicit zeros of amalgamation are kept.
   */
  getFactors(): { L: { rowPtr: Int32Array; colIdx: Int32Array; values: Float64Array }; D?: Float64Array; perm: Int32Array } {
    this.alive('SparseCholesky');
    if (!this.factored) throw new FactorizationError('SparseCholesky.getFactors: not factored', -1);
    const S = this.sym, n = this.n, rt = this.runtime;
    const Lx = rt.f64(this.ptr.Lx, S.storedEntries);
    const cnt = new Int32Array(n + 1);
    const D = this.ldlt ? new Float64Array(n) : undefined;
    // entries by column first (supernode blocks), then transposed into rows
    const forEach = (fn: (i: number, j: number, v: number) => void) => {
      for (let s = 0; s < S.supernodes; s++) {
        const f = S.superCol[s], ncol = S.superCol[s + 1] - f, rp = S.superRowPtr[s], m = S.superRowPtr[s + 1] - rp;
        for (let jj = 0; jj < ncol; jj++) {
          const base = S.lOff[s] + jj * m;
          for (let ii = jj; ii < m; ii++) {
            let v = Lx[base + ii];
            if (ii === jj && D) { D[f + jj] = v; v = 1; }
            fn(S.superRows[rp + ii], f + jj, v);
          }
        }
      }
    };
    forEach((i) => cnt[i + 1]++);
    for (let i = 0; i < n; i++) cnt[i + 1] += cnt[i];
    const colIdx = new Int32Array(cnt[n]), values = new Float64Array(cnt[n]);
    const next = cnt.slice(0, n);
    forEach((i, j, v) => { const q = next[i]++; colIdx[q] = j; values[q] = v; });
    // columns arrive in increasing order per row only within a supernode: sort each row
    for (let i = 0; i < n; i++) sortRow(colIdx, values, cnt[i], cnt[i + 1]);
    return { L: { rowPtr: cnt, colIdx, values }, D, perm: this.perm.slice() };
  }
}

/** Orders A and factors it: SparseCholesky.analyze(A, options).factor(). */
export function cholesky(A: CsrMatrix, options: CholeskyOptions = {}): SparseCholesky {
  const c = SparseCholesky.analyze(A, options);
  try {
    return c.factor();
  } catch (e) {
    c.dispose();
    throw e;
  }
}

function orderingOf(A: CsrMatrix, ordering: CholeskyOrdering): { perm: Int32Array; name: string } {
  const n = A.rows;
  if (ordering === 'natural') {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return { perm: p, name: 'natural' };
  }
  // the analysis postorders the elimination tree itself, so AMD's own postorder would be redundant
  if (ordering === 'amd') return { perm: amd(A, { postorder: false }), name: 'amd' };
  if (ordering === 'rcm') return { perm: reverseCuthillMcKee(A, { symmetrize: true }), name: 'rcm' };
  if (ordering.length !== n) throw new DimensionMismatchError(`SparseCholesky: the ordering has length ${ordering.length}, expected ${n}`);
  inversePermutation(ordering); // throws InvalidArgumentError unless a permutation
  return { perm: Int32Array.from(ordering), name: 'given' };
}

/**
 * undefined when A stores only its lower triangle; else checks that the pattern is symmetric and
 * returns the matching positions (lower p with i > j, upper q = position of (j, i)).
 */
function symmetricPattern(n: number, rowPtr: Int32Array, colIdx: Int32Array): { lower: Int32Array; upper: Int32Array } | undefined {
  let upper = 0, lower = 0;
  for (let i = 0; i < n; i++) {
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
      if (colIdx[p] > i) upper++;
      else if (colIdx[p] < i) lower++;
    }
  }
  if (upper === 0) return undefined;
  const lo = new Int32Array(lower), up = new Int32Array(lower);
  // cursor[j]: the next strictly-lower entry of row j; (i, j) with j > i must meet (j, i) there,
  // since rows are visited in increasing i and row j's columns are sorted
  const cursor = rowPtr.slice(0, n);
  let q = 0;
  for (let i = 0; i < n; i++) {
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
      const j = colIdx[p];
      if (j <= i) continue;
      const c = cursor[j];
      if (c >= rowPtr[j + 1] || colIdx[c] !== i) {
        const missing = c < rowPtr[j + 1] && colIdx[c] < i ? `(${j}, ${colIdx[c]}) has no (${colIdx[c]}, ${j})` : `(${i}, ${j}) has no (${j}, ${i})`;
        throw new InvalidArgumentError(
          `SparseCholesky: A's pattern is not symmetric: entry ${missing}. Pass a symmetric matrix, or its lower triangle only`,
        );
      }
      cursor[j]++;
      if (q >= lower) throw new InvalidArgumentError(`SparseCholesky: A's pattern is not symmetric (${lower} entries below the diagonal, ${upper} above)`);
      lo[q] = c; up[q] = p; q++;
    }
  }
  if (q !== lower || upper !== lower) {
    throw new InvalidArgumentError(`SparseCholesky: A's pattern is not symmetric (${lower} entries below the diagonal, ${upper} above)`);
  }
  return { lower: lo, upper: up };
}

function checkSymmetricValues(m: { lower: Int32Array; upper: Int32Array }, v: ArrayLike<number>, A: CsrMatrix): void {
  const { lower, upper } = m;
  for (let k = 0; k < lower.length; k++) {
    const a = v[lower[k]], b = v[upper[k]];
    if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) {
      const { row, col } = entryAt(A, lower[k]);
      throw new InvalidArgumentError(
        `SparseCholesky: A is not symmetric: A(${row}, ${col}) = ${a} but A(${col}, ${row}) = ${b}. Pass a symmetric matrix, or its lower triangle only`,
      );
    }
  }
}

/** row and column of the entry at CSR position p */
function entryAt(A: CsrMatrix, p: number): { row: number; col: number } {
  const rp = A.rowPtr;
  let lo = 0, hi = A.rows - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (rp[mid] <= p) lo = mid; else hi = mid - 1;
  }
  return { row: lo, col: A.colIdx[p] };
}

function samePattern(A: CsrMatrix, B: CsrMatrix): boolean {
  if (A.rows !== B.rows || A.cols !== B.cols || A.nnz !== B.nnz) return false;
  const ar = A.rowPtr, br = B.rowPtr, ac = A.colIdx, bc = B.colIdx;
  for (let i = 0; i <= A.rows; i++) if (ar[i] !== br[i]) return false;
  for (let p = 0; p < A.nnz; p++) if (ac[p] !== bc[p]) return false;
  return true;
}

function allFinite(v: Float64Array): boolean {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] - v[i];
  return s === 0;
}

function sortRow(col: Int32Array, val: Float64Array, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    const c = col[i], v = val[i];
    let j = i - 1;
    while (j >= a && col[j] > c) { col[j + 1] = col[j]; val[j + 1] = val[j]; j--; }
    col[j + 1] = c; val[j + 1] = v;
  }
}

function mib(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`;
}
