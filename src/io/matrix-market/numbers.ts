// Number parsing for the Matrix Market reader: the fast value decoder of the hot path (Clinger's
// exact fast path, bit-identical to Number(token)) and the strict slow-path token checks that
// name the line of a bad index or value.
import { SparseFormatError } from '../../errors.js';
import type { MmField } from './format.js';

const TWO_POW_53 = 9007199254740992;

const POW10: Float64Array = (() => {
  const p = new Float64Array(23);
  // Every 10^k for k <= 22 is exactly representable; the literals are exact.
  for (let k = 0; k <= 22; k++) p[k] = Number(`1e${k}`);
  return p;
})();

const REAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT_RE = /^[+-]?\d+$/;
const NONFINITE_RE = /^[+-]?(?:inf|infinity|nan)$/i;
export const DIGITS_RE = /^\d+$/;
export const WS_RE = /\s+/;

/** The whitespace-separated tokens of a line (the strict slow path). */
export function tokenize(line: string): string[] {
  const t = line.trim();
  return t.length === 0 ? [] : t.split(WS_RE);
}

/**
 * Output slots of fastValue(): a module-level object so that no result object is allocated per
 * value (`ok`: the token was decoded; `end`: index just after it).
 */
export const fast = { ok: false, end: 0 };

/**
 * Fast value decoder. Reads a number token starting at `p` in `s`; on success sets fast.ok = true,
 * fast.end = index just after the token, and returns the value (bit-identical to Number(token)).
 * Sets fast.ok = false when the token is anything unusual (the caller then uses the slow path).
 * The token must be followed by space, tab, '\r', '\n' or the end of `s`/`end`.
 */
export function fastValue(s: string, p: number, end: number, integerOnly: boolean): number {
  fast.ok = false;
  const tokStart = p;
  let c = p < end ? s.charCodeAt(p) : -1;
  let neg = false;
  if (c === 45 /* - */) {
    neg = true;
    c = ++p < end ? s.charCodeAt(p) : -1;
  } else if (c === 43 /* + */) {
    c = ++p < end ? s.charCodeAt(p) : -1;
  }
  let m = 0;
  let nDigits = 0;
  let e10 = 0;
  while (c >= 48 && c <= 57) {
    m = m * 10 + (c - 48);
    nDigits++;
    c = ++p < end ? s.charCodeAt(p) : -1;
  }
  if (!integerOnly) {
    if (c === 46 /* . */) {
      c = ++p < end ? s.charCodeAt(p) : -1;
      while (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48);
        nDigits++;
        e10--;
        c = ++p < end ? s.charCodeAt(p) : -1;
      }
    }
    if (nDigits === 0) return 0;
    if (c === 101 /* e */ || c === 69 /* E */) {
      c = ++p < end ? s.charCodeAt(p) : -1;
      let eneg = false;
      if (c === 45) {
        eneg = true;
        c = ++p < end ? s.charCodeAt(p) : -1;
      } else if (c === 43) {
        c = ++p < end ? s.charCodeAt(p) : -1;
      }
      let ex = 0;
      let exDigits = 0;
      while (c >= 48 && c <= 57) {
        if (ex < 100000) ex = ex * 10 + (c - 48);
        exDigits++;
        c = ++p < end ? s.charCodeAt(p) : -1;
      }
      if (exDigits === 0) return 0;
      e10 += eneg ? -ex : ex;
    }
  } else if (nDigits === 0) {
    return 0;
  }
  // Token must end here.
  if (!(c === 32 || c === 9 || c === 13 || c === 10 || c === -1)) return 0;
  let v: number;
  if (m < TWO_POW_53 && e10 >= -22 && e10 <= 22) {
    // Exact: m is an exact integer double (every partial sum was below 2^53), 10^|e10| is exact,
    // and a single IEEE multiply/divide is correctly rounded.
    v = e10 < 0 ? m / POW10[-e10]! : e10 === 0 ? m : m * POW10[e10]!;
    if (neg) v = -v;
  } else {
    v = Number(s.slice(tokStart, p));
    if (v - v !== 0) return 0; // non-finite (overflow): let the slow path report it
  }
  fast.ok = true;
  fast.end = p;
  return v;
}

/** A 1-based index token in 1..bound, or the error naming the line. */
export function parseIndex(tok: string, what: 'row' | 'column', bound: number, lineNo: number): number {
  if (!DIGITS_RE.test(tok)) {
    if (REAL_RE.test(tok) || NONFINITE_RE.test(tok)) {
      throw new SparseFormatError(`${what} index ${tok} is not a positive integer (must be in 1..${bound})`, lineNo);
    }
    throw new SparseFormatError(`invalid ${what} index "${tok}" (expected an integer in 1..${bound})`, lineNo);
  }
  const k = Number(tok);
  if (k < 1 || k > bound) {
    throw new SparseFormatError(`${what} index ${tok} out of range (must be in 1..${bound})`, lineNo);
  }
  return k;
}

/** A value token of the field (finite; whole numbers for `integer`), or the error naming the line. */
export function parseValueToken(tok: string, field: MmField, lineNo: number): number {
  if (NONFINITE_RE.test(tok)) {
    throw new SparseFormatError(`non-finite value "${tok}" (values must be finite)`, lineNo);
  }
  if (field === 'integer') {
    if (!INT_RE.test(tok)) {
      if (REAL_RE.test(tok)) {
        throw new SparseFormatError(`invalid integer value "${tok}": the integer field needs whole numbers without '.' or exponent`, lineNo);
      }
      throw new SparseFormatError(`invalid integer value "${tok}"`, lineNo);
    }
  } else if (!REAL_RE.test(tok)) {
    throw new SparseFormatError(`invalid real value "${tok}"`, lineNo);
  }
  const v = Number(tok);
  if (!Number.isFinite(v)) {
    throw new SparseFormatError(`non-finite value "${tok}" (overflows a double; values must be finite)`, lineNo);
  }
  return v;
}
