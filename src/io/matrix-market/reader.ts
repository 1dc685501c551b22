/**
 * Matrix Market reader.
 *
 * Parser design:
 * - Incremental: {@link MatrixMarketParser.push} takes text chunks split anywhere (even inside a
 *   number or between `\r` and `\n`); only the current chunk plus the carried-over partial last
 *   line is ever held as a string, the result is accumulated in typed arrays (O(entries)).
 * - Hot path: entry lines of the usual shape (`i j value` separated by spaces/tabs) are decoded
 *   from char codes without creating substrings; values with at most 15-16 significant digits and
 *   a decimal exponent in [-22, 22] are computed exactly (Clinger's fast path: one correctly
 *   rounded IEEE multiply/divide of two exact doubles), everything else goes through `Number()`
 *   after a syntax check, so results are bit-identical to `Number(token)`.
 *   Any line the fast path does not recognise is re-parsed by a slow, strict tokenizer that
 *   either accepts it (blank line, comment, unusual whitespace) or throws the precise error.
 * - Values must be finite: `nan`, `inf`, `infinity` and literals that overflow a double (`1e400`)
 *   are rejected with a "non-finite value" error naming the line, because the rest of the library
 *   requires finite values.
 * - Integer field values must match `/^[+-]?\d+$/` (strict: `1.0` or `1e3` are rejected).
 * - Pattern matrices get the value 1 for every entry.
 * - Symmetric files: entries from either triangle are accepted; every off-diagonal entry (i, j) is
 *   followed by its mirror (j, i) with the same value (negated for skew-symmetric). A
 *   skew-symmetric file with a nonzero diagonal entry is an error (a zero one is kept once).
 * - Duplicate entries are kept as they are (in file order); summing them is up to the consumer.
 * - Line numbers in errors are 1-based and count every line (banner, comments, blank lines).
 * - Lines are limited to {@link DEFAULT_MAX_LINE_LENGTH} characters (configurable): the format's
 *   lines are short (the specification caps them at 1024 characters), and a file without line
 *   breaks must fail as a format error on its line, not grow one string past what the engine can
 *   hold.
 * - Input: text, or bytes (`Uint8Array`, Node `Buffer`, `ArrayBuffer`) decoded as UTF-8, or as
 *   Latin-1 when the whole buffer is not valid UTF-8 (comments of older files). Anything else is
 *   an {@link InvalidArgumentError}.
 */
import { InvalidArgumentError, SparseError, SparseFormatError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { MAX_DIM, SYM_GENERAL, SYM_SKEW, SYM_SYMMETRIC, type MatrixMarketData, type MmField, type MmFormat, type MmSymmetry } from './format.js';
import { DIGITS_RE, fast, fastValue, parseIndex, parseValueToken, tokenize, WS_RE } from './numbers.js';

/**
 * Default longest accepted line, in characters (4 Mi): 4096 times the specification's 1024, so
 * only input that is not line-structured (a binary file, a file without newlines) is refused.
 */
export const DEFAULT_MAX_LINE_LENGTH = 1 << 22;

export interface MatrixMarketParseOptions {
  /**
   * Longest accepted line in characters, line break excluded (default DEFAULT_MAX_LINE_LENGTH);
   * a longer line is a SparseFormatError on its line.
   */
  maxLineLength?: number;
}

const PARSE_OPTIONS = { maxLineLength: { kind: 'integer', min: 1, default: DEFAULT_MAX_LINE_LENGTH } } as const;

function parseOptions(options: MatrixMarketParseOptions | undefined): number {
  return checkOptions('Matrix Market', options, PARSE_OPTIONS).maxLineLength;
}

const PHASE_BANNER = 0;
const PHASE_HEADER = 1;
const PHASE_ENTRIES = 2;
const PHASE_DONE = 3;

/** Never pre-allocate more than this many entries from the (untrusted) size line; grow after. */
const MAX_PREALLOC = 1 << 22;

/**
 * Incremental Matrix Market parser: feed text chunks (arbitrary split points, even mid-line or
 * mid-number) with {@link push}, then call {@link finish}. Never holds the whole text in one
 * string; memory is O(entries). Throws {@link SparseFormatError} (with `.line`) on bad input;
 * after an error the parser is unusable (every further call rethrows the same error).
 */
export class MatrixMarketParser {
  /** longest accepted line (characters, line break excluded) */
  readonly maxLineLength: number;
  private phase = PHASE_BANNER;
  private carry = '';
  /** Number of lines consumed so far (= 1-based number of the last consumed line). */
  private line = 0;
  private error: unknown = undefined;

  private format: MmFormat = 'coordinate';
  private field: MmField = 'real';
  private symmetry: MmSymmetry = 'general';
  private sym = SYM_GENERAL;
  private rows = 0;
  private cols = 0;
  private declared = 0;
  private comments: string[] = [];

  private rowIdx = new Int32Array(0);
  private colIdx = new Int32Array(0);
  private vals = new Float64Array(0);
  /** Expanded entries written to the arrays. */
  private count = 0;
  /** Entries read from the file (before expansion). */
  private stored = 0;
  // Array format: position of the next value.
  private arrRow = 0;
  private arrCol = 0;

  // Slow-path results.
  private sI = 0;
  private sJ = 0;
  private sV = 0;

  constructor(options?: MatrixMarketParseOptions) {
    this.maxLineLength = parseOptions(options);
  }

  /** Feed the next piece of text. */
  push(chunk: string): void {
    if (this.error !== undefined) throw this.error;
    if (this.phase === PHASE_DONE) throw new InvalidArgumentError('MatrixMarketParser: push() after finish()');
    if (typeof chunk !== 'string') {
      throw new InvalidArgumentError(`MatrixMarketParser.push() takes text, got ${describe(chunk)} (decode bytes first, or use parseMatrixMarketStream)`);
    }
    if (chunk.length === 0) return;
    try {
      let start = 0;
      if (this.carry.length > 0) {
        const nl = chunk.indexOf('\n');
        // the carried partial line grows until a line break comes: bounded here, before the
        // concatenation, so a file without line breaks fails on its line
        this.checkLength(this.carry.length + (nl < 0 ? chunk.length : nl), this.line + 1);
        if (nl < 0) {
          this.carry += chunk;
          return;
        }
        const first = this.carry + chunk.slice(0, nl + 1);
        this.carry = '';
        this.process(first, 0, first.length);
        start = nl + 1;
      }
      const last = chunk.lastIndexOf('\n');
      if (last < start) {
        if (start < chunk.length) {
          this.checkLength(chunk.length - start, this.line + 1);
          this.carry = chunk.slice(start);
        }
        return;
      }
      this.process(chunk, start, last + 1);
      if (last + 1 < chunk.length) {
        this.checkLength(chunk.length - last - 1, this.line + 1);
        this.carry = chunk.slice(last + 1);
      }
    } catch (e) {
      this.error = e;
      throw e;
    }
  }

  /** Signal the end of input; validates counts and returns the (trimmed) COO data. */
  finish(): MatrixMarketData {
    if (this.error !== undefined) throw this.error;
    if (this.phase === PHASE_DONE) throw new InvalidArgumentError('MatrixMarketParser: finish() called twice');
    try {
      if (this.carry.length > 0) {
        const rest = this.carry;
        this.carry = '';
        this.process(rest, 0, rest.length);
      }
      if (this.phase === PHASE_BANNER) {
        throw new SparseFormatError('empty input: missing %%MatrixMarket banner', 1);
      }
      if (this.phase === PHASE_HEADER) {
        throw new SparseFormatError('unexpected end of input: missing size line', this.line);
      }
      if (this.stored < this.declared) {
        throw new SparseFormatError(
          `unexpected end of input: expected ${this.declared} entries, got ${this.stored} (file truncated?)`,
          this.line,
        );
      }
      this.phase = PHASE_DONE;
      const n = this.count;
      const trim = n !== this.rowIdx.length;
      const data: MatrixMarketData = {
        header: {
          format: this.format,
          field: this.field,
          symmetry: this.symmetry,
          rows: this.rows,
          cols: this.cols,
          storedEntries: this.declared,
          comments: this.comments,
        },
        rows: this.rows,
        cols: this.cols,
        rowIndex: trim ? this.rowIdx.slice(0, n) : this.rowIdx,
        colIndex: trim ? this.colIdx.slice(0, n) : this.colIdx,
        values: trim ? this.vals.slice(0, n) : this.vals,
      };
      this.rowIdx = new Int32Array(0);
      this.colIdx = new Int32Array(0);
      this.vals = new Float64Array(0);
      return data;
    } catch (e) {
      this.error = e;
      throw e;
    }
  }

  /** Throws the line-length error when a line of `length` characters (line break excluded) is too long. */
  /** Where the line from `lineStart` ends ('\n' or `end`), for the slow path; refuses a too long line. */
  private slowLineEnd(s: string, lineStart: number, end: number, lineNo: number): number {
    let lineEnd = s.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd >= end) lineEnd = end;
    this.checkLength(lineEnd - lineStart, lineNo);
    return lineEnd;
  }

  private checkLength(length: number, lineNo: number): void {
    if (length > this.maxLineLength) {
      throw new SparseFormatError(
        `this line is longer than ${this.maxLineLength} characters (the limit: Matrix Market lines are short; is this a Matrix Market text file?)`,
        lineNo,
      );
    }
  }

  /** Process the complete lines in s[pos, end): s[end-1] is '\n', or end is the end of input. */
  private process(s: string, pos: number, end: number): void {
    while (pos < end && this.phase !== PHASE_ENTRIES) {
      let nl = s.indexOf('\n', pos);
      if (nl < 0 || nl >= end) nl = end;
      this.checkLength(nl - pos, this.line + 1);
      this.headerLine(s.slice(pos, nl));
      pos = nl + 1;
    }
    if (pos < end) {
      if (this.format === 'coordinate') this.coordinateLines(s, pos, end);
      else this.arrayLines(s, pos, end);
    }
  }

  private headerLine(raw: string): void {
    const lineNo = ++this.line;
    if (this.phase === PHASE_BANNER) {
      this.parseBanner(lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw, lineNo);
      this.phase = PHASE_HEADER;
      return;
    }
    const trimmed = raw.trim();
    if (trimmed.length === 0) return;
    if (trimmed.charCodeAt(0) === 37 /* % */) {
      this.comments.push(commentText(raw));
      return;
    }
    this.parseSizeLine(trimmed, lineNo);
    this.phase = PHASE_ENTRIES;
  }

  private parseBanner(raw: string, lineNo: number): void {
    const tokens = tokenize(raw);
    if (tokens.length === 0 || tokens[0]!.toLowerCase() !== '%%matrixmarket') {
      throw new SparseFormatError(
        'missing %%MatrixMarket banner (expected "%%MatrixMarket matrix <format> <field> <symmetry>" on the first line)',
        lineNo,
      );
    }
    if (tokens.length < 5) {
      throw new SparseFormatError(
        `incomplete banner "${raw.trim()}": expected "%%MatrixMarket matrix <format> <field> <symmetry>"`,
        lineNo,
      );
    }
    if (tokens.length > 5) {
      throw new SparseFormatError(`unexpected extra words in banner "${raw.trim()}"`, lineNo);
    }
    const object = tokens[1]!.toLowerCase();
    const format = tokens[2]!.toLowerCase();
    const field = tokens[3]!.toLowerCase();
    const symmetry = tokens[4]!.toLowerCase();
    if (object !== 'matrix') {
      throw new SparseFormatError(`unsupported object "${tokens[1]}" (only "matrix" is supported)`, lineNo);
    }
    if (format !== 'coordinate' && format !== 'array') {
      throw new SparseFormatError(`unknown format "${tokens[2]}" (expected coordinate or array)`, lineNo);
    }
    if (field !== 'real' && field !== 'double' && field !== 'integer' && field !== 'pattern' && field !== 'complex') {
      throw new SparseFormatError(`unknown field "${tokens[3]}" (expected real, integer or pattern)`, lineNo);
    }
    if (symmetry !== 'general' && symmetry !== 'symmetric' && symmetry !== 'skew-symmetric' && symmetry !== 'hermitian') {
      throw new SparseFormatError(
        `unknown symmetry "${tokens[4]}" (expected general, symmetric or skew-symmetric)`,
        lineNo,
      );
    }
    if (field === 'complex') throw new SparseFormatError('complex matrices are unsupported', lineNo);
    if (symmetry === 'hermitian') throw new SparseFormatError('hermitian matrices are unsupported', lineNo);
    if (field === 'pattern' && format === 'array') {
      throw new SparseFormatError('invalid banner: the pattern field cannot be used with the array format', lineNo);
    }
    if (field === 'pattern' && symmetry === 'skew-symmetric') {
      throw new SparseFormatError('invalid banner: a pattern matrix cannot be skew-symmetric', lineNo);
    }
    this.format = format;
    this.field = field === 'double' ? 'real' : field;
    this.symmetry = symmetry;
    this.sym = symmetry === 'general' ? SYM_GENERAL : symmetry === 'symmetric' ? SYM_SYMMETRIC : SYM_SKEW;
  }

  private parseSizeLine(trimmed: string, lineNo: number): void {
    const tokens = trimmed.split(WS_RE);
    const coord = this.format === 'coordinate';
    const want = coord ? 3 : 2;
    const what = coord ? '"rows cols entries"' : '"rows cols"';
    if (tokens.length !== want) {
      throw new SparseFormatError(
        `invalid size line "${trimmed}": expected ${want} non-negative integers ${what} for ${this.format} format, got ${tokens.length} tokens`,
        lineNo,
      );
    }
    const nums: number[] = [];
    for (const t of tokens) {
      if (!DIGITS_RE.test(t)) {
        throw new SparseFormatError(
          `invalid size line "${trimmed}": "${t}" is not a non-negative integer (expected ${what})`,
          lineNo,
        );
      }
      nums.push(Number(t));
    }
    const rows = nums[0]!;
    const cols = nums[1]!;
    if (rows > MAX_DIM || cols > MAX_DIM) {
      throw new SparseFormatError(`matrix size ${rows}x${cols} exceeds the supported maximum ${MAX_DIM}`, lineNo);
    }
    if (this.sym !== SYM_GENERAL && rows !== cols) {
      throw new SparseFormatError(`${this.symmetry} matrix must be square, but the size line says ${rows}x${cols}`, lineNo);
    }
    let declared: number;
    let expanded: number;
    if (coord) {
      declared = nums[2]!;
      if (!Number.isSafeInteger(declared)) {
        throw new SparseFormatError(`entry count ${tokens[2]} is too large`, lineNo);
      }
      expanded = this.sym === SYM_GENERAL ? declared : 2 * declared;
    } else if (this.sym === SYM_GENERAL) {
      declared = rows * cols;
      expanded = declared;
    } else if (this.sym === SYM_SYMMETRIC) {
      declared = (rows * (rows + 1)) / 2;
      expanded = rows * rows;
    } else {
      declared = rows === 0 ? 0 : (rows * (rows - 1)) / 2;
      expanded = 2 * declared;
    }
    this.rows = rows;
    this.cols = cols;
    this.declared = declared;
    const cap = Math.min(expanded, MAX_PREALLOC);
    this.rowIdx = new Int32Array(cap);
    this.colIdx = new Int32Array(cap);
    this.vals = new Float64Array(cap);
    if (!coord && this.sym === SYM_SKEW) this.arrRow = 1; // strictly lower triangle starts at (1, 0)
  }

  /** Make room for at least `need` entries (doubling). */
  private grow(need: number): void {
    let cap = Math.max(16, this.rowIdx.length * 2);
    while (cap < need) cap *= 2;
    const r = new Int32Array(cap);
    r.set(this.rowIdx.subarray(0, this.count));
    const c = new Int32Array(cap);
    c.set(this.colIdx.subarray(0, this.count));
    const v = new Float64Array(cap);
    v.set(this.vals.subarray(0, this.count));
    this.rowIdx = r;
    this.colIdx = c;
    this.vals = v;
  }

  /** Hot loop for coordinate entry lines in s[pos, end). */
  private coordinateLines(s: string, pos: number, end: number): void {
    const rows = this.rows;
    const cols = this.cols;
    const sym = this.sym;
    const declared = this.declared;
    const hasValue = this.field !== 'pattern';
    const integerOnly = this.field === 'integer';
    let ri = this.rowIdx;
    let ci = this.colIdx;
    let va = this.vals;
    let cap = ri.length;
    let n = this.count;
    let stored = this.stored;
    let lineNo = this.line;
    let p = pos;
    const grain = sym === SYM_GENERAL ? 1 : 2; // entries appended per stored entry (at most)
    const maxLine = this.maxLineLength;
    try {
      while (p < end) {
        lineNo++;
        const lineStart = p;
        let i = 0;
        let j = 0;
        let v = 1;
        let ok = false;
        fast: {
          let c = s.charCodeAt(p);
          while (c === 32) c = s.charCodeAt(++p);
          // row index
          if (c < 49 || c > 57) break fast; // must start with 1-9
          i = c - 48;
          c = s.charCodeAt(++p);
          while (c >= 48 && c <= 57) {
            i = i * 10 + (c - 48);
            c = s.charCodeAt(++p);
          }
          if (i > rows || (c !== 32 && c !== 9)) break fast;
          do c = s.charCodeAt(++p);
          while (c === 32 || c === 9);
          // column index
          if (c < 49 || c > 57) break fast;
          j = c - 48;
          c = s.charCodeAt(++p);
          while (c >= 48 && c <= 57) {
            j = j * 10 + (c - 48);
            c = s.charCodeAt(++p);
          }
          if (j > cols) break fast;
          if (hasValue) {
            if (c !== 32 && c !== 9) break fast;
            do c = s.charCodeAt(++p);
            while (c === 32 || c === 9);
            v = fastValue(s, p, end, integerOnly);
            if (!fast.ok) break fast;
            p = fast.end;
            c = s.charCodeAt(p);
          }
          while (c === 32 || c === 9 || c === 13) c = s.charCodeAt(++p);
          if (c === 10) p++;
          else if (p < end) break fast;
          ok = true;
          // one comparison a line: as long a line is refused wherever the chunks were split
          if (p - lineStart > maxLine) this.checkLength(s.charCodeAt(p - 1) === 10 ? p - lineStart - 1 : p - lineStart, lineNo);
        }
        if (!ok) {
          const lineEnd = this.slowLineEnd(s, lineStart, end, lineNo);
          p = lineEnd + 1;
          if (!this.slowCoordinateLine(s.slice(lineStart, lineEnd), lineNo)) continue;
          i = this.sI;
          j = this.sJ;
          v = this.sV;
        }
        if (stored >= declared) {
          throw new SparseFormatError(`more entries than the ${declared} declared on the size line`, lineNo);
        }
        stored++;
        if (n + grain > cap) {
          this.count = n;
          this.grow(n + grain);
          ri = this.rowIdx;
          ci = this.colIdx;
          va = this.vals;
          cap = ri.length;
        }
        ri[n] = i - 1;
        ci[n] = j - 1;
        va[n] = v;
        n++;
        if (sym !== SYM_GENERAL) {
          if (i !== j) {
            ri[n] = j - 1;
            ci[n] = i - 1;
            va[n] = sym === SYM_SKEW ? 0 - v : v;
            n++;
          } else if (sym === SYM_SKEW && v !== 0) {
            throw new SparseFormatError(
              `skew-symmetric matrix has a nonzero diagonal entry (${i}, ${i}) = ${v}`,
              lineNo,
            );
          }
        }
      }
    } finally {
      this.count = n;
      this.stored = stored;
      this.line = lineNo;
    }
  }

  /**
   * Strict parse of one coordinate entry line (without '\n'). Returns false for blank and
   * comment lines, true with sI/sJ/sV set for an entry; throws SparseFormatError otherwise.
   */
  private slowCoordinateLine(line: string, lineNo: number): boolean {
    const tokens = tokenize(line);
    if (tokens.length === 0) return false;
    if (tokens[0]!.charCodeAt(0) === 37 /* % */) {
      this.comments.push(commentText(line));
      return false;
    }
    const hasValue = this.field !== 'pattern';
    const want = hasValue ? 3 : 2;
    if (tokens.length !== want) {
      throw new SparseFormatError(
        `expected ${want} tokens (${hasValue ? 'row col value' : 'row col'}) for a ${this.field} coordinate entry, got ${tokens.length}: "${line.trim()}"`,
        lineNo,
      );
    }
    this.sI = parseIndex(tokens[0]!, 'row', this.rows, lineNo);
    this.sJ = parseIndex(tokens[1]!, 'column', this.cols, lineNo);
    this.sV = hasValue ? parseValueToken(tokens[2]!, this.field, lineNo) : 1;
    return true;
  }

  /** Loop for array-format value lines in s[pos, end). */
  private arrayLines(s: string, pos: number, end: number): void {
    const rows = this.rows;
    const sym = this.sym;
    const declared = this.declared;
    const integerOnly = this.field === 'integer';
    let ri = this.rowIdx;
    let ci = this.colIdx;
    let va = this.vals;
    let cap = ri.length;
    let n = this.count;
    let stored = this.stored;
    let lineNo = this.line;
    let r = this.arrRow;
    let col = this.arrCol;
    let p = pos;
    const grain = sym === SYM_GENERAL ? 1 : 2;
    const maxLine = this.maxLineLength;
    try {
      while (p < end) {
        lineNo++;
        const lineStart = p;
        let v = 0;
        let ok = false;
        fast: {
          let c = s.charCodeAt(p);
          while (c === 32 || c === 9) c = s.charCodeAt(++p);
          v = fastValue(s, p, end, integerOnly);
          if (!fast.ok) break fast;
          p = fast.end;
          c = s.charCodeAt(p);
          while (c === 32 || c === 9 || c === 13) c = s.charCodeAt(++p);
          if (c === 10) p++;
          else if (p < end) break fast;
          ok = true;
          if (p - lineStart > maxLine) this.checkLength(s.charCodeAt(p - 1) === 10 ? p - lineStart - 1 : p - lineStart, lineNo);
        }
        if (!ok) {
          const lineEnd = this.slowLineEnd(s, lineStart, end, lineNo);
          p = lineEnd + 1;
          const line = s.slice(lineStart, lineEnd);
          const tokens = tokenize(line);
          if (tokens.length === 0) continue;
          if (tokens[0]!.charCodeAt(0) === 37) {
            this.comments.push(commentText(line));
            continue;
          }
          if (tokens.length !== 1) {
            throw new SparseFormatError(
              `expected 1 value per line in array format, got ${tokens.length} tokens: "${line.trim()}"`,
              lineNo,
            );
          }
          v = parseValueToken(tokens[0]!, this.field, lineNo);
        }
        if (stored >= declared) {
          throw new SparseFormatError(`more entries than the ${declared} declared on the size line`, lineNo);
        }
        stored++;
        if (n + grain > cap) {
          this.count = n;
          this.grow(n + grain);
          ri = this.rowIdx;
          ci = this.colIdx;
          va = this.vals;
          cap = ri.length;
        }
        ri[n] = r;
        ci[n] = col;
        va[n] = v;
        n++;
        if (sym !== SYM_GENERAL && r !== col) {
          ri[n] = col;
          ci[n] = r;
          va[n] = sym === SYM_SKEW ? 0 - v : v;
          n++;
        }
        // Advance column-major position (lower triangle for symmetric, strictly lower for skew).
        if (++r >= rows) {
          col++;
          r = sym === SYM_GENERAL ? 0 : sym === SYM_SYMMETRIC ? col : col + 1;
        }
      }
    } finally {
      this.count = n;
      this.stored = stored;
      this.line = lineNo;
      this.arrRow = r;
      this.arrCol = col;
    }
  }
}

function commentText(line: string): string {
  const k = line.indexOf('%');
  let t = line.slice(k + 1);
  if (t.endsWith('\r')) t = t.slice(0, -1);
  return t;
}

/** Bytes are decoded in slices of this size, so no intermediate string is larger. */
const DECODE_SLICE = 1 << 20;

/** A short description of a value's type for error messages. */
function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return (x as object).constructor?.name ?? 'an object';
}

/** The bytes of a Uint8Array / Node Buffer / ArrayBuffer / other byte view, or undefined. */
function asBytes(x: unknown): Uint8Array | undefined {
  if (x instanceof Uint8Array) return x;
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  if (ArrayBuffer.isView(x) && !(x instanceof DataView) && (x as Uint8Array).BYTES_PER_ELEMENT === 1) {
    return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  }
  return undefined;
}

/** Feeds bytes to the parser through a streaming decoder, a slice at a time. */
function pushBytes(parser: MatrixMarketParser, decoder: TextDecoder, bytes: Uint8Array): void {
  for (let k = 0; k < bytes.length; k += DECODE_SLICE) {
    parser.push(decoder.decode(bytes.subarray(k, k + DECODE_SLICE), { stream: true }));
  }
}

/**
 * Parse a whole Matrix Market text, or its bytes (`Uint8Array`, Node `Buffer`, `ArrayBuffer`):
 * UTF-8, or Latin-1 when the bytes are not valid UTF-8. Bytes are decoded a slice at a time, so
 * a file larger than the engine's longest string parses (or fails on its line) all the same.
 */
export function parseMatrixMarket(input: string | Uint8Array | ArrayBuffer, options?: MatrixMarketParseOptions): MatrixMarketData {
  if (typeof input === 'string') {
    const p = new MatrixMarketParser(options);
    p.push(input);
    return p.finish();
  }
  const bytes = asBytes(input);
  if (!bytes) {
    throw new InvalidArgumentError(`parseMatrixMarket takes a string, a Uint8Array / Buffer or an ArrayBuffer, got ${describe(input)}`);
  }
  let p = new MatrixMarketParser(options);
  try {
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    pushBytes(p, utf8, bytes);
    p.push(utf8.decode());
  } catch (e) {
    if (e instanceof SparseError || !(e instanceof TypeError)) throw e;
    // not UTF-8 (the decoder's TypeError): older files carry Latin-1 comments
    p = new MatrixMarketParser(options);
    const latin1 = new TextDecoder('latin1');
    pushBytes(p, latin1, bytes);
    p.push(latin1.decode());
  }
  return p.finish();
}

/**
 * Parse a stream of text or UTF-8 bytes (e.g. `fetch(url).then(r => r.body)`, a Node read stream,
 * or any async or sync iterable). Bytes are decoded with a streaming TextDecoder, so multibyte
 * characters may be split across chunks (invalid UTF-8 becomes U+FFFD). A chunk that is neither
 * text nor bytes is an InvalidArgumentError.
 */
export async function parseMatrixMarketStream(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array> | ReadableStream<Uint8Array>,
  options?: MatrixMarketParseOptions,
): Promise<MatrixMarketData> {
  const parser = new MatrixMarketParser(options);
  if (chunks == null || (typeof chunks !== 'object' && typeof chunks !== 'function')
    || !(isReadableStream(chunks) || Symbol.asyncIterator in chunks || Symbol.iterator in chunks)) {
    throw new InvalidArgumentError(`parseMatrixMarketStream takes a ReadableStream or an (async) iterable of text or byte chunks, got ${describe(chunks)}`);
  }
  const decoder = new TextDecoder('utf-8');
  let pendingBytes = false;
  const feed = (chunk: string | Uint8Array): void => {
    if (typeof chunk === 'string') {
      if (pendingBytes) {
        parser.push(decoder.decode());
        pendingBytes = false;
      }
      parser.push(chunk);
      return;
    }
    const bytes = asBytes(chunk);
    if (!bytes) throw new InvalidArgumentError(`parseMatrixMarketStream: a chunk is ${describe(chunk)}, not text or bytes`);
    pendingBytes = true;
    pushBytes(parser, decoder, bytes);
  };
  if (isReadableStream(chunks)) {
    // getReader() rather than async iteration: not every browser makes ReadableStream iterable.
    const reader = chunks.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        feed(value);
      }
    } catch (e) {
      await reader.cancel(e).catch(() => undefined);
      throw e;
    } finally {
      reader.releaseLock();
    }
  } else {
    for await (const chunk of chunks as AsyncIterable<string | Uint8Array>) feed(chunk);
  }
  if (pendingBytes) parser.push(decoder.decode());
  return parser.finish();
}

function isReadableStream(x: unknown): x is ReadableStream<Uint8Array> {
  return typeof (x as { getReader?: unknown }).getReader === 'function';
}
