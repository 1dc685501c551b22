import { beforeAll, describe, expect, it } from 'vitest';
import { init, createRuntime, DenseVector, dot, axpy, scale, copy, norm2, DimensionMismatchError, InvalidArgumentError, type SparseRuntime } from '../src/index.js';
import { randomVector } from './helpers.js';

let simd: SparseRuntime, scalar: SparseRuntime;
beforeAll(async () => {
  simd = await init();
  scalar = await createRuntime({ build: 'scalar', initialMemoryMiB: 64 });
});

const refDot = (x: Float64Array, y: Float64Array) => { let s = 0, a = 0; for (let i = 0; i < x.length; i++) { s += x[i] * y[i]; a += Math.abs(x[i] * y[i]); } return { s, a }; };
/** ||x|| by scaling with max |x_i|: a slow but safe reference */
const refNorm = (x: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] / m) ** 2;
  return m * Math.sqrt(s);
};

describe.each([['SIMD', () => simd], ['scalar', () => scalar]] as const)('BLAS-1, %s build', (_label, getRt) => {
  const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1001, 100_000];
  it('dot, axpy, scale, copy, norm2 match scalar references at every length (SIMD tails included)', () => {
    const rt = getRt();
    for (const n of lengths) {
      const xa = randomVector(n, n + 1), ya = randomVector(n, n + 2);
      const x = DenseVector.from(xa, { runtime: rt }), y = DenseVector.from(ya, { runtime: rt });
      const { s, a } = refDot(xa, ya);
      expect(Math.abs(dot(x, y) - s)).toBeLessThanOrEqual(1e-14 * a + 1e-300);
      expect(Math.abs(norm2(x) - refNorm(xa))).toBeLessThanOrEqual(1e-14 * refNorm(xa) + 1e-300);
      axpy(-0.75, x, y);
      const yd = y.data;
      for (let i = 0; i < n; i++) expect(yd[i]).toBe(ya[i] + -0.75 * xa[i]);
      scale(3, x);
      const xd = x.data;
      for (let i = 0; i < n; i++) expect(xd[i]).toBe(3 * xa[i]);
      copy(x, y);
      expect(Array.from(y.data)).toEqual(Array.from(x.data));
      x.dispose(); y.dispose();
    }
  });

  it('norm2 is safe against overflow and underflow', () => {
    const rt = getRt();
    const cases: number[][] = [
      [1e200, 1e200], [-1e300, 1e300, 1e300], [1e-200, 1e-200], [5e-324, 5e-324, 5e-324], [3e-320, 4e-320],
      [1e308, 1e308], [1e-160, 1e-160, 1e-160, 1e-160, 1e-160], [0, 0, 0], [3, 4], [1e154, 1e154],
    ];
    for (const c of cases) {
      const v = DenseVector.from(c, { runtime: rt });
      const got = norm2(v), want = refNorm(c);
      expect(Number.isFinite(got)).toBe(true);
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-14 * want + 5e-324);
      v.dispose();
    }
    // DenseVector.from refuses non-finite input; written through `data`, NaN and Inf propagate
    const inf = DenseVector.zeros(3, { runtime: rt });
    inf.data.set([1, Infinity, 2]);
    expect(norm2(inf)).toBe(Infinity);
    const nan = DenseVector.zeros(3, { runtime: rt });
    nan.data.set([1, NaN, 1e300]);
    expect(norm2(nan)).toBeNaN();
    inf.dispose(); nan.dispose();
  });
});

describe('BLAS-1 facade', () => {
  it('plain arrays are accepted (copied in and out)', () => {
    expect(dot([1, 2, 3], new Float64Array([4, 5, 6]))).toBe(32);
    expect(norm2([3, 4])).toBe(5);
    const y = new Float64Array([1, 1]);
    expect(Array.from(axpy(2, [1, 2], y))).toEqual([3, 5]);
    const p = [1, 2];
    scale(-1, p);
    expect(p).toEqual([-1, -2]);
    const out = new Float64Array(2);
    copy([7, 8], out);
    expect(Array.from(out)).toEqual([7, 8]);
    const dv = DenseVector.zeros(2);
    copy([9, 10], dv);
    expect(Array.from(dv.toArray())).toEqual([9, 10]);
    dv.dispose();
  });

  it('length mismatches and bad arguments are typed errors', () => {
    expect(() => dot([1, 2], [1])).toThrow(DimensionMismatchError);
    expect(() => axpy(1, [1, 2, 3], [1, 2])).toThrow(/x has length 3, expected 2/);
    expect(() => norm2(null as never)).toThrow(InvalidArgumentError);
    expect(() => DenseVector.zeros(-1)).toThrow(InvalidArgumentError);
    expect(() => DenseVector.zeros(1.5)).toThrow(InvalidArgumentError);
  });
});
