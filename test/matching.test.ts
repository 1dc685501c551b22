// Matchings (src/direct/ordering/matching.ts): maximum transversal against a simple independent
// augmenting-path matcher, the MC64-like maximum-product matching against brute force over all
// permutations, block triangular form checked structurally, and the `matching` option of the
// incomplete LU preconditioners on west0479 (zero diagonals).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, CsrMatrix, maxTransversal, weightedMatching, blockTriangularForm, permute, permuteRows, poisson2d, solve,
  createPreconditioner, SingularMatrixError, DimensionMismatchError, DisposedError, InvalidArgumentError,
} from '../src/index.js';
import { readMatrix } from '../src/node.js';
import { randomCoo, rng } from './helpers.js';
import { matrixPath } from './matrices.js';

beforeAll(async () => {
  await init();
});

function random(m: number, n: number, density: number, seed: number): CsrMatrix {
  const c = randomCoo(m, n, density, seed, 0);
  return CsrMatrix.fromCoo(m, n, c.ri, c.ci, c.v);
}

/** Kuhn's algorithm, recursive: the size of a maximum matching (independent reference). */
function kuhnMatching(A: CsrMatrix): number {
  const rp = A.rowPtr.slice(), ci = A.colIdx.slice();
  const rowOfCol = new Int32Array(A.cols).fill(-1);
  let size = 0;
  for (let s = 0; s < A.rows; s++) {
    const seen = new Uint8Array(A.cols);
    const tryRow = (r: number): boolean => {
      for (let p = rp[r]; p < rp[r + 1]; p++) {
        const c = ci[p];
        if (seen[c]) continue;
        seen[c] = 1;
        if (rowOfCol[c] === -1 || tryRow(rowOfCol[c])) { rowOfCol[c] = r; return true; }
      }
      return false;
    };
    if (tryRow(s)) size++;
  }
  return size;
}

function has(A: CsrMatrix, i: number, j: number): boolean {
  const rp = A.rowPtr, ci = A.colIdx;
  for (let p = rp[i]; p < rp[i + 1]; p++) if (ci[p] === j) return true;
  return false;
}

/** max over permutations s of sum log |a(i, s(i))| (-Infinity when none avoids zeros), by brute force. */
function bruteMaxLogProduct(D: Float64Array[]): number {
  const n = D.length;
  let best = -Infinity;
  const used = new Uint8Array(n);
  const rec = (i: number, acc: number) => {
    if (acc === -Infinity) return;
    if (i === n) { best = Math.max(best, acc); return; }
    for (let j = 0; j < n; j++) {
      if (used[j] || D[i][j] === 0) continue;
      used[j] = 1;
      rec(i + 1, acc + Math.log(Math.abs(D[i][j])));
      used[j] = 0;
    }
  };
  rec(0, 0);
  return best;
}

describe('maxTransversal', () => {
  it('finds a maximum matching (checked against Kuhn) on random patterns of many shapes', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const m = 1 + (seed * 13) % 40, n = 1 + (seed * 7) % 40;
      const A = random(m, n, [0.02, 0.05, 0.1, 0.3][seed % 4], seed);
      const t = maxTransversal(A);
      expect(t.matched, `seed ${seed}`).toBe(kuhnMatching(A));
      let count = 0;
      const usedCols = new Set<number>();
      for (let i = 0; i < m; i++) {
        const j = t.colOfRow[i];
        if (j === -1) continue;
        count++;
        expect(has(A, i, j)).toBe(true);
        expect(usedCols.has(j)).toBe(false);
        usedCols.add(j);
        expect(t.rowOfCol[j]).toBe(i);
      }
      expect(count).toBe(t.matched);
    }
  });

  it('handles n = 0, n = 1, empty rows and columns', () => {
    expect(maxTransversal(CsrMatrix.fromCoo(0, 0, [], [], [])).matched).toBe(0);
    expect(maxTransversal(CsrMatrix.fromCoo(1, 1, [0], [0], [3])).matched).toBe(1);
    expect(maxTransversal(CsrMatrix.fromCoo(1, 1, [], [], [])).matched).toBe(0);
    const E = CsrMatrix.fromCoo(4, 4, [0, 0, 2, 3], [1, 2, 1, 1], [1, 1, 1, 1]); // row 1 empty; rows 2, 3 only in col 1
    expect(maxTransversal(E).matched).toBe(2);
  });

  it('finds the full transversal of the bundled matrices with zero diagonals', async () => {
    for (const name of ['west0479', 'impcol_a', 'bp_1200', 'rbs480a', 'west0067']) {
      const A = (await readMatrix(matrixPath(name))).matrix;
      expect(maxTransversal(A).matched, name).toBe(A.rows);
      A.dispose();
    }
  });
});

describe('weightedMatching (maximum product, MC64-like)', () => {
  it('maximises the product of the diagonal (brute force) and scales to |diag| = 1, |others| <= 1', () => {
    let checked = 0;
    for (let seed = 1; seed <= 80; seed++) {
      const n = 1 + (seed % 7);
      const r = rng(seed);
      const ri: number[] = [], ci: number[] = [], v: number[] = [];
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        if (r() < 0.55) { ri.push(i); ci.push(j); v.push((r() < 0.5 ? -1 : 1) * Math.exp(6 * r() - 3)); }
      }
      const A = CsrMatrix.fromCoo(n, n, ri, ci, v);
      const D = A.toDense();
      const best = bruteMaxLogProduct(D);
      if (best === -Infinity) {
        expect(() => weightedMatching(A)).toThrow(SingularMatrixError);
        continue;
      }
      checked++;
      const w = weightedMatching(A);
      let logProd = 0;
      for (let k = 0; k < n; k++) logProd += Math.log(Math.abs(D[w.rowPerm[k]][k]));
      expect(logProd).toBeCloseTo(best, 10);
      expect(w.logProduct).toBeCloseTo(best, 10);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        if (D[i][j] === 0) continue;
        const s = Math.abs(w.rowScale[i] * D[i][j] * w.colScale[j]);
        expect(s).toBeLessThanOrEqual(1 + 1e-12);
        if (w.colOfRow[i] === j) expect(s).toBeCloseTo(1, 12);
      }
      // the permuted matrix carries the matching on its diagonal
      const B = permuteRows(A, w.rowPerm);
      for (const d of B.diagonal()) expect(d).not.toBe(0);
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('ignores stored zeros and reports a structurally singular matrix: how many rows and one of them', () => {
    // rows 1 and 2 have their only nonzeros in column 0
    const A = CsrMatrix.fromCoo(4, 4, [0, 0, 1, 2, 3, 3], [0, 1, 0, 0, 3, 2], [1, 2, 3, 4, 5, 0]);
    let err: unknown;
    try { weightedMatching(A); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(SingularMatrixError);
    const e = err as SingularMatrixError;
    expect(e.message).toMatch(/1 of 4 rows cannot be matched/);
    expect(e.kind).toBe('row');
    expect([1, 2]).toContain(e.index);
    // an empty row
    expect(() => weightedMatching(CsrMatrix.fromCoo(3, 3, [0, 2], [0, 2], [1, 1]))).toThrow(/row 1 is one of them/);
    expect(() => weightedMatching(random(3, 4, 0.9, 2))).toThrow(DimensionMismatchError);
    expect(weightedMatching(CsrMatrix.fromCoo(0, 0, [], [], [])).rowPerm.length).toBe(0);
    const one = weightedMatching(CsrMatrix.fromCoo(1, 1, [0], [0], [-8]));
    expect(Math.abs(one.rowScale[0] * -8 * one.colScale[0])).toBeCloseTo(1, 14);
  });

  it('puts the large entries of west0479 on the diagonal (no zero diagonal left)', async () => {
    const A = (await readMatrix(matrixPath('west0479'))).matrix;
    const w = weightedMatching(A);
    const B = permuteRows(A, w.rowPerm);
    const d = B.diagonal();
    for (let k = 0; k < A.rows; k++) expect(Math.abs(w.rowScale[w.rowPerm[k]] * d[k] * w.colScale[k])).toBeCloseTo(1, 10);
    B.dispose();
    A.dispose();
  });
});

describe('blockTriangularForm', () => {
  /** checks upper block triangularity, a zero-free diagonal and strongly connected blocks */
  function checkBtf(A: CsrMatrix): number {
    const n = A.rows;
    const { rowPerm, colPerm, blocks } = blockTriangularForm(A);
    const B = permute(A, rowPerm, colPerm);
    const blockOf = new Int32Array(n);
    for (let b = 0; b + 1 < blocks.length; b++) for (let k = blocks[b]; k < blocks[b + 1]; k++) blockOf[k] = b;
    const rp = B.rowPtr, ci = B.colIdx;
    for (let i = 0; i < n; i++) {
      expect(has(B, i, i)).toBe(true);
      for (let p = rp[i]; p < rp[i + 1]; p++) expect(blockOf[ci[p]]).toBeGreaterThanOrEqual(blockOf[i]);
    }
    // each block strongly connected: from its first node every node is reachable forwards and backwards
    for (let b = 0; b + 1 < blocks.length; b++) {
      const lo = blocks[b], hi = blocks[b + 1];
      for (const T of [B, B.transpose()]) {
        const trp = T.rowPtr, tci = T.colIdx;
        const seen = new Uint8Array(n);
        const stack = [lo];
        seen[lo] = 1;
        let count = 1;
        while (stack.length) {
          const v = stack.pop()!;
          for (let p = trp[v]; p < trp[v + 1]; p++) {
            const w = tci[p];
            if (w >= lo && w < hi && !seen[w]) { seen[w] = 1; count++; stack.push(w); }
          }
        }
        expect(count).toBe(hi - lo);
      }
    }
    B.dispose();
    return blocks.length - 1;
  }

  it('gives block upper triangular forms with strongly connected blocks on random reducible matrices', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const r = rng(seed);
      const n = 5 + (seed % 30);
      // a random block upper triangular matrix with a full diagonal, then rows and columns shuffled
      const cuts = [0];
      while (cuts[cuts.length - 1] < n) cuts.push(Math.min(n, cuts[cuts.length - 1] + 1 + Math.floor(r() * 6)));
      const blockOf = (i: number) => cuts.findIndex((c, b) => i >= c && i < cuts[b + 1]);
      const ri: number[] = [], ci: number[] = [], v: number[] = [];
      for (let i = 0; i < n; i++) {
        ri.push(i); ci.push(i); v.push(1);
        for (let j = 0; j < n; j++) if (j !== i && blockOf(j) >= blockOf(i) && r() < 0.25) { ri.push(i); ci.push(j); v.push(1); }
      }
      const pr = Array.from({ length: n }, (_, i) => i).sort(() => r() - 0.5);
      const pc = Array.from({ length: n }, (_, i) => i).sort(() => r() - 0.5);
      const A = CsrMatrix.fromCoo(n, n, ri.map((i) => pr[i]), ci.map((j) => pc[j]), v);
      checkBtf(A);
    }
  });

  it('finds one block for an irreducible matrix, n blocks for a triangular one, and handles n = 0 / 1', () => {
    expect(checkBtf(poisson2d(8))).toBe(1);
    const ri: number[] = [], ci: number[] = [];
    for (let i = 0; i < 10; i++) for (let j = i; j < 10; j++) { ri.push(i); ci.push(j); }
    expect(checkBtf(CsrMatrix.fromCoo(10, 10, ri, ci, ri.map(() => 1)))).toBe(10);
    expect(blockTriangularForm(CsrMatrix.fromCoo(0, 0, [], [], [])).blocks.length).toBe(1);
    expect(checkBtf(CsrMatrix.fromCoo(1, 1, [0], [0], [1]))).toBe(1);
  });

  it('decomposes the reducible bundled matrices and refuses structurally singular ones', async () => {
    for (const name of ['west0479', 'impcol_a', 'bp_1200']) {
      const A = (await readMatrix(matrixPath(name))).matrix;
      expect(checkBtf(A), name).toBeGreaterThan(1);
      A.dispose();
    }
    expect(() => blockTriangularForm(CsrMatrix.fromCoo(3, 3, [0, 1, 2], [0, 0, 0], [1, 1, 1]))).toThrow(/2 of 3 rows cannot be matched/);
    expect(() => blockTriangularForm(random(2, 3, 1, 1))).toThrow(DimensionMismatchError);
  });
});

describe('ILU with matching (west0479: zero diagonals)', () => {
  function trueRelativeResidual(A: CsrMatrix, x: Float64Array, b: Float64Array): number {
    const rp = A.rowPtr, ci = A.colIdx, v = A.values;
    let rr = 0, bb = 0;
    for (let i = 0; i < A.rows; i++) {
      let s = 0;
      for (let p = rp[i]; p < rp[i + 1]; p++) s += v[p] * x[ci[p]];
      rr += (b[i] - s) ** 2;
      bb += b[i] ** 2;
    }
    return Math.sqrt(rr / bb);
  }

  it('GMRES + ILUT fails on west0479 and converges with matching: true', async () => {
    const A = (await readMatrix(matrixPath('west0479'))).matrix;
    const b = new Float64Array(A.rows).fill(1);
    const plain = solve(A, b, { method: 'gmres', precond: 'ilut', rtol: 1e-10, maxIterations: 2000 });
    expect(plain.converged).toBe(false);
    const matched = solve(A, b, { method: 'gmres', precond: 'ilut', precondOptions: { matching: true }, rtol: 1e-10, maxIterations: 2000 });
    expect(matched.converged).toBe(true);
    expect(trueRelativeResidual(A, matched.x, b)).toBeLessThan(1e-8);
    A.dispose();
  });

  it('the matched ILU(0) has no shifted pivot, updates for new values, and disposes', async () => {
    const A = (await readMatrix(matrixPath('west0479'))).matrix;
    const plain = createPreconditioner(A, 'ilu0')!;
    expect(plain.info.shiftedPivots).toBeGreaterThan(0);
    plain.dispose();
    const M = createPreconditioner(A, 'ilu0', { matching: true })!;
    expect(M.name).toBe('ilu0');
    expect(M.info.matching).toBe(true);
    expect(M.info.shiftedPivots).toBe(0);
    expect(M.isStale(A)).toBe(false);
    A.scale(2);
    expect(M.isStale(A)).toBe(true);
    M.update!(A);
    expect(M.isStale(A)).toBe(false);
    const r = A.runtime.alloc(A.rows * 8), z = A.runtime.alloc(A.rows * 8);
    A.runtime.f64(r, A.rows).fill(1);
    M.applyPtr(r, z);
    for (const x of A.runtime.f64(z, A.rows)) expect(Number.isFinite(x)).toBe(true);
    A.runtime.free(r);
    A.runtime.free(z);
    M.dispose();
    M.dispose();
    expect(() => M.applyPtr(0, 0)).toThrow(DisposedError);
    expect(() => createPreconditioner(A, 'ilu0', { matching: 'yes' as never })).toThrow(InvalidArgumentError);
    A.dispose();
  });
});
