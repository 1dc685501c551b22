import { describe, expect, it } from 'vitest';
import { eig, harmonicRitz, qrDrop } from '../src/solvers/dense.js';

/** deterministic pseudo-random numbers in [-0.5, 0.5) */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

/** max over eigenpairs of ||A v - lambda v|| (A column-major) */
function eigResidual(A: Float64Array, n: number, e: ReturnType<typeof eig>): number {
  let worst = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let sr = 0, si = 0;
      for (let l = 0; l < n; l++) {
        sr += A[i + l * n] * e.vr[l + j * n];
        si += A[i + l * n] * e.vi[l + j * n];
      }
      sr -= e.re[j] * e.vr[i + j * n] - e.im[j] * e.vi[i + j * n];
      si -= e.re[j] * e.vi[i + j * n] + e.im[j] * e.vr[i + j * n];
      worst = Math.max(worst, Math.hypot(sr, si));
    }
  }
  return worst;
}

describe('dense eigensolver', () => {
  it('finds the known eigenvalues of a companion matrix (real and complex roots)', () => {
    // roots 1, 2, -3, 1 +- 2i: p(x) = (x-1)(x-2)(x+3)(x^2 - 2x + 5)
    const roots = [[1, 0], [2, 0], [-3, 0], [1, 2], [1, -2]];
    let p = [1]; // coefficients, highest first, real polynomial
    const mul = (a: number[], b: number[]) => {
      const c = new Array(a.length + b.length - 1).fill(0);
      a.forEach((x, i) => b.forEach((y, j) => (c[i + j] += x * y)));
      return c;
    };
    p = mul(mul(mul(mul(p, [1, -1]), [1, -2]), [1, 3]), [1, -2, 5]);
    const n = 5;
    const A = new Float64Array(n * n);
    for (let j = 0; j < n; j++) A[0 + j * n] = -p[j + 1];
    for (let i = 1; i < n; i++) A[i + (i - 1) * n] = 1;
    const e = eig(A, n);
    const got = Array.from(e.re, (r, i) => [r, e.im[i]]);
    for (const [r, i] of roots) {
      const d = Math.min(...got.map(([a, b]) => Math.hypot(a - r, b - i)));
      expect(d).toBeLessThan(1e-10);
    }
    expect(eigResidual(A, n, e)).toBeLessThan(1e-10);
  });

  it('gives eigenpairs with small residuals on random nonsymmetric matrices (sizes 1..60)', () => {
    for (const n of [1, 2, 3, 7, 20, 41, 60]) {
      const r = rng(n);
      const A = new Float64Array(n * n).map(() => r());
      const e = eig(A, n);
      expect(eigResidual(A, n, e)).toBeLessThan(1e-11 * n);
      let trace = 0, sum = 0, sumIm = 0;
      for (let i = 0; i < n; i++) {
        trace += A[i + i * n];
        sum += e.re[i];
        sumIm += e.im[i];
      }
      expect(Math.abs(trace - sum)).toBeLessThan(1e-11 * n);
      expect(Math.abs(sumIm)).toBeLessThan(1e-11 * n);
    }
  });

  it('handles a rotation (a pure complex pair), a diagonal and a Jordan-like block', () => {
    const rot = Float64Array.from([0, 1, -1, 0]); // column-major [[0,-1],[1,0]]: eigenvalues +-i
    const e = eig(rot, 2);
    expect([...e.im].map(Math.abs)).toEqual([expect.closeTo(1, 12), expect.closeTo(1, 12)]);
    expect(eigResidual(rot, 2, e)).toBeLessThan(1e-14);
    const d = new Float64Array(9);
    [3, -1, 2].forEach((v, i) => (d[i + 3 * i] = v));
    expect([...eig(d, 3).re].sort((a, b) => a - b)).toEqual([-1, 2, 3]);
    const j = Float64Array.from([2, 0, 1, 2]); // [[2,1],[0,2]]: defective
    const ej = eig(j, 2);
    expect([...ej.re]).toEqual([expect.closeTo(2, 12), expect.closeTo(2, 12)]);
  });

  it('qrDrop keeps independent columns and drops dependent ones', () => {
    // columns a, 2a, b
    const A = Float64Array.from([1, 2, 3, 2, 4, 6, 0, 1, 0]);
    const { Q, R, kept } = qrDrop(A, 3, 3, 1e-12);
    expect(kept).toEqual([0, 2]);
    // Q R = A[:, kept]
    for (const [c, j] of kept.entries()) {
      for (let i = 0; i < 3; i++) {
        let s = 0;
        for (let l = 0; l <= c; l++) s += Q[i + l * 3] * R[l + c * 2];
        expect(s).toBeCloseTo(A[i + j * 3], 13);
      }
    }
  });
});
