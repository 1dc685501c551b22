import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, CsrMatrix, SpgemmProduct, TripleProduct, spgemm, tripleProduct, spgemmFlops, multiplyAtB, multiplyABt,
  IndexOverflowError, DimensionMismatchError, InvalidArgumentError, DisposedError, WasmMemoryError, type SparseRuntime,
  type SpgemmOptions, DEFAULT_HASH_MAX,
} from '../src/index.js';
import { readMatrix } from '../src/node.js';
import { canonicalProblem, denseOf, randomCoo, rng } from './helpers.js';
import { fixtureDir, matrixPath } from './matrices.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

const here = path.dirname(fileURLToPath(import.meta.url));

/** Dense product with the same summation order as the kernel (k ascending), plus |A||B| for tolerances. */
function denseProduct(A: Float64Array[], B: Float64Array[], n: number): { C: Float64Array[]; S: Float64Array[] } {
  const m = A.length, k = B.length;
  const C: Float64Array[] = [], S: Float64Array[] = [];
  for (let i = 0; i < m; i++) {
    const c = new Float64Array(n), s = new Float64Array(n);
    for (let t = 0; t < k; t++) {
      const a = A[i][t];
      if (a === 0) continue;
      for (let j = 0; j < n; j++) { c[j] += a * B[t][j]; s[j] += Math.abs(a * B[t][j]); }
    }
    C.push(c); S.push(s);
  }
  return { C, S };
}

/** The structural pattern of A B from the stored patterns (explicit zeros count). */
function patternProduct(A: CsrMatrix, B: CsrMatrix): Set<number> {
  const ap = A.rowPtr, ac = A.colIdx, bp = B.rowPtr, bc = B.colIdx;
  const out = new Set<number>();
  for (let i = 0; i < A.rows; i++) {
    for (let p = ap[i]; p < ap[i + 1]; p++) {
      const j = ac[p];
      for (let q = bp[j]; q < bp[j + 1]; q++) out.add(i * B.cols + bc[q]);
    }
  }
  return out;
}

function expectCanonical(C: CsrMatrix): void {
  expect(canonicalProblem(C)).toBe('');
}

/** index of the first difference of two arrays (-1 if equal) */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>, tol = 0): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= tol * Math.abs(b[i])) && a[i] !== b[i]) return i;
  return -1;
}

function checkAgainstDense(C: CsrMatrix, A: CsrMatrix, B: CsrMatrix): void {
  const { C: ref, S } = denseProduct(A.toDense(), B.toDense(), B.cols);
  const got = C.toDense();
  expect([C.rows, C.cols]).toEqual([A.rows, B.cols]);
  for (let i = 0; i < C.rows; i++) {
    for (let j = 0; j < C.cols; j++) {
      const d = Math.abs(got[i][j] - ref[i][j]);
      if (!(d <= 1e-14 * S[i][j])) expect.fail(`C(${i},${j}) = ${got[i][j]}, expected ${ref[i][j]}`);
    }
  }
  const pat = patternProduct(A, B);
  expect(C.nnz).toBe(pat.size);
  const rp = C.rowPtr, ci = C.colIdx;
  let missing = 0;
  for (let i = 0; i < C.rows; i++) for (let p = rp[i]; p < rp[i + 1]; p++) if (!pat.has(i * C.cols + ci[p])) missing++;
  expect(missing).toBe(0);
}

function fromCoo(c: ReturnType<typeof randomCoo>): CsrMatrix {
  return CsrMatrix.fromCoo(c.rows, c.cols, c.ri, c.ci, c.v);
}

/** A random matrix with some empty rows and one dense row. */
function awkward(m: number, n: number, density: number, seed: number): CsrMatrix {
  const c = randomCoo(m, n, density, seed, 0.2);
  const r = rng(seed + 7);
  const keep = c.ri.map(() => r() > 0.3);
  const ri = c.ri.filter((_, k) => keep[k] && c.ri[k] % 5 !== 2); // rows = 2 mod 5 are empty
  const ci = c.ci.filter((_, k) => keep[k] && c.ri[k] % 5 !== 2);
  const v = c.v.filter((_, k) => keep[k] && c.ri[k] % 5 !== 2);
  if (m > 3 && n > 0) for (let j = 0; j < n; j++) { ri.push(3); ci.push(j); v.push(r() - 0.5); } // row 3 dense
  return CsrMatrix.fromCoo(m, n, ri, ci, v);
}

const MODES: [string, SpgemmOptions][] = [
  ['auto', {}],
  ['hash', { accumulator: 'hash' }],
  ['dense', { accumulator: 'dense' }],
  ['mixed per row (hash up to 8 flops)', { hashThreshold: 8, wideRatio: 0 }],
  ['auto with hashing always enabled', { wideRatio: 0 }],
];

describe('SpGEMM against a dense reference', () => {
  const shapes: [number, number, number, number, number][] = [
    // m, k, n, density A, density B
    [0, 0, 0, 0, 0], [3, 0, 4, 0, 0], [0, 5, 3, 0.5, 0.5], [1, 1, 1, 1, 1], [4, 4, 4, 0, 0.5], [4, 4, 4, 0.5, 0],
    [7, 5, 9, 0.4, 0.4], [30, 20, 10, 0.2, 0.3], [10, 40, 35, 0.3, 0.1], [60, 60, 60, 0.05, 0.05],
    [50, 3, 50, 0.5, 0.5], [3, 80, 3, 0.2, 0.2], [120, 90, 150, 0.04, 0.08], [40, 40, 40, 0.9, 0.9],
  ];
  for (const [m, k, n, da, db] of shapes) {
    for (const [name, opts] of MODES) {
      it(`${m}x${k} * ${k}x${n} (densities ${da}, ${db}), ${name}`, () => {
        const A = awkward(m, k, da, m * 131 + k * 7 + n);
        const B = awkward(k, n, db, m + k * 17 + n * 3 + 1);
        const p = SpgemmProduct.compute(A, B, opts);
        expect(p.sorted).toBe(true);
        expectCanonical(p.matrix);
        checkAgainstDense(p.matrix, A, B);
        // recompute with new values gives what a fresh product gives
        A.setValues(A.values.map((x, i) => x * 0.5 + (i % 3)));
        B.setValues(B.values.map((x, i) => -x + (i % 5) * 0.25));
        const before = p.matrix.valuesVersion;
        p.recompute(A, B);
        expect(p.matrix.valuesVersion).toBe(before + 1);
        checkAgainstDense(p.matrix, A, B);
        p.dispose(); A.dispose(); B.dispose();
      });
    }
  }

  it("'auto' keeps every row dense for square products and hashes short rows when B is wide for the work", () => {
    const P = CsrMatrix.fromCoo(70000, 70000, [...Array(70000).keys()], [...Array(70000).keys()], new Array(70000).fill(2));
    const sq = SpgemmProduct.compute(P, P);
    expect(sq.hashMax).toBe(0);
    // 3 x 2 times 2 x 10^6 with a handful of entries: n far above the flops
    const A = CsrMatrix.fromCoo(3, 2, [0, 1, 2], [0, 1, 1], [1, 2, 3]);
    const B = CsrMatrix.fromCoo(2, 1_000_000, [0, 1, 1], [7, 3, 999_999], [1, 1, 1]);
    const wide = SpgemmProduct.compute(A, B);
    expect(wide.hashMax).toBe(DEFAULT_HASH_MAX);
    expect(Array.from(wide.matrix.colIdx)).toEqual([7, 3, 999_999, 3, 999_999]);
    expect(SpgemmProduct.compute(A, B, { wideRatio: 1e9 }).hashMax).toBe(0); // n < 1e9 flops: dense
    const never = SpgemmProduct.compute(A, B, { hashThreshold: 0 });
    expect(never.hashMax).toBe(0);
    for (const M of [P, sq, A, B, wide, never]) M.dispose();
  });

  it('rows sorted in a second pass (B rows beyond cache) match a reference', () => {
    // A: 3000 x 10^6 with 6 scattered entries a row; B: 10^6 x 40, one or two entries a row,
    // so the B rows one row of A reaches span ~10^6 rows x 12 bytes: the deferred sort is used
    const k = 1_000_000, r = rng(99);
    const ai: number[] = [], aj: number[] = [], av: number[] = [];
    for (let i = 0; i < 3000; i++) for (let t = 0; t < 6; t++) { ai.push(i); aj.push(Math.floor(r() * k)); av.push(r() - 0.5); }
    const bi: number[] = [], bj: number[] = [], bv: number[] = [];
    for (let j = 0; j < k; j++) for (let t = 0; t < 1 + (j % 2); t++) { bi.push(j); bj.push(Math.floor(r() * 40)); bv.push(r() - 0.5); }
    const A = CsrMatrix.fromCoo(3000, k, ai, aj, av), B = CsrMatrix.fromCoo(k, 40, bi, bj, bv);
    const C = spgemm(A, B);
    expect(canonicalProblem(C)).toBe('');
    const ap = A.rowPtr, ac = A.colIdx, avv = A.values, bp = B.rowPtr, bc = B.colIdx, bvv = B.values;
    const cp = C.rowPtr, cc = C.colIdx, cv = C.values;
    let bad = -1;
    for (let i = 0; i < 3000 && bad < 0; i++) {
      const m = new Map<number, number>();
      for (let p = ap[i]; p < ap[i + 1]; p++) for (let q = bp[ac[p]]; q < bp[ac[p] + 1]; q++) m.set(bc[q], (m.get(bc[q]) ?? 0) + avv[p] * bvv[q]);
      const cols = [...m.keys()].sort((x, y) => x - y);
      if (cols.length !== cp[i + 1] - cp[i]) bad = i;
      cols.forEach((c, t) => { if (cc[cp[i] + t] !== c || cv[cp[i] + t] !== m.get(c)) bad = i; });
    }
    expect(bad).toBe(-1);
    for (const M of [A, B, C]) M.dispose();
  });

  it('identity and single-entry rows (the one-entry shortcut) give exact copies', () => {
    const B = fromCoo(randomCoo(30, 25, 0.2, 5));
    const I = CsrMatrix.fromCoo(30, 30, [...Array(30).keys()], [...Array(30).keys()], new Array(30).fill(1));
    const C = spgemm(I, B);
    expect(Array.from(C.colIdx)).toEqual(Array.from(B.colIdx));
    expect(Array.from(C.values)).toEqual(Array.from(B.values));
    expect(Array.from(C.rowPtr)).toEqual(Array.from(B.rowPtr));
    C.dispose(); I.dispose(); B.dispose();
  });

  it('sorted: false leaves rows unsorted but with the same entries; sortRows() makes them canonical', () => {
    const A = fromCoo(randomCoo(80, 70, 0.08, 11)), B = fromCoo(randomCoo(70, 90, 0.08, 12));
    const ref = spgemm(A, B);
    for (const acc of ['hash', 'dense'] as const) {
      const p = SpgemmProduct.compute(A, B, { sorted: false, accumulator: acc });
      expect(p.sorted).toBe(false);
      expect(() => p.matrix).toThrow(InvalidArgumentError);
      expect(p.nnz).toBe(ref.nnz);
      // same set of (row, col, value) triples
      const rp = p.rowPtr, ci = p.colIdx, v = p.values;
      const entries = new Map<number, number>();
      for (let i = 0; i < p.rows; i++) for (let q = rp[i]; q < rp[i + 1]; q++) entries.set(i * p.cols + ci[q], v[q]);
      const rrp = ref.rowPtr, rci = ref.colIdx, rv = ref.values;
      for (let i = 0; i < ref.rows; i++) for (let q = rrp[i]; q < rrp[i + 1]; q++) expect(entries.get(i * p.cols + rci[q])).toBe(rv[q]);
      // recompute works on the unsorted pattern too
      p.recompute(A, B);
      const C = p.sortRows();
      expect(p.sorted).toBe(true);
      expectCanonical(C);
      expect(Array.from(C.colIdx)).toEqual(Array.from(ref.colIdx));
      expect(Array.from(C.values)).toEqual(Array.from(ref.values));
      p.dispose();
      expect(C.disposed).toBe(true);
    }
    ref.dispose(); A.dispose(); B.dispose();
  });

  it('takeMatrix hands C to the caller and frees the rest', () => {
    const A = fromCoo(randomCoo(20, 20, 0.2, 3));
    const live = rt.stats().liveAllocations;
    const p = SpgemmProduct.compute(A, A, { transposeA: true });
    const C = p.takeMatrix();
    expect(p.disposed).toBe(true);
    expect(C.disposed).toBe(false);
    expect(rt.stats().liveAllocations).toBe(live + 3);
    C.dispose();
    expect(rt.stats().liveAllocations).toBe(live);
    A.dispose();
  });
});

describe('transposed operands and the triple product', () => {
  it('A^T B, A B^T, A^T A, A A^T match explicit transposes', () => {
    const A = awkward(40, 25, 0.15, 21), B = awkward(40, 30, 0.15, 22), D = awkward(35, 25, 0.2, 23);
    const At = A.transpose(), Dt = D.transpose();
    const cases: [CsrMatrix, CsrMatrix, CsrMatrix][] = [
      [multiplyAtB(A, B), At, B],
      [multiplyABt(A, D), A, Dt],
      [multiplyAtB(A), At, A],
      [multiplyABt(A), A, At],
    ];
    for (const [C, L, R] of cases) {
      expectCanonical(C);
      checkAgainstDense(C, L, R);
      const E = spgemm(L, R);
      expect(Array.from(C.colIdx)).toEqual(Array.from(E.colIdx));
      expect(Array.from(C.values)).toEqual(Array.from(E.values));
      C.dispose(); E.dispose();
    }
    // recompute re-transposes the new values
    const p = SpgemmProduct.compute(A, B, { transposeA: true, transposeB: false });
    A.setValues(A.values.map((x) => 2 * x + 1));
    p.recompute(A, B);
    const At2 = A.transpose();
    checkAgainstDense(p.matrix, At2, B);
    expect(p.timings.transposeMs).toBeGreaterThanOrEqual(0);
    for (const M of [p, A, B, D, At, Dt, At2]) M.dispose();
  });

  it('inner-dimension mismatch with transposes is a DimensionMismatchError', () => {
    const A = awkward(10, 6, 0.3, 1), B = awkward(7, 6, 0.3, 2);
    expect(() => spgemm(A, B)).toThrow(DimensionMismatchError);
    expect(() => SpgemmProduct.compute(A, B, { transposeA: true })).toThrow(/A\^T \(6 x 10\)/);
    const C = multiplyABt(A, B); // 10x6 * 6x7
    expect([C.rows, C.cols]).toEqual([10, 7]);
    for (const M of [A, B, C]) M.dispose();
  });

  it('R A P in both orders matches the dense triple product, and recomputes', () => {
    const A = awkward(50, 50, 0.08, 31), P = awkward(50, 12, 0.15, 32), R = P.transpose();
    const ref = (() => {
      const RA = denseProduct(R.toDense(), A.toDense(), 50).C;
      return denseProduct(RA, P.toDense(), 12);
    })();
    for (const order of ['left', 'right', 'auto'] as const) {
      const t = TripleProduct.compute(R, A, P, { order });
      if (order !== 'auto') expect(t.order).toBe(order);
      const got = t.matrix.toDense();
      for (let i = 0; i < 12; i++) for (let j = 0; j < 12; j++) expect(Math.abs(got[i][j] - ref.C[i][j])).toBeLessThanOrEqual(1e-12 * (1 + ref.S[i][j]));
      A.setValues(A.values.map((x) => x * 3));
      t.recompute(R, A, P);
      const got2 = t.matrix.toDense();
      for (let i = 0; i < 12; i++) for (let j = 0; j < 12; j++) expect(Math.abs(got2[i][j] - 3 * ref.C[i][j])).toBeLessThanOrEqual(1e-12 * (1 + 3 * ref.S[i][j]));
      A.setValues(A.values.map((x) => x / 3));
      t.dispose();
    }
    const C = tripleProduct(R, A, P);
    expect([C.rows, C.cols]).toEqual([12, 12]);
    expect(() => tripleProduct(P, A, P)).toThrow(DimensionMismatchError);
    for (const M of [A, P, R, C]) M.dispose();
  });
});

describe('errors leave the module usable', () => {
  it('a product with more than 2^31 - 1 nonzeros is an IndexOverflowError, detected before allocation', () => {
    // 50000 x 1 times 1 x 50000: 2.5e9 nonzeros
    const n = 50000;
    const col = CsrMatrix.fromCoo(n, 1, [...Array(n).keys()], new Array(n).fill(0), new Array(n).fill(1));
    const row = CsrMatrix.fromCoo(1, n, new Array(n).fill(0), [...Array(n).keys()], new Array(n).fill(1));
    expect(() => spgemm(col, row)).toThrow(IndexOverflowError); // (sizes the scratch workspace)
    const before = rt.stats();
    expect(() => spgemm(col, row)).toThrow(/2\^31 - 1/);
    expect(rt.stats().liveAllocations).toBe(before.liveAllocations);
    expect(rt.stats().liveBytes).toBe(before.liveBytes);
    // still works
    const C = spgemm(row, col);
    expect(C.nnz).toBe(1);
    expect(C.values[0]).toBe(n);
    for (const M of [col, row, C]) M.dispose();
  });

  it('a product too large for wasm memory is a WasmMemoryError (values block > 1 GiB)', () => {
    const n = 12500; // 1.5625e8 nonzeros: 1.25 GB of values
    const col = CsrMatrix.fromCoo(n, 1, [...Array(n).keys()], new Array(n).fill(0), new Array(n).fill(1));
    const row = CsrMatrix.fromCoo(1, n, new Array(n).fill(0), [...Array(n).keys()], new Array(n).fill(2));
    const before = rt.stats().liveAllocations;
    expect(() => spgemm(col, row)).toThrow(WasmMemoryError);
    expect(rt.stats().liveAllocations).toBe(before);
    const small = spgemm(row, col);
    expect(small.values[0]).toBe(2 * n);
    for (const M of [col, row, small]) M.dispose();
  });

  it('a B too wide for the dense accumulator (4 n bytes > 1 GiB) falls back to hashing every row', () => {
    const n = 300_000_000;
    const A = CsrMatrix.fromCoo(3, 2, [0, 0, 1, 2], [0, 1, 1, 0], [1, 2, 3, 4]);
    const B = CsrMatrix.fromCoo(2, n, [0, 0, 1], [5, n - 1, 5], [10, 20, 30]);
    const C = spgemm(A, B);
    expect([C.rows, C.cols, C.nnz]).toEqual([3, n, 5]);
    expect(Array.from(C.rowPtr)).toEqual([0, 2, 3, 5]);
    expect(Array.from(C.colIdx)).toEqual([5, n - 1, 5, 5, n - 1]);
    expect(Array.from(C.values)).toEqual([1 * 10 + 2 * 30, 20, 90, 40, 80]);
    expect(() => spgemm(A, B, { accumulator: 'dense' })).toThrow(WasmMemoryError);
    const D = spgemm(A, B, { accumulator: 'hash' });
    expect(Array.from(D.values)).toEqual(Array.from(C.values));
    for (const M of [A, B, C, D]) M.dispose();
  });

  it('shape mismatch, disposed operands, bad options, changed patterns', () => {
    const A = awkward(6, 5, 0.5, 41), B = awkward(5, 4, 0.5, 42), X = awkward(5, 4, 0.9, 43);
    expect(() => spgemm(A, A)).toThrow(DimensionMismatchError);
    expect(() => spgemm(A, B, { accumulator: 'heap' as never })).toThrow(InvalidArgumentError);
    expect(() => spgemm(A, B, { bogus: 1 } as never)).toThrow(/SpGEMM: unknown option "bogus"/);
    expect(() => spgemm(A, B, { sorted: false } as never)).toThrow(InvalidArgumentError);
    expect(() => spgemm(A, {} as never)).toThrow(InvalidArgumentError);
    const p = SpgemmProduct.compute(A, B);
    expect(() => p.recompute(A, A)).toThrow(DimensionMismatchError);
    // X has more entries than B: contributions outside C's pattern are detected
    const wider = spgemm(A, X).nnz > p.nnz;
    if (wider) expect(() => p.recompute(A, X)).toThrow(/outside the pattern/);
    // a pattern contained in the original one is fine (the product then keeps explicit zeros)
    const Bsub = CsrMatrix.fromCoo(5, 4, [], [], []);
    p.recompute(A, Bsub);
    expect(Array.from(p.matrix.values).every((v) => v === 0)).toBe(true);
    const D = awkward(5, 4, 0.5, 44);
    D.dispose();
    expect(() => spgemm(A, D)).toThrow(DisposedError);
    p.dispose();
    expect(() => p.recompute(A, B)).toThrow(DisposedError);
    expect(() => p.matrix).toThrow(DisposedError);
    for (const M of [A, B, X, Bsub]) M.dispose();
  });

  it('spgemmFlops counts multiply-adds', () => {
    const A = awkward(30, 20, 0.2, 51), B = awkward(20, 10, 0.3, 52);
    const ap = A.rowPtr, ac = A.colIdx, bp = B.rowPtr;
    let total = 0, most = 0;
    for (let i = 0; i < A.rows; i++) {
      let f = 0;
      for (let p = ap[i]; p < ap[i + 1]; p++) f += bp[ac[p] + 1] - bp[ac[p]];
      total += f; most = Math.max(most, f);
    }
    expect(spgemmFlops(A, B)).toMatchObject({ total, maxRow: most });
    A.dispose(); B.dispose();
  });
});

// SciPy's products of the shared real matrices (scripts/scipy-spgemm-reference.py).
interface ProductRef {
  rows: number; cols: number; nnzStructural: number; nnzScipy: number; sum: number; absSum: number; fro: number;
  scaleSum: number; samples: [number, number, number, number][];
}
const fixture = JSON.parse(readFileSync(path.join(here, 'fixtures/scipy-spgemm.json'), 'utf8')) as {
  matrices: Record<string, { rows: number; cols: number; nnz: number; AA?: ProductRef; AAt: ProductRef; AtA: ProductRef }>;
};

function lookup(C: CsrMatrix, i: number, j: number): number {
  const rp = C.rowPtr, ci = C.colIdx;
  let lo = rp[i], hi = rp[i + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ci[mid] === j) return C.values[mid];
    if (ci[mid] < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

function checkScipy(C: CsrMatrix, r: ProductRef): void {
  expect([C.rows, C.cols]).toEqual([r.rows, r.cols]);
  expect(C.nnz).toBe(r.nnzStructural);
  const v = C.values;
  let nonzero = 0, sum = 0, abs = 0, sq = 0;
  for (let p = 0; p < v.length; p++) {
    if (v[p] !== 0) nonzero++;
    sum += v[p]; abs += Math.abs(v[p]); sq += v[p] * v[p];
  }
  // SciPy drops entries that cancel to exactly 0; rounding may leave a few tiny ones on either side
  expect(Math.abs(nonzero - r.nnzScipy)).toBeLessThanOrEqual(Math.max(2, 1e-3 * r.nnzScipy));
  expect(Math.abs(sum - r.sum)).toBeLessThanOrEqual(1e-12 * r.scaleSum + 1e-300);
  expect(Math.abs(abs - r.absSum)).toBeLessThanOrEqual(1e-12 * r.scaleSum + 1e-300);
  expect(Math.abs(Math.sqrt(sq) - r.fro)).toBeLessThanOrEqual(1e-12 * r.fro + 1e-300);
  for (const [i, j, want, scale] of r.samples) {
    expect(Math.abs(lookup(C, i, j) - want), `C(${i},${j})`).toBeLessThanOrEqual(1e-14 * scale + 1e-300);
  }
}

describe('products of every shared real matrix', () => {
  const names = Object.keys(fixture.matrices).sort();
  it('the fixture covers the 36 real sparse matrices', () => {
    expect(names.length).toBe(36);
  });
  for (const name of names) {
    const ref = fixture.matrices[name];
    it(`${name}: A A, A A^T, A^T A like SciPy; (A B)^T = B^T A^T; (A B) x = A (B x)`, async () => {
      const { matrix: A } = await readMatrix(matrixPath(name));
      expect([A.rows, A.cols, A.nnz]).toEqual([ref.rows, ref.cols, ref.nnz]);
      const At = A.transpose();
      const pairs: [string, CsrMatrix, CsrMatrix, ProductRef][] = [['AAt', A, At, ref.AAt], ['AtA', At, A, ref.AtA]];
      if (ref.AA) pairs.unshift(['AA', A, A, ref.AA]);
      for (const [label, L, R, r] of pairs) {
        const C = spgemm(L, R);
        expectCanonical(C);
        checkScipy(C, r);
        // (L R)^T = R^T L^T: same pattern, same values (same summation order)
        const Ct = C.transpose();
        const Rt = R.transpose(), Lt = L.transpose();
        const D = spgemm(Rt, Lt);
        expect(firstDiff(D.rowPtr, Ct.rowPtr), `${label} transpose rowPtr`).toBe(-1);
        expect(firstDiff(D.colIdx, Ct.colIdx), `${label} transpose colIdx`).toBe(-1);
        expect(firstDiff(D.values, Ct.values, 1e-13), `${label} transpose values`).toBe(-1);
        // (L R) x = L (R x) with x_i = sin(i + 1)
        const x = new Float64Array(R.cols).map((_, i) => Math.sin(i + 1));
        const y1 = C.multiply(x), y2 = L.multiply(R.multiply(x));
        const absL = CsrMatrix.fromCsr(L.rows, L.cols, L.rowPtr.slice(), L.colIdx.slice(), L.values.map(Math.abs));
        const absR = CsrMatrix.fromCsr(R.rows, R.cols, R.rowPtr.slice(), R.colIdx.slice(), R.values.map(Math.abs));
        const scale = absL.multiply(absR.multiply(x.map(Math.abs)));
        let bad = -1;
        for (let i = 0; i < y1.length && bad < 0; i++) if (!(Math.abs(y1[i] - y2[i]) <= 1e-12 * scale[i] + 1e-300)) bad = i;
        expect(bad, `${label}: (L R) x != L (R x) at row ${bad}`).toBe(-1);
        for (const M of [C, Ct, Rt, Lt, D, absL, absR]) M.dispose();
      }
      // the hash and dense accumulators agree exactly on the real matrices too
      const L = ref.AA ? A : At, R = A;
      const h = SpgemmProduct.compute(L, R, { accumulator: 'hash' }), d = SpgemmProduct.compute(L, R, { accumulator: 'dense' });
      expect(firstDiff(h.colIdx, d.colIdx)).toBe(-1);
      expect(firstDiff(h.values, d.values)).toBe(-1);
      h.dispose(); d.dispose(); At.dispose(); A.dispose();
    });
  }
});


describe('CLI: sparse-wasm multiply (cmdMultiply)', () => {
  async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const { cmdMultiply } = await import('../src/cli/multiply.js');
    let stdout = '', stderr = '';
    const out = process.stdout.write, err = process.stderr.write;
    process.stdout.write = ((s: string) => { stdout += s; return true; }) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => { stderr += s; return true; }) as typeof process.stderr.write;
    try {
      const code = await cmdMultiply(args);
      return { code, stdout, stderr };
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
  }

  it('--json prints one object with rows, cols, nnz, ms, symbolicMs, numericMs; -o writes C', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const outFile = path.join(mkdtempSync(path.join(tmpdir(), 'spgemm-cli-')), 'C.mtx');
    const a = matrixPath('west0479.mtx');
    const r = await run([a, a, '--json', '--repeat', '3', '-o', outFile]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n').length).toBe(1);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ rows: 479, cols: 479, nnz: fixture.matrices['west0479.mtx'].AA!.nnzStructural, samples: 3 });
    for (const k of ['ms', 'symbolicMs', 'numericMs', 'recomputeMs']) expect(o[k]).toBeGreaterThan(0);
    const { matrix: C } = await readMatrix(outFile);
    expect(C.nnz).toBe(o.nnz);
    checkScipy(C, fixture.matrices['west0479.mtx'].AA!);
    C.dispose();
  });

  it('human output, generated operands, and the error exits', async () => {
    const h = await run(['gen:poisson2d:20', 'gen:poisson2d:20', '--repeat', '1']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/400 x 400, nnz 4804 /); // nnz(A^2) = 13 n - 20 k + 4 for the k x k grid
    expect((await run(['only-one.mtx'])).code).toBe(2);
    expect((await run(['a.mtx', 'b.mtx', '--accumulator', 'heap'])).code).toBe(2);
    expect((await run(['a.mtx', 'b.mtx', '--bogus'])).code).toBe(2);
    const missing = await run([path.join(fixtureDir, 'nope.mtx'), path.join(fixtureDir, 'nope.mtx')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such file/);
    expect(missing.stderr.trim().split('\n').length).toBe(1);
    const rect = matrixPath('illc1850.mtx');
    const mism = await run([rect, rect, '--json']);
    expect(mism.code).toBe(1);
    expect(mism.stdout).toBe('');
    expect(mism.stderr).toMatch(/inner dimensions differ/);
    expect((await run([matrixPath('young1c.mtx'), rect])).code).toBe(1);
  });
});
