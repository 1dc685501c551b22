// Block classical Gram-Schmidt (src/solvers/orthogonalize.ts): orthogonality of Arnoldi bases
// of an ill-conditioned matrix (eigenvalues 1e-8..1) measured as ||I - V^T V|| in plain
// TypeScript, against the one-pass CGS (which must lose it, or the test would prove nothing) and
// the two-pass MGS kernel GMRES used before; breakdown detection; block QR with rank deficiency.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, createRuntime, type SparseRuntime } from '../src/index.js';
import { BlockGramSchmidt, orthonormalizeBlock, type Reorthogonalization } from '../src/solvers/orthogonalize.js';

let simd: SparseRuntime, scalar: SparseRuntime;
beforeAll(async () => {
  simd = await init();
  scalar = await createRuntime({ build: 'scalar', initialMemoryMiB: 64 });
});

const kernels = (rt: SparseRuntime) => rt.kernels;

function fillRandom(a: Float64Array, seed: number): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
}

/** max_ij |(I - V^T V)_ij| over the first `cols` columns of V (n x cols, column-major) */
function orthLoss(V: Float64Array, n: number, cols: number): number {
  let worst = 0;
  for (let a = 0; a < cols; a++) for (let b = a; b < cols; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += V[a * n + i] * V[b * n + i];
    worst = Math.max(worst, Math.abs((a === b ? 1 : 0) - s));
  }
  return worst;
}

/** an n x c orthonormal block (random, by modified Gram-Schmidt twice in plain TS) */
function orthonormalTs(n: number, c: number, seed: number): Float64Array {
  const Q = new Float64Array(n * c);
  fillRandom(Q, seed);
  for (let j = 0; j < c; j++) for (let pass = 0; pass < 2; pass++) {
    for (let p = 0; p < j; p++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += Q[p * n + i] * Q[j * n + i];
      for (let i = 0; i < n; i++) Q[j * n + i] -= d * Q[p * n + i];
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += Q[j * n + i] ** 2;
    for (let i = 0; i < n; i++) Q[j * n + i] /= Math.sqrt(s);
  }
  return Q;
}

type Scheme = Reorthogonalization | 'mgs2';

/**
 * m Arnoldi steps on a diagonal matrix with eigenvalues 10^(-8 t^0.3), t in [0, 1] (1e-8..1,
 * most of them small: the Krylov vectors align with the few large ones fast), from a random
 * vector. Returns the loss of orthogonality, the second-pass count and the worst Pythagoras defect.
 */
function arnoldi(rt: SparseRuntime, scheme: Scheme, n: number, m: number, seed = 3) {
  const k = kernels(rt);
  const lambda = Float64Array.from({ length: n }, (_, i) => 10 ** (-8 * (i / (n - 1)) ** 0.3));
  const V = rt.alloc(n * (m + 1) * 8), h = rt.alloc((m + 1) * 8), work = rt.alloc((m + 1) * 8);
  const gs = new BlockGramSchmidt(k, n, scheme === 'mgs2' ? 'always' : scheme);
  fillRandom(rt.f64(V, n), seed);
  k.scal(n, 1 / k.nrm2(n, V), V);
  let pyth = 0, cols = m + 1;
  for (let j = 0; j < m; j++) {
    const Vv = rt.f64(V, n * (m + 1));
    for (let i = 0; i < n; i++) Vv[(j + 1) * n + i] = lambda[i] * Vv[j * n + i];
    const w = V + (j + 1) * n * 8;
    let hn: number, before: number;
    if (scheme === 'mgs2') {
      before = k.nrm2(n, w);
      k.orthogonalize(n, j + 1, V, w, h);
      hn = k.nrm2(n, w);
    } else {
      hn = gs.orthogonalize(V, j + 1, w, h, work);
      before = gs.normBefore;
    }
    const hv = rt.f64(h, j + 1);
    let sq = hn * hn;
    for (let i = 0; i <= j; i++) sq += hv[i] * hv[i];
    pyth = Math.max(pyth, Math.abs(Math.sqrt(sq) - before) / before);
    if (!(hn > 1e-12 * before)) { cols = j + 1; break; } // invariant subspace: stop as GMRES would
    k.scal(n, 1 / hn, w);
  }
  const loss = orthLoss(rt.f64(V, n * (m + 1)), n, cols);
  rt.free(V); rt.free(h); rt.free(work);
  return { loss, secondPasses: gs.secondPasses, calls: gs.calls, pyth, cols };
}

describe.each([['SIMD', () => simd], ['scalar', () => scalar]] as const)('block Gram-Schmidt, %s build', (_label, getRt) => {
  it('orthonormalizes a block with singular values 1e-8..1 to rounding (as two-pass MGS does); one-pass CGS cannot', () => {
    const rt = getRt(), k = kernels(rt);
    const n = 500, cols = 12;
    // W = Q1 diag(sigma) Q2^T, Q1 n x cols and Q2 cols x cols orthonormal (random), kappa(W) = 1e8
    const Q1 = orthonormalTs(n, cols, 21), Q2 = orthonormalTs(cols, cols, 22);
    const sigma = Array.from({ length: cols }, (_, i) => 10 ** (-8 * i / (cols - 1)));
    const Wref = new Float64Array(n * cols);
    for (let c = 0; c < cols; c++) for (let q = 0; q < cols; q++) {
      const f = sigma[q] * Q2[q * cols + c];
      for (let i = 0; i < n; i++) Wref[c * n + i] += Q1[q * n + i] * f;
    }
    const W = rt.alloc(n * cols * 8), R = rt.alloc(cols * cols * 8), work = rt.alloc(cols * 8);
    const loss: Record<string, number> = {};
    for (const scheme of ['never', 'selective', 'always', 'mgs2'] as const) {
      rt.f64(W, n * cols).set(Wref);
      if (scheme === 'mgs2') {
        for (let c = 0; c < cols; c++) {
          const w = W + c * n * 8;
          k.orthogonalize(n, c, W, w, R);
          k.scal(n, 1 / k.nrm2(n, w), w);
        }
      } else {
        const res = orthonormalizeBlock(rt, new BlockGramSchmidt(k, n, scheme), W, cols, R, work);
        expect(res.rank, scheme).toBe(cols);
      }
      loss[scheme] = orthLoss(rt.f64(W, n * cols), n, cols);
    }
    // one pass: the loss grows like kappa^2 eps (here O(1)); two passes: like eps
    expect(loss.never).toBeGreaterThan(1e-3);
    for (const s of ['selective', 'always', 'mgs2']) expect(loss[s], s).toBeLessThan(1e-14);
    [W, R, work].forEach((p) => rt.free(p));
  });

  it('keeps an Arnoldi basis of an ill-conditioned matrix (eigenvalues 1e-8..1) orthogonal to rounding', () => {
    const rt = getRt();
    const n = 600, m = 80;
    const one = arnoldi(rt, 'never', n, m);
    const sel = arnoldi(rt, 'selective', n, m);
    const two = arnoldi(rt, 'always', n, m);
    const mgs = arnoldi(rt, 'mgs2', n, m);
    for (const r of [one, sel, two, mgs]) expect(r.cols).toBe(m + 1);
    // one pass already drifts from rounding here; two passes stay at it
    expect(one.loss).toBeGreaterThan(20 * mgs.loss);
    for (const r of [sel, two, mgs]) expect(r.loss).toBeLessThan(1e-14);
    expect(two.secondPasses).toBe(m);
    expect(sel.secondPasses).toBeLessThanOrEqual(m);
    // ||w before||^2 = ||h||^2 + ||w after||^2: what GMRES's breakdown test relies on
    for (const r of [sel, two]) expect(r.pyth).toBeLessThan(1e-13);
  });

  it('h holds V^T w (both passes summed) and w ends orthogonal to V', () => {
    const rt = getRt(), k = kernels(rt);
    for (const [n, j] of [[1, 1], [7, 3], [300, 5], [1001, 9]] as const) {
      for (const scheme of ['selective', 'always'] as const) {
        const V = rt.alloc(n * j * 8), w = rt.alloc(n * 8), h = rt.alloc(j * 8), work = rt.alloc(j * 8);
        const cols = Math.min(j, n);
        rt.f64(V, n * cols).set(orthonormalTs(n, cols, n + j));
        fillRandom(rt.f64(w, n), 99);
        const w0 = Float64Array.from(rt.f64(w, n));
        const gs = new BlockGramSchmidt(k, n, scheme);
        const hn = gs.orthogonalize(V, cols, w, h, work);
        const Vr = rt.f64(V, n * j), wr = rt.f64(w, n), hr = rt.f64(h, cols);
        for (let c = 0; c < cols; c++) {
          let d0 = 0, d1 = 0;
          for (let i = 0; i < n; i++) { d0 += Vr[c * n + i] * w0[i]; d1 += Vr[c * n + i] * wr[i]; }
          expect(Math.abs(hr[c] - d0)).toBeLessThan(1e-14 * Math.sqrt(n));
          expect(Math.abs(d1)).toBeLessThan(1e-14 * Math.sqrt(n));
        }
        let s = 0;
        for (let i = 0; i < n; i++) s += wr[i] ** 2;
        expect(Math.abs(hn - Math.sqrt(s))).toBeLessThanOrEqual(1e-14 * Math.sqrt(s) + 1e-300);
        // a random w of length >> j barely projects on V: the selective test skips the second pass
        if (n >= 300) expect(gs.secondPasses, scheme).toBe(scheme === 'always' ? 1 : 0);
        [V, w, h, work].forEach((p) => rt.free(p));
      }
    }
  });

  it('a w in the span of V leaves a remainder below 1e-12 of ||w|| (what GMRES calls an invariant space)', () => {
    const rt = getRt(), k = kernels(rt);
    const n = 500, j = 6;
    const V = rt.alloc(n * j * 8), w = rt.alloc(n * 8), h = rt.alloc(j * 8), work = rt.alloc(j * 8);
    const Vv = rt.f64(V, n * j);
    Vv.fill(0);
    for (let c = 0; c < j; c++) Vv[c * n + 37 * c] = 1; // unit vectors: orthonormal
    for (const scheme of ['selective', 'always'] as const) {
      const wv = rt.f64(w, n);
      wv.fill(0);
      for (let c = 0; c < j; c++) wv[37 * c] = 1e200 * (c + 1); // huge: the plain sum of squares overflows
      const gs = new BlockGramSchmidt(k, n, scheme);
      const hn = gs.orthogonalize(V, j, w, h, work);
      expect(gs.normBefore).toBeCloseTo(1e200 * Math.sqrt(91), -188);
      expect(hn).toBeLessThanOrEqual(1e-12 * gs.normBefore);
      expect(Array.from(rt.f64(h, j))).toEqual(Array.from({ length: j }, (_, c) => 1e200 * (c + 1)));
      // j = 0: nothing to do, the norm is returned
      expect(gs.orthogonalize(V, 0, w, h, work)).toBe(hn);
    }
    [V, w, h, work].forEach((p) => rt.free(p));
  });

  it('a NaN in w comes back as a NaN norm (the caller reports it), and nothing throws', () => {
    const rt = getRt(), k = kernels(rt);
    const n = 40, j = 3;
    const V = rt.alloc(n * j * 8), w = rt.alloc(n * 8), h = rt.alloc(j * 8), work = rt.alloc(j * 8);
    rt.f64(V, n * j).set(orthonormalTs(n, j, 4));
    for (const scheme of ['selective', 'always', 'never'] as const) {
      fillRandom(rt.f64(w, n), 8);
      rt.f64(w, n)[17] = NaN;
      expect(new BlockGramSchmidt(k, n, scheme).orthogonalize(V, j, w, h, work)).toBeNaN();
    }
    [V, w, h, work].forEach((p) => rt.free(p));
  });

  it('orthonormalizeBlock: R reproduces W, a dependent column is dropped, a NaN column is reported', () => {
    const rt = getRt(), k = kernels(rt);
    const n = 333, cols = 6;
    const W = rt.alloc(n * cols * 8), R = rt.alloc(cols * cols * 8), work = rt.alloc(cols * 8);
    const Wv = rt.f64(W, n * cols);
    fillRandom(Wv, 5);
    for (let i = 0; i < n; i++) Wv[3 * n + i] = Wv[i] - 2 * Wv[n + i]; // column 3 = W0 - 2 W1
    const orig = Float64Array.from(Wv);
    const gs = new BlockGramSchmidt(k, n);
    const res = orthonormalizeBlock(rt, gs, W, cols, R, work);
    expect(res).toEqual({ rank: 5, kept: [0, 1, 2, 4, 5], nonFinite: false });
    const Q = rt.f64(W, n * cols), Rv = rt.f64(R, cols * cols);
    expect(orthLoss(Q, n, 5)).toBeLessThan(1e-14);
    res.kept.forEach((c, p) => {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let q = 0; q <= p; q++) s += Q[q * n + i] * Rv[p * cols + q];
        expect(Math.abs(s - orig[c * n + i])).toBeLessThan(1e-13);
      }
    });
    for (let i = 0; i < n; i++) expect(Q[5 * n + i]).toBe(0);
    // a NaN column
    fillRandom(rt.f64(W, n * cols), 6);
    rt.f64(W, n * cols)[2 * n + 10] = NaN;
    const bad = orthonormalizeBlock(rt, gs, W, 3, R, work);
    expect(bad).toEqual({ rank: 2, kept: [0, 1], nonFinite: true });
    [W, R, work].forEach((p) => rt.free(p));
  });
});
