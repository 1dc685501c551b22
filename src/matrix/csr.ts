import { DimensionMismatchError, InvalidArgumentError, NonFiniteValueError, SparseFormatError } from '../errors.js';
import { WasmResource } from '../runtime/resource.js';
import { getRuntime, Scratch, type SparseRuntime } from '../runtime/runtime.js';
import { DenseVector, vectorIn, type VectorLike } from '../vector.js';
import { checkOptions } from '../options.js';
import { blockToWasm, blockWidth, columnFromWasm, isBlockLike, isDenseBlock, type BlockLike, type DenseBlock } from './dense-block.js';

import { buildSpmvLayout, sellBlocks, spmv, type CsrPointers, type SellLayout, type SpmvLayout } from './sell.js';

export type { SpmvLayout } from './sell.js';

export interface MatrixOptions {
  /** runtime to allocate in (default: the one `init()` loaded) */
  runtime?: SparseRuntime;
  /** SpMV layout; 'auto' (default) builds SELL-8 on the first product when padding stays small
   * in the natural row order; 'sell' forces it (rows sorted by length in windows when that
   * reduces padding) */
  spmv?: SpmvLayout;
}

const MATRIX_OPTIONS = {
  runtime: { kind: 'any' },
  spmv: { kind: 'enum', values: ['auto', 'csr', 'sell'], default: 'auto' },
} as const;

const MULTIPLY_OPTIONS = {
  alpha: { kind: 'number', finite: true, default: 1 },
  beta: { kind: 'number', finite: true, default: 0 },
} as const;

export interface CooArrays {
  rows: number;
  cols: number;
  rowIndex: Int32Array;
  colIndex: Int32Array;
  values: Float64Array;
}

export interface MultiplyOptions {
  /** y = alpha * A x + beta * y; default 1 */
  alpha?: number;
  /** default 0: y is overwritten and its old contents (even NaN) ignored */
  beta?: number;
}

const MAX_I32 = 0x7fffffff;

let nextPatternId = 1;

function checkShape(rows: number, cols: number): void {
  if (!Number.isInteger(rows) || rows < 0 || rows > MAX_I32) {
    throw new InvalidArgumentError(`rows must be a non-negative int32, got ${rows}`);
  }
  if (!Number.isInteger(cols) || cols < 0 || cols > MAX_I32) {
    throw new InvalidArgumentError(`cols must be a non-negative int32, got ${cols}`);
  }
}

function isIndexArray(a: unknown): a is ArrayLike<number> {
  return a != null && typeof (a as ArrayLike<number>).length === 'number';
}

/** Throws unless `m` is a live CsrMatrix (of runtime `rt` when given); returns its runtime. @internal */
export function checkOperand(m: unknown, name: string, rt?: SparseRuntime): SparseRuntime {
  if (!(m instanceof CsrMatrix)) throw new InvalidArgumentError(`${name} must be a CsrMatrix`);
  m.pointers(); // throws DisposedError after dispose()
  if (rt && m.runtime !== rt) throw new InvalidArgumentError(`${name} belongs to a different runtime`);
  return m.runtime;
}

/**
 * Throws NonFiniteValueError naming the first NaN or infinite value of a CSR result in wasm memory
 * (e.g. a product that overflowed). One wasm pass; the JS scan that locates the entry runs only
 * when there is one.
 * @internal
 */
export function checkFiniteResult(
  rt: SparseRuntime, rows: number, nnz: number, rowPtr: number, colIdx: number, values: number, what: string,
  transposed = false,
): void {
  if (rt.kernels.allFiniteScaled(nnz, 1, values)) return;
  const v = rt.f64(values, nnz);
  let k = 0;
  while (k < nnz && Number.isFinite(v[k])) k++;
  const rp = rt.i32(rowPtr, rows + 1);
  // the row holding entry k: the last i with rp[i] <= k
  let lo = 0, hi = rows - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (rp[mid] <= k) lo = mid;
    else hi = mid - 1;
  }
  const col = rt.i32(colIdx, nnz)[k];
  // transposed: the arrays hold the transpose of the matrix the caller sees (fromCsc)
  const [r, c] = transposed ? [col, lo] : [lo, col];
  throw new NonFiniteValueError(
    `${what} overflowed: entry (row ${r}, column ${c}) is ${v[k]}; the library keeps only finite values (scale the operands down)`,
  );
}

/** Argument names and the meaning of the major / minor index, for messages of checkCompressed. */
interface CompressedNames {
  ptr: string; idx: string; data: string; major: 'row' | 'column'; minor: 'row' | 'column'; majors: 'rows' | 'cols';
}
const CSR_NAMES: CompressedNames = { ptr: 'indptr', idx: 'indices', data: 'data', major: 'row', minor: 'column', majors: 'rows' };
const CSC_NAMES: CompressedNames = { ptr: 'colPtr', idx: 'rowIdx', data: 'values', major: 'column', minor: 'row', majors: 'cols' };

/**
 * Validates compressed arrays (CSR: major = rows; CSC: major = columns): lengths, ptr starting at
 * 0, non-decreasing and ending at nnz, integer indices in range, finite values. Throws typed
 * errors naming the place; returns whether every major line is already sorted without duplicates.
 */
function checkCompressed(
  nMajor: number, nMinor: number, ptr: ArrayLike<number>, idx: ArrayLike<number>, data: ArrayLike<number>, n: CompressedNames,
): boolean {
  if (!isIndexArray(ptr) || !isIndexArray(idx) || !isIndexArray(data)) {
    throw new InvalidArgumentError(`${n.ptr}, ${n.idx} and ${n.data} must be arrays`);
  }
  if (ptr.length !== nMajor + 1) {
    throw new DimensionMismatchError(`${n.ptr} has length ${ptr.length}, expected ${n.majors} + 1 = ${nMajor + 1}`);
  }
  const nnz = idx.length;
  if (data.length !== nnz) throw new DimensionMismatchError(`${n.idx} has length ${nnz} but ${n.data} has length ${data.length}`);
  if (nnz > MAX_I32) throw new InvalidArgumentError(`nnz ${nnz} exceeds int32`);
  if (ptr[0] !== 0) throw new SparseFormatError(`${n.ptr}[0] must be 0, got ${ptr[0]}`);
  if (ptr[nMajor] !== nnz) throw new SparseFormatError(`${n.ptr}[${nMajor}] = ${ptr[nMajor]} must equal nnz = ${nnz}`);
  let canonical = true;
  for (let i = 0; i < nMajor; i++) {
    const s = ptr[i], e = ptr[i + 1];
    if (!((e | 0) === e && e >= s)) {
      throw new SparseFormatError(`${n.ptr} must be non-decreasing integers: ${n.ptr}[${i + 1}] = ${e} < ${n.ptr}[${i}] = ${s}`);
    }
    if (e > nnz) throw new SparseFormatError(`${n.ptr}[${i + 1}] = ${e} exceeds nnz = ${nnz}`);
    let prev = -1;
    for (let p = s; p < e; p++) {
      const c = idx[p];
      if (!(c >= 0 && c < nMinor && (c | 0) === c)) {
        throw new SparseFormatError(`${n.major} ${i}, entry ${p}: ${n.minor} index ${c} is not an integer in [0, ${nMinor})`);
      }
      const v = data[p];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        const [r, col] = n.major === 'row' ? [i, c] : [c, i];
        throw new NonFiniteValueError(`row ${r}, column ${col} (entry ${p}): value ${v} is not a finite number`);
      }
      if (c <= prev) canonical = false;
      prev = c;
    }
  }
  return canonical;
}

/**
 * A sparse matrix in compressed sparse row form: float64 values, int32 indices, stored in wasm
 * memory. Always canonical: columns sorted within each row, no duplicates (explicit zeros kept).
 */
export class CsrMatrix extends WasmResource {
  readonly rows: number;
  readonly cols: number;
  readonly nnz: number;
  /** identifies the sparsity pattern; shared by clones and scaled copies, new for new patterns */
  readonly patternId: number;
  private version = 0;
  private readonly rowPtrPtr: number;
  private readonly colIdxPtr: number;
  private readonly valuesPtr: number;
  /** the CSR arrays for the SpMV kernels */
  private readonly csr: CsrPointers;
  private layoutWanted: SpmvLayout;
  private sell: SellLayout | undefined;
  private sellDecided = false;

  private constructor(
    runtime: SparseRuntime, rows: number, cols: number, nnz: number,
    ptrs: [number, number, number], spmv: SpmvLayout, patternId?: number,
  ) {
    super(runtime);
    this.rows = rows;
    this.cols = cols;
    this.nnz = nnz;
    this.rowPtrPtr = this.own(ptrs[0]);
    this.colIdxPtr = this.own(ptrs[1]);
    this.valuesPtr = this.own(ptrs[2]);
    this.csr = { rows, nnz, rowPtr: ptrs[0], colIdx: ptrs[1], values: ptrs[2] };
    this.layoutWanted = spmv;
    this.patternId = patternId ?? nextPatternId++;
  }

  private static allocate(rt: SparseRuntime, rows: number, nnz: number): [number, number, number] {
    const done: number[] = [];
    try {
      done.push(rt.alloc((rows + 1) * 4));
      done.push(rt.alloc(nnz * 4));
      done.push(rt.alloc(nnz * 8));
      return done as [number, number, number];
    } catch (e) {
      for (const p of done) rt.free(p);
      throw e;
    }
  }

  private static checkOptions(options: MatrixOptions): SpmvLayout {
    return checkOptions('matrix', options, MATRIX_OPTIONS).spmv;
  }

  /**
   * From COO triplets (0-based) in any order; duplicates are summed, explicit zeros kept.
   * Throws SparseFormatError naming the first bad entry, NonFiniteValueError for NaN/Inf values.
   */
  static fromCoo(
    rows: number, cols: number, rowIndex: ArrayLike<number>, colIndex: ArrayLike<number>, values: ArrayLike<number>,
    options: MatrixOptions = {},
  ): CsrMatrix {
    const spmv = CsrMatrix.checkOptions(options);
    checkShape(rows, cols);
    if (!isIndexArray(rowIndex) || !isIndexArray(colIndex) || !isIndexArray(values)) {
      throw new InvalidArgumentError('rowIndex, colIndex and values must be arrays');
    }
    const nnz = rowIndex.length;
    if (colIndex.length !== nnz || values.length !== nnz) {
      throw new DimensionMismatchError(
        `COO arrays differ in length: rowIndex ${nnz}, colIndex ${colIndex.length}, values ${values.length}`,
      );
    }
    if (nnz > MAX_I32) throw new InvalidArgumentError(`nnz ${nnz} exceeds int32`);
    // validate, and find out whether the entries are already in canonical (row, col) order
    let sorted = true;
    let pr = -1, pc = -1;
    for (let k = 0; k < nnz; k++) {
      const r = rowIndex[k], c = colIndex[k], v = values[k];
      if (!(r >= 0 && r < rows && (r | 0) === r)) {
        throw new SparseFormatError(`entry ${k}: row index ${r} is not an integer in [0, ${rows})`);
      }
      if (!(c >= 0 && c < cols && (c | 0) === c)) {
        throw new SparseFormatError(`entry ${k}: column index ${c} is not an integer in [0, ${cols})`);
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new NonFiniteValueError(`entry ${k} (row ${r}, column ${c}): value ${v} is not a finite number`);
      }
      if (sorted && (r < pr || (r === pr && c <= pc))) sorted = false;
      pr = r;
      pc = c;
    }
    const rt = getRuntime(options.runtime);
    return CsrMatrix.build(rt, rows, cols, rowIndex, colIndex, values, sorted, spmv);
  }

  /** Builds from validated COO (`transposed`: name entries of the transpose in errors, for fromCsc). */
  private static build(
    rt: SparseRuntime, rows: number, cols: number,
    rowIndex: ArrayLike<number>, colIndex: ArrayLike<number>, values: ArrayLike<number>,
    sorted: boolean, spmv: SpmvLayout, transposed = false,
  ): CsrMatrix {
    const nnz = rowIndex.length;
    const ptrs = CsrMatrix.allocate(rt, rows, nnz);
    try {
      if (sorted) {
        const rp = rt.i32(ptrs[0], rows + 1);
        rp.fill(0);
        for (let k = 0; k < nnz; k++) rp[rowIndex[k] + 1]++;
        for (let i = 0; i < rows; i++) rp[i + 1] += rp[i];
        rt.i32(ptrs[1], nnz).set(colIndex);
        rt.f64(ptrs[2], nnz).set(values);
        return new CsrMatrix(rt, rows, cols, nnz, ptrs, spmv);
      }
      // general case: two counting sorts in wasm, then duplicates summed
      const tmp: number[] = [];
      try {
        const ri = rt.alloc(nnz * 4); tmp.push(ri);
        const tmpPtr = rt.alloc((Math.max(rows, cols) + 1) * 4); tmp.push(tmpPtr);
        const tmpRow = rt.alloc(nnz * 4); tmp.push(tmpRow);
        const tmpCol = rt.alloc(nnz * 4); tmp.push(tmpCol);
        const tmpVal = rt.alloc(nnz * 8); tmp.push(tmpVal);
        rt.i32(ri, nnz).set(rowIndex);
        rt.i32(ptrs[1], nnz).set(colIndex);
        rt.f64(ptrs[2], nnz).set(values);
        // the output overwrites the column and value inputs, which pass 2 no longer reads
        const kept = rt.kernels.cooToCsr(rows, cols, nnz, ri, ptrs[1], ptrs[2], ptrs[0], tmpPtr, tmpRow, tmpCol, tmpVal, ptrs[1], ptrs[2]);
        for (const p of tmp.splice(0)) rt.free(p);
        if (kept === nnz) return new CsrMatrix(rt, rows, cols, nnz, ptrs, spmv);
        // finite duplicates can sum past the largest double
        checkFiniteResult(rt, rows, kept, ptrs[0], ptrs[1], ptrs[2], 'summing duplicate entries', transposed);
        // duplicates were summed: move into exactly sized arrays
        const exact = CsrMatrix.allocate(rt, rows, kept);
        rt.i32(exact[0], rows + 1).set(rt.i32(ptrs[0], rows + 1));
        rt.i32(exact[1], kept).set(rt.i32(ptrs[1], kept));
        rt.f64(exact[2], kept).set(rt.f64(ptrs[2], kept));
        for (const p of ptrs) rt.free(p);
        return new CsrMatrix(rt, rows, cols, kept, exact, spmv);
      } finally {
        for (const p of tmp) rt.free(p);
      }
    } catch (e) {
      for (const p of ptrs) rt.free(p);
      throw e;
    }
  }

  /**
   * From CSR arrays as SciPy gives them (`indptr`, `indices`, `data`). Validated; rows with
   * unsorted or duplicate columns are canonicalised (duplicates summed).
   */
  static fromCsr(
    rows: number, cols: number, indptr: ArrayLike<number>, indices: ArrayLike<number>, data: ArrayLike<number>,
    options: MatrixOptions = {},
  ): CsrMatrix {
    const spmv = CsrMatrix.checkOptions(options);
    checkShape(rows, cols);
    const canonical = checkCompressed(rows, cols, indptr, indices, data, CSR_NAMES);
    return CsrMatrix.fromChecked(getRuntime(options.runtime), rows, cols, indptr, indices, data, canonical, spmv);
  }

  /**
   * From compressed sparse column arrays: SciPy's `csc_matrix` (`indptr`, `indices`, `data`),
   * mathjs's `SparseMatrix` (`_ptr`, `_index`, `_values`, size `_size`). `colPtr` has cols + 1
   * entries, column j's entries are `rowIdx[colPtr[j] .. colPtr[j+1])` with `values` alongside.
   * Validated as fromCsr is; unsorted row indices are sorted and duplicates summed.
   */
  static fromCsc(
    rows: number, cols: number, colPtr: ArrayLike<number>, rowIdx: ArrayLike<number>, values: ArrayLike<number>,
    options: MatrixOptions = {},
  ): CsrMatrix {
    const spmv = CsrMatrix.checkOptions(options);
    checkShape(rows, cols);
    const canonical = checkCompressed(cols, rows, colPtr, rowIdx, values, CSC_NAMES);
    // CSC of A is CSR of A^T: build that, then one counting-sort transpose
    const T = CsrMatrix.fromChecked(getRuntime(options.runtime), cols, rows, colPtr, rowIdx, values, canonical, spmv, true);
    try {
      return T.transpose();
    } finally {
      T.dispose();
    }
  }

  /** CSR (major = rows) from arrays checkCompressed accepted. */
  private static fromChecked(
    rt: SparseRuntime, rows: number, cols: number, indptr: ArrayLike<number>, indices: ArrayLike<number>, data: ArrayLike<number>,
    canonical: boolean, spmv: SpmvLayout, transposed = false,
  ): CsrMatrix {
    const nnz = indices.length;
    if (canonical) {
      const ptrs = CsrMatrix.allocate(rt, rows, nnz);
      rt.i32(ptrs[0], rows + 1).set(indptr);
      rt.i32(ptrs[1], nnz).set(indices);
      rt.f64(ptrs[2], nnz).set(data);
      return new CsrMatrix(rt, rows, cols, nnz, ptrs, spmv);
    }
    const ri = new Int32Array(nnz);
    for (let i = 0; i < rows; i++) ri.fill(i, indptr[i], indptr[i + 1]);
    return CsrMatrix.build(rt, rows, cols, ri, indices, data, false, spmv, transposed);
  }

  /** From dense rows (all of one length); zeros are not stored. */
  static fromDense(dense: ArrayLike<ArrayLike<number>>, options: MatrixOptions & { cols?: number } = {}): CsrMatrix {
    const { cols: colsOpt, ...rest } = options;
    if (!isIndexArray(dense)) throw new InvalidArgumentError('fromDense expects an array of rows');
    const rows = dense.length;
    const cols = rows > 0 ? dense[0]?.length ?? -1 : colsOpt ?? 0;
    const ri: number[] = [], ci: number[] = [], vs: number[] = [];
    for (let i = 0; i < rows; i++) {
      const row = dense[i];
      if (!isIndexArray(row) || row.length !== cols) {
        throw new DimensionMismatchError(`row ${i} has length ${isIndexArray(row) ? row.length : 'none'}, expected ${cols}`);
      }
      for (let j = 0; j < cols; j++) {
        const v = row[j];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new NonFiniteValueError(`row ${i}, column ${j}: value ${v} is not a finite number`);
        }
        if (v !== 0) { ri.push(i); ci.push(j); vs.push(v); }
      }
    }
    return CsrMatrix.fromCoo(rows, Math.max(cols, 0), ri, ci, vs, rest);
  }

  /**
   * Takes ownership of three allocations made with `rt.alloc` (rowPtr: i32[rows+1],
   * colIdx: i32[nnz], values: f64[nnz]) that already hold canonical CSR: sorted columns, no
   * duplicates. For kernels inside this package (SpGEMM, permutations); not validated.
   * @internal
   */
  static fromWasmBuffers(
    rt: SparseRuntime, rows: number, cols: number, nnz: number, rowPtrPtr: number, colIdxPtr: number, valuesPtr: number,
    options: { spmv?: SpmvLayout; patternId?: number } = {},
  ): CsrMatrix {
    return new CsrMatrix(rt, rows, cols, nnz, [rowPtrPtr, colIdxPtr, valuesPtr], options.spmv ?? 'auto', options.patternId);
  }

  /** From COO arrays such as the Matrix Market reader returns. */
  static fromCooArrays(coo: CooArrays, options: MatrixOptions = {}): CsrMatrix {
    return CsrMatrix.fromCoo(coo.rows, coo.cols, coo.rowIndex, coo.colIndex, coo.values, options);
  }

  /** Counts value changes (scale, setValues); a factorization records it to detect staleness. */
  get valuesVersion(): number {
    this.alive('CsrMatrix');
    return this.version;
  }

  /** Live views into wasm memory; re-read them after anything that allocates. Do not modify: use setValues(). */
  get rowPtr(): Int32Array {
    this.alive('CsrMatrix');
    return this.runtime.i32(this.rowPtrPtr, this.rows + 1);
  }

  get colIdx(): Int32Array {
    this.alive('CsrMatrix');
    return this.runtime.i32(this.colIdxPtr, this.nnz);
  }

  get values(): Float64Array {
    this.alive('CsrMatrix');
    return this.runtime.f64(this.valuesPtr, this.nnz);
  }

  /** Raw pointers for kernels in this package (rowPtr, colIdx, values). */
  pointers(): { rowPtr: number; colIdx: number; values: number } {
    this.alive('CsrMatrix');
    return { rowPtr: this.rowPtrPtr, colIdx: this.colIdxPtr, values: this.valuesPtr };
  }

  /** Replaces the values (same pattern, in CSR order); bumps valuesVersion. */
  setValues(values: ArrayLike<number>): this {
    this.alive('CsrMatrix');
    if (!isIndexArray(values) || values.length !== this.nnz) {
      throw new DimensionMismatchError(`setValues needs ${this.nnz} values, got ${isIndexArray(values) ? values.length : 'none'}`);
    }
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new NonFiniteValueError(`value ${k} is ${v}, not a finite number`);
    }
    this.values.set(values);
    this.valuesChanged();
    return this;
  }

  /**
   * For kernels in this package that wrote new values in place (SpGEMM recompute): bumps
   * valuesVersion and drops the SELL copy, as setValues does.
   * @internal
   */
  markValuesChanged(): void {
    this.alive('CsrMatrix');
    this.valuesChanged();
  }

  private valuesChanged(): void {
    this.version++;
    this.dropSell();
  }

  /**
   * Multiplies every value by alpha in place; returns this. Throws NonFiniteValueError (naming the
   * entry, the matrix unchanged) when a product would overflow to infinity.
   */
  scale(alpha: number): this {
    this.alive('CsrMatrix');
    if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new NonFiniteValueError(`scale factor ${alpha} is not finite`);
    // checked before writing (one wasm pass at memory speed), so a refused scale changes nothing
    const e = this.runtime.kernels;
    if (!e.allFiniteScaled(this.nnz, alpha, this.valuesPtr)) {
      const v = this.values, rp = this.rowPtr;
      let k = 0;
      while (Number.isFinite(v[k] * alpha)) k++;
      let i = 0;
      while (rp[i + 1] <= k) i++;
      throw new NonFiniteValueError(
        `scale(${alpha}) would overflow: entry (row ${i}, column ${this.colIdx[k]}) = ${v[k]} times ${alpha} is not finite; the matrix is unchanged`,
      );
    }
    e.scal(this.nnz, alpha, this.valuesPtr);
    this.valuesChanged();
    return this;
  }

  /** An independent copy (same patternId). */
  clone(): CsrMatrix {
    this.alive('CsrMatrix');
    const rt = this.runtime;
    const ptrs = CsrMatrix.allocate(rt, this.rows, this.nnz);
    rt.i32(ptrs[0], this.rows + 1).set(this.rowPtr);
    rt.i32(ptrs[1], this.nnz).set(this.colIdx);
    rt.f64(ptrs[2], this.nnz).set(this.values);
    return new CsrMatrix(rt, this.rows, this.cols, this.nnz, ptrs, this.layoutWanted, this.patternId);
  }

  /** A^T as a new canonical CSR matrix. */
  transpose(): CsrMatrix {
    this.alive('CsrMatrix');
    const rt = this.runtime;
    const ptrs = CsrMatrix.allocate(rt, this.cols, this.nnz);
    rt.kernels.csrTranspose(this.rows, this.cols, this.rowPtrPtr, this.colIdxPtr, this.valuesPtr, ptrs[0], ptrs[1], ptrs[2]);
    return new CsrMatrix(rt, this.cols, this.rows, this.nnz, ptrs, this.layoutWanted);
  }

  /** The main diagonal, length min(rows, cols); 0 where no entry is stored. */
  diagonal(): Float64Array {
    this.alive('CsrMatrix');
    const rt = this.runtime;
    const n = Math.min(this.rows, this.cols);
    const p = rt.scratchPtr(Scratch.vectorX, n * 8);
    rt.kernels.csrDiagonal(this.rows, this.cols, this.rowPtrPtr, this.colIdxPtr, this.valuesPtr, p);
    return rt.f64(p, n).slice();
  }

  /** Dense copy as an array of rows. */
  toDense(): Float64Array[] {
    const rp = this.rowPtr, ci = this.colIdx, v = this.values;
    const out: Float64Array[] = [];
    for (let i = 0; i < this.rows; i++) {
      const row = new Float64Array(this.cols);
      for (let p = rp[i]; p < rp[i + 1]; p++) row[ci[p]] = v[p];
      out.push(row);
    }
    return out;
  }

  /** COO copy, row-major with sorted columns. */
  toCoo(): CooArrays {
    const rp = this.rowPtr;
    const rowIndex = new Int32Array(this.nnz);
    for (let i = 0; i < this.rows; i++) rowIndex.fill(i, rp[i], rp[i + 1]);
    return { rows: this.rows, cols: this.cols, rowIndex, colIndex: this.colIdx.slice(), values: this.values.slice() };
  }

  /**
   * Compressed sparse column copies: `indptr` (column pointers, cols + 1), `indices` (row indices,
   * sorted within each column) and `data`, as SciPy's `csc_matrix((data, indices, indptr),
   * shape=(rows, cols))` takes them, or mathjs's `SparseMatrix` as `_ptr`, `_index`, `_values`.
   */
  toCsc(): { rows: number; cols: number; indptr: Int32Array; indices: Int32Array; data: Float64Array } {
    this.alive('CsrMatrix');
    const T = this.transpose();
    try {
      return { rows: this.rows, cols: this.cols, indptr: T.rowPtr.slice(), indices: T.colIdx.slice(), data: T.values.slice() };
    } finally {
      T.dispose();
    }
  }

  /** CSR copies as SciPy's (indptr, indices, data). */
  toCsrArrays(): { rows: number; cols: number; indptr: Int32Array; indices: Int32Array; data: Float64Array } {
    return { rows: this.rows, cols: this.cols, indptr: this.rowPtr.slice(), indices: this.colIdx.slice(), data: this.values.slice() };
  }

  /** The layout SpMV currently uses ('csr' until 'auto' has decided). */
  get spmvLayout(): 'csr' | 'sell' {
    this.alive('CsrMatrix');
    return this.sell ? 'sell' : 'csr';
  }

  /** Entries the SpMV layout stores (nnz for CSR, nnz plus padding for SELL-8). */
  spmvStoredEntries(): number {
    this.alive('CsrMatrix');
    return this.sell ? this.sell.padded : this.nnz;
  }

  /** Chooses the SpMV layout; 'sell' or 'auto' may build the SELL-8 copy now. */
  setSpmvLayout(layout: SpmvLayout): this {
    this.alive('CsrMatrix');
    if (layout !== 'auto' && layout !== 'csr' && layout !== 'sell') throw new InvalidArgumentError(`unknown SpMV layout ${String(layout)}`);
    this.layoutWanted = layout;
    this.dropSell();
    this.prepareSpmv();
    return this;
  }

  /** Builds the SpMV layout now (else the first multiply does), so later products are pure compute. */
  prepareSpmv(): this {
    this.alive('CsrMatrix');
    if (this.sellDecided) return this;
    this.sellDecided = true;
    const s = buildSpmvLayout(this.runtime, this.csr, this.rowPtr, this.layoutWanted);
    if (s) {
      for (const p of sellBlocks(s)) this.own(p);
      this.sell = s;
    }
    return this;
  }

  private dropSell(): void {
    const s = this.sell;
    this.sell = undefined;
    this.sellDecided = false;
    if (s) for (const p of sellBlocks(s)) this.release(p);
  }

  /**
   * y = alpha A x + beta y. `x` has `cols` entries, `y` (created if omitted) `rows` entries.
   * DenseVector operands are used in place; plain arrays are copied in and out.
   *
   * Y = A X for a block of k vectors (SpMM: the matrix is read once for all k): X as k columns
   * (each `cols` long; the result is k Float64Arrays) or as a DenseBlock `{ rows: cols, cols: k,
   * data }` (row-major; the result is a DenseBlock `{ rows, cols: k, data }`). Each column of the
   * result is bitwise `A.multiply(X_j)`. `Y` may be given to write into (same kind and shape).
   * alpha and beta are not taken for blocks.
   */
  multiply(X: DenseBlock, Y?: DenseBlock): DenseBlock;
  multiply(X: readonly ArrayLike<number>[], Y?: Float64Array[]): Float64Array[];
  multiply<T extends VectorLike = Float64Array>(x: VectorLike, y?: T, options?: MultiplyOptions): T;
  multiply(x: VectorLike | BlockLike, y?: unknown, options: MultiplyOptions = {}): unknown {
    if (!(x instanceof DenseVector) && isBlockLike(x)) return this.blockProduct(x, y, options);
    return this.product(false, x as VectorLike, y as VectorLike | undefined, options);
  }

  /** Y = A X for a block (see multiply); k = 0 and rows = 0 give empty results. */
  private blockProduct(X: BlockLike, Y: unknown, options: MultiplyOptions): DenseBlock | Float64Array[] {
    this.alive('CsrMatrix');
    checkOptions('multiply', options, MULTIPLY_OPTIONS);
    if (options.alpha !== undefined || options.beta !== undefined) {
      throw new InvalidArgumentError('multiply: alpha and beta are not taken for a block X; scale the result');
    }
    const rt = this.runtime, n = this.rows;
    const k = blockWidth(X, this.cols, 'X');
    const asBlock = isDenseBlock(X);
    if (Y !== undefined) {
      if (asBlock ? !(isDenseBlock(Y) && Y.data instanceof Float64Array) : !(Array.isArray(Y) && Y.every((c) => c instanceof Float64Array))) {
        throw new InvalidArgumentError(`multiply: Y must be ${asBlock ? 'a DenseBlock, as X is' : 'an array of Float64Arrays, as X is an array of columns'}`);
      }
      const kY = blockWidth(Y as BlockLike, n, 'Y');
      if (kY !== k) throw new DimensionMismatchError(`Y has ${kY} columns, X has ${k}`);
    }
    this.prepareSpmv(); // may allocate: before the block copies
    const px = rt.alloc(this.cols * k * 8);
    let py = 0;
    try {
      py = rt.alloc(n * k * 8);
      blockToWasm(rt, X, this.cols, k, px, 'X');
      this.multiplyBlockPtr(k, px, py);
      if (asBlock) {
        const out = (Y as DenseBlock | undefined) ?? { rows: n, cols: k, data: new Float64Array(n * k) };
        out.data.set(rt.f64(py, n * k));
        return out;
      }
      const out = (Y as Float64Array[] | undefined) ?? [];
      for (let j = 0; j < k; j++) {
        const c = columnFromWasm(rt, py, n, k, j);
        if (out[j]) out[j].set(c);
        else out[j] = c;
      }
      return out;
    } finally {
      rt.free(px);
      if (py) rt.free(py);
    }
  }

  /**
   * Y = A X for row-major blocks of k vectors on wasm pointers (X cols x k, Y rows x k; distinct),
   * each column bitwise multiplyPtr's: the summation order follows the SpMV layout in use. For
   * solvers in this package: call prepareSpmv() once first.
   * @internal
   */
  multiplyBlockPtr(k: number, X: number, Y: number): void {
    this.alive('CsrMatrix');
    const rt = this.runtime;
    // the SIMD CSR kernel groups a row's products by 4; SELL-8 and the scalar build sum in turn
    const order = rt.simd && !this.sell ? 1 : 0;
    rt.kernels.csrSpmm(this.rows, this.rowPtrPtr, this.colIdxPtr, this.valuesPtr, k, X, Y, order);
  }

  /**
   * multiplyBlockPtr (A square) and out_j = X_j . Y_j for each column, summed as the dot kernel
   * sums (acc: scratch of 8k float64s, out: k float64s): CG's q = A p and p.q in one pass.
   * @internal
   */
  multiplyBlockDotPtr(k: number, X: number, Y: number, acc: number, out: number): void {
    this.alive('CsrMatrix');
    const rt = this.runtime;
    const order = rt.simd && !this.sell ? 1 : 0;
    rt.kernels.csrSpmmDot(this.rows, this.rowPtrPtr, this.colIdxPtr, this.valuesPtr, k, X, Y, order, acc, out);
  }

  /**
   * y = A x on wasm pointers (cols and rows float64s; distinct). For solvers in this package:
   * call prepareSpmv() once first so this never allocates.
   * @internal
   */
  multiplyPtr(x: number, y: number): void {
    this.alive('CsrMatrix'); // a field test: the solvers' loops call this every iteration
    spmv(this.runtime.kernels, this.csr, this.sell, x, y);
  }

  /** y = alpha A^T x + beta y. */
  multiplyTransposed<T extends VectorLike = Float64Array>(x: VectorLike, y?: T, options: MultiplyOptions = {}): T {
    return this.product(true, x, y, options);
  }

  private product<T extends VectorLike>(transposed: boolean, x: VectorLike, y: T | undefined, options: MultiplyOptions): T {
    this.alive('CsrMatrix');
    const { alpha, beta } = checkOptions('multiply', options, MULTIPLY_OPTIONS);
    const rt = this.runtime;
    const nIn = transposed ? this.rows : this.cols;
    const nOut = transposed ? this.cols : this.rows;
    if (!transposed && alpha === 1 && beta === 0) this.prepareSpmv(); // may allocate: before views
    const px = vectorIn(rt, x, nIn, Scratch.spmvX, 'x');
    const out = (y ?? new Float64Array(nOut)) as T;
    let py: number;
    if (out instanceof DenseVector) {
      py = out.check(nOut, 'y', rt);
      if (x instanceof DenseVector && x === (out as unknown)) throw new InvalidArgumentError('x and y must be different vectors');
    } else {
      py = beta === 0 ? rt.scratchPtr(Scratch.spmvY, nOut * 8) : vectorIn(rt, out, nOut, Scratch.spmvY, 'y');
      if (out.length !== nOut) throw new DimensionMismatchError(`y has length ${out.length}, expected ${nOut}`);
    }
    const e = rt.kernels;
    if (transposed) {
      e.csrSpmvTransposed(this.rows, this.cols, this.rowPtrPtr, this.colIdxPtr, this.valuesPtr, px, py, alpha, beta);
    } else if (alpha === 1 && beta === 0) {
      spmv(e, this.csr, this.sell, px, py);
    } else {
      e.csrSpmvScaled(this.rows, this.rowPtrPtr, this.colIdxPtr, this.valuesPtr, px, py, alpha, beta);
    }
    if (!(out instanceof DenseVector)) {
      const src = rt.f64(py, nOut);
      if (out instanceof Float64Array) out.set(src);
      else for (let i = 0; i < nOut; i++) (out as unknown as number[])[i] = src[i];
    }
    return out;
  }

  override dispose(): void {
    this.sell = undefined;
    super.dispose();
  }
}
