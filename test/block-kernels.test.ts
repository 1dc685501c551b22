// Block kernels of assembly/block.ts against plain TypeScript references, in both builds, at
// lengths that exercise every SIMD tail and chunk boundary (chunks are 16384 rows) and at column
// counts that exercise the 4-column blocks and their remainders.
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
function fillRandom(a: Float64Array | Float32Array, seed: number): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
}

const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 33, 255, 257, 1001, 16384, 16390];
const ks = [0, 1, 2, 3, 4, 5, 6, 7, 9];
const EPS = 2 ** -52;

/** wasm buffers for one case; `views()` re-derives views (memory may have grown) */
function setup(rt: SparseRuntime, n: number, k: number, seed: number) {
  const W = rt.alloc(n * k * 8), W32 = rt.alloc(n * k * 4), v = rt.alloc(n * 8), y = rt.alloc((k + 1) * 8), out = rt.alloc((k + 1) * 8);
  const views = () => ({
    W: rt.f64(W, n * k), W32: new Float32Array(rt.memory.buffer, W32, n * k), v: rt.f64(v, n), y: rt.f64(y, k + 1), out: rt.f64(out, k + 1),
  });
  const w = views();
  fillRandom(w.W, seed);
  fillRandom(w.v, seed + 1);
  fillRandom(w.y, seed + 2);
  // a sentinel past the k outputs: the kernels write exactly k values
  w.out[k] = 12345;
  return { ptr: { W, W32, v, y, out }, views, free: () => [W, W32, v, y, out].forEach((p) => rt.free(p)) };
}

/** reference W^T v with the bound sum |W_ij v_i| for each column */
function refDots(W: ArrayLike<number>, n: number, k: number, v: ArrayLike<number>) {
  const s: number[] = [], a: number[] = [];
  for (let j = 0; j < k; j++) {
    let t = 0, m = 0;
    for (let i = 0; i < n; i++) { t += W[j * n + i] * v[i]; m += Math.abs(W[j * n + i] * v[i]); }
    s.push(t); a.push(m);
  }
  return { s, a };
}
/** reference v - C y with per-entry bounds */
function refAxpy(C: ArrayLike<number>, n: number, k: number, y: ArrayLike<number>, v: ArrayLike<number>) {
  const r = Float64Array.from(v), a = Float64Array.from(v, Math.abs);
  for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) { r[i] -= y[j] * C[j * n + i]; a[i] += Math.abs(y[j] * C[j * n + i]); }
  return { r, a };
}
const sumsq = (v: ArrayLike<number>) => { let s = 0; for (let i = 0; i < v.length; i++) s += v[i] * v[i]; return s; };
// error bounds: (n + k + 8) eps times the sum of absolute terms covers any summation order
// (expect only on failure: the loops check millions of entries)
const close = (got: number, want: number, bound: number, terms: number, what: string) => {
  if (!(Math.abs(got - want) <= (terms + 8) * EPS * bound + 1e-300)) expect.fail(`${what}: got ${got}, want ${want} (bound ${bound})`);
};

describe.each([['SIMD', () => simd], ['scalar', () => scalar]] as const)('block kernels, %s build', (label, getRt) => {
  it('runs the build it names', () => {
    expect(getRt().simd).toBe(label === 'SIMD');
  });

  it('multiDot: W^T v and v . v', () => {
    const rt = getRt(), kk = rt.kernels;
    for (const n of lengths) for (const k of ks) {
      const c = setup(rt, n, k, 7 * n + k);
      const before = c.views();
      const { s, a } = refDots(before.W, n, k, before.v);
      const vv = Float64Array.from(before.v);
      const ss = kk.multiDot(c.ptr.W, k, n, c.ptr.v, c.ptr.out);
      const w = c.views();
      for (let j = 0; j < k; j++) close(w.out[j], s[j], a[j], n, `n=${n} k=${k} j=${j}`);
      expect(w.out[k], 'sentinel').toBe(12345);
      close(ss, sumsq(vv), sumsq(vv), n, `sumsq n=${n}`);
      for (let i = 0; i < n; i++) if (w.v[i] !== vv[i]) expect.fail(`multiDot wrote v[${i}]`); // v is only read
      c.free();
    }
  });

  it('multiAxpy and multiAxpySumsq: v -= C y (and the new v . v)', () => {
    const rt = getRt(), kk = rt.kernels;
    for (const n of lengths) for (const k of ks) for (const withNorm of [false, true]) {
      const c = setup(rt, n, k, 11 * n + k + (withNorm ? 1 : 0));
      const before = c.views();
      const { r, a } = refAxpy(before.W, n, k, before.y, before.v);
      const ss = withNorm ? kk.multiAxpySumsq(c.ptr.W, k, n, c.ptr.y, c.ptr.v) : kk.multiAxpy(c.ptr.W, k, n, c.ptr.y, c.ptr.v);
      const w = c.views();
      for (let i = 0; i < n; i++) close(w.v[i], r[i], a[i], k, `n=${n} k=${k} i=${i}`);
      if (withNorm) close(ss as number, sumsq(w.v), sumsq(w.v), n, `sumsq n=${n} k=${k}`);
      else expect(ss).toBeUndefined();
      c.free();
    }
  });

  it('multiAxpyDot: w -= V y, then V^T w and w . w of the new w', () => {
    const rt = getRt(), kk = rt.kernels;
    for (const n of lengths) for (const k of ks) {
      const c = setup(rt, n, k, 13 * n + k);
      const before = c.views();
      const W = Float64Array.from(before.W);
      const { r, a } = refAxpy(W, n, k, before.y, before.v);
      const ss = kk.multiAxpyDot(c.ptr.W, k, n, c.ptr.y, c.ptr.v, c.ptr.out);
      const w = c.views();
      for (let i = 0; i < n; i++) close(w.v[i], r[i], a[i], k, `w n=${n} k=${k} i=${i}`);
      // the dots are of the w the kernel produced (its own rounding), so compare with that w
      const d = refDots(W, n, k, w.v);
      for (let j = 0; j < k; j++) close(w.out[j], d.s[j], d.a[j], n, `dot n=${n} k=${k} j=${j}`);
      expect(w.out[k], 'sentinel').toBe(12345);
      close(ss, sumsq(w.v), sumsq(w.v), n, `sumsq n=${n} k=${k}`);
      c.free();
    }
  });

  it('f32 storage: demoteF64/promoteF32 round exactly as Math.fround; the F32 kernels compute in f64 on the stored values', () => {
    const rt = getRt(), kk = rt.kernels;
    for (const n of lengths) for (const k of ks) {
      const c = setup(rt, n, k, 17 * n + k);
      kk.demoteF64(n * k, c.ptr.W, c.ptr.W32);
      let w = c.views();
      const stored = Float64Array.from(w.W, Math.fround);
      for (let i = 0; i < stored.length; i++) if (w.W32[i] !== stored[i]) expect.fail(`demote n=${n} k=${k} i=${i}`);
      // promoted back into W: exact
      kk.promoteF32(n * k, c.ptr.W32, c.ptr.W);
      w = c.views();
      for (let i = 0; i < stored.length; i++) if (w.W[i] !== stored[i]) expect.fail(`promote n=${n} k=${k} i=${i}`);
      const v0 = Float64Array.from(w.v);
      const { s, a } = refDots(stored, n, k, v0);
      const ss = kk.multiDotF32(c.ptr.W32, k, n, c.ptr.v, c.ptr.out);
      w = c.views();
      for (let j = 0; j < k; j++) close(w.out[j], s[j], a[j], n, `dotF32 n=${n} k=${k} j=${j}`);
      close(ss, sumsq(v0), sumsq(v0), n, 'sumsq');
      const ref = refAxpy(stored, n, k, w.y, v0);
      kk.multiAxpyF32(c.ptr.W32, k, n, c.ptr.y, c.ptr.v);
      w = c.views();
      for (let i = 0; i < n; i++) close(w.v[i], ref.r[i], ref.a[i], k, `axpyF32 n=${n} k=${k} i=${i}`);
      const ref2 = refAxpy(stored, n, k, w.y, Float64Array.from(w.v));
      const ss2 = kk.multiAxpySumsqF32(c.ptr.W32, k, n, c.ptr.y, c.ptr.v);
      w = c.views();
      for (let i = 0; i < n; i++) close(w.v[i], ref2.r[i], ref2.a[i], k, `axpySumsqF32 n=${n} k=${k} i=${i}`);
      close(ss2, sumsq(w.v), sumsq(w.v), n, 'sumsqF32');
      c.free();
    }
  });

  it('demoteF64 rounds to nearest and saturates to Inf out of the f32 range', () => {
    const rt = getRt(), kk = rt.kernels;
    const vals = [1 + 2 ** -24, 1 + 3 * 2 ** -24, -1e39, 1e39, 1e-46, -0, 3.4028234663852886e38, 0.1, NaN];
    const x = rt.alloc(vals.length * 8), y = rt.alloc(vals.length * 4);
    rt.f64(x, vals.length).set(vals);
    kk.demoteF64(vals.length, x, y);
    const got = Array.from(new Float32Array(rt.memory.buffer, y, vals.length));
    expect(got.map((g) => Object.is(g, -0) ? '-0' : g)).toEqual(vals.map((v) => Object.is(Math.fround(v), -0) ? '-0' : Math.fround(v)));
    rt.free(x); rt.free(y);
  });

  it('leaves nothing allocated', () => {
    const rt = getRt();
    const before = rt.stats().liveAllocations;
    const c = setup(rt, 10, 3, 1);
    c.free();
    expect(rt.stats().liveAllocations).toBe(before);
  });
});
