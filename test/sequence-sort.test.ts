import { describe, expect, it } from 'vitest';
import { init, greedyOrder, solveSequence, fingerprintInto, FINGERPRINT_DIM, diffusion2d, NonFiniteValueError } from '../src/index.js';
import { rng } from './helpers.js';

await init();

/** True when `order` is `truth` or its reverse. */
function sameOrReversed(order: ArrayLike<number>, truth: number[]): boolean {
  const o = Array.from(order);
  return o.join() === truth.join() || o.join() === [...truth].reverse().join();
}

function shuffled(count: number, seed: number): number[] {
  const r = rng(seed), p = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [p[i], p[j]] = [p[j], p[i]]; }
  return p;
}

describe('greedyOrder', () => {
  it('recovers the order of points on a curve from a shuffled copy', () => {
    const count = 40, perm = shuffled(count, 11), dim = 3;
    const pts = new Float64Array(count * dim);
    // parameter t_k = perm[k] on a smooth curve in 3D
    perm.forEach((t, k) => { pts.set([t, Math.sin(t / 10) * 5, 0.01 * t * t], k * dim); });
    const order = greedyOrder(pts, count, dim);
    const truthPositions = Array.from({ length: count }, (_, t) => perm.indexOf(t));
    expect(sameOrReversed(order, truthPositions)).toBe(true);
  });

  it('starts the walk at the end where neighbours are closest', () => {
    // x_t = t + 0.2 t^2 on a slightly bent line: steps grow with t, and the point farthest from
    // the centroid (where the walk starts) is the loose end t = 19, so the walk must be turned
    const count = 20, perm = shuffled(count, 17), dim = 2;
    const pts = new Float64Array(count * dim);
    perm.forEach((t, k) => { pts.set([t + 0.2 * t * t, 0.01 * t * t * t], k * dim); });
    const truth = Array.from({ length: count }, (_, t) => perm.indexOf(t));
    expect(Array.from(greedyOrder(pts, count, dim))).toEqual(truth);
    // the mirror image: now the tight end is the high one
    perm.forEach((t, k) => { const u = count - 1 - t; pts.set([u + 0.2 * u * u, 0.01 * u * u * u], k * dim); });
    expect(Array.from(greedyOrder(pts, count, dim))).toEqual([...truth].reverse());
  });

  it('refuses non-finite coordinates and handles 0 and 1 points', () => {
    expect(() => greedyOrder(new Float64Array([0, NaN]), 2, 1)).toThrow(NonFiniteValueError);
    expect(Array.from(greedyOrder(new Float64Array(0), 0, 4))).toEqual([]);
    expect(Array.from(greedyOrder(new Float64Array([3]), 1, 1))).toEqual([0]);
  });
});

describe('fingerprints', () => {
  it('are linear, so a one-parameter family lies on a line in parameter order', () => {
    const N = 6, n = N * N;
    const base = new Float64Array(n).fill(1), pert = new Float64Array(n);
    const r = rng(2);
    for (let k = 0; k < n; k++) pert[k] = r();
    const fp = (t: number) => {
      const k = base.map((v, i) => v + t * pert[i]);
      const out = new Float64Array(FINGERPRINT_DIM);
      fingerprintInto(diffusion2d(N, k), null, 1, 1, out, 0);
      return out;
    };
    // diffusion2d with k = 1 + t p is not linear in t (harmonic means), so check on the diagonal-free
    // linear part instead: f(a) - f(b) is proportional to (a - b) for the sketch of a linear family
    const A0 = diffusion2d(N, base), A1 = diffusion2d(N, pert);
    const lin = (t: number) => {
      const out = new Float64Array(FINGERPRINT_DIM);
      fingerprintInto({ ...A0, data: A0.data.map((v, p) => v + t * A1.data[p]) }, null, 1, 1, out, 0);
      return out;
    };
    const f0 = lin(0), f1 = lin(1), f3 = lin(3);
    for (let d = 0; d < FINGERPRINT_DIM; d++) expect(f3[d] - f0[d]).toBeCloseTo(3 * (f1[d] - f0[d]), 9);
    expect(fp(0.5).some((v) => v !== 0)).toBe(true);
  });
});

describe('solveSequence sort: greedy', () => {
  const N = 10, count = 16, perm = shuffled(count, 5);
  const zp = new Float64Array(N * N);
  const r = rng(9);
  for (let k = 0; k < zp.length; k++) zp[k] = r() - 0.5;
  // system at input position k has parameter t = perm[k]: log k = 0.15 t zp
  const system = (k: number) => {
    const t = perm[k];
    return { A: diffusion2d(N, zp.map((z) => Math.exp(0.15 * t * z))), b: new Float64Array(N * N).fill(1) };
  };
  const truth = Array.from({ length: count }, (_, t) => perm.indexOf(t));

  it('recovers the parameter order of a shuffled family from fingerprints alone', async () => {
    const res = await solveSequence({ count, load: system }, { method: 'cg', precond: 'ic0', sort: 'greedy' });
    // in the parameter's direction: the walk starts at t = 0 (constant k), where systems change least
    expect(res.order).toEqual(truth);
    expect(res.totals.systems).toBe(count);
    // results stay in input order
    res.results.forEach((x, i) => expect(x!.index).toBe(i));
    expect(res.totals.sortMs).toBeGreaterThan(0);
  });

  it('uses the caller\'s features when given, also for an iterable (collected)', async () => {
    function* gen() { for (let k = 0; k < count; k++) yield system(k); }
    const res = await solveSequence(gen(), { method: 'cg', precond: 'ic0', sort: 'greedy', features: (i) => [perm[i]] });
    expect(sameOrReversed(res.order, truth)).toBe(true);
  });
});
