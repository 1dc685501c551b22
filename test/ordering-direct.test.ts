// Fill-reducing orderings of src/direct/ordering: AMD (symmetric) and the column ordering for LU
// (minimum degree on A^T A from row elements). Checked: every result is a permutation; the fill
// of the Cholesky factor (a symbolic count, itself checked against a dense graph elimination) is
// far below the natural order's and RCM's; on the 2D/3D Poisson problems it is within 1.1x of
// Eigen 3.4's SimplicialLLT with its AMD ordering (figures measured with Eigen on this machine
// kind: nnz(L) = 9.0 M for poisson2d k = 500, 23.0 M for poisson3d k = 40; quoted in issue 12).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, CsrMatrix, amd, colamd, choleskyFactorNnz, reverseCuthillMcKee, poisson2d, multiplyAtB,
  DimensionMismatchError, InvalidArgumentError, DisposedError,
} from '../src/index.js';
import { symmetricAdjacency } from '../src/direct/ordering/graph.js';
import { readMatrix } from '../src/node.js';
import { randomCoo, rng } from './helpers.js';
import { matrixPath } from './matrices.js';

beforeAll(async () => {
  await init();
});

function expectPermutation(p: Int32Array, n: number): void {
  expect(p.length).toBe(n);
  const seen = new Uint8Array(n);
  let bad = -1;
  for (let k = 0; k < n && bad < 0; k++) {
    const v = p[k];
    if (!(v >= 0 && v < n) || seen[v]) bad = k;
    else seen[v] = 1;
  }
  expect(bad, 'first position that repeats or leaves the range').toBe(-1);
}

function random(m: number, n: number, density: number, seed: number): CsrMatrix {
  const c = randomCoo(m, n, density, seed, 0.1);
  return CsrMatrix.fromCoo(m, n, c.ri, c.ci, c.v);
}

/** nnz(L) of P (A + A^T) P^T (diagonal included) through the library's symbolic count. */
function fillOf(A: CsrMatrix, perm: Int32Array): number {
  const { ptr, adj } = symmetricAdjacency(A.rows, A.rowPtr.slice(), A.colIdx.slice());
  return choleskyFactorNnz(A.rows, ptr, adj, perm);
}

/** nnz(L) by eliminating a dense boolean graph: the reference for the symbolic count. */
function denseFill(A: CsrMatrix, perm: Int32Array): number {
  const n = A.rows;
  const inv = new Int32Array(n);
  for (let k = 0; k < n; k++) inv[perm[k]] = k;
  const G = Array.from({ length: n }, () => new Uint8Array(n));
  const rp = A.rowPtr, ci = A.colIdx;
  for (let i = 0; i < n; i++) for (let p = rp[i]; p < rp[i + 1]; p++) { G[inv[i]][inv[ci[p]]] = 1; G[inv[ci[p]]][inv[i]] = 1; }
  let nnz = n;
  for (let k = 0; k < n; k++) {
    const below: number[] = [];
    for (let i = k + 1; i < n; i++) if (G[i][k]) below.push(i);
    nnz += below.length;
    for (const i of below) for (const j of below) G[i][j] = 1; // the clique of eliminating k
  }
  return nnz;
}

/** The 7-point 3D Laplacian on a k^3 grid. */
function poisson3d(k: number): CsrMatrix {
  const n = k * k * k;
  const rp = new Int32Array(n + 1), ci: number[] = [], v: number[] = [];
  const id = (a: number, b: number, c: number) => (a * k + b) * k + c;
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) for (let c = 0; c < k; c++) {
    const push = (j: number, x: number) => { ci.push(j); v.push(x); };
    if (a > 0) push(id(a - 1, b, c), -1);
    if (b > 0) push(id(a, b - 1, c), -1);
    if (c > 0) push(id(a, b, c - 1), -1);
    push(id(a, b, c), 6);
    if (c < k - 1) push(id(a, b, c + 1), -1);
    if (b < k - 1) push(id(a, b + 1, c), -1);
    if (a < k - 1) push(id(a + 1, b, c), -1);
    rp[id(a, b, c) + 1] = ci.length;
  }
  return CsrMatrix.fromCsr(n, n, rp, Int32Array.from(ci), Float64Array.from(v));
}

const identity = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('amd', () => {
  it('handles n = 0, n = 1, empty rows and a diagonal matrix', () => {
    expectPermutation(amd(CsrMatrix.fromCoo(0, 0, [], [], [])), 0);
    expectPermutation(amd(CsrMatrix.fromCoo(1, 1, [0], [0], [2])), 1);
    expectPermutation(amd(CsrMatrix.fromCoo(1, 1, [], [], [])), 1);
    const D = CsrMatrix.fromCoo(5, 5, [0, 1, 2, 3, 4], [0, 1, 2, 3, 4], [1, 1, 1, 1, 1]);
    expectPermutation(amd(D), 5);
    // rows 1 and 3 empty, the rest a path
    const E = CsrMatrix.fromCoo(5, 5, [0, 0, 2, 2, 4, 4], [2, 0, 4, 2, 0, 4], [1, 1, 1, 1, 1, 1]);
    const p = amd(E);
    expectPermutation(p, 5);
    expect(fillOf(E, p)).toBe(denseFill(E, p));
  });

  it('symbolic count equals a dense elimination, and amd never loses to the natural order on random patterns', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const n = 5 + (seed * 7) % 40;
      const A = random(n, n, [0.02, 0.08, 0.2, 0.5][seed % 4], seed);
      const p = amd(A);
      expectPermutation(p, n);
      const fa = fillOf(A, p);
      expect(fa).toBe(denseFill(A, p));
      const fn = fillOf(A, identity(n));
      expect(fn).toBe(denseFill(A, identity(n)));
      // a minimum-degree heuristic can lose to the natural order on tiny random patterns only by little
      expect(fa).toBeLessThanOrEqual(Math.ceil(fn * 1.15) + n);
    }
  });

  it('uses the pattern of A + A^T for an unsymmetric matrix', () => {
    const A = random(60, 60, 0.04, 99);
    const c = A.toCoo();
    const S = CsrMatrix.fromCoo(60, 60, [...c.rowIndex, ...c.colIndex], [...c.colIndex, ...c.rowIndex], [...c.values, ...c.values]);
    expect(Array.from(amd(A))).toEqual(Array.from(amd(S)));
    expect(Array.from(amd(A))).toEqual(Array.from(amd(A.transpose())));
  });

  it('orders a dense row last and keeps the rest sparse (arrowhead)', () => {
    const n = 400;
    const ri: number[] = [], ci: number[] = [], v: number[] = [];
    for (let i = 0; i < n; i++) {
      ri.push(i); ci.push(i); v.push(4);
      if (i > 0) { ri.push(i); ci.push(0); v.push(1); ri.push(0); ci.push(i); v.push(1); }
      if (i > 1) { ri.push(i); ci.push(i - 1); v.push(1); ri.push(i - 1); ci.push(i); v.push(1); }
    }
    const A = CsrMatrix.fromCoo(n, n, ri, ci, v);
    const p = amd(A);
    expectPermutation(p, n);
    expect(p[n - 1]).toBe(0);
    // tridiagonal + arrow: the factor has at most 3 entries a column when node 0 is last
    expect(fillOf(A, p)).toBeLessThanOrEqual(3 * n);
    expect(fillOf(A, identity(n))).toBe(n * (n + 1) / 2);
  });

  it('fill on poisson2d k = 500 is within 1.1x of Eigen AMD (9.0 M), far below natural order', () => {
    const A = poisson2d(500);
    const p = amd(A);
    expectPermutation(p, A.rows);
    const nnzL = fillOf(A, p);
    expect(nnzL).toBeLessThan(1.1 * 9.0e6);
    // the natural (banded) order fills the whole band: about n * k = 125 M
    expect(nnzL).toBeLessThan(0.1 * 500 * 250_000);
    A.dispose();
  });

  it('fill on poisson3d k = 40 is within 1.1x of Eigen AMD (23.0 M) and below half of RCM fill', () => {
    const A = poisson3d(40);
    const p = amd(A);
    expectPermutation(p, A.rows);
    const nnzL = fillOf(A, p);
    expect(nnzL).toBeLessThan(1.1 * 23.0e6);
    expect(nnzL).toBeLessThan(fillOf(A, reverseCuthillMcKee(A)) / 2);
    A.dispose();
  });

  it('beats RCM on the bundled SPD and structural matrices', async () => {
    for (const name of ['bcsstk13', '1138_bus', 'bcsstk09', 'gr_30_30', 'bcspwr10', 'jagmesh7', 'nnc1374']) {
      const A = (await readMatrix(matrixPath(name))).matrix;
      const p = amd(A);
      expectPermutation(p, A.rows);
      const fa = fillOf(A, p), fr = fillOf(A, reverseCuthillMcKee(A));
      expect(fa, name).toBeLessThan(fr);
      A.dispose();
    }
  });

  it('is deterministic and accepts its options; rejects bad input', () => {
    const A = poisson2d(20);
    expect(Array.from(amd(A))).toEqual(Array.from(amd(A)));
    expectPermutation(amd(A, { aggressive: false }), 400);
    expectPermutation(amd(A, { dense: Infinity, postorder: false }), 400);
    // postordering changes the order, not the fill
    expect(fillOf(A, amd(A))).toBe(fillOf(A, amd(A, { postorder: false })));
    expect(() => amd(A, { bogus: 1 } as never)).toThrow(InvalidArgumentError);
    expect(() => amd(A, { dense: -1 })).toThrow(InvalidArgumentError);
    expect(() => amd(random(3, 4, 0.5, 1))).toThrow(DimensionMismatchError);
    A.dispose();
    expect(() => amd(A)).toThrow(DisposedError);
  });
});

describe('colamd (minimum degree on A^T A)', () => {
  /** nnz of the Cholesky factor of (A Q)^T (A Q): the bound on LU fill the ordering minimises. */
  function ataFill(A: CsrMatrix, q: Int32Array): number {
    const C = multiplyAtB(A);
    try {
      return fillOf(C, q);
    } finally {
      C.dispose();
    }
  }

  it('returns a column permutation for square, rectangular, empty and n = 1 input', () => {
    expectPermutation(colamd(CsrMatrix.fromCoo(0, 0, [], [], [])), 0);
    expectPermutation(colamd(CsrMatrix.fromCoo(1, 1, [0], [0], [1])), 1);
    expectPermutation(colamd(CsrMatrix.fromCoo(3, 3, [], [], [])), 3);
    for (const [m, n, d] of [[30, 20, 0.1], [20, 30, 0.1], [50, 50, 0.05], [10, 10, 0.9]] as const) {
      expectPermutation(colamd(random(m, n, d, m * n)), n);
    }
  });

  it('reduces the fill of A^T A far below the natural order on unsymmetric matrices', async () => {
    for (const name of ['west0479', 'sherman5', 'orsirr_1', 'rajat01', 'bp_1200', 'impcol_a']) {
      const A = (await readMatrix(matrixPath(name))).matrix;
      const q = colamd(A);
      expectPermutation(q, A.cols);
      const fq = ataFill(A, q), fn = ataFill(A, identity(A.cols));
      expect(fq, name).toBeLessThan(fn);
      A.dispose();
    }
  });

  it('ignores dense rows (a full row does not make A^T A dense for the ordering)', () => {
    const n = 300;
    const r = rng(5);
    const ri: number[] = [], ci: number[] = [], v: number[] = [];
    for (let i = 0; i < n; i++) {
      ri.push(i); ci.push(i); v.push(1);
      const j = Math.floor(r() * n);
      ri.push(i); ci.push(j); v.push(1);
    }
    for (let j = 0; j < n; j++) { ri.push(n); ci.push(j); v.push(1); } // a dense extra row
    const A = CsrMatrix.fromCoo(n + 1, n, ri, ci, v);
    expectPermutation(colamd(A), n);
    expect(() => colamd(A, { nope: true } as never)).toThrow(InvalidArgumentError);
  });
});
