import { describe, expect, it } from 'vitest';
import { eig } from '../src/solvers/dense.js';

// Hard cases for the eigenvalue-only path of eig (a `select` is given): the real double-shift QR.

/** deterministic pseudo-random numbers in [-0.5, 0.5) */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

/** eigenvalues (re, im) by the double-shift path, no vectors */
function values(A: Float64Array, n: number): [number, number][] {
  const e = eig(A, n, () => []);
  return Array.from(e.re, (r, i) => [r, e.im[i]]);
}

/** largest distance when each expected value is matched to the nearest unused computed one */
function mismatch(got: [number, number][], want: [number, number][]): number {
  expect(got.length).toBe(want.length);
  const left = got.slice();
  let worst = 0;
  for (const [a, b] of want) {
    const d = left.map(([x, y]) => Math.hypot(x - a, y - b));
    const i = d.indexOf(Math.min(...d));
    worst = Math.max(worst, d[i]);
    left.splice(i, 1);
  }
  return worst;
}

/** column-major n x n from rows */
function fromRows(rows: number[][]): Float64Array {
  const n = rows.length;
  const A = new Float64Array(n * n);
  rows.forEach((row, i) => row.forEach((v, j) => (A[i + j * n] = v)));
  return A;
}

/** Q T Q^T with Q a product of random Householder reflections (orthogonal: same eigenvalues, same conditioning) */
function similar(T: Float64Array, n: number, seed: number): Float64Array {
  const r = rng(seed);
  const A = T.slice();
  for (let rep = 0; rep < 3; rep++) {
    const v = Array.from({ length: n }, () => r());
    const vv = v.reduce((s, x) => s + x * x, 0);
    // A = P A P, P = I - 2 v v^T / vv
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += v[i] * A[i + j * n];
      for (let i = 0; i < n; i++) A[i + j * n] -= (2 * s / vv) * v[i];
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i + j * n] * v[j];
      for (let j = 0; j < n; j++) A[i + j * n] -= (2 * s / vv) * v[j];
    }
  }
  return A;
}

/** max over the selected eigenpairs of ||A v - lambda v|| / ||A||_max */
function selectedResidual(A: Float64Array, n: number, pick: number[]): number {
  const e = eig(A, n, () => pick);
  const scale = Math.max(...A.map(Math.abs), Number.MIN_VALUE);
  let worst = 0;
  for (const j of pick) {
    for (let i = 0; i < n; i++) {
      let sr = 0, si = 0;
      for (let l = 0; l < n; l++) { sr += A[i + l * n] * e.vr[l + j * n]; si += A[i + l * n] * e.vi[l + j * n]; }
      sr -= e.re[j] * e.vr[i + j * n] - e.im[j] * e.vi[i + j * n];
      si -= e.re[j] * e.vi[i + j * n] + e.im[j] * e.vr[i + j * n];
      worst = Math.max(worst, Math.hypot(sr, si) / scale);
    }
  }
  return worst;
}

describe('eig, eigenvalues by real double-shift QR', () => {
  it('handles 1 x 1, 2 x 2 (real, complex, defective, zero) and the zero matrix', () => {
    expect(values(Float64Array.of(-7.5), 1)).toEqual([[-7.5, 0]]);
    expect(mismatch(values(fromRows([[4, 1], [2, 3]]), 2), [[5, 0], [2, 0]])).toBeLessThan(1e-15);
    expect(mismatch(values(fromRows([[1, -2], [2, 1]]), 2), [[1, 2], [1, -2]])).toBeLessThan(1e-15);
    expect(mismatch(values(fromRows([[2, 1], [0, 2]]), 2), [[2, 0], [2, 0]])).toBe(0);
    expect(values(new Float64Array(4), 2)).toEqual([[0, 0], [0, 0]]);
    for (const n of [3, 5, 40]) expect(mismatch(values(new Float64Array(n * n), n), Array.from({ length: n }, () => [0, 0]))).toBe(0);
  });

  it('gives a conjugate pair as exact conjugates (equal real parts, opposite imaginary parts)', () => {
    const n = 40, r = rng(7);
    const e = eig(new Float64Array(n * n).map(() => r()), n, () => []);
    let pairs = 0;
    for (let j = 0; j < n; j++) {
      if (e.im[j] === 0) continue;
      const k = Array.from(e.im).findIndex((v, i) => i !== j && v === -e.im[j] && e.re[i] === e.re[j]);
      expect(k).toBeGreaterThanOrEqual(0);
      pairs++;
    }
    expect(pairs).toBeGreaterThan(0);
  });

  it('finds repeated eigenvalues (real and complex) of a normal matrix to rounding', () => {
    // blocks [1 2; -2 1] twice (1 +- 2i, each twice), then 3, 3, -1
    const n = 7, T = new Float64Array(n * n);
    for (const b of [0, 2]) { T[b + b * n] = 1; T[b + 1 + (b + 1) * n] = 1; T[b + (b + 1) * n] = 2; T[b + 1 + b * n] = -2; }
    T[4 + 4 * n] = 3; T[5 + 5 * n] = 3; T[6 + 6 * n] = -1;
    const A = similar(T, n, 3);
    expect(mismatch(values(A, n), [[1, 2], [1, -2], [1, 2], [1, -2], [3, 0], [3, 0], [-1, 0]])).toBeLessThan(1e-13);
    expect(selectedResidual(A, n, [0, 3, 6])).toBeLessThan(1e-12);
  });

  it('finds the eigenvalue of a Jordan block and of a defective matrix to the accuracy the conditioning allows', () => {
    // a 6 x 6 Jordan block at 3: a perturbation eps moves the eigenvalues by eps^(1/6) ~ 2.5e-3
    const n = 6, J = new Float64Array(n * n);
    for (let i = 0; i < n; i++) { J[i + i * n] = 3; if (i > 0) J[i - 1 + i * n] = 1; }
    const exact = values(J, n); // already triangular: found exactly
    expect(mismatch(exact, Array.from({ length: n }, () => [3, 0]))).toBe(0);
    const A = similar(J, n, 11);
    const got = values(A, n);
    expect(mismatch(got, Array.from({ length: n }, () => [3, 0]))).toBeLessThan(2e-2);
    // their mean (the trace) is well conditioned
    expect(Math.abs(got.reduce((s, [a]) => s + a, 0) / n - 3)).toBeLessThan(1e-13);
    expect(Math.abs(got.reduce((s, [, b]) => s + b, 0))).toBeLessThan(1e-13);
    // a 2 x 2 Jordan block at 2 next to simple eigenvalues 5 and -1: the simple ones stay accurate
    const D = fromRows([[2, 1, 0, 0], [0, 2, 0, 0], [0, 0, 5, 0], [0, 0, 0, -1]]);
    const B = similar(D, 4, 5);
    const gb = values(B, 4);
    expect(mismatch(gb, [[2, 0], [2, 0], [5, 0], [-1, 0]])).toBeLessThan(1e-7);
    expect(Math.min(...gb.map(([a, b]) => Math.hypot(a - 5, b)))).toBeLessThan(1e-13);
    expect(Math.min(...gb.map(([a, b]) => Math.hypot(a + 1, b)))).toBeLessThan(1e-13);
  });

  it('converges on cyclic permutations (where the standard shifts stall without exceptional shifts)', () => {
    for (const n of [3, 4, 8, 40]) {
      const P = new Float64Array(n * n);
      for (let i = 0; i < n; i++) P[(i + 1) % n + i * n] = 1;
      const want: [number, number][] = Array.from({ length: n }, (_, k) => [Math.cos(2 * Math.PI * k / n), Math.sin(2 * Math.PI * k / n)]);
      expect(mismatch(values(P, n), want)).toBeLessThan(1e-12);
    }
  });

  it('finds the known roots of a companion matrix', () => {
    // roots 0.5, -4, +-1, 3 +- i, +-2i
    const roots: [number, number][] = [[0.5, 0], [-4, 0], [1, 0], [-1, 0], [3, 1], [3, -1], [0, 2], [0, -2]];
    // polynomial coefficients (highest first) from the real factors
    let p = [1];
    const mul = (a: number[], b: number[]) => {
      const c = new Array(a.length + b.length - 1).fill(0);
      a.forEach((x, i) => b.forEach((y, j) => (c[i + j] += x * y)));
      return c;
    };
    for (const f of [[1, -0.5], [1, 4], [1, 0, -1], [1, -6, 10], [1, 0, 4]]) p = mul(p, f);
    const n = 8, A = new Float64Array(n * n);
    for (let j = 0; j < n; j++) A[0 + j * n] = -p[j + 1];
    for (let i = 1; i < n; i++) A[i + (i - 1) * n] = 1;
    expect(mismatch(values(A, n), roots)).toBeLessThan(1e-10);
    expect(selectedResidual(A, n, [0, 1, 2, 3, 4, 5, 6, 7])).toBeLessThan(1e-11);
  });

  it('scales with tiny and huge entries, and handles a graded matrix', () => {
    const n = 12, r = rng(21);
    const A = new Float64Array(n * n).map(() => r());
    const base = values(A, n);
    for (const s of [1e-150, 1e-300, 1e150, 1e300]) {
      const got = values(A.map((v) => v * s), n);
      expect(mismatch(got.map(([a, b]) => [a / s, b / s] as [number, number]), base)).toBeLessThan(1e-13);
    }
    // D A D^-1 with D = diag(10^(-3i)): entries from 1e-33 to 1e33 (large ones top right), the same
    // eigenvalues. (Graded the other way, large bottom left, both paths lose the small eigenvalues:
    // that needs balancing, which eig does not do.)
    const G = A.map((v, k) => v * 10 ** (-3 * ((k % n) - Math.floor(k / n))));
    expect(mismatch(values(G, n), base)).toBeLessThan(1e-10);
    // a matrix with one huge and otherwise tiny entries
    const H = fromRows([[1e200, 1e-200, 0], [1e-200, 1e-100, 0], [0, 0, -3]]);
    const gh = values(H, 3);
    expect(mismatch(gh.map(([a, b]) => [a / 1e200, b] as [number, number]), [[1, 0], [1e-300, 0], [-3e-200, 0]])).toBeLessThan(1e-15);
    expect(Math.min(...gh.map(([a]) => Math.abs(a + 3)))).toBe(0);
  });

  it('agrees with the complex Schur path on GCRO-DR-like matrices (sizes 10..60), eigenvalues and selected vectors', () => {
    for (const n of [10, 40, 41, 60]) {
      const r = rng(1000 + n);
      // a Hessenberg-like projected operator: dominant diagonal cluster plus a random part
      const A = new Float64Array(n * n).map(() => 0.3 * r());
      for (let i = 0; i < n; i++) A[i + i * n] += 1 + i / n;
      const all = eig(A, n);
      const got = values(A, n);
      expect(mismatch(got, Array.from(all.re, (v, i) => [v, all.im[i]] as [number, number]))).toBeLessThan(1e-12);
      expect(selectedResidual(A, n, [0, 1, 2, n - 1])).toBeLessThan(1e-12);
    }
  });
});
