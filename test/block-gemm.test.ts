// The tall-skinny block products of assembly/block_gemm.ts (GCRO-DR's rebuild of U and C) against
// plain TypeScript references, in both builds, at lengths around the 64-row chunks and the SIMD
// pairs and at column counts around the groups of 4 (gram) and 32 (outputs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, createRuntime, type SparseRuntime } from '../src/index.js';

let simd: SparseRuntime, scalar: SparseRuntime;
beforeAll(async () => {
  simd = await init();
  scalar = await createRuntime({ build: 'scalar', initialMemoryMiB: 64 });
});
afterAll(() => {
  for (const rt of [simd, scalar]) rt.releaseScratch();
});

/** deterministic values in [-1, 1) */
function fillRandom(a: Float64Array, seed: number): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
}

const EPS = 2 ** -52;
const cases: [number, number, number][] = [
  [0, 3, 2], [1, 1, 1], [2, 0, 3], [5, 4, 1], [63, 5, 3], [64, 7, 2], [65, 8, 5], [129, 31, 22], [300, 9, 33], [1001, 41, 11],
];

describe.each([['SIMD', () => simd], ['scalar', () => scalar]] as const)('block products, %s build', (_label, getRt) => {
  it.each(cases)('blockGemm: Y = beta Y + X S, n = %i, p = %i, k = %i', (n, p, k) => {
    const rt = getRt(), kk = rt.kernels;
    for (const beta of [0, 1, -0.5]) {
      const ldS = p + 2;
      const X = rt.alloc(Math.max(8, n * p * 8)), S = rt.alloc(Math.max(8, ldS * k * 8)), Y = rt.alloc((n * k + 1) * 8);
      try {
        const x = rt.f64(X, n * p), s = rt.f64(S, ldS * k), y = rt.f64(Y, n * k + 1);
        fillRandom(x, 1);
        fillRandom(s, 2);
        fillRandom(y, 3);
        // beta = 0 must overwrite: garbage (NaN) in Y must not survive as 0 * NaN
        if (beta === 0) y.fill(NaN, 0, n * k);
        y[n * k] = 12345; // sentinel: exactly n k values written
        const want = new Float64Array(n * k);
        for (let c = 0; c < k; c++) {
          for (let i = 0; i < n; i++) {
            let t = beta === 0 ? 0 : beta * y[i + c * n];
            for (let l = 0; l < p; l++) t += x[i + l * n] * s[l + c * ldS];
            want[i + c * n] = t;
          }
        }
        kk.blockGemm(X, p, n, S, ldS, k, Y, beta);
        const got = rt.f64(Y, n * k + 1);
        for (let i = 0; i < n * k; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(8 * (p + 1) * EPS);
        expect(got[n * k]).toBe(12345);
      } finally {
        rt.free(X); rt.free(S); rt.free(Y);
      }
    }
  });

  it.each(cases)('blockGram: G = X^T Y, n = %i, p = %i, q = %i', (n, p, q) => {
    const rt = getRt(), kk = rt.kernels;
    const ldG = p + 1;
    const X = rt.alloc(Math.max(8, n * p * 8)), Y = rt.alloc(Math.max(8, n * q * 8)), G = rt.alloc((ldG * q + 1) * 8);
    try {
      const x = rt.f64(X, n * p), y = rt.f64(Y, n * q), g = rt.f64(G, ldG * q + 1);
      fillRandom(x, 4);
      fillRandom(y, 5);
      g.fill(777); // the padding row (l = p) of each column is left alone
      kk.blockGram(X, p, Y, q, n, G, ldG);
      const got = rt.f64(G, ldG * q + 1);
      for (let c = 0; c < q; c++) {
        for (let l = 0; l < p; l++) {
          let t = 0;
          for (let i = 0; i < n; i++) t += x[i + l * n] * y[i + c * n];
          expect(Math.abs(got[l + c * ldG] - t)).toBeLessThanOrEqual(4 * (n + 1) * EPS);
        }
        expect(got[p + c * ldG]).toBe(777);
      }
    } finally {
      rt.free(X); rt.free(Y); rt.free(G);
    }
  });

  it('blockGram of a block with itself is its Gram matrix (X and Y may be the same memory)', () => {
    const rt = getRt(), kk = rt.kernels, n = 100, p = 6;
    const X = rt.alloc(n * p * 8), G = rt.alloc(p * p * 8);
    try {
      fillRandom(rt.f64(X, n * p), 9);
      kk.blockGram(X, p, X, p, n, G, p);
      const g = rt.f64(G, p * p);
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) expect(g[a + b * p]).toBeCloseTo(g[b + a * p], 12);
      for (let a = 0; a < p; a++) expect(g[a + a * p]).toBeGreaterThan(0);
    } finally {
      rt.free(X); rt.free(G);
    }
  });
});
