// Matrix Market writer: coordinate (from COO, optionally only one triangle of a symmetric or
// skew-symmetric matrix) and array format; values in their shortest round-trip form.
import { InvalidArgumentError, NonFiniteValueError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { MAX_DIM, SYM_GENERAL, SYM_SKEW, SYM_SYMMETRIC, type MmSymmetry } from './format.js';

export interface WriteOptions {
  symmetry?: MmSymmetry;
  field?: 'real' | 'integer' | 'pattern';
  /** Written after the banner; every line of it becomes `'%' + line` (so pass ' text' for '% text'). */
  comment?: string;
}

const WRITE_OPTIONS = {
  symmetry: { kind: 'enum', values: ['general', 'symmetric', 'skew-symmetric'], default: 'general' },
  field: { kind: 'enum', values: ['real', 'integer', 'pattern'] },
  comment: { kind: 'string' },
} as const;

const CHUNK_CHARS = 64 * 1024;

/** Shortest round-trip text of a finite double (String() drops the sign of -0, we keep it). */
function formatReal(v: number): string {
  return v === 0 && 1 / v < 0 ? '-0' : String(v);
}

function formatInteger(v: number): string {
  if (v === 0 && 1 / v < 0) return '-0';
  // String() switches to exponent notation at 1e21, which is not a valid integer token.
  return Math.abs(v) < 1e21 ? String(v) : BigInt(v).toString();
}

function commentBlock(comment: string | undefined): string {
  if (comment === undefined) return '';
  let out = '';
  for (const line of comment.split(/\r?\n/)) out += `%${line}\n`;
  return out;
}

function checkDims(rows: number, cols: number): void {
  if (!Number.isInteger(rows) || rows < 0 || rows > MAX_DIM || !Number.isInteger(cols) || cols < 0 || cols > MAX_DIM) {
    throw new InvalidArgumentError(`invalid matrix size ${rows}x${cols}`);
  }
}

/**
 * Generator variant of {@link formatMatrixMarketCoordinate} for large matrices: yields text chunks
 * of about 64 KiB. All arguments are validated (and the entry count computed) before the first
 * chunk is yielded, so a consumer that fails on the first `next()` has written nothing.
 */
export function* matrixMarketCoordinateChunks(
  rows: number,
  cols: number,
  rowIndex: Int32Array,
  colIndex: Int32Array,
  values: Float64Array | null,
  opts: WriteOptions = {},
): Generator<string> {
  checkDims(rows, cols);
  const o = checkOptions('Matrix Market writer', opts, WRITE_OPTIONS);
  const symmetry = o.symmetry;
  const field = o.field ?? (values === null ? 'pattern' : 'real');
  if (field !== 'pattern' && values === null) {
    throw new InvalidArgumentError(`field "${field}" needs values (got null)`);
  }
  if (symmetry !== 'general' && rows !== cols) {
    throw new InvalidArgumentError(`a ${symmetry} matrix must be square, got ${rows}x${cols}`);
  }
  if (field === 'pattern' && symmetry === 'skew-symmetric') {
    throw new InvalidArgumentError('a pattern matrix cannot be skew-symmetric');
  }
  const len = rowIndex.length;
  if (colIndex.length !== len || (values !== null && field !== 'pattern' && values.length !== len)) {
    throw new InvalidArgumentError(
      `rowIndex, colIndex and values must have the same length (got ${len}, ${colIndex.length}, ${values?.length})`,
    );
  }
  // Validation + count pass.
  const symMode = symmetry === 'general' ? SYM_GENERAL : symmetry === 'symmetric' ? SYM_SYMMETRIC : SYM_SKEW;
  const vals = field === 'pattern' ? null : values;
  let nnz = 0;
  for (let k = 0; k < len; k++) {
    const r = rowIndex[k]!;
    const c = colIndex[k]!;
    if (r < 0 || r >= rows || c < 0 || c >= cols) {
      throw new InvalidArgumentError(`entry ${k}: index (${r}, ${c}) out of range for a ${rows}x${cols} matrix`);
    }
    if (symMode === SYM_SYMMETRIC ? r < c : symMode === SYM_SKEW ? r <= c : false) continue;
    nnz++;
    if (vals !== null) {
      const v = vals[k]!;
      if (!Number.isFinite(v)) throw new NonFiniteValueError(`entry ${k} at (${r}, ${c}) has non-finite value ${v}`);
      if (field === 'integer' && !Number.isInteger(v)) {
        throw new InvalidArgumentError(`entry ${k} at (${r}, ${c}): value ${v} is not an integer (field "integer")`);
      }
    }
  }
  let buf = `%%MatrixMarket matrix coordinate ${field} ${symmetry}\n${commentBlock(o.comment)}${rows} ${cols} ${nnz}\n`;
  const fmt = field === 'integer' ? formatInteger : formatReal;
  for (let k = 0; k < len; k++) {
    const r = rowIndex[k]!;
    const c = colIndex[k]!;
    if (symMode === SYM_SYMMETRIC ? r < c : symMode === SYM_SKEW ? r <= c : false) continue;
    if (vals === null) buf += `${r + 1} ${c + 1}\n`;
    else buf += `${r + 1} ${c + 1} ${fmt(vals[k]!)}\n`;
    if (buf.length >= CHUNK_CHARS) {
      yield buf;
      buf = '';
    }
  }
  if (buf.length > 0) yield buf;
}

/**
 * Write coordinate format from COO (0-based input; written 1-based). Values are written in the
 * shortest form that round-trips exactly (String(v), keeping the sign of -0). With symmetry
 * 'symmetric' only entries with row >= col are written (the caller guarantees symmetry);
 * 'skew-symmetric' writes only row > col. `values === null` writes a pattern matrix.
 * Throws InvalidArgumentError for bad sizes/indices/options and NonFiniteValueError for NaN/Inf.
 */
export function formatMatrixMarketCoordinate(
  rows: number,
  cols: number,
  rowIndex: Int32Array,
  colIndex: Int32Array,
  values: Float64Array | null,
  opts?: WriteOptions,
): string {
  let out = '';
  for (const chunk of matrixMarketCoordinateChunks(rows, cols, rowIndex, colIndex, values, opts ?? {})) out += chunk;
  return out;
}

/**
 * Array (dense, column-major) format writer for vectors/dense matrices (`real general`):
 * `columnMajor` has length rows*cols.
 */
export function formatMatrixMarketArray(
  rows: number,
  cols: number,
  columnMajor: Float64Array,
  opts: { comment?: string } = {},
): string {
  checkDims(rows, cols);
  const { comment } = checkOptions('Matrix Market writer', opts, { comment: WRITE_OPTIONS.comment });
  if (columnMajor.length !== rows * cols) {
    throw new InvalidArgumentError(`array data has length ${columnMajor.length}, expected rows*cols = ${rows * cols}`);
  }
  for (let k = 0; k < columnMajor.length; k++) {
    const v = columnMajor[k]!;
    if (!Number.isFinite(v)) throw new NonFiniteValueError(`element ${k} has non-finite value ${v}`);
  }
  const parts: string[] = [`%%MatrixMarket matrix array real general\n${commentBlock(comment)}${rows} ${cols}\n`];
  let buf = '';
  for (let k = 0; k < columnMajor.length; k++) {
    buf += `${formatReal(columnMajor[k]!)}\n`;
    if (buf.length >= CHUNK_CHARS) {
      parts.push(buf);
      buf = '';
    }
  }
  parts.push(buf);
  return parts.join('');
}
