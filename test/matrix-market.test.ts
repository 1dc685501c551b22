import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync, mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MatrixMarketParser,
  parseMatrixMarket,
  parseMatrixMarketStream,
  formatMatrixMarketCoordinate,
  formatMatrixMarketArray,
  matrixMarketCoordinateChunks,
  type MatrixMarketData,
  type MmField,
  type MmSymmetry,
} from '../src/io/matrix-market.js';
import { readMatrixMarketFile, writeMatrixMarketFile } from '../src/io/matrix-market-node.js';
import { InvalidArgumentError, NonFiniteValueError, SparseError, SparseFormatError } from '../src/errors.js';
import { bundledMatrices, extraMatrices, fixtureDir, matrixBytes, matrixPath, matrixText } from './matrices.js';
import { rng } from './helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// Reference values, copied by hand from the shared matrix index (scipy.io.mmread counts); the same
// facts are in test/fixtures/matrices/index.json.
// [name, rows, cols, nnz stored, nnz expanded, field, symmetry]
// ---------------------------------------------------------------------------------------------
type IndexRow = [string, number, number, number, number, string, string];
const INDEX: IndexRow[] = [
  ['1138_bus.mtx', 1138, 1138, 2596, 4054, 'real', 'symmetric'],
  ['494_bus.mtx', 494, 494, 1080, 1666, 'real', 'symmetric'],
  ['arc130.mtx', 130, 130, 1282, 1282, 'real', 'general'],
  ['ash219.mtx', 219, 85, 438, 438, 'pattern', 'general'],
  ['bayer10.mtx', 13436, 13436, 94926, 94926, 'real', 'general'],
  ['bcspwr10.mtx', 5300, 5300, 13571, 21842, 'pattern', 'symmetric'],
  ['bcsstk01.mtx', 48, 48, 224, 400, 'real', 'symmetric'],
  ['bcsstk02.mtx', 66, 66, 2211, 4356, 'real', 'symmetric'],
  ['bcsstk03.mtx', 112, 112, 376, 640, 'real', 'symmetric'],
  ['bcsstk06.mtx', 420, 420, 4140, 7860, 'real', 'symmetric'],
  ['bcsstk09.mtx', 1083, 1083, 9760, 18437, 'real', 'symmetric'],
  ['bcsstk13.mtx', 2003, 2003, 42943, 83883, 'real', 'symmetric'],
  ['bcsstm07.mtx', 420, 420, 3836, 7252, 'real', 'symmetric'],
  ['bp_1200.mtx', 822, 822, 4726, 4726, 'real', 'general'],
  ['cryg2500.mtx', 2500, 2500, 12349, 12349, 'real', 'general'],
  ['gr_30_30.mtx', 900, 900, 4322, 7744, 'integer', 'symmetric'],
  ['hor131.mtx', 434, 434, 4710, 4710, 'real', 'general'],
  ['illc1850.mtx', 1850, 712, 8758, 8758, 'real', 'general'],
  ['impcol_a.mtx', 207, 207, 572, 572, 'real', 'general'],
  ['jagmesh7.mtx', 1138, 1138, 4294, 7450, 'pattern', 'symmetric'],
  ['LFAT5.mtx', 14, 14, 30, 46, 'real', 'symmetric'],
  ['luxembourg_osm.mtx', 114599, 114599, 119666, 239332, 'pattern', 'symmetric'],
  ['n3c4-b4.mtx', 6, 15, 30, 30, 'integer', 'general'],
  ['nnc1374.mtx', 1374, 1374, 8606, 8606, 'real', 'general'],
  ['olm1000.mtx', 1000, 1000, 3996, 3996, 'real', 'general'],
  ['orsirr_1.mtx', 1030, 1030, 6858, 6858, 'real', 'general'],
  ['plskz362.mtx', 362, 362, 880, 1760, 'real', 'skew-symmetric'],
  ['Ragusa16.mtx', 24, 24, 81, 81, 'integer', 'general'],
  ['rajat01.mtx', 6833, 6833, 43250, 43250, 'pattern', 'general'],
  ['rbs480a.mtx', 480, 480, 17088, 17088, 'real', 'general'],
  ['sherman1.mtx', 1000, 1000, 2375, 3750, 'real', 'symmetric'],
  ['sherman1_rhs1.mtx', 1000, 1, 1000, 1000, 'real (array)', 'general'],
  ['sherman5.mtx', 3312, 3312, 20793, 20793, 'real', 'general'],
  ['Trefethen_20.mtx', 20, 20, 89, 158, 'real', 'symmetric'],
  ['tumorAntiAngiogenesis_2.mtx', 305, 305, 1441, 2699, 'real', 'symmetric'],
  ['west0067.mtx', 67, 67, 294, 294, 'real', 'general'],
  ['west0479.mtx', 479, 479, 1910, 1910, 'real', 'general'],
  ['young1c.mtx', 841, 841, 4089, 4089, 'complex', 'general'],
];
const SUPPORTED = INDEX.filter((r) => r[5] !== 'complex');

/** Explicit stored zeros, from the INDEX.md notes column. */
const EXPLICIT_ZEROS: Record<string, number> = {
  'arc130.mtx': 245,
  'bayer10.mtx': 23332,
  'hor131.mtx': 528,
  'illc1850.mtx': 122,
  'nnc1374.mtx': 18,
  'west0479.mtx': 22,
};
/** [n, missing diagonal entries], from the INDEX.md notes column. */
const MISSING_DIAGONAL: Record<string, [number, number]> = {
  'bayer10.mtx': [13436, 13433],
  'bp_1200.mtx': [822, 816],
  'impcol_a.mtx': [207, 199],
  'nnc1374.mtx': [1374, 504],
  'rbs480a.mtx': [480, 438],
  'west0067.mtx': [67, 65],
  'west0479.mtx': [479, 471],
  'luxembourg_osm.mtx': [114599, 114599],
  'plskz362.mtx': [362, 362],
};

const textCache = new Map<string, string>();
function readText(name: string): string {
  let t = textCache.get(name);
  if (t === undefined) {
    t = matrixText(name);
    textCache.set(name, t);
  }
  return t;
}
const parsedCache = new Map<string, MatrixMarketData>();
function parsed(name: string): MatrixMarketData {
  let d = parsedCache.get(name);
  if (d === undefined) {
    d = parseMatrixMarket(readText(name));
    parsedCache.set(name, d);
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Index of the first bitwise difference of two Float64Arrays, -1 if identical, -2 if lengths differ. */
function firstBitDiff(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return -2;
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return k;
  return -1;
}
function firstIntDiff(a: Int32Array, b: Int32Array): number {
  if (a.length !== b.length) return -2;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return k;
  return -1;
}
function expectSameData(got: MatrixMarketData, want: MatrixMarketData): void {
  expect(got.header).toEqual(want.header);
  expect(got.rows).toBe(want.rows);
  expect(got.cols).toBe(want.cols);
  expect(firstIntDiff(got.rowIndex, want.rowIndex)).toBe(-1);
  expect(firstIntDiff(got.colIndex, want.colIndex)).toBe(-1);
  expect(firstBitDiff(got.values, want.values)).toBe(-1);
}

function parseInChunks(text: string, sizes: () => number): MatrixMarketData {
  const p = new MatrixMarketParser();
  let pos = 0;
  while (pos < text.length) {
    const n = Math.max(1, sizes());
    p.push(text.slice(pos, pos + n));
    pos += n;
  }
  return p.finish();
}

/**
 * Naive reference reader (split lines, Number() every token) used to cross-check the fast path.
 * Coordinate format only.
 */
function referenceCoordinate(text: string): { ri: number[]; ci: number[]; v: number[] } {
  const lines = text.split(/\r?\n/);
  const banner = lines[0]!.trim().toLowerCase().split(/\s+/);
  const field = banner[3];
  const symmetry = banner[4];
  let k = 1;
  while (lines[k]!.startsWith('%') || lines[k]!.trim() === '') k++;
  k++; // size line
  const ri: number[] = [];
  const ci: number[] = [];
  const v: number[] = [];
  for (; k < lines.length; k++) {
    const t = lines[k]!.trim();
    if (t === '' || t.startsWith('%')) continue;
    const tok = t.split(/\s+/);
    const i = Number(tok[0]) - 1;
    const j = Number(tok[1]) - 1;
    const x = field === 'pattern' ? 1 : Number(tok[2]);
    ri.push(i);
    ci.push(j);
    v.push(x);
    if (symmetry !== 'general' && i !== j) {
      ri.push(j);
      ci.push(i);
      v.push(symmetry === 'skew-symmetric' ? 0 - x : x);
    }
  }
  return { ri, ci, v };
}

/** Data lines (after the size line) of a file, skipping comments/blank lines. */
function dataLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  let k = 1;
  while (lines[k]!.startsWith('%') || lines[k]!.trim() === '') k++;
  return lines.slice(k + 1).filter((l) => l.trim() !== '' && !l.startsWith('%'));
}

function expectFormatError(fn: () => unknown, line: number | undefined, message?: RegExp): SparseFormatError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a SparseFormatError to be thrown').toBeInstanceOf(SparseFormatError);
  const fe = err as SparseFormatError;
  expect(fe).toBeInstanceOf(SparseError);
  expect(fe.name).toBe('SparseFormatError');
  expect(fe.line).toBe(line);
  if (line !== undefined) expect(fe.message.startsWith(`line ${line}: `)).toBe(true);
  if (message) expect(fe.message).toMatch(message);
  return fe;
}

// ---------------------------------------------------------------------------------------------
// Real matrices
// ---------------------------------------------------------------------------------------------

describe('real matrices (test/fixtures/matrices)', () => {
  it('the 38 files listed in INDEX.md are bundled', () => {
    expect(bundledMatrices).toEqual(INDEX.map((r) => r[0]).sort());
  });

  // Extra files (../shared/matrices when present, see test/matrices.ts) add cases, never required.
  for (const name of extraMatrices) {
    it(`${name} (extra): parses like the naive reader, or is refused as complex`, () => {
      const text = readText(name);
      const banner = text.slice(0, text.indexOf('\n')).toLowerCase().split(/\s+/);
      if (banner[3] === 'complex') {
        expectFormatError(() => parseMatrixMarket(text), 1, /complex matrices are unsupported/);
        return;
      }
      const d = parsed(name);
      if (banner[2] !== 'coordinate') return void expect(d.header.format).toBe('array');
      const ref = referenceCoordinate(text);
      expect(firstIntDiff(d.rowIndex, Int32Array.from(ref.ri))).toBe(-1);
      expect(firstIntDiff(d.colIndex, Int32Array.from(ref.ci))).toBe(-1);
      expect(firstBitDiff(d.values, Float64Array.from(ref.v))).toBe(-1);
    });
  }

  it.each(SUPPORTED)('%s: shape, counts, field and symmetry match INDEX.md', (name, rows, cols, stored, expanded, field, symmetry) => {
    const d = parsed(name);
    const isArray = field === 'real (array)';
    expect(d.header.format).toBe(isArray ? 'array' : 'coordinate');
    expect(d.header.field).toBe(isArray ? 'real' : field);
    expect(d.header.symmetry).toBe(symmetry);
    expect(d.rows).toBe(rows);
    expect(d.cols).toBe(cols);
    expect(d.header.rows).toBe(rows);
    expect(d.header.cols).toBe(cols);
    expect(d.header.storedEntries).toBe(stored);
    expect(d.rowIndex.length).toBe(expanded);
    expect(d.colIndex.length).toBe(expanded);
    expect(d.values.length).toBe(expanded);
    expect(d.rowIndex).toBeInstanceOf(Int32Array);
    expect(d.colIndex).toBeInstanceOf(Int32Array);
    expect(d.values).toBeInstanceOf(Float64Array);
    let bad = 0;
    for (let k = 0; k < expanded; k++) {
      const r = d.rowIndex[k]!;
      const c = d.colIndex[k]!;
      if (r < 0 || r >= rows || c < 0 || c >= cols || !Number.isFinite(d.values[k]!)) bad++;
      if (field === 'pattern' && d.values[k] !== 1) bad++;
      if (field === 'integer' && !Number.isInteger(d.values[k]!)) bad++;
    }
    expect(bad).toBe(0);
  });

  it.each(SUPPORTED.filter((r) => r[5] !== 'real (array)'))('%s: every entry equals a naive split/Number() reader bit for bit', (name) => {
    const d = parsed(name);
    const ref = referenceCoordinate(readText(name));
    expect(firstIntDiff(d.rowIndex, Int32Array.from(ref.ri))).toBe(-1);
    expect(firstIntDiff(d.colIndex, Int32Array.from(ref.ci))).toBe(-1);
    expect(firstBitDiff(d.values, Float64Array.from(ref.v))).toBe(-1);
  });

  it.each(SUPPORTED.filter((r) => r[5] !== 'real (array)'))('%s: first and last entry lines spot check', (name, _r, _c, _s, _e, field, symmetry) => {
    const d = parsed(name);
    const lines = dataLines(readText(name));
    const first = lines[0]!.trim().split(/\s+/);
    const last = lines[lines.length - 1]!.trim().split(/\s+/);
    const value = (tok: string[]): number => (field === 'pattern' ? 1 : Number(tok[2]));
    expect(d.rowIndex[0]).toBe(Number(first[0]) - 1);
    expect(d.colIndex[0]).toBe(Number(first[1]) - 1);
    expect(Object.is(d.values[0], value(first))).toBe(true);
    const li = Number(last[0]) - 1;
    const lj = Number(last[1]) - 1;
    // The mirror of an off-diagonal entry comes right after it.
    const k = symmetry !== 'general' && li !== lj ? d.values.length - 2 : d.values.length - 1;
    expect(d.rowIndex[k]).toBe(li);
    expect(d.colIndex[k]).toBe(lj);
    expect(Object.is(d.values[k], value(last))).toBe(true);
    if (k === d.values.length - 2) {
      expect(d.rowIndex[k + 1]).toBe(lj);
      expect(d.colIndex[k + 1]).toBe(li);
      expect(d.values[k + 1]).toBe(symmetry === 'skew-symmetric' ? -value(last) : value(last));
    }
  });

  it.each(Object.entries(EXPLICIT_ZEROS))('%s: %i explicit zeros are kept', (name, zeros) => {
    const d = parsed(name);
    expect(d.values.filter((v) => v === 0).length).toBe(zeros);
  });

  it.each(Object.entries(MISSING_DIAGONAL))('%s: diagonal entries missing as in INDEX.md', (name, [n, missing]) => {
    const d = parsed(name);
    const diag = new Set<number>();
    for (let k = 0; k < d.values.length; k++) if (d.rowIndex[k] === d.colIndex[k]) diag.add(d.rowIndex[k]!);
    expect(n - diag.size).toBe(missing);
  });

  it('young1c.mtx (complex) is rejected as unsupported on line 1', () => {
    expectFormatError(() => parseMatrixMarket(readText('young1c.mtx')), 1, /complex matrices are unsupported/);
  });

  it('sherman1_rhs1.mtx is a 1000x1 array-format vector', () => {
    const d = parsed('sherman1_rhs1.mtx');
    expect(d.header.format).toBe('array');
    expect(d.header.comments).toEqual([
      ' RBTitle: 1U BLACK OIL SIMULATOR, SHALE BARRIERS  10 BY 10 BY 10 GRID, ONE   UNK  ',
      ' RBKey:   SHERMAN1',
      ' Right-hand-side: 1',
    ]);
    for (let k = 0; k < 1000; k++) {
      expect(d.rowIndex[k]).toBe(k);
      expect(d.colIndex[k]).toBe(0);
    }
    const lines = dataLines(readText('sherman1_rhs1.mtx'));
    expect(lines.length).toBe(1000);
    expect(d.values[0]).toBe(0.2254e-4);
    expect(d.values[1]).toBe(0.1127);
    expect(d.values[998]).toBe(0);
    expect(d.values[999]).toBe(-0.4508);
    expect(firstBitDiff(d.values, Float64Array.from(lines, (l) => Number(l.trim())))).toBe(-1);
  });

  it('Trefethen_20.mtx: empty comment, 1.1E1-style exponents, primes on the diagonal', () => {
    const d = parsed('Trefethen_20.mtx');
    expect(d.header.comments).toEqual(['']);
    const primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71];
    const diag = new Array<number>(20).fill(0);
    for (let k = 0; k < d.values.length; k++) {
      const i = d.rowIndex[k]!;
      const j = d.colIndex[k]!;
      if (i === j) diag[i] = d.values[k]!;
      else expect([1, 2, 4, 8, 16]).toContain(Math.abs(i - j));
    }
    expect(diag).toEqual(primes);
  });

  it('header comments are collected without the leading %', () => {
    const d = parsed('bayer10.mtx');
    expect(d.header.comments[0]).toBe('-------------------------------------------------------------------------------');
    expect(d.header.comments[1]).toBe(' UF Sparse Matrix Collection, Tim Davis');
    expect(parsed('luxembourg_osm.mtx').header.comments.length).toBe(145);
    expect(parsed('sherman5.mtx').header.comments).toEqual([]);
    expect(parsed('rbs480a.mtx').header.comments.some((c) => c.startsWith(' RBTitle:'))).toBe(true);
  });

  it('plskz362 (skew-symmetric): mirror entries are negated', () => {
    const d = parsed('plskz362.mtx');
    for (let k = 0; k < d.values.length; k += 2) {
      expect(d.rowIndex[k + 1]).toBe(d.colIndex[k]);
      expect(d.colIndex[k + 1]).toBe(d.rowIndex[k]);
      expect(d.values[k + 1]).toBe(-d.values[k]!);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------------

describe('round trip parse -> format -> parse', () => {
  it.each(SUPPORTED.filter((r) => r[5] !== 'real (array)'))('%s (written as general) is bit-identical', (name) => {
    const d = parsed(name);
    const field = d.header.field;
    const text = formatMatrixMarketCoordinate(d.rows, d.cols, d.rowIndex, d.colIndex, field === 'pattern' ? null : d.values, {
      field,
      symmetry: 'general',
    });
    const back = parseMatrixMarket(text);
    expect(back.header.field).toBe(field);
    expect(back.header.symmetry).toBe('general');
    expect(back.header.storedEntries).toBe(d.values.length);
    expect(firstIntDiff(back.rowIndex, d.rowIndex)).toBe(-1);
    expect(firstIntDiff(back.colIndex, d.colIndex)).toBe(-1);
    expect(firstBitDiff(back.values, d.values)).toBe(-1);
  });

  it.each(SUPPORTED.filter((r) => r[6] !== 'general'))('%s (written with its own symmetry) reproduces the parsed data', (name) => {
    const d = parsed(name);
    const field = d.header.field;
    const text = formatMatrixMarketCoordinate(d.rows, d.cols, d.rowIndex, d.colIndex, field === 'pattern' ? null : d.values, {
      field,
      symmetry: d.header.symmetry,
    });
    const back = parseMatrixMarket(text);
    expect(back.header.symmetry).toBe(d.header.symmetry);
    expect(back.header.storedEntries).toBe(d.header.storedEntries);
    expect(firstIntDiff(back.rowIndex, d.rowIndex)).toBe(-1);
    expect(firstIntDiff(back.colIndex, d.colIndex)).toBe(-1);
    expect(firstBitDiff(back.values, d.values)).toBe(-1);
  });

  it('sherman1_rhs1 through formatMatrixMarketArray', () => {
    const d = parsed('sherman1_rhs1.mtx');
    const back = parseMatrixMarket(formatMatrixMarketArray(1000, 1, d.values, { comment: ' rhs' }));
    expect(back.header.format).toBe('array');
    expect(back.header.comments).toEqual([' rhs']);
    expectSameData({ ...back, header: d.header }, d);
  });

  it('random and extreme values survive bit for bit', () => {
    const special = [
      0, -0, 1, -1, 0.1, 1 / 3, 2 / 3, 1e-300, -1e-300, 1e300, -1e300, 5e-324, -5e-324, 2.2250738585072014e-308,
      2.225073858507201e-308, 4.9406564584124654e-324, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE,
      Number.EPSILON, 1 + Number.EPSILON, 9007199254740993, 9007199254740991, 2 ** 53, 2 ** 64, 1e21, 1e22, 1e23,
      123456789012345680000, 0.000001, 1e-7, 1.7976931348623157e308, 123.456, -0.0006661182816300008,
    ];
    const rand = rng(12345);
    const bits = new BigUint64Array(1);
    const asDouble = new Float64Array(bits.buffer);
    const values: number[] = [...special];
    while (values.length < 20000) {
      const kind = values.length % 4;
      if (kind === 0) {
        // random bit patterns (all exponents, including subnormals)
        bits[0] = (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
        if (Number.isFinite(asDouble[0]!)) values.push(asDouble[0]!);
      } else if (kind === 1) {
        values.push((rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20));
      } else if (kind === 2) {
        values.push(Math.round((rand() - 0.5) * 2e6) / 1000);
      } else {
        values.push(rand() * 5e-320); // subnormals
      }
    }
    const n = values.length;
    const ri = Int32Array.from({ length: n }, (_, k) => k % 97);
    const ci = Int32Array.from({ length: n }, (_, k) => Math.floor(k / 97));
    const v = Float64Array.from(values);
    const text = formatMatrixMarketCoordinate(97, Math.ceil(n / 97), ri, ci, v);
    expect(text).toContain(' -0\n');
    const back = parseMatrixMarket(text);
    expect(firstBitDiff(back.values, v)).toBe(-1);
    expect(firstIntDiff(back.rowIndex, ri)).toBe(-1);
    expect(firstIntDiff(back.colIndex, ci)).toBe(-1);
    // and through the array writer
    const arr = parseMatrixMarket(formatMatrixMarketArray(n, 1, v));
    expect(firstBitDiff(arr.values, v)).toBe(-1);
  });

  it('hand-written number spellings parse exactly like Number()', () => {
    const rand = rng(777);
    const digits = (k: number): string => Array.from({ length: k }, () => String(Math.floor(rand() * 10))).join('');
    const tokens: string[] = ['1.1E1', '-3.2e-4', '+5', '.5', '5.', '-.5', '+.5e+2', '0', '-0', '00012', '1e0', '1E-0', '0.0', '-0.0e5'];
    for (let k = 0; k < 20000; k++) {
      const sign = ['', '-', '+'][Math.floor(rand() * 3)]!;
      const intPart = digits(Math.floor(rand() * 12));
      const frac = rand() < 0.7 ? '.' + digits(Math.floor(rand() * 14)) : '';
      let mant = intPart + frac;
      if (!/\d/.test(mant)) mant = digits(1 + Math.floor(rand() * 20));
      const exp = rand() < 0.5 ? (rand() < 0.5 ? 'e' : 'E') + ['', '-', '+'][Math.floor(rand() * 3)] + String(Math.floor(rand() * 40)) : '';
      tokens.push(sign + mant + exp);
    }
    const body = tokens.map((t, k) => `${(k % 50) + 1} ${Math.floor(k / 50) + 1} ${t}`).join('\n');
    const cols = Math.ceil(tokens.length / 50);
    const d = parseMatrixMarket(`%%MatrixMarket matrix coordinate real general\n50 ${cols} ${tokens.length}\n${body}\n`);
    expect(firstBitDiff(d.values, Float64Array.from(tokens, Number))).toBe(-1);
  });
});

// ---------------------------------------------------------------------------------------------
// Chunked feeding
// ---------------------------------------------------------------------------------------------

describe('chunked feeding', () => {
  const small = ['Trefethen_20.mtx', 'LFAT5.mtx', 'bcsstk01.mtx', 'plskz362.mtx', 'ash219.mtx', 'n3c4-b4.mtx', 'sherman1_rhs1.mtx', 'gr_30_30.mtx'];

  it.each(small)('%s: 1-byte and 7-byte chunks give identical results', (name) => {
    const text = readText(name);
    expectSameData(parseInChunks(text, () => 1), parsed(name));
    expectSameData(parseInChunks(text, () => 7), parsed(name));
  });

  it.each(['bayer10.mtx', 'luxembourg_osm.mtx', 'bcsstk13.mtx', 'rbs480a.mtx', 'sherman1_rhs1.mtx'])(
    '%s: random split points give identical results',
    (name) => {
      const rand = rng(name.length * 1000 + 7);
      const text = readText(name);
      expectSameData(parseInChunks(text, () => Math.floor(rand() * 300)), parsed(name));
      expectSameData(parseInChunks(text, () => 4093), parsed(name));
    },
  );

  it('CRLF line endings, split between \\r and \\n, give identical results', () => {
    for (const name of ['Trefethen_20.mtx', 'plskz362.mtx', 'sherman1_rhs1.mtx', 'ash219.mtx']) {
      const crlf = readText(name).replace(/\n/g, '\r\n');
      expectSameData(parseMatrixMarket(crlf), parsed(name));
      expectSameData(parseInChunks(crlf, () => 1), parsed(name));
      const rand = rng(3);
      expectSameData(parseInChunks(crlf, () => Math.floor(rand() * 20)), parsed(name));
    }
  });

  it('no trailing newline, blank lines, tabs, leading spaces and a BOM are fine', () => {
    const base = '%%MatrixMarket matrix coordinate real general\n% c\n3 3 3\n1 1 1.5\n2 2 -2\n3 1 7';
    const want = parseMatrixMarket(base + '\n');
    expect(Array.from(want.values)).toEqual([1.5, -2, 7]);
    expect(Array.from(want.rowIndex)).toEqual([0, 1, 2]);
    expect(Array.from(want.colIndex)).toEqual([0, 1, 0]);
    expectSameData(parseMatrixMarket(base), want);
    expectSameData(parseInChunks(base, () => 1), want);
    const messy =
      '\uFEFF%%matrixmarket   MATRIX Coordinate REAL General  \r\n\r\n% c\r\n\r\n  3\t3   3 \r\n\r\n\t1\t1\t1.5\r\n   \r\n2 2 -2   \r\n3   1\t7\r\n\r\n\r\n';
    expectSameData(parseMatrixMarket(messy), want);
    expectSameData(parseInChunks(messy, () => 1), want);
  });

  it('comment lines between entries are collected too', () => {
    const d = parseMatrixMarket('%%MatrixMarket matrix coordinate pattern general\n%a\n2 2 2\n1 1\n%b\n2 2\n');
    expect(d.header.comments).toEqual(['a', 'b']);
    expect(d.values.length).toBe(2);
  });

  it('parser misuse: push/finish after finish, and errors are sticky', () => {
    const p = new MatrixMarketParser();
    p.push('%%MatrixMarket matrix coordinate real general\n1 1 0\n');
    expect(p.finish().values.length).toBe(0);
    expect(() => p.push('x')).toThrow(InvalidArgumentError);
    expect(() => p.finish()).toThrow(InvalidArgumentError);
    const q = new MatrixMarketParser();
    expect(() => q.push('%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 x\n')).toThrow(SparseFormatError);
    expect(() => q.push('1 1 1\n')).toThrow(/line 3/);
    expect(() => q.finish()).toThrow(/line 3/);
  });
});

// ---------------------------------------------------------------------------------------------
// Symmetric / skew / array expansion on small hand-written inputs
// ---------------------------------------------------------------------------------------------

describe('expansion', () => {
  it('symmetric coordinate: mirrors follow their source, upper-triangle entries accepted', () => {
    const d = parseMatrixMarket('%%MatrixMarket matrix coordinate real symmetric\n3 3 4\n1 1 4\n2 1 -1\n1 3 2.5\n3 3 0\n');
    expect(Array.from(d.rowIndex)).toEqual([0, 1, 0, 0, 2, 2]);
    expect(Array.from(d.colIndex)).toEqual([0, 0, 1, 2, 0, 2]);
    expect(Array.from(d.values)).toEqual([4, -1, -1, 2.5, 2.5, 0]);
  });

  it('skew-symmetric coordinate: mirror negated, explicit zero diagonal kept once', () => {
    const d = parseMatrixMarket('%%MatrixMarket matrix coordinate integer skew-symmetric\n3 3 3\n2 1 5\n1 3 -2\n2 2 0\n');
    expect(Array.from(d.rowIndex)).toEqual([1, 0, 0, 2, 1]);
    expect(Array.from(d.colIndex)).toEqual([0, 1, 2, 0, 1]);
    expect(Array.from(d.values)).toEqual([5, -5, -2, 2, 0]);
  });

  it('pattern symmetric gets value 1 everywhere', () => {
    const d = parseMatrixMarket('%%MatrixMarket matrix coordinate pattern symmetric\n2 2 2\n1 1\n2 1\n');
    expect(Array.from(d.values)).toEqual([1, 1, 1]);
    expect(Array.from(d.rowIndex)).toEqual([0, 1, 0]);
  });

  it('array general: column-major, zeros included', () => {
    const d = parseMatrixMarket('%%MatrixMarket matrix array real general\n2 3\n1\n2\n0\n4\n5\n6\n');
    expect(Array.from(d.rowIndex)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(Array.from(d.colIndex)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(Array.from(d.values)).toEqual([1, 2, 0, 4, 5, 6]);
    expect(d.header.storedEntries).toBe(6);
  });

  it('array symmetric: lower triangle column by column, expanded', () => {
    const d = parseMatrixMarket('%%MatrixMarket matrix array integer symmetric\n3 3\n11\n21\n31\n22\n32\n33\n');
    expect(d.header.storedEntries).toBe(6);
    expect(Array.from(d.rowIndex)).toEqual([0, 1, 0, 2, 0, 1, 2, 1, 2]);
    expect(Array.from(d.colIndex)).toEqual([0, 0, 1, 0, 2, 1, 1, 2, 2]);
    expect(Array.from(d.values)).toEqual([11, 21, 21, 31, 31, 22, 32, 32, 33]);
  });

  it('array skew-symmetric: strictly lower triangle, mirrors negated', () => {
    const d = parseMatrixMarket('%%MatrixMarket matrix array real skew-symmetric\n3 3\n21\n31\n32\n');
    expect(d.header.storedEntries).toBe(3);
    expect(Array.from(d.rowIndex)).toEqual([1, 0, 2, 0, 2, 1]);
    expect(Array.from(d.colIndex)).toEqual([0, 1, 0, 2, 1, 2]);
    expect(Array.from(d.values)).toEqual([21, -21, 31, -31, 32, -32]);
  });

  it('empty matrices', () => {
    const a = parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n0 0 0\n');
    expect([a.rows, a.cols, a.values.length]).toEqual([0, 0, 0]);
    const b = parseMatrixMarket('%%MatrixMarket matrix coordinate real symmetric\n5 5 0');
    expect([b.rows, b.cols, b.values.length]).toEqual([5, 5, 0]);
    const c = parseMatrixMarket('%%MatrixMarket matrix array real general\n0 4\n');
    expect([c.rows, c.cols, c.values.length]).toEqual([0, 4, 0]);
  });

  it('typed arrays grow past the pre-allocation and are trimmed to the exact length', () => {
    // symmetric: pre-sized for 2*stored, only the diagonal present -> trimmed
    const lines = Array.from({ length: 1000 }, (_, k) => `${k + 1} ${k + 1} ${k}`).join('\n');
    const d = parseMatrixMarket(`%%MatrixMarket matrix coordinate real symmetric\n1000 1000 1000\n${lines}\n`);
    expect(d.values.length).toBe(1000);
    expect(d.values.buffer.byteLength).toBe(8000);
    expect(d.rowIndex.buffer.byteLength).toBe(4000);
  });
});

// ---------------------------------------------------------------------------------------------
// Malformed input
// ---------------------------------------------------------------------------------------------

const B = '%%MatrixMarket matrix coordinate real general\n';
const BANNER_INT = '%%MatrixMarket matrix coordinate integer general\n';
type BadCase = [string, string, number, RegExp];
const BAD: BadCase[] = [
  // banner
  ['empty input', '', 1, /missing %%MatrixMarket banner/],
  ['missing banner', '3 3 1\n1 1 1\n', 1, /missing %%MatrixMarket banner/],
  ['single % banner', '%MatrixMarket matrix coordinate real general\n1 1 0\n', 1, /missing %%MatrixMarket banner/],
  ['comment before banner', '% hello\n%%MatrixMarket matrix coordinate real general\n1 1 0\n', 1, /banner/],
  ['blank line before banner', '\n%%MatrixMarket matrix coordinate real general\n1 1 0\n', 1, /banner/],
  ['incomplete banner', '%%MatrixMarket matrix coordinate real\n1 1 0\n', 1, /incomplete banner/],
  ['extra banner words', '%%MatrixMarket matrix coordinate real general extra\n1 1 0\n', 1, /extra words/],
  ['object vector', '%%MatrixMarket vector coordinate real general\n1 1 0\n', 1, /object "vector"/],
  ['unknown format', '%%MatrixMarket matrix sparse real general\n1 1 0\n', 1, /unknown format "sparse"/],
  ['unknown field', '%%MatrixMarket matrix coordinate quaternion general\n1 1 0\n', 1, /unknown field "quaternion"/],
  ['unknown symmetry', '%%MatrixMarket matrix coordinate real diagonal\n1 1 0\n', 1, /unknown symmetry "diagonal"/],
  ['complex field', '%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n', 1, /complex matrices are unsupported/],
  ['complex array', '%%MatrixMarket matrix array COMPLEX general\n1 1\n1 0\n', 1, /unsupported/],
  ['hermitian', '%%MatrixMarket matrix coordinate real hermitian\n1 1 0\n', 1, /hermitian matrices are unsupported/],
  ['array + pattern', '%%MatrixMarket matrix array pattern general\n1 1\n', 1, /pattern.*array/],
  ['skew + pattern', '%%MatrixMarket matrix coordinate pattern skew-symmetric\n2 2 0\n', 1, /pattern.*skew/],
  // size line
  ['size line with 2 numbers (coordinate)', B + '%c\n%c\n3 3\n', 4, /size line.*expected 3/],
  ['size line with 4 numbers', B + '3 3 1 1\n1 1 1\n', 2, /size line/],
  ['size line with 3 numbers (array)', '%%MatrixMarket matrix array real general\n3 1 3\n1\n2\n3\n', 2, /size line.*expected 2/],
  ['non-integer size', B + '3 3 x\n', 2, /"x" is not a non-negative integer/],
  ['negative size', B + '3 -3 1\n', 2, /"-3" is not a non-negative integer/],
  ['decimal size', B + '3.0 3 1\n', 2, /"3.0" is not a non-negative integer/],
  ['missing size line', B + '% only comments\n\n', 3, /missing size line/],
  ['banner only, no newline', B.trimEnd(), 1, /missing size line/],
  ['non-square symmetric', '%%MatrixMarket matrix coordinate real symmetric\n%\n3 4 1\n1 1 1\n', 3, /must be square.*3x4/],
  ['non-square skew array', '%%MatrixMarket matrix array real skew-symmetric\n2 3\n', 2, /must be square/],
  // counts
  ['truncated (fewer entries)', B + '3 3 3\n1 1 1\n2 2 2\n', 4, /expected 3 entries, got 2/],
  ['truncated, trailing blank lines', B + '3 3 3\n1 1 1\n2 2 2\n\n\n', 6, /expected 3 entries, got 2/],
  ['truncated, no newline', B + '3 3 3\n1 1 1\n2 2 2', 4, /expected 3 entries, got 2/],
  ['no entries at all', B + '3 3 3\n', 2, /expected 3 entries, got 0/],
  ['extra entries', B + '3 3 2\n1 1 1\n2 2 2\n3 3 3\n1 2 4\n', 5, /more entries than the 2 declared/],
  ['array too few values', '%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n', 5, /expected 4 entries, got 3/],
  ['array too many values', '%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n4\n', 6, /more entries than the 3 declared/],
  ['array two values on a line', '%%MatrixMarket matrix array real general\n2 1\n1 2\n', 3, /expected 1 value per line/],
  // indices
  ['row index 0', B + '3 4 2\n1 1 1\n0 1 1\n', 4, /row index 0 out of range \(must be in 1\.\.3\)/],
  ['column index 0', B + '3 4 1\n1 0 1\n', 3, /column index 0 out of range \(must be in 1\.\.4\)/],
  ['row index too large', B + '3 4 1\n4 1 1\n', 3, /row index 4 out of range \(must be in 1\.\.3\)/],
  ['column index too large', B + '3 4 1\n1 5 1\n', 3, /column index 5 out of range \(must be in 1\.\.4\)/],
  ['huge row index', B + '3 4 1\n99999999999999999999 1 1\n', 3, /row index 99999999999999999999 out of range/],
  ['negative row index', B + '3 4 1\n-1 1 1\n', 3, /row index -1 is not a positive integer/],
  ['decimal column index', B + '3 4 1\n1 1.5 1\n', 3, /column index 1.5 is not a positive integer/],
  ['non-numeric row index', B + '3 4 1\nx 1 1\n', 3, /invalid row index "x"/],
  // values
  ['non-numeric value abc', B + '3 3 1\n1 1 abc\n', 3, /invalid real value "abc"/],
  ['value 1.2.3', B + '3 3 1\n1 1 1.2.3\n', 3, /invalid real value "1.2.3"/],
  ['value 1e', B + '3 3 1\n1 1 1e\n', 3, /invalid real value "1e"/],
  ['value e5', B + '3 3 1\n1 1 e5\n', 3, /invalid real value "e5"/],
  ['value --1', B + '3 3 1\n1 1 --1\n', 3, /invalid real value "--1"/],
  ['value .', B + '3 3 1\n1 1 .\n', 3, /invalid real value "."/],
  ['value 0x10', B + '3 3 1\n1 1 0x10\n', 3, /invalid real value "0x10"/],
  ['value 1,5', B + '3 3 1\n1 1 1,5\n', 3, /invalid real value "1,5"/],
  ['Fortran D exponent', B + '3 3 1\n1 1 1.0D+00\n', 3, /invalid real value/],
  ['NaN', B + '3 3 1\n1 1 NaN\n', 3, /non-finite value "NaN"/],
  ['nan', B + '3 3 2\n1 1 1\n2 2 nan\n', 4, /non-finite value/],
  ['inf', B + '3 3 1\n1 1 inf\n', 3, /non-finite value "inf"/],
  ['-Infinity', B + '3 3 1\n1 1 -Infinity\n', 3, /non-finite value "-Infinity"/],
  ['overflowing literal', B + '3 3 1\n1 1 1e400\n', 3, /non-finite value "1e400"/],
  ['overflowing literal, array', '%%MatrixMarket matrix array real general\n1 1\n-2e308\n', 3, /non-finite value/],
  ['integer field with decimal', BANNER_INT + '3 3 1\n1 1 1.5\n', 3, /invalid integer value "1.5"/],
  ['integer field with exponent', BANNER_INT + '3 3 1\n1 1 1e3\n', 3, /invalid integer value "1e3"/],
  ['integer field with 1.0', BANNER_INT + '3 3 1\n1 1 1.0\n', 3, /invalid integer value/],
  ['integer array field with decimal', '%%MatrixMarket matrix array integer general\n1 1\n2.5\n', 3, /invalid integer value/],
  // tokens
  ['too few tokens (real)', B + '3 3 2\n1 1 1\n2 2\n', 4, /expected 3 tokens \(row col value\).*got 2/],
  ['too many tokens (real)', B + '3 3 1\n1 1 1 1\n', 3, /expected 3 tokens.*got 4/],
  ['single token', B + '3 3 1\n1\n', 3, /expected 3 tokens.*got 1/],
  ['pattern with a value', '%%MatrixMarket matrix coordinate pattern general\n3 3 1\n1 1 1.0\n', 3, /expected 2 tokens \(row col\).*got 3/],
  ['integer too few tokens', BANNER_INT + '3 3 1\n\n1 1\n', 4, /expected 3 tokens/],
  // symmetry
  ['skew diagonal nonzero', '%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 2\n2 1 1\n2 2 1.5\n', 4, /nonzero diagonal entry \(2, 2\)/],
];

describe('malformed input raises SparseFormatError with the right line', () => {
  it.each(BAD)('%s', (_name, text, line, message) => {
    expectFormatError(() => parseMatrixMarket(text), line, message);
    // Same error when fed 1 character at a time, with CRLF, and at random split points.
    expectFormatError(() => parseInChunks(text, () => 1), line, message);
    expectFormatError(() => parseMatrixMarket(text.replace(/\n/g, '\r\n')), line, message);
    const rand = rng(text.length);
    expectFormatError(() => parseInChunks(text, () => Math.floor(rand() * 9)), line, message);
  });

  it('errors in the middle of a large file report the right line', () => {
    const text = readText('bayer10.mtx');
    const lines = text.split('\n');
    const target = 50000; // 0-based line index, well inside the data
    lines[target] = lines[target]!.replace(/\S+$/, '1.2.3');
    expectFormatError(() => parseMatrixMarket(lines.join('\n')), target + 1, /invalid real value "1.2.3"/);
    expectFormatError(() => parseInChunks(lines.join('\n'), () => 65536), target + 1, /1\.2\.3/);
  });
});

// ---------------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------------

function splitBytes(bytes: Uint8Array, sizes: () => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const n = Math.max(1, sizes());
    out.push(bytes.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}

describe('parseMatrixMarketStream', () => {
  // Multibyte characters in comments (2, 3 and 4 byte UTF-8), split across chunks below.
  const text =
    '%%MatrixMarket matrix coordinate real symmetric\n% Grüße — 行列 🧮\n%∑\n3 3 4\n1 1 2.5\n2 1 -1e-3\n3 2 .5\n3 3 4\n';
  const want = parseMatrixMarket(text);
  const bytes = new TextEncoder().encode(text);

  it('sanity: comments decoded', () => {
    expect(want.header.comments).toEqual([' Grüße — 行列 🧮', '∑']);
    expect(want.values.length).toBe(6);
  });

  it('ReadableStream of Uint8Array chunks (1..5 bytes, splitting multibyte characters)', async () => {
    const rand = rng(99);
    const chunks = splitBytes(bytes, () => 1 + Math.floor(rand() * 5));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(c);
        controller.close();
      },
    });
    expectSameData(await parseMatrixMarketStream(stream), want);
  });

  it('ReadableStream with a pull source and 1-byte chunks', async () => {
    let pos = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pos >= bytes.length) controller.close();
        else controller.enqueue(bytes.slice(pos, ++pos));
      },
    });
    expectSameData(await parseMatrixMarketStream(stream), want);
  });

  it('async iterable of Uint8Array chunks', async () => {
    for (const size of [1, 2, 3, 7, 1000]) {
      const chunks = splitBytes(bytes, () => size);
      async function* gen(): AsyncGenerator<Uint8Array> {
        for (const c of chunks) yield c;
      }
      expectSameData(await parseMatrixMarketStream(gen()), want);
    }
  });

  it('async iterable of strings, and mixed strings and bytes', async () => {
    async function* strings(): AsyncGenerator<string> {
      for (let k = 0; k < text.length; k += 5) yield text.slice(k, k + 5);
    }
    expectSameData(await parseMatrixMarketStream(strings()), want);
    const cut = text.indexOf('3 3 4');
    async function* mixed(): AsyncGenerator<string | Uint8Array> {
      const head = new TextEncoder().encode(text.slice(0, cut));
      yield head.subarray(0, 40); // ends inside a multibyte character? (make sure the decoder flushes)
      yield head.subarray(40);
      yield text.slice(cut);
    }
    expectSameData(await parseMatrixMarketStream(mixed()), want);
  });

  it('a malformed stream rejects with SparseFormatError and cancels the ReadableStream', async () => {
    let cancelled = false;
    const bad = new TextEncoder().encode(B + '2 2 1\n1 1 x\n');
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bad);
      },
      cancel() {
        cancelled = true;
      },
    });
    await expect(parseMatrixMarketStream(stream)).rejects.toThrow(SparseFormatError);
    expect(cancelled).toBe(true);
  });

  it('real file as a byte stream (bayer10, 64 KiB chunks)', async () => {
    const buf = matrixBytes('bayer10.mtx');
    async function* gen(): AsyncGenerator<Uint8Array> {
      for (let k = 0; k < buf.length; k += 65536) yield buf.subarray(k, k + 65536);
    }
    expectSameData(await parseMatrixMarketStream(gen()), parsed('bayer10.mtx'));
  });

  it('~5 MB of generated entries fed chunk by chunk from a generator', () => {
    const rows = 50000;
    const cols = 40000;
    const nnz = 250000;
    const rand = rng(2024);
    const ri = new Int32Array(nnz);
    const ci = new Int32Array(nnz);
    const vals = new Float64Array(nnz);
    function* source(): Generator<string> {
      let buf = '';
      for (let k = 0; k < nnz; k++) {
        ri[k] = Math.floor(rand() * rows);
        ci[k] = Math.floor(rand() * cols);
        vals[k] = (rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 6);
        buf += `${ri[k]! + 1} ${ci[k]! + 1} ${vals[k]}\n`;
        if (buf.length > 50000) {
          // Odd split point, usually in the middle of a line.
          const cut = buf.length - 13;
          yield buf.slice(0, cut);
          buf = buf.slice(cut);
        }
      }
      yield buf;
    }
    const p = new MatrixMarketParser();
    p.push(`%%MatrixMarket matrix coordinate real general\n% generated\n${rows} ${cols} ${nnz}\n`);
    let bytes = 0;
    for (const chunk of source()) {
      bytes += chunk.length;
      p.push(chunk);
    }
    expect(bytes).toBeGreaterThan(4_500_000);
    const d = p.finish();
    expect(d.rows).toBe(rows);
    expect(d.cols).toBe(cols);
    expect(firstIntDiff(d.rowIndex, ri)).toBe(-1);
    expect(firstIntDiff(d.colIndex, ci)).toBe(-1);
    expect(firstBitDiff(d.values, vals)).toBe(-1);
  });
});

// ---------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------

describe('writers', () => {
  const ri = Int32Array.from([0, 1, 0, 2, 2]);
  const ci = Int32Array.from([0, 0, 1, 1, 2]);
  const v = Float64Array.from([4, -1, -1, 0.5, -0]);

  it('general real coordinate text', () => {
    expect(formatMatrixMarketCoordinate(3, 3, ri, ci, v, { comment: ' made by a test\n second line' })).toBe(
      '%%MatrixMarket matrix coordinate real general\n% made by a test\n% second line\n3 3 5\n1 1 4\n2 1 -1\n1 2 -1\n3 2 0.5\n3 3 -0\n',
    );
  });

  it('symmetric writes only row >= col; skew only row > col', () => {
    expect(formatMatrixMarketCoordinate(3, 3, ri, ci, v, { symmetry: 'symmetric' })).toBe(
      '%%MatrixMarket matrix coordinate real symmetric\n3 3 4\n1 1 4\n2 1 -1\n3 2 0.5\n3 3 -0\n',
    );
    expect(formatMatrixMarketCoordinate(3, 3, ri, ci, v, { symmetry: 'skew-symmetric' })).toBe(
      '%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 2\n2 1 -1\n3 2 0.5\n',
    );
  });

  it('pattern and integer fields', () => {
    expect(formatMatrixMarketCoordinate(3, 3, ri, ci, null)).toBe(
      '%%MatrixMarket matrix coordinate pattern general\n3 3 5\n1 1\n2 1\n1 2\n3 2\n3 3\n',
    );
    expect(formatMatrixMarketCoordinate(3, 3, ri, ci, v, { field: 'pattern', symmetry: 'symmetric' })).toBe(
      '%%MatrixMarket matrix coordinate pattern symmetric\n3 3 4\n1 1\n2 1\n3 2\n3 3\n',
    );
    const big = Float64Array.from([1e21, -3, 2 ** 70]);
    const text = formatMatrixMarketCoordinate(3, 1, Int32Array.from([0, 1, 2]), Int32Array.from([0, 0, 0]), big, { field: 'integer' });
    expect(text).toBe('%%MatrixMarket matrix coordinate integer general\n3 1 3\n1 1 1000000000000000000000\n2 1 -3\n3 1 1180591620717411303424\n');
    expect(Array.from(parseMatrixMarket(text).values)).toEqual(Array.from(big));
  });

  it('array writer', () => {
    expect(formatMatrixMarketArray(2, 2, Float64Array.from([1, 2.5, -0, 1e-300]))).toBe(
      '%%MatrixMarket matrix array real general\n2 2\n1\n2.5\n-0\n1e-300\n',
    );
    expect(() => formatMatrixMarketArray(2, 2, new Float64Array(3))).toThrow(InvalidArgumentError);
    expect(() => formatMatrixMarketArray(1, 1, Float64Array.from([NaN]))).toThrow(NonFiniteValueError);
  });

  it('chunk generator yields ~64 KiB pieces that join to the formatted text', () => {
    const d = parsed('bayer10.mtx');
    const chunks = [...matrixMarketCoordinateChunks(d.rows, d.cols, d.rowIndex, d.colIndex, d.values)];
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks.slice(0, -1)) {
      expect(c.length).toBeGreaterThanOrEqual(64 * 1024);
      expect(c.length).toBeLessThan(64 * 1024 + 100);
    }
    expect(chunks.join('')).toBe(formatMatrixMarketCoordinate(d.rows, d.cols, d.rowIndex, d.colIndex, d.values));
  });

  it('invalid arguments', () => {
    const one = Int32Array.from([0]);
    expect(() => formatMatrixMarketCoordinate(3, 3, ri, ci, Float64Array.from([1, NaN, 1, 1, 1]))).toThrow(NonFiniteValueError);
    expect(() => formatMatrixMarketCoordinate(3, 3, ri, ci, Float64Array.from([1, Infinity, 1, 1, 1]))).toThrow(NonFiniteValueError);
    expect(() => formatMatrixMarketCoordinate(2, 3, ri, ci, v)).toThrow(InvalidArgumentError); // row 2 out of range
    expect(() => formatMatrixMarketCoordinate(3, 3, Int32Array.from([-1]), one, Float64Array.from([1]))).toThrow(InvalidArgumentError);
    expect(() => formatMatrixMarketCoordinate(3, 3, one, one, Float64Array.from([1, 2]))).toThrow(InvalidArgumentError);
    expect(() => formatMatrixMarketCoordinate(3, 4, ri, ci, v, { symmetry: 'symmetric' })).toThrow(InvalidArgumentError);
    expect(() => formatMatrixMarketCoordinate(3, 3, ri, ci, null, { field: 'real' })).toThrow(InvalidArgumentError);
    expect(() => formatMatrixMarketCoordinate(3, 3, ri, ci, null, { symmetry: 'skew-symmetric' })).toThrow(InvalidArgumentError);
    expect(() => formatMatrixMarketCoordinate(3, 3, ri, ci, v, { field: 'integer' })).toThrow(InvalidArgumentError); // 0.5
    expect(() => formatMatrixMarketCoordinate(-1, 3, ri, ci, v)).toThrow(InvalidArgumentError);
    expect(() => formatMatrixMarketCoordinate(1.5, 3, ri, ci, v)).toThrow(InvalidArgumentError);
    expect(() => formatMatrixMarketCoordinate(3, 3, ri, ci, v, { field: 'complex' as MmField })).toThrow(InvalidArgumentError);
    expect(() => formatMatrixMarketCoordinate(3, 3, ri, ci, v, { symmetry: 'hermitian' as MmSymmetry })).toThrow(InvalidArgumentError);
  });
});

// ---------------------------------------------------------------------------------------------
// Node file helpers
// ---------------------------------------------------------------------------------------------

describe('Node file helpers', () => {
  it('readMatrixMarketFile streams a file and matches parseMatrixMarket', async () => {
    for (const name of ['bayer10.mtx', 'luxembourg_osm.mtx', 'sherman1_rhs1.mtx', 'plskz362.mtx']) {
      expectSameData(await readMatrixMarketFile(matrixPath(name)), parsed(name));
    }
  });

  it('readMatrixMarketFile rejects: missing file (fs error) and complex file (SparseFormatError)', async () => {
    await expect(readMatrixMarketFile(path.join(fixtureDir, 'does-not-exist.mtx'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readMatrixMarketFile(matrixPath('young1c.mtx'))).rejects.toThrow(/complex matrices are unsupported/);
  });

  it('writeMatrixMarketFile round trip, and no file left behind on invalid input', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mm-test-'));
    try {
      const d = parsed('bcsstk13.mtx');
      const file = path.join(dir, 'out.mtx');
      await writeMatrixMarketFile(file, d.rows, d.cols, d.rowIndex, d.colIndex, d.values, { symmetry: 'symmetric', comment: ' bcsstk13' });
      expect(readFileSync(file, 'utf8')).toBe(
        formatMatrixMarketCoordinate(d.rows, d.cols, d.rowIndex, d.colIndex, d.values, { symmetry: 'symmetric', comment: ' bcsstk13' }),
      );
      const back = await readMatrixMarketFile(file);
      expect(back.header.comments).toEqual([' bcsstk13']);
      expectSameData({ ...back, header: d.header }, d);

      const bad = path.join(dir, 'bad.mtx');
      await expect(
        writeMatrixMarketFile(bad, 1, 1, Int32Array.from([0]), Int32Array.from([0]), Float64Array.from([NaN])),
      ).rejects.toThrow(NonFiniteValueError);
      expect(existsSync(bad)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
