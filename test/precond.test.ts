// IC(0), ILU(0), ILUT and SSOR against dense references computed here: exact factorizations where
// the pattern is closed under elimination, the defining properties of the incomplete ones, a
// scalar ILUT reference, the dense SSOR formula; pivot policies, refactor, staleness, dispose.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init, createRuntime, CsrMatrix, FactorizationError, InvalidArgumentError, StalePreconditionerError, PatternMismatchError, DisposedError,
  type SparseRuntime,
} from '../src/index.js';
import { readMatrix } from '../src/node.js';
import { poisson2d } from '../src/matrix/generators.js';
import { Ic0Preconditioner } from '../src/precond/ic0.js';
import { Ilu0Preconditioner } from '../src/precond/ilu0.js';
import { IlutPreconditioner } from '../src/precond/ilut.js';
import { SsorPreconditioner } from '../src/precond/ssor.js';
import type { Preconditioner } from '../src/precond/types.js';
import type { CsrArrays } from '../src/factor/triangle.js';
import { applyPreconditioner, randomVector, rng } from './helpers.js';
import { matrixPath } from './matrices.js';

const here = path.dirname(fileURLToPath(import.meta.url));

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await init();
});

// ---------- dense helpers ----------
type Dense = Float64Array[];

function zeros(n: number, m = n): Dense {
  return Array.from({ length: n }, () => new Float64Array(m));
}

function matVec(A: Dense, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(A.length);
  for (let i = 0; i < A.length; i++) { let s = 0; for (let j = 0; j < x.length; j++) s += A[i][j] * x[j]; y[i] = s; }
  return y;
}

function matMul(A: Dense, B: Dense): Dense {
  const n = A.length, m = B[0]?.length ?? 0, q = B.length;
  const C = zeros(n, m);
  for (let i = 0; i < n; i++) for (let k = 0; k < q; k++) { const a = A[i][k]; if (a !== 0) for (let j = 0; j < m; j++) C[i][j] += a * B[k][j]; }
  return C;
}

function transpose(A: Dense): Dense {
  const T = zeros(A[0]?.length ?? 0, A.length);
  for (let i = 0; i < A.length; i++) for (let j = 0; j < A[i].length; j++) T[j][i] = A[i][j];
  return T;
}

/** LU without pivoting: A = L U, L unit lower. */
function denseLu(A: Dense): { L: Dense; U: Dense } {
  const n = A.length;
  const U = A.map((r) => r.slice()), L = zeros(n);
  for (let k = 0; k < n; k++) {
    L[k][k] = 1;
    for (let i = k + 1; i < n; i++) {
      const l = U[i][k] / U[k][k];
      L[i][k] = l;
      if (l !== 0) for (let j = k; j < n; j++) U[i][j] -= l * U[k][j];
      U[i][k] = 0;
    }
  }
  return { L, U };
}

function denseCholesky(A: Dense): Dense {
  const n = A.length, L = zeros(n);
  for (let j = 0; j < n; j++) {
    let s = A[j][j];
    for (let k = 0; k < j; k++) s -= L[j][k] * L[j][k];
    L[j][j] = Math.sqrt(s);
    for (let i = j + 1; i < n; i++) {
      let t = A[i][j];
      for (let k = 0; k < j; k++) t -= L[i][k] * L[j][k];
      L[i][j] = t / L[j][j];
    }
  }
  return L;
}

/** x = A^-1 b by LU without pivoting (the test matrices are diagonally dominant or SPD). */
function denseSolve(A: Dense, b: ArrayLike<number>): Float64Array {
  const { L, U } = denseLu(A);
  const n = A.length, y = new Float64Array(n), x = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = b[i]; for (let j = 0; j < i; j++) s -= L[i][j] * y[j]; y[i] = s; }
  for (let i = n - 1; i >= 0; i--) { let s = y[i]; for (let j = i + 1; j < n; j++) s -= U[i][j] * x[j]; x[i] = s / U[i][i]; }
  return x;
}

function denseOfCsr(c: CsrArrays): Dense {
  const D = zeros(c.rows, c.cols);
  for (let i = 0; i < c.rows; i++) for (let p = c.indptr[i]; p < c.indptr[i + 1]; p++) D[i][c.indices[p]] += c.data[p];
  return D;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function denseMaxDiff(A: Dense, B: Dense): number {
  let m = 0;
  for (let i = 0; i < A.length; i++) m = Math.max(m, maxAbsDiff(A[i], B[i]));
  return m;
}

// ---------- matrices ----------
function fromDense(D: Dense, runtime = rt): CsrMatrix {
  return CsrMatrix.fromDense(D, { runtime });
}

/** SPD B B^T + n I with B sparse (density d) or dense. */
function randomSpd(n: number, density: number, seed: number): Dense {
  const r = rng(seed);
  const B = zeros(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (r() < density) B[i][j] = r() * 2 - 1;
  const A = matMul(B, transpose(B));
  for (let i = 0; i < n; i++) A[i][i] += n;
  return A;
}

/** Nonsymmetric, strictly diagonally dominant, random pattern of density d (diagonal always). */
function randomDominant(n: number, density: number, seed: number): Dense {
  const r = rng(seed);
  const A = zeros(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) if (j !== i && r() < density) { A[i][j] = r() * 2 - 1; s += Math.abs(A[i][j]); }
    A[i][i] = (s + 1) * (r() < 0.5 ? -1 : 1);
  }
  return A;
}

function tridiagonal(n: number, seed: number, symmetric: boolean): Dense {
  const r = rng(seed);
  const A = zeros(n);
  for (let i = 0; i < n; i++) {
    A[i][i] = 4 + r();
    if (i > 0) { A[i][i - 1] = r() - 1.5; if (symmetric) A[i - 1][i] = A[i][i - 1]; }
    if (i + 1 < n && !symmetric) A[i][i + 1] = r() - 0.5;
  }
  return A;
}

const applyJs = (P: Preconditioner, r: ArrayLike<number>): Float64Array => applyPreconditioner(P, r);

/** max_i |x_i - (M^-1 A x)_i| / max |x| */
function inverseError(P: Preconditioner, A: Dense, seed = 7): number {
  const x = randomVector(A.length, seed);
  const z = applyJs(P, matVec(A, x));
  return maxAbsDiff(z, x) / Math.max(maxAbs(x), 1e-300);
}

function allFinite(c: CsrArrays): boolean {
  for (const v of c.data) if (!Number.isFinite(v)) return false;
  return true;
}

/** Rows of a CSR-arrays triangle as maps column -> value. */
function rowMaps(c: CsrArrays): Map<number, number>[] {
  return Array.from({ length: c.rows }, (_, i) => {
    const m = new Map<number, number>();
    for (let p = c.indptr[i]; p < c.indptr[i + 1]; p++) m.set(c.indices[p], c.data[p]);
    return m;
  });
}

/** sum_k X_ik Y_kj over the stored entries, and sum_k |X_ik Y_kj| (for a rounding tolerance) */
function rowTimes(x: Map<number, number>, rowsOfY: Map<number, number>[], j: number, colsOfY = false): [number, number] {
  let s = 0, a = 0;
  for (const [k, v] of x) {
    const w = colsOfY ? rowsOfY[j].get(k) : rowsOfY[k].get(j);
    if (w !== undefined) { s += v * w; a += Math.abs(v * w); }
  }
  return [s, a];
}

/**
 * IC(0): max over the lower pattern of A (diagonal included) of |(L L^T)_ij - b_ij| / sum|terms|,
 * b = A + shift diag(|a_ii|).
 */
function ic0PatternError(A: CsrMatrix, L: CsrArrays, shift: number): number {
  const rows = rowMaps(L), rp = A.rowPtr, ci = A.colIdx, v = A.values;
  let worst = 0;
  for (let i = 0; i < A.rows; i++) {
    for (let p = rp[i]; p < rp[i + 1]; p++) {
      const j = ci[p];
      if (j > i) continue;
      const b = v[p] + (i === j ? shift * Math.abs(v[p]) : 0);
      const [s, a] = rowTimes(rows[i], rows, j, true); // (L L^T)_ij = row i of L . row j of L
      worst = Math.max(worst, Math.abs(s - b) / Math.max(a, Math.abs(b), 1e-300));
    }
  }
  return worst;
}

/**
 * ILU(0) (L unit lower given without its diagonal): the worst relative |(L U)_ij - a_ij| over A's
 * off-diagonal pattern, and the rows whose (L U)_ii differs from a_ii (0 when not stored).
 */
function ilu0PatternCheck(A: CsrMatrix, L: CsrArrays, U: CsrArrays): { offPattern: number; changedDiagonals: number[] } {
  const l = rowMaps(L), u = rowMaps(U), rp = A.rowPtr, ci = A.colIdx, v = A.values;
  let offPattern = 0;
  const changedDiagonals: number[] = [];
  for (let i = 0; i < A.rows; i++) {
    const li = new Map(l[i]).set(i, 1);
    let aii = 0;
    for (let p = rp[i]; p < rp[i + 1]; p++) {
      if (ci[p] === i) { aii = v[p]; continue; }
      const [s, a] = rowTimes(li, u, ci[p]);
      offPattern = Math.max(offPattern, Math.abs(s - v[p]) / Math.max(a, Math.abs(v[p]), 1e-300));
    }
    const [s, a] = rowTimes(li, u, i);
    if (Math.abs(s - aii) > 1e-10 * Math.max(a, Math.abs(aii))) changedDiagonals.push(i);
  }
  return { offPattern, changedDiagonals };
}

/** A scalar ILUT with the kernel's rules (drop l_ik < tau ||a_i||, p largest per part, pivot shift). */
function ilutReference(A: Dense, tau: number, p: number): { L: Dense; U: Dense } {
  const n = A.length, L = zeros(n), U = zeros(n);
  for (let i = 0; i < n; i++) {
    const w = A[i].slice(), present = new Uint8Array(n);
    let nrm = 0, rowMax = 0;
    for (let j = 0; j < n; j++) if (A[i][j] !== 0) { present[j] = 1; nrm += A[i][j] ** 2; rowMax = Math.max(rowMax, Math.abs(A[i][j])); }
    present[i] = 1;
    const thr = tau * Math.sqrt(nrm);
    const keptL: number[] = [];
    for (let k = 0; k < i; k++) {
      if (!present[k]) continue;
      const l = w[k] / U[k][k];
      if (Math.abs(l) < thr) { w[k] = 0; continue; }
      w[k] = l;
      keptL.push(k);
      for (let j = k + 1; j < n; j++) if (U[k][j] !== 0) { w[j] -= l * U[k][j]; present[j] = 1; }
    }
    keptL.sort((a, b) => Math.abs(w[b]) - Math.abs(w[a]));
    for (const k of keptL.slice(0, p)) L[i][k] = w[k];
    const keptU: number[] = [];
    for (let j = i + 1; j < n; j++) if (present[j] && !(Math.abs(w[j]) < thr)) keptU.push(j);
    keptU.sort((a, b) => Math.abs(w[b]) - Math.abs(w[a]));
    for (const j of keptU.slice(0, p)) U[i][j] = w[j];
    let u = w[i];
    if (!(Math.abs(u) > 1e-12 * rowMax)) u = (u < 0 ? -1 : 1) * (rowMax > 0 ? rowMax : 1);
    U[i][i] = u;
    L[i][i] = 1;
  }
  return { L, U };
}

// ---------- IC(0) ----------
describe('IC(0)', () => {
  it('is the exact Cholesky factor on a tridiagonal and on a dense SPD matrix: M^-1 A x = x', () => {
    for (const [D, label] of [[tridiagonal(50, 1, true), 'tridiagonal'], [randomSpd(30, 1, 2), 'dense']] as const) {
      const A = fromDense(D);
      const P = new Ic0Preconditioner(A);
      expect(P.name).toBe('ic0');
      expect(P.symmetric).toBe(true);
      expect(inverseError(P, D), label).toBeLessThan(1e-12);
      const L = denseOfCsr(P.getFactor());
      const Lref = denseCholesky(D);
      expect(denseMaxDiff(L, Lref) / maxAbs(Lref.flatMap((r) => Array.from(r))), label).toBeLessThan(1e-13);
      expect(P.info.shift).toBe(0);
      expect(P.info.restarts).toBe(0);
      P.dispose();
      A.dispose();
    }
  });

  it('on 2D Poisson satisfies (L L^T)_ij = a_ij on the lower pattern, and the factor has nnz(tril(A)) entries', () => {
    const A = poisson2d(12);
    const P = new Ic0Preconditioner(A);
    const F = P.getFactor();
    expect(F.indptr[A.rows]).toBe((A.nnz + A.rows) / 2);
    expect(P.info.nnz).toBe((A.nnz + A.rows) / 2);
    const L = denseOfCsr(F);
    const LLt = matMul(L, transpose(L));
    const Ad = A.toDense();
    const rp = A.rowPtr, ci = A.colIdx;
    for (let i = 0; i < A.rows; i++) {
      for (let p = rp[i]; p < rp[i + 1]; p++) {
        const j = ci[p];
        if (j <= i) expect(Math.abs(LLt[i][j] - Ad[i][j])).toBeLessThan(1e-12 * 4);
      }
      // L has the lower pattern of A: nothing outside it
      for (let j = 0; j <= i; j++) if (Ad[i][j] === 0) expect(L[i][j]).toBe(0);
    }
    // the apply is L^-T L^-1 r
    const r = randomVector(A.rows, 3);
    const zRef = denseSolve(LLt, r);
    expect(maxAbsDiff(applyJs(P, r), zRef)).toBeLessThan(1e-12 * maxAbs(zRef));
    P.dispose();
    A.dispose();
  });

  it('the backward solve with L^T runs column-wise over the rows of L (no copy of L^T): z = L^-T y, in place or not', () => {
    // a random sparse lower triangle, with and without the i-1 neighbour in its rows
    const n = 40, rnd = rng(17);
    const ptr = [0], col: number[] = [], val: number[] = [], d = new Float64Array(n);
    const L = zeros(n);
    for (let i = 0; i < n; i++) {
      L[i][i] = 1 + rnd();
      d[i] = 1 / L[i][i];
      for (let k = 0; k < i; k++) {
        if (rnd() < 0.2 || (k === i - 1 && i % 3 !== 0)) { L[i][k] = rnd() - 0.5; col.push(k); val.push(L[i][k] * d[i]); }
      }
      ptr.push(col.length);
    }
    const y = randomVector(n, 8);
    // dense back substitution with L^T
    const zRef = new Float64Array(n);
    for (let i = n - 1; i >= 0; i--) { let s = y[i]; for (let k = i + 1; k < n; k++) s -= L[k][i] * zRef[k]; zRef[i] = s / L[i][i]; }
    const k = rt.kernels;
    const pp = rt.alloc(4 * (n + 1)), pc = rt.alloc(4 * col.length + 4), pv = rt.alloc(8 * val.length + 8);
    const pd = rt.alloc(8 * n), py = rt.alloc(8 * n), pz = rt.alloc(8 * n);
    rt.i32(pp, n + 1).set(ptr); rt.i32(pc, col.length).set(col); rt.f64(pv, val.length).set(val); rt.f64(pd, n).set(d);
    rt.f64(py, n).set(y);
    k.trsvLowerTransposedScaled(n, pp, pc, pv, pd, py, pz);
    expect(Array.from(rt.f64(py, n))).toEqual(Array.from(y)); // y is not modified when z is another array
    const z = rt.f64(pz, n).slice();
    k.trsvLowerTransposedScaled(n, pp, pc, pv, pd, py, py);
    expect(Array.from(rt.f64(py, n))).toEqual(Array.from(z));
    expect(maxAbsDiff(z, zRef)).toBeLessThan(1e-12 * maxAbs(zRef));
    for (const q of [pp, pc, pv, pd, py, pz]) rt.free(q);
  });

  it('uses only the lower triangle: an upper triangle full of garbage changes nothing', () => {
    const D = randomSpd(25, 0.15, 4);
    const G = D.map((r) => r.slice());
    for (let i = 0; i < 25; i++) for (let j = i + 1; j < 25; j++) G[i][j] = (i * 7 + j) % 5 === 0 ? 123 + i : 0;
    const A = fromDense(D), B = fromDense(G);
    const P = new Ic0Preconditioner(A), Q = new Ic0Preconditioner(B);
    const r = randomVector(25, 5);
    expect(Array.from(applyJs(Q, r))).toEqual(Array.from(applyJs(P, r)));
    for (const o of [P, Q, A, B]) o.dispose();
  });

  it('indefinite matrix: error names the row; shift reports alpha and restarts and gives finite results', () => {
    const D = tridiagonal(10, 6, true);
    D[4][4] = -2; // indefinite: the pivot of row 4 is negative
    const A = fromDense(D);
    const before = rt.stats().liveAllocations;
    let err: unknown;
    try { new Ic0Preconditioner(A, { pivot: 'error' }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(FactorizationError);
    expect((err as FactorizationError).row).toBe(4);
    expect((err as Error).message).toMatch(/^ic0: non-positive pivot in row 4 \(value -[0-9.e-]+\): the matrix is not positive definite$/);
    expect(rt.stats().liveAllocations).toBe(before); // a failed constructor frees what it allocated
    const P = new Ic0Preconditioner(A);
    expect(P.info.restarts).toBeGreaterThan(0);
    expect(P.info.shift).toBe(1e-3 * 2 ** ((P.info.restarts as number) - 1));
    expect(P.info.firstBadPivotRow).toBe(4);
    const F = P.getFactor();
    expect(allFinite(F)).toBe(true);
    // it is the exact Cholesky factor of A + alpha diag(|A|)
    const S = D.map((r, i) => { const c = r.slice(); c[i] += (P.info.shift as number) * Math.abs(D[i][i]); return c; });
    expect(denseMaxDiff(denseOfCsr(F), denseCholesky(S))).toBeLessThan(1e-12);
    const z = applyJs(P, randomVector(10, 1));
    expect(z.every(Number.isFinite)).toBe(true);
    P.dispose();
    A.dispose();
  });

  it('a missing diagonal entry is inserted as 0; shift uses the row scale there', () => {
    // [[0, 1], [1, 0]] needs alpha > 1: 1e-3 * 2^10 = 1.024
    const A = CsrMatrix.fromCoo(2, 2, [0, 1], [1, 0], [1, 1]);
    expect(() => new Ic0Preconditioner(A, { pivot: 'error' })).toThrow(FactorizationError);
    try { new Ic0Preconditioner(A, { pivot: 'error' }); } catch (e) { expect((e as FactorizationError).row).toBe(0); }
    const P = new Ic0Preconditioner(A);
    expect(P.info.missingDiagonals).toBe(2);
    expect(P.info.shift).toBeCloseTo(1.024, 12);
    expect(P.info.restarts).toBe(11);
    expect(allFinite(P.getFactor())).toBe(true);
    P.dispose();
    A.dispose();
    // a far-from-SPD matrix gives up after 30 restarts with a typed error
    const N = fromDense([[1, 1e10], [1e10, 1]]); // needs alpha > 1e10
    expect(() => new Ic0Preconditioner(N)).toThrow(/after 30 diagonal shifts/);
    N.dispose();
  });
});

// ---------- ILU(0) ----------
describe('ILU(0)', () => {
  it('is the exact LU on a tridiagonal and on a dense diagonally dominant matrix: M^-1 A x = x', () => {
    for (const [D, label] of [[tridiagonal(60, 8, false), 'tridiagonal'], [randomDominant(30, 1, 9), 'dense']] as const) {
      const A = fromDense(D);
      const P = new Ilu0Preconditioner(A);
      expect(P.name).toBe('ilu0');
      expect(P.symmetric).toBe(false);
      expect(inverseError(P, D), label).toBeLessThan(1e-12);
      const { L, U } = P.getFactors();
      const ref = denseLu(D);
      const Ld = denseOfCsr(L);
      for (let i = 0; i < D.length; i++) Ld[i][i] = 1;
      expect(denseMaxDiff(Ld, ref.L), label).toBeLessThan(1e-13);
      expect(denseMaxDiff(denseOfCsr(U), ref.U) / maxAbs(D.flatMap((r) => Array.from(r))), label).toBeLessThan(1e-13);
      expect(P.info.shiftedPivots).toBe(0);
      expect(P.info.firstShiftedRow).toBe(-1);
      P.dispose();
      A.dispose();
    }
  });

  it('on a random sparse matrix satisfies (L U)_ij = a_ij on the pattern, and L, U keep the pattern', () => {
    for (const seed of [11, 12, 13]) {
      const D = randomDominant(80, 0.06, seed);
      const A = fromDense(D);
      const P = new Ilu0Preconditioner(A);
      const { L, U } = P.getFactors();
      expect(P.info.nnz).toBe(A.nnz);
      const Ld = denseOfCsr(L);
      for (let i = 0; i < 80; i++) Ld[i][i] = 1;
      const Ud = denseOfCsr(U);
      const LU = matMul(Ld, Ud);
      for (let i = 0; i < 80; i++) {
        for (let j = 0; j < 80; j++) {
          if (D[i][j] !== 0) expect(Math.abs(LU[i][j] - D[i][j])).toBeLessThan(1e-12 * Math.max(1, Math.abs(D[i][i])));
          else { expect(Ld[i][j]).toBe(0); expect(Ud[i][j]).toBe(0); }
        }
      }
      const r = randomVector(80, seed);
      const zRef = denseSolve(LU, r);
      expect(maxAbsDiff(applyJs(P, r), zRef)).toBeLessThan(1e-12 * maxAbs(zRef));
      P.dispose();
      A.dispose();
    }
  });

  it('zero pivot: error names the row; shift replaces it by max_j |a_ij| and counts it', () => {
    const D = [[0, 2, 0], [1, 3, 0], [0, 1, 3]];
    const A = fromDense(D);
    let err: unknown;
    try { new Ilu0Preconditioner(A, { pivot: 'error' }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(FactorizationError);
    expect((err as FactorizationError).row).toBe(0);
    expect((err as Error).message).toMatch(/ilu0: zero or tiny pivot in row 0 \(value 0\): the diagonal entry is not stored/);
    const P = new Ilu0Preconditioner(A);
    expect(P.info).toMatchObject({ shiftedPivots: 1, firstShiftedRow: 0, missingDiagonals: 1 });
    const { U } = P.getFactors();
    expect(denseOfCsr(U)[0][0]).toBe(2);
    expect(P.info.growth).toBe(1);
    // exact LU of A with a_00 replaced by 2
    const S = D.map((r) => r.slice());
    S[0][0] = 2;
    expect(inverseError(P, S)).toBeLessThan(1e-14);
    P.dispose();
    A.dispose();
  });

  it('a missing diagonal filled by elimination needs no shift; one that stays 0 is shifted (negative sign kept)', () => {
    // row 1 has no (1,1) entry but gets -6 from row 0
    const D1 = [[1, 2, 0], [3, 0, 4], [0, 5, 6]];
    const A1 = fromDense(D1);
    const P1 = new Ilu0Preconditioner(A1, { pivot: 'error' });
    expect(P1.info).toMatchObject({ shiftedPivots: 0, missingDiagonals: 1 });
    expect(inverseError(P1, D1)).toBeLessThan(1e-12);
    // row 1 has no lower entries: its diagonal stays 0
    const D2 = [[2, 0, 0], [0, 0, 4], [1, 5, 6]];
    const A2 = fromDense(D2);
    expect(() => new Ilu0Preconditioner(A2, { pivot: 'error' })).toThrow(expect.objectContaining({ row: 1 }));
    const P2 = new Ilu0Preconditioner(A2);
    expect(P2.info).toMatchObject({ shiftedPivots: 1, firstShiftedRow: 1 });
    // a tiny negative pivot keeps its sign
    const D3 = [[1, 1], [1, 1 - 1e-15]];
    const A3 = fromDense(D3);
    const P3 = new Ilu0Preconditioner(A3);
    expect(P3.info.shiftedPivots).toBe(1);
    expect(denseOfCsr(P3.getFactors().U)[1][1]).toBe(-1);
    for (const o of [P1, A1, P2, A2, P3, A3]) o.dispose();
  });
});

// ---------- ILUT ----------
describe('ILUT', () => {
  it('with dropTolerance 0 and unlimited fill is the exact LU of a sparse matrix', () => {
    for (const seed of [21, 22]) {
      const D = randomDominant(70, 0.05, seed);
      const A = fromDense(D);
      const P = new IlutPreconditioner(A, { dropTolerance: 0, maxFill: Infinity });
      expect(P.name).toBe('ilut');
      expect(inverseError(P, D)).toBeLessThan(1e-12);
      const ref = denseLu(D);
      const { L, U } = P.getFactors();
      const Ld = denseOfCsr(L);
      for (let i = 0; i < 70; i++) Ld[i][i] = 1;
      expect(denseMaxDiff(Ld, ref.L)).toBeLessThan(1e-12);
      expect(denseMaxDiff(denseOfCsr(U), ref.U)).toBeLessThan(1e-11);
      expect(P.info.regrowths).toBeGreaterThan(0); // the fill outgrew the first guess
      P.dispose();
      A.dispose();
    }
  });

  it('matches a scalar reference ILUT for several (tau, p)', () => {
    const D = randomDominant(90, 0.08, 31);
    const A = fromDense(D);
    for (const [tau, p] of [[1e-2, 3], [1e-1, 2], [0, 5], [1e-3, 0], [0.05, 100]] as const) {
      const P = new IlutPreconditioner(A, { dropTolerance: tau, maxFill: p });
      const ref = ilutReference(D, tau, p);
      const { L, U } = P.getFactors();
      const Ld = denseOfCsr(L);
      for (let i = 0; i < 90; i++) Ld[i][i] = 1;
      expect(denseMaxDiff(Ld, ref.L), `tau ${tau} p ${p}`).toBeLessThan(1e-12);
      expect(denseMaxDiff(denseOfCsr(U), ref.U), `tau ${tau} p ${p}`).toBeLessThan(1e-11);
      for (let i = 0; i < 90; i++) {
        expect(L.indptr[i + 1] - L.indptr[i]).toBeLessThanOrEqual(p);
        expect(U.indptr[i + 1] - U.indptr[i]).toBeLessThanOrEqual(p + 1);
      }
      const r = randomVector(90, 2);
      const zRef = denseSolve(matMul(ref.L, ref.U), r);
      expect(maxAbsDiff(applyJs(P, r), zRef)).toBeLessThan(1e-10 * maxAbs(zRef));
      P.dispose();
    }
    A.dispose();
  });

  it('pivot policies like ILU(0), and options are validated', () => {
    const A = fromDense([[0, 2, 0], [1, 3, 0], [0, 1, 3]]);
    expect(() => new IlutPreconditioner(A, { pivot: 'error' })).toThrow(expect.objectContaining({ row: 0, name: 'FactorizationError' }));
    const P = new IlutPreconditioner(A);
    expect(P.info).toMatchObject({ shiftedPivots: 1, firstShiftedRow: 0 });
    expect(applyJs(P, [1, 2, 3]).every(Number.isFinite)).toBe(true);
    expect(() => new IlutPreconditioner(A, { dropTolerance: -1 })).toThrow(InvalidArgumentError);
    expect(() => new IlutPreconditioner(A, { maxFill: 2.5 })).toThrow(InvalidArgumentError);
    expect(() => new IlutPreconditioner(A, { droptol: 1 } as never)).toThrow(/unknown option "droptol"/);
    P.dispose();
    A.dispose();
  });

  it('on 2D Poisson: rows keep at most p entries per part, and it beats ILU(0) as M^-1 A ~ I', () => {
    const A = poisson2d(20);
    const D = A.toDense();
    const P = new IlutPreconditioner(A, { dropTolerance: 1e-4, maxFill: 10 });
    const Q = new Ilu0Preconditioner(A);
    const { L, U } = P.getFactors();
    for (let i = 0; i < A.rows; i++) {
      expect(L.indptr[i + 1] - L.indptr[i]).toBeLessThanOrEqual(10);
      expect(U.indptr[i + 1] - U.indptr[i]).toBeLessThanOrEqual(11);
    }
    expect(P.info.nnz as number).toBeGreaterThan(A.nnz);
    expect(inverseError(P, D)).toBeLessThan(inverseError(Q, D));
    P.dispose();
    Q.dispose();
    A.dispose();
  });
});

// ---------- SSOR ----------
describe('SSOR', () => {
  function ssorDense(D: Dense, omega: number): Dense {
    const n = D.length;
    const lower = zeros(n), upper = zeros(n), dinv = zeros(n);
    for (let i = 0; i < n; i++) {
      const d = D[i][i] === 0 ? 1 : D[i][i];
      dinv[i][i] = 1 / d;
      lower[i][i] = d / omega;
      upper[i][i] = d / omega;
      for (let j = 0; j < i; j++) lower[i][j] = D[i][j];
      for (let j = i + 1; j < n; j++) upper[i][j] = D[i][j];
    }
    const M = matMul(matMul(lower, dinv), upper);
    const c = omega / (2 - omega);
    return M.map((r) => r.map((v) => v * c));
  }

  for (const omega of [1, 0.7, 1.5]) {
    it(`omega = ${omega}: the apply equals the dense formula M^-1 r`, () => {
      for (const D of [randomSpd(40, 0.1, 41), randomDominant(40, 0.1, 42)]) {
        const A = fromDense(D);
        const P = new SsorPreconditioner(A, { omega });
        const r = randomVector(40, 3);
        const zRef = denseSolve(ssorDense(D, omega), r);
        expect(maxAbsDiff(applyJs(P, r), zRef)).toBeLessThan(1e-12 * maxAbs(zRef));
        P.dispose();
        A.dispose();
      }
    });
  }

  it('symmetric when A is symmetric with a positive diagonal', () => {
    const S = fromDense(randomSpd(20, 0.2, 5));
    const N = fromDense(randomDominant(20, 0.2, 6));
    const Dn = randomSpd(20, 0.2, 7);
    Dn[3][3] = -Dn[3][3];
    const I = fromDense(Dn);
    const [p, q, s] = [new SsorPreconditioner(S), new SsorPreconditioner(N), new SsorPreconditioner(I)];
    expect(p.symmetric).toBe(true);
    expect(p.info).toMatchObject({ symmetricMatrix: true, negativeDiagonals: 0 });
    expect(q.symmetric).toBe(false);
    expect(q.info.symmetricMatrix).toBe(false);
    expect(s.symmetric).toBe(false);
    expect(s.info).toMatchObject({ symmetricMatrix: true, negativeDiagonals: 1 });
    // a pattern-asymmetric matrix with equal counts is not symmetric
    const T = CsrMatrix.fromCoo(3, 3, [0, 1, 2, 0, 2], [0, 1, 2, 1, 0], [1, 1, 1, 1, 1]);
    const t = new SsorPreconditioner(T);
    expect(t.info.symmetricMatrix).toBe(false);
    for (const o of [p, q, s, t, S, N, I, T]) o.dispose();
  });

  it('validates omega and handles a zero diagonal like Jacobi', () => {
    const D = [[0, 1, 0], [1, 2, 0], [0, 1, 3]];
    const A = fromDense(D);
    for (const omega of [0, 2, -1, NaN, 2.5]) expect(() => new SsorPreconditioner(A, { omega })).toThrow(InvalidArgumentError);
    expect(() => new SsorPreconditioner(A, { pivot: 'error' })).toThrow(expect.objectContaining({ row: 0, name: 'FactorizationError' }));
    const P = new SsorPreconditioner(A, { omega: 1.2 });
    expect(P.info).toMatchObject({ zeroDiagonals: 1, firstZeroDiagonalRow: 0, missingDiagonals: 1 });
    const r = [1, -2, 0.5];
    const zRef = denseSolve(ssorDense(D, 1.2), r);
    expect(maxAbsDiff(applyJs(P, r), zRef)).toBeLessThan(1e-13);
    P.dispose();
    A.dispose();
  });

  it('applies over A itself: after A is disposed it refuses to apply', () => {
    const A = poisson2d(5);
    const P = new SsorPreconditioner(A);
    A.dispose();
    expect(() => applyJs(P, new Float64Array(25))).toThrow(DisposedError);
    P.dispose();
  });
});

// ---------- lifecycle, shared by all four ----------
type Build = (A: CsrMatrix) => Preconditioner & { update(A: CsrMatrix): void; refactor(A: CsrMatrix): void };
const builders: [string, Build][] = [
  ['ic0', (A) => new Ic0Preconditioner(A)],
  ['ilu0', (A) => new Ilu0Preconditioner(A)],
  ['ilut', (A) => new IlutPreconditioner(A, { dropTolerance: 1e-3, maxFill: 4 })],
  ['ssor', (A) => new SsorPreconditioner(A, { omega: 1.3 })],
];

describe.each(builders)('%s lifecycle', (name, build) => {
  it('refactor after scale(2) and setValues() equals a fresh build; isStale before and after', () => {
    const A = poisson2d(9);
    const P = build(A);
    expect(P.isStale(A)).toBe(false);
    A.scale(2);
    expect(P.isStale(A)).toBe(true);
    const before = rt.stats();
    P.refactor(A);
    // the numeric refactorization allocates nothing (ILUT: its work rows are freed again)
    expect(rt.stats()).toEqual(before);
    expect(P.isStale(A)).toBe(false);
    const r = randomVector(A.rows, 4);
    const fresh = build(A);
    expect(Array.from(applyJs(P, r))).toEqual(Array.from(applyJs(fresh, r)));
    fresh.dispose();
    // new values, same pattern: a perturbed SPD matrix (diagonally dominant, so every kind works)
    const rnd = rng(5);
    const vals = A.values.slice();
    const rp = A.rowPtr, ci = A.colIdx;
    for (let i = 0; i < A.rows; i++) for (let p = rp[i]; p < rp[i + 1]; p++) if (ci[p] === i) vals[p] = 10 + rnd();
    A.setValues(vals);
    expect(P.isStale(A)).toBe(true);
    P.refactor(A);
    expect(P.isStale(A)).toBe(false);
    const fresh2 = build(A);
    expect(Array.from(applyJs(P, r))).toEqual(Array.from(applyJs(fresh2, r)));
    // a clone shares the pattern: refactor works on it too
    const C = A.clone().scale(0.5);
    P.refactor(C);
    expect(P.isStale(C)).toBe(false);
    expect(P.isStale(A)).toBe(true);
    for (const o of [fresh2, P, A, C]) o.dispose();
  });

  it('refactor with another pattern throws; dispose frees everything; use after dispose throws', () => {
    const A = poisson2d(6);
    const B = poisson2d(6);
    const other = CsrMatrix.fromCoo(36, 36, [0, 1, 2], [0, 1, 2], [1, 1, 1]);
    const before = rt.stats().liveAllocations;
    const P = build(A);
    expect(rt.stats().liveAllocations).toBeGreaterThan(before);
    expect(B.patternId).not.toBe(A.patternId); // same pattern, but not known to be: a new analysis is needed
    expect(() => P.refactor(B)).toThrow(StalePreconditionerError);
    expect(() => P.update(other)).toThrow(PatternMismatchError); // the precise class (a StalePreconditionerError)
    P.dispose();
    P.dispose(); // idempotent
    expect(rt.stats().liveAllocations).toBe(before);
    expect(() => applyJs(P, new Float64Array(36))).toThrow(DisposedError);
    expect(() => P.refactor(A)).toThrow(DisposedError);
    for (const o of [A, B, other]) o.dispose();
  });

  it('n = 0 and n = 1', () => {
    const Z = CsrMatrix.fromCoo(0, 0, [], [], []);
    const P0 = build(Z);
    expect(P0.n).toBe(0);
    expect(applyJs(P0, []).length).toBe(0);
    const O = CsrMatrix.fromCoo(1, 1, [0], [0], [4]);
    const P1 = build(O);
    const z = applyJs(P1, [2]);
    // IC/ILU: 2/4; SSOR: omega(2-omega) * 2/4 ... over omega(2-omega)... = 2/4 * omega(2 - omega)
    const expected = name === 'ssor' ? 0.5 * 1.3 * 0.7 : 0.5;
    expect(z[0]).toBeCloseTo(expected, 15);
    for (const o of [P0, Z, P1, O]) o.dispose();
  });

  it('rejects a non-square matrix and unknown options', () => {
    const R = CsrMatrix.fromCoo(2, 3, [0], [0], [1]);
    expect(() => build(R)).toThrow(InvalidArgumentError);
    R.dispose();
  });
});

describe('options', () => {
  it('unknown keys and bad pivot policies are rejected', () => {
    const A = poisson2d(3);
    expect(() => new Ic0Preconditioner(A, { omega: 1 } as never)).toThrow(/ic0: unknown option "omega"/);
    expect(() => new Ilu0Preconditioner(A, { pivot: 'ignore' as never })).toThrow(/pivot must be 'shift' or 'error'/);
    expect(() => new SsorPreconditioner(A, { maxFill: 3 } as never)).toThrow(InvalidArgumentError);
    A.dispose();
  });
});

// ---------- the scalar build ----------
describe('scalar build', () => {
  it('IC(0), ILU(0), ILUT and SSOR give the same results as the SIMD build', async () => {
    const scalar = await createRuntime({ build: 'scalar', initialMemoryMiB: 32 });
    const D = randomSpd(30, 0.2, 51);
    const A = fromDense(D), As = fromDense(D, scalar);
    const r = randomVector(30, 6);
    for (const make of [
      (M: CsrMatrix) => new Ic0Preconditioner(M),
      (M: CsrMatrix) => new Ilu0Preconditioner(M),
      (M: CsrMatrix) => new IlutPreconditioner(M),
      (M: CsrMatrix) => new SsorPreconditioner(M),
    ]) {
      const P = make(A), Q = make(As);
      expect(Array.from(applyJs(Q, r))).toEqual(Array.from(applyJs(P, r)));
      P.dispose();
      Q.dispose();
    }
    A.dispose();
    As.dispose();
    expect(scalar.stats().liveAllocations).toBe(0);
  });
});

// ---------- real matrices ----------
/** Preconditioned CG in plain JS over the wasm apply: iterations to ||r|| <= tol ||b||. */
function pcgIterations(A: CsrMatrix, P: Preconditioner | undefined, tol: number, maxIt: number): number {
  const n = A.rows;
  const b = A.multiply(new Float64Array(n).fill(1));
  const x = new Float64Array(n), r = b.slice();
  const bn = Math.hypot(...b);
  let z = P ? applyJs(P, r) : r.slice();
  const p = z.slice();
  let rz = r.reduce((s, v, i) => s + v * z[i], 0);
  for (let it = 1; it <= maxIt; it++) {
    const q = A.multiply(p);
    const alpha = rz / p.reduce((s, v, i) => s + v * q[i], 0);
    for (let i = 0; i < n; i++) { x[i] += alpha * p[i]; r[i] -= alpha * q[i]; }
    if (Math.hypot(...r) <= tol * bn) return it;
    z = P ? applyJs(P, r) : r.slice();
    const rz1 = r.reduce((s, v, i) => s + v * z[i], 0);
    const beta = rz1 / rz;
    rz = rz1;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }
  return maxIt + 1;
}

describe('real matrices', () => {
  for (const f of ['bcsstk01', '1138_bus', 'bcsstk13', 'gr_30_30']) {
    it(`${f}: IC(0) has finite factors and makes CG converge faster`, async () => {
      const { matrix: A } = await readMatrix(matrixPath(`${f}.mtx`));
      const P = new Ic0Preconditioner(A);
      const L = P.getFactors().L;
      expect(allFinite(L)).toBe(true);
      expect(P.info.nnz).toBe((A.nnz + A.rows) / 2);
      // the shift is 0 exactly when nothing broke down, else the restarts' doubling of 1e-3
      const { shift, restarts, firstBadPivotRow } = P.info;
      if (restarts === 0) expect([shift, firstBadPivotRow]).toEqual([0, -1]);
      else { expect(shift).toBe(1e-3 * 2 ** (restarts - 1)); expect(firstBadPivotRow).toBeGreaterThanOrEqual(0); }
      // and L L^T equals A + shift diag(|A|) on the lower pattern (IC(0)'s defining property)
      expect(ic0PatternError(A, L, shift)).toBeLessThanOrEqual(1e-10);
      const withIc = pcgIterations(A, P, 1e-8, 5 * A.rows);
      const plain = pcgIterations(A, undefined, 1e-8, 5 * A.rows);
      expect(withIc).toBeLessThan(plain);
      const S = new SsorPreconditioner(A);
      expect(S.symmetric).toBe(true);
      expect(pcgIterations(A, S, 1e-8, 5 * A.rows)).toBeLessThan(plain);
      P.dispose();
      S.dispose();
      A.dispose();
    });
  }

  for (const f of ['west0479', 'orsirr_1', 'bayer10', 'sherman5', 'impcol_a']) {
    it(`${f}: ILU(0) and ILUT give finite factors and info under 'shift', a typed error under 'error' when a pivot is bad`, async () => {
      const { matrix: A } = await readMatrix(matrixPath(`${f}.mtx`));
      for (const P of [new Ilu0Preconditioner(A), new IlutPreconditioner(A)]) {
        const { L, U } = P.getFactors();
        expect(allFinite(L) && allFinite(U)).toBe(true);
        const shifted = P.info.shiftedPivots;
        if (P.name === 'ilu0') {
          // (L U)_ij = a_ij on the pattern, except the diagonal of exactly the shifted rows
          const { offPattern, changedDiagonals } = ilu0PatternCheck(A, L, U);
          expect(offPattern).toBeLessThanOrEqual(1e-10);
          expect(changedDiagonals.length).toBe(shifted);
          expect(P.info.firstShiftedRow).toBe(shifted === 0 ? -1 : changedDiagonals[0]);
        } else if (shifted === 0) {
          expect(P.info.firstShiftedRow).toBe(-1);
        } else {
          expect(P.info.firstShiftedRow).toBeGreaterThanOrEqual(0);
          expect(P.info.firstShiftedRow).toBeLessThan(A.rows);
        }
        const z = applyJs(P, randomVector(A.rows, 1));
        expect(z.every(Number.isFinite)).toBe(true);
        const strict = P.name === 'ilu0' ? () => new Ilu0Preconditioner(A, { pivot: 'error' }) : () => new IlutPreconditioner(A, { pivot: 'error' });
        if (shifted > 0) {
          const row = P.info.firstShiftedRow as number;
          expect(strict).toThrow(expect.objectContaining({ row, name: 'FactorizationError' }));
        } else {
          // nothing was shifted: the strict policy gives the very same factors
          const S = strict();
          expect(S.getFactors()).toEqual(P.getFactors());
          S.dispose();
        }
        P.dispose();
      }
      A.dispose();
    });
  }

  it('west0479 (471 diagonals missing) needs shifted pivots in ILU(0)', async () => {
    const { matrix: A } = await readMatrix(matrixPath('west0479.mtx'));
    const P = new Ilu0Preconditioner(A);
    expect(P.info.missingDiagonals).toBe(471);
    expect(P.info.shiftedPivots as number).toBeGreaterThan(0);
    P.dispose();
    A.dispose();
  });

  it('poisson2d k = 100: PCG + IC(0) takes the iterations PETSc PCG + ICC(0) takes (78, anchors/native)', () => {
    const A = poisson2d(100);
    const P = new Ic0Preconditioner(A);
    const its = pcgIterations(A, P, 1e-8, 1000);
    expect(Math.abs(its - 78)).toBeLessThanOrEqual(1);
    P.dispose();
    A.dispose();
  });

  it('sherman1 (negative definite): IC(0) shifts or errors; on -A it needs no shift', async () => {
    const { matrix: A } = await readMatrix(matrixPath('sherman1.mtx'));
    expect(() => new Ic0Preconditioner(A, { pivot: 'error' })).toThrow(expect.objectContaining({ row: 0 }));
    A.scale(-1);
    const P = new Ic0Preconditioner(A, { pivot: 'error' });
    expect(P.info.shift).toBe(0);
    expect(pcgIterations(A, P, 1e-8, 5000)).toBeLessThan(pcgIterations(A, undefined, 1e-8, 5000));
    P.dispose();
    A.dispose();
  });
});
