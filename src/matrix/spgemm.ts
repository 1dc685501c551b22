// Sparse matrix-matrix products C = op(A) op(B) (op = identity or transpose) on the two-phase
// kernels of assembly/spgemm.ts: symbolic (exact row counts) then numeric (fill), with `recompute`
// redoing only the numeric phase when the operands keep their patterns.
import { DimensionMismatchError, DisposedError, IndexOverflowError, InvalidArgumentError, WasmMemoryError } from '../errors.js';
import { WasmResource } from '../runtime/resource.js';
import { Scratch, type SparseRuntime } from '../runtime/runtime.js';
import { checkOption, checkOptions, checkOptionsObject } from '../options.js';
import { checkFiniteResult, checkOperand, CsrMatrix, type SpmvLayout } from './csr.js';

/**
 * Under 'auto', rows with at most this many flops (sum of nnz(B(j,:)) over the entries A(i,j))
 * use the hash accumulator and longer rows the dense one, in products where hashing is enabled
 * (see DEFAULT_WIDE_RATIO).
 *
 * How both defaults were chosen: `node bench/spgemm.mjs --sweep` (tables in
 * bench/results/spgemm-sweep.md) times C = A B with every row forced to one accumulator:
 *  - square random matrices, n = 2^20, 16 flops a row, columns within a band of half-width
 *    2^6 .. 2^20: the dense accumulator won at every width, from 2.3x (narrow bands: its marker
 *    and position map stay in cache) to 1.15x (columns anywhere: the map misses cache, but the
 *    misses of independent columns overlap);
 *  - the same work (2^20 flops) against a wider and wider B (n = 2^14 .. 2^24): dense won up
 *    to n = flops (1.2x there), the two tied at n = 4 flops, hashing won 1.7x at n = 16 flops;
 *  - rows of 16 .. 32768 flops (4M flops per call): with n = 2^16 dense won at every length (1.2-
 *    1.7x for rows up to 2048 flops, 2.5-2.9x for rows of 4096+, whose columns it collects by a
 *    scan instead of a sort); with n = 2^22 (= the flops) the two were within 10% at every length
 *    (hashing ahead by 1-10% in the final run; an earlier run had dense ahead below 1024 flops).
 * So on this machine (V8 11.3, AMD EPYC) the choice is driven by the O(n) dense workspace more
 * than by row length: hashing pays only when B is wide for the work done (n >= 2 flops sits
 * between the crossovers, n = flops .. 4 flops), and then for rows up to 8192 flops, whose tables
 * (2 slots a flop, 12 bytes a slot) stay within L2; longer rows stay dense, where the scan can
 * replace the sort.
 */
export const DEFAULT_HASH_MAX = 8192;
/** Hashing is enabled in a product when B's column count n >= this times its flops (see above). */
export const DEFAULT_WIDE_RATIO = 2;
/** With n at most this many columns (a 256 KiB position map) every row is dense; flops are not counted. */
const DENSE_ALWAYS_COLS = 1 << 16;

export type Accumulator = 'auto' | 'hash' | 'dense';

export interface SpgemmOptions {
  /** sort each output row by column (default true); false skips the sort: see SpgemmProduct.sorted */
  sorted?: boolean;
  /** 'auto' (default): per row by flop count against hashThreshold; 'hash' or 'dense' force one */
  accumulator?: Accumulator;
  /** under 'auto', rows with at most this many flops hash, when hashing is enabled (default DEFAULT_HASH_MAX) */
  hashThreshold?: number;
  /**
   * under 'auto', hashing is enabled when B's column count is at least this times the product's
   * flops (default DEFAULT_WIDE_RATIO; 0 enables it always)
   */
  wideRatio?: number;
  /** use A^T instead of A (formed internally with a counting-sort transpose, O(nnz + rows)) */
  transposeA?: boolean;
  /** use B^T instead of B */
  transposeB?: boolean;
  /** SpMV layout of the result matrix (default 'auto') */
  spmv?: SpmvLayout;
  /**
   * Remove entries whose products cancel to exactly 0 (default false). The result pattern is
   * otherwise structural: every (i, j) reached by some a_ik b_kj is stored, even when the sum is
   * 0, as in Eigen and SuiteSparse's cs_multiply; SciPy drops such entries (bcsstk13 squared:
   * 396,773 structural entries, 395,923 in SciPy). Accepted by spgemm(), multiplyAtB(),
   * multiplyABt() and tripleProduct(); not by SpgemmProduct.compute(), whose recompute() needs
   * the structural pattern (use `drop(product.matrix, 0)` there).
   */
  dropZeros?: boolean;
}

const MAX_I32 = 0x7fffffff;
/** hash rows are limited to this many flops (a 2^25-slot table: 128 MiB of keys, 256 MiB of values) */
const HASH_CAP = 1 << 24;

const SPGEMM_OPTIONS = {
  sorted: { kind: 'boolean', default: true },
  accumulator: { kind: 'enum', values: ['auto', 'hash', 'dense'], default: 'auto' },
  hashThreshold: { kind: 'integer', min: 0, max: HASH_CAP, default: DEFAULT_HASH_MAX },
  wideRatio: { kind: 'number', min: 0, default: DEFAULT_WIDE_RATIO },
  transposeA: { kind: 'boolean', default: false },
  transposeB: { kind: 'boolean', default: false },
  spmv: { kind: 'enum', values: ['auto', 'csr', 'sell'] },
  dropZeros: { kind: 'boolean', default: false },
} as const;

export interface SpgemmTimings {
  /** forming op(A), op(B) when transposed (0 otherwise) */
  transposeMs: number;
  /** counting the rows of C, allocating C */
  symbolicMs: number;
  /** filling C (or, after recompute, refilling its values) */
  numericMs: number;
}

function parseOptions(options: SpgemmOptions) {
  const o = checkOptions('SpGEMM', options, SPGEMM_OPTIONS);
  if (o.dropZeros) {
    throw new InvalidArgumentError(
      'dropZeros is not available on SpgemmProduct / TripleProduct: recompute() needs the structural pattern; use spgemm(A, B, { dropZeros: true }) or drop(product.matrix, 0)',
    );
  }
  const { sorted, accumulator, hashThreshold, wideRatio, transposeA, transposeB, spmv } = o;
  return { sorted, accumulator, hashThreshold, wideRatio, transposeA, transposeB, spmv };
}

/** Flop statistics of A B: total multiply-adds, the largest row's, and rows above `hashThreshold`. */
export function spgemmFlops(A: CsrMatrix, B: CsrMatrix, hashThreshold = DEFAULT_HASH_MAX, limit = -1): { total: number; maxRow: number; denseRows: number } {
  const rt = checkOperand(A, 'A');
  checkOperand(B, 'B', rt);
  if (A.cols !== B.rows) throw new DimensionMismatchError(`cannot multiply ${A.rows} x ${A.cols} by ${B.rows} x ${B.cols}: A.cols != B.rows`);
  const s = rt.scratchPtr(Scratch.flops, 24);
  const a = A.pointers(), b = B.pointers();
  rt.kernels.spgemmFlops(A.rows, a.rowPtr, a.colIdx, b.rowPtr, hashThreshold, limit, s);
  const v = rt.f64(s, 3);
  return { total: v[0], maxRow: v[1], denseRows: v[2] };
}

/** The hash-table bound the kernels use for a threshold: table slots = 2^tableBits(min(hashMax, n)). */
function tableSlots(hashMax: number, n: number): number {
  const cap = Math.min(hashMax, n);
  if (cap <= 0) return 0;
  return Math.max(8, 2 ** Math.ceil(Math.log2(2 * cap)));
}

/**
 * Whether the B rows that one row of A reaches (A's bandwidth window) exceed a few MiB, so they
 * come from memory, not cache. Then the numeric kernel defers sorting short rows to a second
 * pass, keeping its accumulation loop free to overlap those misses: 15% faster on random
 * matrices with n = 2^20; on banded ones (B rows in cache) the extra pass over C cost 5%.
 */
function bRowsMissCache(rt: SparseRuntime, A: CsrMatrix, B: CsrMatrix): boolean {
  if (B.rows === 0 || A.nnz === 0) return false;
  const out = rt.scratchPtr(Scratch.bandwidth, 8);
  const a = A.pointers();
  rt.kernels.csrBandwidth(A.rows, a.rowPtr, a.colIdx, out);
  const [lower, upper] = rt.i32(out, 2);
  const window = Math.min(B.rows, lower + upper + 1) * (B.nnz / B.rows) * 12;
  return window > 4 * 2 ** 20;
}

// safety net for the buffers of unsorted products that were garbage-collected undisposed
const rawRegistry =
  typeof FinalizationRegistry !== 'undefined'
    ? new FinalizationRegistry<{ runtime: SparseRuntime; raw: { ptrs: number[] } }>((h) => {
        for (const p of h.raw.ptrs) h.runtime.free(p);
      })
    : undefined;

function transposeOf(M: CsrMatrix): CsrMatrix {
  return M.transpose();
}

/**
 * A sparse product C = op(A) op(B) that can be recomputed when only values change.
 *
 * Sorted (default): `matrix` is a canonical CsrMatrix. With `sorted: false` the rows of C are left
 * in accumulation order, which a CsrMatrix must not hold (its invariant is sorted columns), so
 * `matrix` throws and the result is read through `rowPtr` / `colIdx` / `values` (live views) or
 * turned canonical with `sortRows()`. The product owns C: `dispose()` frees it with the rest.
 * C's pattern is structural: entries whose products cancel to exactly 0 are stored (see
 * SpgemmOptions.dropZeros). A value that overflows to infinity is a NonFiniteValueError.
 */
export class SpgemmProduct extends WasmResource {
  readonly rows: number;
  readonly cols: number;
  readonly nnz: number;
  /** whether the rows of C are sorted by column (false only with `sorted: false` until sortRows()) */
  private isSorted: boolean;
  readonly timings: SpgemmTimings;
  private readonly opts: ReturnType<typeof parseOptions>;
  /** rows with at most this many flops used the hash accumulator (0: all dense) */
  readonly hashMax: number;
  private readonly aShape: [number, number];
  private readonly bShape: [number, number];
  /** C when sorted (it owns C's buffers); undefined while unsorted */
  private result: CsrMatrix | undefined;
  private readonly cPtrs: [number, number, number];
  /** C's buffers while unsorted, freed by dispose() (a CsrMatrix must never hold unsorted rows) */
  private raw: { ptrs: number[] } | undefined;
  /** transposed operands kept for recompute (owned) */
  private at: CsrMatrix | undefined;
  private bt: CsrMatrix | undefined;

  private constructor(
    rt: SparseRuntime, rows: number, cols: number, nnz: number, ptrs: [number, number, number],
    opts: ReturnType<typeof parseOptions>, hashMax: number, timings: SpgemmTimings,
    aShape: [number, number], bShape: [number, number],
  ) {
    super(rt);
    this.rows = rows;
    this.cols = cols;
    this.nnz = nnz;
    this.cPtrs = ptrs;
    this.opts = opts;
    this.hashMax = hashMax;
    this.timings = timings;
    this.isSorted = opts.sorted;
    this.aShape = aShape;
    this.bShape = bShape;
    if (opts.sorted) {
      this.result = CsrMatrix.fromWasmBuffers(rt, rows, cols, nnz, ptrs[0], ptrs[1], ptrs[2], { spmv: opts.spmv });
    } else {
      this.raw = { ptrs: [...ptrs] };
      rawRegistry?.register(this, { runtime: rt, raw: this.raw }, this.raw);
    }
  }

  /**
   * Computes C = op(A) op(B): the symbolic phase sizes C exactly (throwing IndexOverflowError or
   * WasmMemoryError before anything is written if it cannot be held), the numeric phase fills it.
   */
  static compute(A: CsrMatrix, B: CsrMatrix, options: SpgemmOptions = {}): SpgemmProduct {
    const opts = parseOptions(options);
    const rt = checkOperand(A, 'A');
    checkOperand(B, 'B', rt);
    const [am, ak] = opts.transposeA ? [A.cols, A.rows] : [A.rows, A.cols];
    const [bk, bn] = opts.transposeB ? [B.cols, B.rows] : [B.rows, B.cols];
    if (ak !== bk) {
      const name = (t: boolean, s: string) => (t ? `${s}^T` : s);
      throw new DimensionMismatchError(
        `cannot multiply ${name(opts.transposeA, 'A')} (${am} x ${ak}) by ${name(opts.transposeB, 'B')} (${bk} x ${bn}): inner dimensions differ`,
      );
    }
    const t0 = performance.now();
    let at: CsrMatrix | undefined, bt: CsrMatrix | undefined;
    try {
      // the same matrix transposed twice (A^T A^T) needs one transpose
      if (opts.transposeA) at = transposeOf(A);
      if (opts.transposeB) bt = opts.transposeA && A === B ? at : transposeOf(B);
      const L = at ?? A, R = bt ?? B;
      const t1 = performance.now();
      const p = SpgemmProduct.run(rt, L, R, opts, t1 - t0);
      if (at) p.at = at;
      if (bt && bt !== at) p.bt = bt;
      return p;
    } catch (e) {
      at?.dispose();
      bt?.dispose();
      throw e;
    }
  }

  private static run(rt: SparseRuntime, A: CsrMatrix, B: CsrMatrix, opts: ReturnType<typeof parseOptions>, transposeMs: number): SpgemmProduct {
    const k = rt.kernels;
    const m = A.rows, n = B.cols;
    const t0 = performance.now();
    let hashMax = 0;
    /** every row on the hash accumulator (rows beyond HASH_CAP flops, if any, still go dense) */
    const allHash = () => {
      const most = spgemmFlops(A, B, 0).maxRow;
      hashMax = Math.min(HASH_CAP, Math.max(most, 1));
      return most > HASH_CAP;
    };
    if (opts.accumulator === 'auto' && opts.hashThreshold > 0) {
      if (opts.wideRatio === 0) {
        hashMax = opts.hashThreshold;
      } else if (n > DENSE_ALWAYS_COLS) {
        // hashing pays when B is wide for the work: count flops, stopping once they reach n / ratio
        const limit = n / opts.wideRatio;
        if (spgemmFlops(A, B, 0, limit).total < limit) hashMax = opts.hashThreshold;
      }
    }
    // workspace in scratch slots, reused between calls: repeated products touch no new pages.
    // The dense accumulator needs 4 n bytes; when wasm memory cannot hold that (a very wide B),
    // every row takes the hash accumulator, which needs only O(longest row).
    let marker = 0;
    const needDense = opts.accumulator === 'hash' ? allHash() : true;
    if (needDense) {
      try {
        marker = rt.scratchPtr(Scratch.spgemmMarker, Math.max(n, 1) * 4);
      } catch (e) {
        if (!(e instanceof WasmMemoryError) || opts.accumulator !== 'auto' || allHash()) throw e;
        marker = 0;
      }
    }
    const slots = tableSlots(hashMax, n);
    const cRp = rt.alloc((m + 1) * 4);
    let cCi = 0, cVal = 0;
    try {
      const keys = slots ? rt.scratchPtr(Scratch.spgemmKeys, slots * 4) : 0;
      const tvals = slots ? rt.scratchPtr(Scratch.spgemmHashValues, slots * 8) : 0;
      const stats = rt.scratchPtr(Scratch.spgemmStats, 16);
      const a = A.pointers(), b = B.pointers();
      const total = k.spgemmSymbolic(m, n, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, cRp, marker, keys, hashMax, stats);
      if (total > MAX_I32) {
        throw new IndexOverflowError(
          `the product of ${A.rows} x ${A.cols} and ${B.rows} x ${B.cols} has more than 2^31 - 1 nonzeros (at least ${total}); int32 indices cannot address it`,
        );
      }
      const longest = rt.i32(stats, 1)[0];
      // values first: the larger block fails first, before anything else is allocated
      cVal = rt.alloc(total * 8);
      cCi = rt.alloc(total * 4);
      // sort temporaries for the longest row
      const tmpKeys = rt.scratchPtr(Scratch.spgemmSortKeys, Math.max(longest, 1) * 8);
      const tmpVals = rt.scratchPtr(Scratch.spgemmSortValues, Math.max(longest, 1) * 8);
      const t1 = performance.now();
      k.spgemmNumeric(m, n, a.rowPtr, a.colIdx, a.values, b.rowPtr, b.colIdx, b.values, cRp, cCi, cVal,
        marker, keys, tvals, tmpKeys, tmpVals, hashMax, opts.sorted ? 1 : 0, opts.sorted && bRowsMissCache(rt, A, B) ? 1 : 0);
      const t2 = performance.now();
      checkFiniteResult(rt, m, total, cRp, cCi, cVal, 'the product');
      return new SpgemmProduct(rt, m, n, total, [cRp, cCi, cVal], opts, hashMax,
        { transposeMs, symbolicMs: t1 - t0, numericMs: t2 - t1 }, [A.rows, A.cols], [B.rows, B.cols]);
    } catch (e) {
      rt.free(cRp);
      if (cCi) rt.free(cCi);
      if (cVal) rt.free(cVal);
      throw e;
    }
  }

  /** true when C's rows are sorted (always, unless computed with `sorted: false` and not sortRows()'d) */
  get sorted(): boolean {
    this.alive('SpgemmProduct');
    return this.isSorted;
  }

  /** C as a canonical CsrMatrix, owned by this product (dispose the product, not the matrix). */
  get matrix(): CsrMatrix {
    this.alive('SpgemmProduct');
    if (!this.result) {
      throw new InvalidArgumentError('this product was computed with sorted: false; its rows are not canonical CSR: call sortRows() first or read rowPtr/colIdx/values');
    }
    return this.result;
  }

  /**
   * Hands C over to the caller (who then disposes it) and disposes the rest of the product.
   * Sorts first if the product is unsorted.
   */
  takeMatrix(): CsrMatrix {
    const C = this.sortRows();
    this.result = undefined;
    this.dispose();
    return C;
  }

  /** Live views of C's arrays (valid until the next allocation in the runtime). */
  get rowPtr(): Int32Array {
    this.alive('SpgemmProduct');
    return this.runtime.i32(this.cPtrs[0], this.rows + 1);
  }

  get colIdx(): Int32Array {
    this.alive('SpgemmProduct');
    return this.runtime.i32(this.cPtrs[1], this.nnz);
  }

  get values(): Float64Array {
    this.alive('SpgemmProduct');
    return this.runtime.f64(this.cPtrs[2], this.nnz);
  }

  /** Sorts the rows of an unsorted product in place and returns C as a CsrMatrix (a no-op when sorted). */
  sortRows(): CsrMatrix {
    this.alive('SpgemmProduct');
    if (this.result) return this.result;
    const rt = this.runtime;
    const rp = this.rowPtr;
    let longest = 0;
    for (let i = 0; i < this.rows; i++) longest = Math.max(longest, rp[i + 1] - rp[i]);
    const keys = rt.scratchPtr(Scratch.spgemmKeys, Math.max(longest, 1) * 8);
    const tmp = rt.scratchPtr(Scratch.spgemmSortKeys, Math.max(longest, 1) * 8);
    const [r, c, v] = this.cPtrs;
    rt.kernels.csrSortRows(this.rows, r, c, v, keys, tmp);
    // ownership moves from this product's raw list to the matrix
    rawRegistry?.unregister(this.raw!);
    this.raw = undefined;
    this.result = CsrMatrix.fromWasmBuffers(rt, this.rows, this.cols, this.nnz, r, c, v, { spmv: this.opts.spmv });
    this.isSorted = true;
    return this.result;
  }

  /** @deprecated the former name of update(A, B) */
  recompute(A: CsrMatrix, B: CsrMatrix): this {
    return this.update(A, B);
  }

  /**
   * Recomputes C's values for new values of A and B (numeric phase only; the symbolic structure
   * is reused, nothing is allocated). A and B must have the shapes of the original operands and
   * patterns contained in the original patterns: every contribution is checked against C's pattern,
   * and one that falls outside throws InvalidArgumentError; a value that overflows to infinity
   * throws NonFiniteValueError (C's values are unspecified after either: update again).
   * The library's one verb for "same pattern, new values" (as SolverSession.update and the
   * preconditioners' update).
   */
  update(A: CsrMatrix, B: CsrMatrix): this {
    this.alive('SpgemmProduct');
    const rt = checkOperand(A, 'A', this.runtime);
    checkOperand(B, 'B', rt);
    const o = this.opts;
    const t0 = performance.now();
    let L = A, R = B;
    if (o.transposeA) {
      L = this.at!;
      if (A.rows !== L.cols || A.cols !== L.rows || A.nnz !== L.nnz) throw this.shapeError('A', A);
      transposeInto(rt, A, L);
    }
    if (o.transposeB) {
      R = this.bt ?? this.at!;
      if (this.bt) {
        if (B.rows !== R.cols || B.cols !== R.rows || B.nnz !== R.nnz) throw this.shapeError('B', B);
        transposeInto(rt, B, R);
      } else if (B !== A) {
        throw new InvalidArgumentError('this product was computed as A^T A^T of one matrix; recompute it with the same matrix twice');
      }
    }
    if (L.rows !== this.aShape[0] || L.cols !== this.aShape[1]) throw this.shapeError('A', A);
    if (R.rows !== this.bShape[0] || R.cols !== this.bShape[1]) throw this.shapeError('B', B);
    const t1 = performance.now();
    const pos = rt.scratchPtr(Scratch.spgemmMarker, Math.max(this.cols, 1) * 4);
    const a = L.pointers(), b = R.pointers();
    const [cRp, cCi, cVal] = this.cPtrs;
    const bad = rt.kernels.spgemmRecompute(this.rows, a.rowPtr, a.colIdx, a.values, b.rowPtr, b.colIdx, b.values, cRp, cCi, cVal, pos);
    if (this.result) this.result.markValuesChanged();
    const t2 = performance.now();
    this.timings.transposeMs = t1 - t0;
    this.timings.numericMs = t2 - t1;
    if (bad > 0) {
      throw new InvalidArgumentError(
        `recompute: ${bad} products fall outside the pattern this product was computed for; the operands' patterns changed: compute a new product`,
      );
    }
    checkFiniteResult(rt, this.rows, this.nnz, cRp, cCi, cVal, 'recompute: the product');
    return this;
  }

  private shapeError(name: string, M: CsrMatrix): DimensionMismatchError {
    return new DimensionMismatchError(`recompute: ${name} is ${M.rows} x ${M.cols} with ${M.nnz} nonzeros, which does not match the operand this product was computed for`);
  }

  override dispose(): void {
    if (this.disposed) return;
    this.result?.dispose();
    this.result = undefined;
    this.at?.dispose();
    this.bt?.dispose();
    this.at = this.bt = undefined;
    if (this.raw) {
      rawRegistry?.unregister(this.raw);
      for (const p of this.raw.ptrs) this.runtime.free(p);
      this.raw = undefined;
    }
    super.dispose();
  }
}

/** Writes M^T's values (and pattern) into T, which has M^T's shape and nnz. */
function transposeInto(rt: SparseRuntime, M: CsrMatrix, T: CsrMatrix): void {
  const m = M.pointers(), t = T.pointers();
  rt.kernels.csrTranspose(M.rows, M.cols, m.rowPtr, m.colIdx, m.values, t.rowPtr, t.colIdx, t.values);
  T.markValuesChanged();
}

/**
 * Splits `dropZeros` off product options (validated) for the one-shot product functions, which
 * apply it to the result with {@link dropExactZeros}.
 * @internal
 */
export function splitDropZeros<T extends { dropZeros?: boolean }>(options: T): [boolean, Omit<T, 'dropZeros'>] {
  checkOptionsObject('SpGEMM', options);
  const { dropZeros = false, ...rest } = options;
  checkOption('SpGEMM', 'dropZeros', dropZeros, SPGEMM_OPTIONS.dropZeros);
  return [dropZeros, rest];
}

/**
 * C without its entries equal to 0 (numerical cancellation), as a new matrix; C is disposed when
 * a new matrix replaces it, returned as it is when it holds no zero.
 * @internal
 */
export function dropExactZeros(C: CsrMatrix, spmv?: SpmvLayout): CsrMatrix {
  const rt = C.runtime, k = rt.kernels;
  const c = C.pointers();
  const rp = rt.alloc((C.rows + 1) * 4);
  let ci = 0, val = 0;
  try {
    const nnz = k.csrDropCount(C.rows, c.rowPtr, c.colIdx, c.values, 0, 0, rp);
    if (nnz === C.nnz) {
      rt.free(rp);
      return C;
    }
    ci = rt.alloc(nnz * 4);
    val = rt.alloc(nnz * 8);
    k.csrDropFill(C.rows, c.rowPtr, c.colIdx, c.values, 0, 0, ci, val);
    const D = CsrMatrix.fromWasmBuffers(rt, C.rows, C.cols, nnz, rp, ci, val, { spmv });
    C.dispose();
    return D;
  } catch (e) {
    rt.free(rp);
    if (ci) rt.free(ci);
    if (val) rt.free(val);
    C.dispose();
    throw e;
  }
}

/**
 * C = A B as a new canonical CsrMatrix (options: accumulator, hashThreshold, transposeA/B, spmv,
 * dropZeros). Without `dropZeros`, entries that cancel to exactly 0 are kept (see SpgemmOptions).
 * Throws NonFiniteValueError, naming the entry, when a value overflows to infinity.
 */
export function spgemm(A: CsrMatrix, B: CsrMatrix, options: Omit<SpgemmOptions, 'sorted'> = {}): CsrMatrix {
  const [dropZeros, rest] = splitDropZeros(options);
  if ((rest as SpgemmOptions).sorted === false) {
    throw new InvalidArgumentError('spgemm() returns a canonical CsrMatrix; use SpgemmProduct.compute(A, B, { sorted: false }) for unsorted output');
  }
  const C = SpgemmProduct.compute(A, B, rest).takeMatrix();
  return dropZeros ? dropExactZeros(C, rest.spmv) : C;
}

export interface TripleProductOptions extends Omit<SpgemmOptions, 'transposeA' | 'transposeB' | 'sorted'> {
  /**
   * 'left': (R A) P, 'right': R (A P), 'auto' (default): the order whose first product does fewer
   * flops (for a Galerkin product P^T A P with a tall P that is usually A P first).
   */
  order?: 'auto' | 'left' | 'right';
}

/**
 * R A P (e.g. a Galerkin coarse operator with R = P^T), with recompute for new values of R, A, P.
 * The intermediate product is kept for recompute; dispose() frees it with the result.
 */
export class TripleProduct {
  readonly order: 'left' | 'right';
  private first: SpgemmProduct;
  private second: SpgemmProduct;

  private constructor(order: 'left' | 'right', first: SpgemmProduct, second: SpgemmProduct) {
    this.order = order;
    this.first = first;
    this.second = second;
  }

  static compute(R: CsrMatrix, A: CsrMatrix, P: CsrMatrix, options: TripleProductOptions = {}): TripleProduct {
    const { order: o = 'auto', ...rest } = options;
    checkOption('TripleProduct', 'order', o, { kind: 'enum', values: ['auto', 'left', 'right'] });
    const rt = checkOperand(R, 'R');
    checkOperand(A, 'A', rt);
    checkOperand(P, 'P', rt);
    if (R.cols !== A.rows || A.cols !== P.rows) {
      throw new DimensionMismatchError(`cannot form R A P with R ${R.rows} x ${R.cols}, A ${A.rows} x ${A.cols}, P ${P.rows} x ${P.cols}`);
    }
    let order: 'left' | 'right' = o === 'auto' ? 'left' : o;
    if (o === 'auto') order = spgemmFlops(A, P).total < spgemmFlops(R, A).total ? 'right' : 'left';
    const first = order === 'left' ? SpgemmProduct.compute(R, A, rest) : SpgemmProduct.compute(A, P, rest);
    try {
      const second = order === 'left' ? SpgemmProduct.compute(first.matrix, P, rest) : SpgemmProduct.compute(R, first.matrix, rest);
      return new TripleProduct(order, first, second);
    } catch (e) {
      first.dispose();
      throw e;
    }
  }

  /** R A P, owned by this object. */
  get matrix(): CsrMatrix {
    return this.second.matrix;
  }

  get timings(): { symbolicMs: number; numericMs: number } {
    if (this.second.disposed) throw new DisposedError('TripleProduct was used after dispose()');
    return {
      symbolicMs: this.first.timings.symbolicMs + this.second.timings.symbolicMs,
      numericMs: this.first.timings.numericMs + this.second.timings.numericMs,
    };
  }

  /** @deprecated the former name of update(R, A, P) */
  recompute(R: CsrMatrix, A: CsrMatrix, P: CsrMatrix): this {
    return this.update(R, A, P);
  }

  /** New values, same patterns: two numeric phases. */
  update(R: CsrMatrix, A: CsrMatrix, P: CsrMatrix): this {
    if (this.order === 'left') {
      this.first.update(R, A);
      this.second.update(this.first.matrix, P);
    } else {
      this.first.update(A, P);
      this.second.update(R, this.first.matrix);
    }
    return this;
  }

  /** Hands R A P to the caller and frees the intermediate. */
  takeMatrix(): CsrMatrix {
    const C = this.second.takeMatrix();
    this.first.dispose();
    return C;
  }

  dispose(): void {
    this.first.dispose();
    this.second.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** R A P as a new CsrMatrix (see TripleProduct for recompute); `dropZeros` as in spgemm(). */
export function tripleProduct(R: CsrMatrix, A: CsrMatrix, P: CsrMatrix, options: TripleProductOptions = {}): CsrMatrix {
  const [dropZeros, rest] = splitDropZeros(options);
  const C = TripleProduct.compute(R, A, P, rest).takeMatrix();
  return dropZeros ? dropExactZeros(C, rest.spmv) : C;
}
