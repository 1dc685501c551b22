// Test and benchmark sequences of related systems, as plain CSR arrays (no wasm memory: a
// sequence of 10,000 matrices must not pin 10,000 CsrMatrix objects). solveSequence takes these
// arrays directly and copies them into the one matrix it owns.
import { InvalidArgumentError } from '../errors.js';
import type { CsrArrays } from '../factor/triangle.js';

export type { CsrArrays };

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal numbers (Box-Muller) from a seeded uniform generator. */
export function seededNormal(seed: number): () => number {
  const u = seededRandom(seed);
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) { const s = spare; spare = NaN; return s; }
    const a = 1 - u(), b = u();
    const r = Math.sqrt(-2 * Math.log(a));
    spare = r * Math.sin(2 * Math.PI * b);
    return r * Math.cos(2 * Math.PI * b);
  };
}

/**
 * A zero-mean, unit-variance Gaussian random field on an N x N periodic grid: i.i.d. normals
 * smoothed by a Gaussian filter of width `corrLength` cells (radius 4 widths, wrap-around), then
 * centred and scaled by the population standard deviation. Row-major, i = y index (slow).
 */
export function gaussianField(N: number, seed: number, corrLength = 2): Float64Array {
  if (!Number.isInteger(N) || N < 1) throw new InvalidArgumentError(`gaussianField: N must be an integer >= 1, got ${N}`);
  const g = seededNormal(seed);
  const z = new Float64Array(N * N);
  for (let k = 0; k < z.length; k++) z[k] = g();
  const radius = Math.floor(4 * corrLength + 0.5);
  const w = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let d = -radius; d <= radius; d++) sum += (w[d + radius] = Math.exp(-0.5 * (d / corrLength) ** 2));
  for (let d = 0; d < w.length; d++) w[d] /= sum;
  const tmp = new Float64Array(N * N);
  const mod = (a: number) => ((a % N) + N) % N;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let d = -radius; d <= radius; d++) s += w[d + radius] * z[i * N + mod(j + d)];
      tmp[i * N + j] = s;
    }
  }
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let d = -radius; d <= radius; d++) s += w[d + radius] * tmp[mod(i + d) * N + j];
      z[i * N + j] = s;
    }
  }
  let mean = 0;
  for (const v of z) mean += v;
  mean /= z.length;
  let varSum = 0;
  for (let k = 0; k < z.length; k++) { z[k] -= mean; varSum += z[k] * z[k]; }
  const sd = Math.sqrt(varSum / z.length) || 1;
  for (let k = 0; k < z.length; k++) z[k] /= sd;
  return z;
}

/**
 * -div(k grad u) on an N x N interior grid, 5-point stencil, Dirichlet boundary eliminated,
 * unscaled. k is given per node (row-major); an edge between two nodes takes the harmonic mean of
 * their values, an edge to the boundary the node's own value. SPD for positive k.
 */
export function diffusion2d(N: number, k: ArrayLike<number>): CsrArrays {
  const n = N * N;
  if (k.length !== n) throw new InvalidArgumentError(`diffusion2d: k has length ${k.length}, expected ${n}`);
  const h = (a: number, b: number) => (2 * a * b) / (a + b);
  const nnz = 5 * n - 4 * N;
  const indptr = new Int32Array(n + 1), indices = new Int32Array(nnz), data = new Float64Array(nnz);
  let p = 0;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const r = i * N + j, kc = k[r];
      const ks = i > 0 ? h(kc, k[r - N]) : kc;
      const kw = j > 0 ? h(kc, k[r - 1]) : kc;
      const ke = j < N - 1 ? h(kc, k[r + 1]) : kc;
      const kn = i < N - 1 ? h(kc, k[r + N]) : kc;
      if (i > 0) { indices[p] = r - N; data[p++] = -ks; }
      if (j > 0) { indices[p] = r - 1; data[p++] = -kw; }
      indices[p] = r; data[p++] = ks + kw + ke + kn;
      if (j < N - 1) { indices[p] = r + 1; data[p++] = -ke; }
      if (i < N - 1) { indices[p] = r + N; data[p++] = -kn; }
      indptr[r + 1] = p;
    }
  }
  return { rows: n, cols: n, indptr, indices, data };
}

export interface VarcoefOptions {
  /** grid points a side (default 128) */
  N?: number;
  /** systems (default 20) */
  count?: number;
  /** seed of the base field (default 42) and of the perturbation field (default 4242) */
  seed?: number;
  perturbationSeed?: number;
  /** log k = sigma (z_base + step * i * z_pert); defaults 1 and 0.05 */
  sigma?: number;
  step?: number;
}

/**
 * The recycling benchmark's sequence of slowly changing diffusion problems (the definition of
 * the shared anchors' varcoef sequence; the random fields are ours, so matrices are alike in
 * kind, not equal in value): system i is diffusion2d with log k = sigma (z_base + 0.05 i z_pert),
 * z smooth Gaussian fields of correlation length 2 cells; b = ones. Same pattern throughout.
 */
export function varcoefSequence(options: VarcoefOptions = {}): { count: number; load(i: number): { A: CsrArrays; b: Float64Array } } {
  const N = options.N ?? 128, count = options.count ?? 20, sigma = options.sigma ?? 1, step = options.step ?? 0.05;
  const zb = gaussianField(N, options.seed ?? 42);
  const zp = gaussianField(N, options.perturbationSeed ?? 4242);
  const ones = new Float64Array(N * N).fill(1);
  return {
    count,
    load(i: number) {
      if (!Number.isInteger(i) || i < 0 || i >= count) throw new InvalidArgumentError(`varcoefSequence: no system ${i} (count ${count})`);
      const k = new Float64Array(N * N);
      for (let p = 0; p < k.length; p++) k[p] = Math.exp(sigma * (zb[p] + step * i * zp[p]));
      return { A: diffusion2d(N, k), b: ones };
    },
  };
}

/**
 * Upwind convection-diffusion on an N x N grid with wind (cx, cy) (mesh Peclet numbers, scaled
 * by h^2/eps): -Laplace u + w . grad u, first-order upwind in each direction. Nonsymmetric,
 * an M-matrix (ILU(0) is stable on it).
 */
export function convectionDiffusion2d(N: number, wx: number, wy: number): CsrArrays {
  const n = N * N, nnz = 5 * n - 4 * N;
  const indptr = new Int32Array(n + 1), indices = new Int32Array(nnz), data = new Float64Array(nnz);
  // upwind: flow in +x couples to the west neighbour, flow in -x to the east one
  const w = 1 + Math.max(wx, 0), e = 1 + Math.max(-wx, 0), s = 1 + Math.max(wy, 0), no = 1 + Math.max(-wy, 0);
  const diag = w + e + s + no;
  let p = 0;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const r = i * N + j;
      if (i > 0) { indices[p] = r - N; data[p++] = -s; }
      if (j > 0) { indices[p] = r - 1; data[p++] = -w; }
      indices[p] = r; data[p++] = diag;
      if (j < N - 1) { indices[p] = r + 1; data[p++] = -e; }
      if (i < N - 1) { indices[p] = r + N; data[p++] = -no; }
      indptr[r + 1] = p;
    }
  }
  return { rows: n, cols: n, indptr, indices, data };
}

/**
 * A convection-diffusion sequence whose wind of strength `peclet` turns by `turn` of a full circle
 * over `count` systems, starting along +x (system i: angle 2 pi turn i / count); b = ones. With the
 * natural ordering ILU(0) is strong while both wind components are >= 0 (turn <= 1/4) and much
 * weaker for winds against the ordering.
 */
export function rotatingWindSequence(N: number, count: number, peclet = 4, turn = 1): { count: number; load(i: number): { A: CsrArrays; b: Float64Array } } {
  const ones = new Float64Array(N * N).fill(1);
  return {
    count,
    load(i: number) {
      const t = (2 * Math.PI * turn * i) / count;
      return { A: convectionDiffusion2d(N, peclet * Math.cos(t), peclet * Math.sin(t)), b: ones };
    },
  };
}

/**
 * Implicit (backward Euler) heat equation on an N x N grid: (I + dt L) u_{t+1} = u_t with L the
 * unscaled 5-point Laplacian and dt in grid units. Returns the matrix A = I + dt L and the mass
 * matrix action (identity here: b_{t+1} = x_t).
 */
export function heatMatrix(N: number, dt: number): CsrArrays {
  const k = new Float64Array(N * N).fill(dt);
  const L = diffusion2d(N, k);
  // diffusion2d with constant k = dt is dt * Laplacian; add the identity on the diagonal
  for (let r = 0; r < L.rows; r++) {
    for (let p = L.indptr[r]; p < L.indptr[r + 1]; p++) if (L.indices[p] === r) L.data[p] += 1;
  }
  return L;
}

/** An initial heat distribution: a smooth bump plus a seeded random field, finite and nonzero. */
export function heatInitial(N: number, seed = 7): Float64Array {
  const z = gaussianField(N, seed, 3);
  const u = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const x = (j + 1) / (N + 1) - 0.5, y = (i + 1) / (N + 1) - 0.5;
      u[i * N + j] = Math.exp(-40 * (x * x + y * y)) + 0.1 * z[i * N + j];
    }
  }
  return u;
}
